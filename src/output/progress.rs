//! Progress while a run goes: a bar on stderr when it is a terminal; otherwise (cron, pipes,
//! logs) one timestamped line every `--progress-every` seconds, so a redirected long run is
//! never silent.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::domain::Summary;
use crate::pbx::snapshot::ReadProgress;

/// The counts and the input offset of the last row written.
type Latest = Arc<Mutex<(Summary, u64)>>;

pub(crate) struct Progress {
    bar: ProgressBar,
    /// The latest counts (and input offset) for the progress lines, and the ticker thread's
    /// channel (dropping it, with the progress, ends the thread).
    lines: Option<(Latest, mpsc::Sender<()>)>,
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
            let latest = Arc::new(Mutex::new((Summary::default(), 0)));
            let (shown, bar) = (latest.clone(), bar.clone());
            let tx = tick(every, move || {
                let (summary, offset) = shown.lock().expect("progress lock").clone();
                line(&summary, offset, &bar)
            });
            (latest, tx)
        });
        Progress { bar, lines }
    }

    /// A row's line was written: `offset` is how far into the input it ends.
    pub(crate) fn advance(&self, offset: u64, summary: &Summary) {
        self.bar.set_position(offset);
        // Only what is shown is formatted: per row for a bar, per tick for the lines.
        if let Some((latest, _)) = &self.lines {
            *latest.lock().expect("progress lock") = (summary.clone(), offset);
        }
        if !self.bar.is_hidden() {
            self.bar.set_message(counts(summary));
        }
    }

    /// A bar over a count of items, for reading the PBX; a line every `every` when stderr is
    /// not a terminal.
    pub(crate) fn items(what: &str, every: Duration) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()).with_style(
            ProgressStyle::with_template(
                "{bar:30} {pos}/{len} {msg} [{elapsed_precise}, eta {eta}]",
            )
            .expect("valid template"),
        );
        bar.set_message(what.to_string());
        let lines = (!std::io::stderr().is_terminal()).then(|| {
            let (bar, what) = (bar.clone(), what.to_string());
            let tx = tick(every, move || {
                items_line(bar.position(), bar.length(), &what)
            });
            (Arc::new(Mutex::new((Summary::default(), 0))), tx)
        });
        Progress { bar, lines }
    }

    pub(crate) fn set_length(&self, len: u64) {
        if len == 0 {
            // Nothing to read: "0 extensions read", not "0/0".
            let style = ProgressStyle::with_template("{pos} {msg} [{elapsed_precise}]");
            self.bar.set_style(style.expect("valid template"));
        }
        self.bar.set_length(len);
    }

    pub(crate) fn inc(&self, n: u64) {
        self.bar.inc(n);
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `40/100 extensions read`; with nothing to read (or its count not yet known),
/// `0 extensions read`, never `0/0`.
fn items_line(done: u64, of: Option<u64>, what: &str) -> String {
    match of {
        Some(len) if len > 0 => format!("{done}/{len} {what}"),
        _ => format!("{done} {what}"),
    }
}

/// A thread printing `line()` as a timestamped progress line every `every`, until the
/// returned sender is dropped. A thread, not a task: it must tick even while every task waits
/// on the PBX.
fn tick(every: Duration, line: impl Fn() -> String + Send + 'static) -> mpsc::Sender<()> {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(every) {
            eprintln!("{} progress: {}", timestamp(SystemTime::now()), line());
        }
    });
    tx
}

fn counts(summary: &Summary) -> String {
    format!(
        "{} rows: {} ok, {} unchanged, {} invalid, {} failed, {} skipped",
        summary.total(),
        summary.ok,
        summary.unchanged,
        summary.invalid,
        summary.failed,
        summary.skipped
    )
}

/// One progress line: the counts, how far into the file, and the pace so far.
fn line(summary: &Summary, offset: u64, bar: &ProgressBar) -> String {
    let done = match bar.length() {
        Some(len) if len > 0 => format!(" ({}%)", offset.saturating_mul(100) / len),
        _ => String::new(),
    };
    let secs = bar.elapsed().as_secs_f64().max(0.001);
    // The rows this run sent: skipped, invalid and replayed rows took none of its time.
    let rate = summary.sent as f64 / secs;
    format!("{}{done}, {rate:.1} rows sent/s", counts(summary))
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

    fn warn(&self, line: &str) {
        self.bar.suspend(|| eprintln!("pbxbulk: warning: {line}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_directory_reads_as_a_count_not_a_fraction() {
        assert_eq!(
            items_line(0, Some(0), "extensions read"),
            "0 extensions read"
        );
        assert_eq!(items_line(0, None, "extensions read"), "0 extensions read");
        assert_eq!(
            items_line(40, Some(100), "extensions read"),
            "40/100 extensions read"
        );
    }
}
