//! How a run ended, as a stable word a script can branch on.
//!
//! Exit code 2 alone does not tell "PBX unreachable, try later" from "a safeguard tripped,
//! needs a human" or "the disk is full". Each way a run can end is one [`RunEnd`]: finished
//! (every row fine, or some not), or stopped early for a typed reason that the code that
//! stops it names; the summary (the JSON one included) reports its word.

use std::fmt;

use super::Exit;

/// How a run ended, beyond its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunEnd {
    /// It finished, and every row is ok or unchanged.
    Done,
    /// It finished, but some rows were invalid or failed.
    RowsFailed,
    /// The PBX could not be reached (before or during the run).
    PbxUnreachable,
    /// The PBX refused the credentials.
    LoginRefused,
    /// A safeguard refused the run (the `--max-delete` limit).
    Safeguard,
    /// The command line, a config file or the input file was unusable.
    BadInput,
    /// Something on this machine failed under the run: the disk (full, read-only), the
    /// journal, the report; or the PBX did not make the written changes live (the apply).
    LocalFailure,
    /// Stopped by Ctrl-C or SIGTERM.
    Interrupted,
    /// `apply` refused its plan: the PBX, the input or the plan file is no longer what was
    /// reviewed (or the signature is wrong); nothing was sent.
    StalePlan,
    /// `--verify` read back a written extension that differs from what was sent.
    VerifyMismatch,
}

impl RunEnd {
    #[cfg(test)]
    pub(crate) const ALL: [RunEnd; 10] = [
        RunEnd::Done,
        RunEnd::RowsFailed,
        RunEnd::PbxUnreachable,
        RunEnd::LoginRefused,
        RunEnd::Safeguard,
        RunEnd::BadInput,
        RunEnd::LocalFailure,
        RunEnd::Interrupted,
        RunEnd::StalePlan,
        RunEnd::VerifyMismatch,
    ];

    /// The word scripts match on; listed in docs/REFERENCE.md, never renamed.
    pub(crate) fn word(self) -> &'static str {
        match self {
            RunEnd::Done => "ok",
            RunEnd::RowsFailed => "rows_failed",
            RunEnd::PbxUnreachable => "pbx_unreachable",
            RunEnd::LoginRefused => "login_refused",
            RunEnd::Safeguard => "safeguard",
            RunEnd::BadInput => "bad_input",
            RunEnd::LocalFailure => "local_failure",
            RunEnd::Interrupted => "interrupted",
            RunEnd::StalePlan => "stale_plan",
            RunEnd::VerifyMismatch => "verify_mismatch",
        }
    }

    pub(crate) fn exit(self) -> Exit {
        match self {
            RunEnd::Done => Exit::Ok,
            RunEnd::RowsFailed | RunEnd::VerifyMismatch => Exit::RowsFailed,
            RunEnd::PbxUnreachable
            | RunEnd::LoginRefused
            | RunEnd::Safeguard
            | RunEnd::BadInput
            | RunEnd::LocalFailure
            | RunEnd::Interrupted
            | RunEnd::StalePlan => Exit::Incomplete,
        }
    }

    /// What the last line says of a run that stopped this way: what to do about it.
    pub(crate) fn exit_text(self) -> &'static str {
        match self {
            RunEnd::Done => "finished",
            RunEnd::RowsFailed => "finished; some rows were invalid or failed (see the report)",
            RunEnd::PbxUnreachable => "the PBX could not be reached: try again later",
            RunEnd::LoginRefused => "the PBX refused the credentials: fix them",
            RunEnd::Safeguard => "a safeguard refused the run: it needs a person's decision",
            RunEnd::BadInput => "the command line, a config file or the input is unusable",
            RunEnd::LocalFailure => {
                "a failure on this machine (disk, journal, report) or of the final apply: \
                 fix it, then --resume"
            }
            RunEnd::Interrupted => "stopped by Ctrl-C or SIGTERM: --resume finishes the run",
            RunEnd::StalePlan => {
                "the plan no longer holds (the PBX, the input or the plan changed): plan again"
            }
            RunEnd::VerifyMismatch => {
                "finished, but the PBX does not hold what was written (see the verify column)"
            }
        }
    }
}

impl fmt::Display for RunEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// An error that stopped a run, with the reason it stands for; its message is the one line
/// the user sees.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct Stopped {
    pub(crate) reason: RunEnd,
    pub(crate) message: String,
}

impl Stopped {
    pub(crate) fn new(reason: RunEnd, message: impl Into<String>) -> Stopped {
        Stopped {
            reason,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_scripts_match_on_are_the_documented_ones() {
        let words = RunEnd::ALL.map(RunEnd::word);
        assert_eq!(
            words,
            [
                "ok",
                "rows_failed",
                "pbx_unreachable",
                "login_refused",
                "safeguard",
                "bad_input",
                "local_failure",
                "interrupted",
                "stale_plan",
                "verify_mismatch",
            ]
        );
    }

    #[test]
    fn only_a_finished_run_exits_below_2() {
        assert_eq!(RunEnd::Done.exit(), Exit::Ok);
        assert_eq!(RunEnd::RowsFailed.exit(), Exit::RowsFailed);
        assert_eq!(RunEnd::VerifyMismatch.exit(), Exit::RowsFailed);
        // Every other reason, a new one included, means the run did not finish.
        let finished = [RunEnd::Done, RunEnd::RowsFailed, RunEnd::VerifyMismatch];
        for reason in RunEnd::ALL.into_iter().filter(|r| !finished.contains(r)) {
            assert_eq!(reason.exit(), Exit::Incomplete, "{reason}");
        }
    }
}
