//! A run's counts by status, and the one rule that turns them into the exit code of the
//! design's contract.

use std::time::Duration;

use super::Status;

/// How a command ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every row ok or unchanged.
    Ok = 0,
    /// The run finished, but some rows were invalid or failed.
    RowsFailed = 1,
    /// Nothing or not everything could be attempted.
    Incomplete = 2,
}

/// Rows by status, and the time they took.
#[derive(Debug, Default, Clone)]
pub(crate) struct Summary {
    pub(crate) ok: u64,
    pub(crate) unchanged: u64,
    pub(crate) invalid: u64,
    pub(crate) failed: u64,
    pub(crate) skipped: u64,
    pub(crate) elapsed: Duration,
    /// Where `--rate auto` settled, requests per second.
    pub(crate) settled_rate: Option<f64>,
}

impl Summary {
    pub(crate) fn add(&mut self, status: Status) {
        *match status {
            Status::Ok => &mut self.ok,
            Status::Unchanged => &mut self.unchanged,
            Status::Invalid => &mut self.invalid,
            Status::Failed => &mut self.failed,
            Status::Skipped => &mut self.skipped,
        } += 1;
    }

    pub(crate) fn total(&self) -> u64 {
        self.ok + self.unchanged + self.invalid + self.failed + self.skipped
    }

    /// One plain line for the end of a run.
    pub(crate) fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mut line = format!(
            "{} rows: {} ok, {} unchanged, {} invalid, {} failed, {} skipped",
            self.total(),
            self.ok,
            self.unchanged,
            self.invalid,
            self.failed,
            self.skipped
        );
        if secs > 0.0 {
            line.push_str(&format!(
                " in {secs:.1}s ({:.1} rows/s)",
                self.total() as f64 / secs
            ));
        }
        if let Some(rate) = self.settled_rate {
            line.push_str(&format!("; --rate auto settled at {rate:.0}/s"));
        }
        line
    }
}

impl Exit {
    /// The exit code of a run with these counts; `stopped` when it ended early.
    pub(crate) fn of(summary: &Summary, stopped: bool) -> Exit {
        if stopped {
            Exit::Incomplete
        } else if summary.failed + summary.invalid > 0 {
            Exit::RowsFailed
        } else {
            Exit::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_rule() {
        let mut summary = Summary::default();
        summary.add(Status::Ok);
        summary.add(Status::Unchanged);
        summary.add(Status::Skipped);
        assert_eq!(Exit::of(&summary, false), Exit::Ok);
        assert_eq!(Exit::of(&summary, true), Exit::Incomplete);
        summary.add(Status::Invalid);
        assert_eq!(Exit::of(&summary, false), Exit::RowsFailed);
        assert_eq!(summary.total(), 4);
    }
}
