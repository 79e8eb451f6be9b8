//! The progress bar: on stderr when it is a terminal, silent otherwise (cron, pipes, tests).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::Summary;
use crate::pbx::snapshot::ReadProgress;

pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar over `bytes` of input (the rows' positions in the file), or a spinner when the
    /// size is unknown (standard input).
    pub(crate) fn new(bytes: Option<u64>) -> Progress {
        let bar = match bytes {
            Some(len) => ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
                .with_style(
                    ProgressStyle::with_template(
                        "{bar:30} {percent:>3}% {msg} [{elapsed_precise}, eta {eta}]",
                    )
                    .expect("valid template"),
                ),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
                ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
                    .expect("valid template"),
            ),
        };
        Progress { bar }
    }

    pub(crate) fn advance(&self, offset: u64, summary: &Summary) {
        self.bar.set_position(offset);
        self.bar.set_message(format!(
            "{} rows: {} ok, {} invalid, {} failed",
            summary.total(),
            summary.ok + summary.unchanged,
            summary.invalid,
            summary.failed
        ));
    }

    /// A bar over `count` items, for reading the PBX.
    pub(crate) fn items(what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
            )
            .expect("valid template"),
        );
        bar.set_message(what.to_string());
        Progress { bar }
    }

    pub(crate) fn set_length(&self, len: u64) {
        self.bar.set_length(len);
    }

    pub(crate) fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ReadProgress for Progress {
    fn set_length(&self, len: u64) {
        Progress::set_length(self, len);
    }

    fn inc(&self, n: u64) {
        Progress::inc(self, n);
    }
}
