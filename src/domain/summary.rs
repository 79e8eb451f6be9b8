//! A run's counts by status (and by action × status), and the one rule that turns them into
//! the exit code of the design's contract.

use std::time::Duration;

use super::{Action, RunEnd, Status};

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
    /// Rows by action and status, in the order of [`Action::ALL`] and [`Status::ALL`].
    by_action: [[u64; 5]; 4],
    /// Requests the rows took (every try counts), and how many of them were retries.
    pub(crate) requests: u64,
    pub(crate) retries: u64,
    /// Rows this run sent (a resumed run's replayed rows, and rows skipped, invalid or
    /// unchanged, took no request of it): what a run's rows/s counts.
    pub(crate) sent: u64,
    /// What reading the written extensions back found (`--verify`).
    pub(crate) verify: Option<VerifyCounts>,
}

/// Written rows read back (`--verify`), by what was found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VerifyCounts {
    /// Every field that could be compared holds what was sent.
    pub(crate) verified: u64,
    /// A field differs, or the extension is gone.
    pub(crate) mismatched: u64,
    /// Rows with a secret the PBX does not hand back (counted under one of the two above).
    pub(crate) with_unverifiable: u64,
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

    /// Counts one report line.
    pub(crate) fn add_row(&mut self, action: Action, status: Status, attempts: u32) {
        self.add(status);
        self.by_action[action as usize][status as usize] += 1;
        self.requests += u64::from(attempts);
        self.retries += u64::from(attempts.saturating_sub(1));
    }

    /// Rows with this action and status.
    pub(crate) fn count(&self, action: Action, status: Status) -> u64 {
        self.by_action[action as usize][status as usize]
    }

    /// What a dry run would have done, in one line.
    pub(crate) fn dry_run_line(&self) -> String {
        let would = |action| self.count(action, Status::Skipped);
        format!(
            "dry run: would add {}, update {}, delete {}; nothing was sent",
            would(Action::Add),
            would(Action::Update),
            would(Action::Delete)
        )
    }

    /// Rows read back unlike what was sent.
    pub(crate) fn mismatched(&self) -> u64 {
        self.verify.map_or(0, |v| v.mismatched)
    }

    /// Why a run that was not stopped ended as it did: a mismatch read back first (a loss
    /// the PBX did not report, the one a script most needs to hear of), then rows that
    /// failed or were invalid.
    pub(crate) fn reason(&self) -> RunEnd {
        if self.mismatched() > 0 {
            RunEnd::VerifyMismatch
        } else if self.failed + self.invalid > 0 {
            RunEnd::RowsFailed
        } else {
            RunEnd::Done
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.ok + self.unchanged + self.invalid + self.failed + self.skipped
    }

    /// One plain line for the end of `validate`: what was checked, not what was sent.
    pub(crate) fn checked_line(&self) -> String {
        format!(
            "{}: {} valid, {} invalid, {} skipped{}",
            rows(self.total()),
            self.ok,
            self.invalid,
            self.skipped,
            self.pace(self.total(), "rows/s")
        )
    }

    /// ` in 1.2s (45.0 rows/s)` of `rows`, once any time has passed.
    fn pace(&self, rows: u64, unit: &str) -> String {
        let secs = self.elapsed.as_secs_f64();
        if secs <= 0.0 {
            return String::new();
        }
        let rate = rows as f64 / secs;
        format!(" in {secs:.1}s ({rate:.1} {unit})")
    }

    /// One plain line for the end of a run.
    pub(crate) fn line(&self) -> String {
        let done = |action| self.count(action, Status::Ok);
        let mut line = format!(
            "{}: {} ok ({} added, {} updated, {} deleted), {} unchanged, {} invalid, \
             {} failed, {} skipped",
            rows(self.total()),
            self.ok,
            done(Action::Add),
            done(Action::Update),
            done(Action::Delete),
            self.unchanged,
            self.invalid,
            self.failed,
            self.skipped
        );
        line.push_str(&self.pace(self.sent, "rows sent/s"));
        if let Some(rate) = self.settled_rate {
            line.push_str(&format!("; --rate auto settled at {rate:.0}/s"));
        }
        if let Some(v) = self.verify {
            line.push_str(&format!(
                "; read back: {} verified, {} mismatched",
                v.verified, v.mismatched
            ));
        }
        line
    }
}

/// `1 row`, `2 rows`.
pub(crate) fn rows(n: u64) -> String {
    match n {
        1 => "1 row".to_string(),
        n => format!("{n} rows"),
    }
}

impl Exit {
    /// The exit code of a run with these counts; `stopped` when it ended early.
    pub(crate) fn of(summary: &Summary, stopped: bool) -> Exit {
        if stopped {
            Exit::Incomplete
        } else if summary.failed + summary.invalid + summary.mismatched() > 0 {
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

    #[test]
    fn a_mismatch_read_back_is_exit_1_with_its_own_word() {
        let mut summary = Summary::default();
        summary.add(Status::Ok);
        assert_eq!(summary.reason(), RunEnd::Done);
        summary.verify = Some(VerifyCounts {
            verified: 3,
            mismatched: 1,
            with_unverifiable: 0,
        });
        assert_eq!(Exit::of(&summary, false), Exit::RowsFailed);
        assert_eq!(summary.reason(), RunEnd::VerifyMismatch);
        summary.add(Status::Failed);
        assert_eq!(summary.reason(), RunEnd::VerifyMismatch);
        summary.verify = None;
        assert_eq!(summary.reason(), RunEnd::RowsFailed);
    }

    #[test]
    fn adds_updates_and_deletes_are_counted_apart() {
        let mut summary = Summary::default();
        summary.add_row(Action::Add, Status::Ok, 1);
        summary.add_row(Action::Add, Status::Ok, 3);
        summary.add_row(Action::Update, Status::Ok, 1);
        summary.add_row(Action::Delete, Status::Failed, 2);
        summary.add_row(Action::None, Status::Invalid, 0);
        assert!(
            summary.line().starts_with(
                "5 rows: 3 ok (2 added, 1 updated, 0 deleted), 0 unchanged, 1 invalid, 1 failed"
            ),
            "{}",
            summary.line()
        );
        assert_eq!((summary.requests, summary.retries), (7, 3));
        assert_eq!(summary.count(Action::Delete, Status::Failed), 1);
    }

    #[test]
    fn a_dry_run_says_what_it_would_have_done() {
        let mut summary = Summary::default();
        for action in [Action::Add, Action::Add, Action::Update, Action::Delete] {
            summary.add_row(action, Status::Skipped, 0);
        }
        summary.add_row(Action::None, Status::Unchanged, 0);
        assert_eq!(
            summary.dry_run_line(),
            "dry run: would add 2, update 1, delete 1; nothing was sent"
        );
    }
}
