//! Progress while a run goes: a bar on stderr when it is a terminal; otherwise (cron, pipes,
//! logs) one timestamped line every `--progress-every` seconds, so a redirected long run is
//! never silent.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::Summary;
use crate::pbx::snapshot::ReadProgress;

pub(crate) struct Progress {
    bar: ProgressBar,
    /// The latest counts for the progress lines, and the ticker thread's channel (dropping it,
    /// with the progress, ends the thread).
    lines: Option<(Arc<Mutex<String>>, mpsc::Sender<()>)>,
}

impl Progress {
    /// A bar over `bytes` of input (the rows' positions in the file), or a spinner when the
    /// size is unknown (standard input); lines every `every` when stderr is not a terminal.
    pub(crate) fn new(bytes: Option<u64>, every: Duration) -> Progress {
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
        let lines = (!std::io::stderr().is_terminal()).then(|| {
            let latest = Arc::new(Mutex::new("0 rows: none finished yet".to_string()));
            let (tx, rx) = mpsc::channel::<()>();
            let shown = latest.clone();
            // A thread, not a task: it must tick even while every task waits on the PBX.
            std::thread::spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
                    let line = shown.lock().expect("progress lock").clone();
                    eprintln!("{} progress: {line}", timestamp(SystemTime::now()));
                }
            });
            (latest, tx)
        });
        Progress { bar, lines }
    }

    pub(crate) fn advance(&self, offset: u64, summary: &Summary) {
        self.bar.set_position(offset);
        let counts = format!(
            "{} rows: {} ok, {} unchanged, {} invalid, {} failed, {} skipped",
            summary.total(),
            summary.ok,
            summary.unchanged,
            summary.invalid,
            summary.failed,
            summary.skipped
        );
        if let Some((latest, _)) = &self.lines {
            let done = match self.bar.length() {
                Some(len) if len > 0 => format!(" ({}%)", offset.saturating_mul(100) / len),
                _ => String::new(),
            };
            let secs = self.bar.elapsed().as_secs_f64().max(0.001);
            #[allow(clippy::cast_precision_loss)] // a rate for people, to one decimal
            let rate = summary.total() as f64 / secs;
            *latest.lock().expect("progress lock") = format!("{counts}{done}, {rate:.1} rows/s");
        }
        self.bar.set_message(counts);
    }

    /// Prints a line for the user without tearing the bar.
    pub(crate) fn printer(&self) -> impl Fn(String) + Clone + Send + 'static {
        let bar = self.bar.clone();
        move |line| bar.suspend(|| eprintln!("{line}"))
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
        Progress { bar, lines: None }
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

/// `2026-12-01T21:40:00Z`: UTC, to the second, for lines a log keeps.
pub(crate) fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

impl ReadProgress for Progress {
    fn set_length(&self, len: u64) {
        Progress::set_length(self, len);
    }

    fn inc(&self, n: u64) {
        Progress::inc(self, n);
    }
}
