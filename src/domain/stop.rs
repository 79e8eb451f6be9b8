//! Why a run ended the way it did, as a stable word a script can branch on.
//!
//! Exit code 2 alone does not tell "PBX unreachable, try later" from "a safeguard tripped,
//! needs a human". Each way a run can stop early is one [`StopReason`]; the code that stops a
//! run names it, typed, and the summary (the JSON one included) reports it.

use std::fmt;

use super::Exit;

/// Why a run ended, beyond its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopReason {
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
    /// Stopped by Ctrl-C or SIGTERM.
    Interrupted,
    /// `apply` refused its plan: the PBX, the input or the plan file is no longer what was
    /// reviewed (or the signature is wrong); nothing was sent.
    StalePlan,
    /// `--verify` read back a written extension that differs from what was sent.
    VerifyMismatch,
}

impl StopReason {
    /// The word scripts match on; listed in docs/REFERENCE.md, never renamed.
    pub(crate) fn word(self) -> &'static str {
        match self {
            StopReason::Done => "ok",
            StopReason::RowsFailed => "rows_failed",
            StopReason::PbxUnreachable => "pbx_unreachable",
            StopReason::LoginRefused => "login_refused",
            StopReason::Safeguard => "safeguard",
            StopReason::BadInput => "bad_input",
            StopReason::Interrupted => "interrupted",
            StopReason::StalePlan => "stale_plan",
            StopReason::VerifyMismatch => "verify_mismatch",
        }
    }

    pub(crate) fn exit(self) -> Exit {
        match self {
            StopReason::Done => Exit::Ok,
            StopReason::RowsFailed | StopReason::VerifyMismatch => Exit::RowsFailed,
            _ => Exit::Incomplete,
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// An error that stopped a run, with the reason it stands for; its message is the one line
/// the user sees.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct Stopped {
    pub(crate) reason: StopReason,
    pub(crate) message: String,
}

impl Stopped {
    pub(crate) fn new(reason: StopReason, message: impl Into<String>) -> Stopped {
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
    fn only_a_finished_run_exits_below_2() {
        assert_eq!(StopReason::Done.exit(), Exit::Ok);
        assert_eq!(StopReason::RowsFailed.exit(), Exit::RowsFailed);
        assert_eq!(StopReason::VerifyMismatch.exit(), Exit::RowsFailed);
        for reason in [
            StopReason::PbxUnreachable,
            StopReason::LoginRefused,
            StopReason::Safeguard,
            StopReason::BadInput,
            StopReason::Interrupted,
            StopReason::StalePlan,
        ] {
            assert_eq!(reason.exit(), Exit::Incomplete, "{reason}");
        }
    }
}
