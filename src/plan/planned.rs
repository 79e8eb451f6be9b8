//! A row's plan, as the planner hands it on: its final report line, a pass for validation, or
//! the write to send. Its own file so the pieces that plan a row (the planner, the leavers)
//! and those that take plans share it without leaning on one another.

use super::write::RowWrite;
use crate::domain::{Action, RowResult};

/// A row's plan: either its final report line, or what to send.
#[derive(Debug)]
pub(crate) enum Planned {
    /// Boxed: most rows of a big file are sent or valid, and a plan moves once a row.
    Done(Box<RowResult>),
    /// The row passes every rule (when only checking: `Planner::check_only`).
    Valid {
        row: u64,
        number: String,
        action: Action,
        /// What reading normalised, for the row's message.
        note: String,
    },
    /// Boxed too, so that a plan is small enough to move without a call to `memcpy`.
    Send(Box<RowWrite>),
}

impl Planned {
    /// The row and number the plan is for (the row of the file, `None` for none).
    pub(crate) fn row_and_number(&self) -> (Option<u64>, &str) {
        match self {
            Planned::Done(result) => (result.row, &result.number),
            Planned::Valid { row, number, .. } => (Some(*row), number),
            Planned::Send(send) => (send.row, &send.number),
        }
    }
}
