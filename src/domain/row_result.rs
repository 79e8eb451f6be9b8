//! What happened to a row: the vocabulary of the results report.
//!
//! `Action` and `Status` are the report's columns; `Code` (in `code.rs`) is our own stable
//! error code for failures that have no code of the API's.

use std::fmt;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::code::Code;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    Add,
    Update,
    Delete,
    None,
}

impl Action {
    pub(crate) const ALL: [Action; 4] = [Action::Add, Action::Update, Action::Delete, Action::None];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Ok,
    Unchanged,
    Invalid,
    Failed,
    Skipped,
}

impl Status {
    pub(crate) const ALL: [Status; 5] = [
        Status::Ok,
        Status::Unchanged,
        Status::Invalid,
        Status::Failed,
        Status::Skipped,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unchanged => "unchanged",
            Status::Invalid => "invalid",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

// Each is written as its report spelling (which a report line takes without formatting).
macro_rules! display_as_str {
    ($($kind:ty),*) => {$(
        impl fmt::Display for $kind {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(Action, Status, Code);

/// The message of a row that passed every rule ([`RowResult::valid`]).
pub(crate) const VALID: &str = "valid";

/// The report line of one input row (or of one delete the plan added).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RowResult {
    /// The spreadsheet row number; `None` for deletes of extensions the file does not list.
    pub(crate) row: Option<u64>,
    pub(crate) number: String,
    pub(crate) action: Action,
    pub(crate) status: Status,
    /// The API's own code, or one of ours.
    pub(crate) error_code: String,
    pub(crate) message: String,
    /// The fields the error is about, comma-separated.
    pub(crate) field: String,
    /// The fields sent (or that would be sent), comma-separated.
    pub(crate) changed: String,
    pub(crate) attempts: u32,
    pub(crate) latency_ms: u64,
    /// When the row was finished: its answer came (set in the row's task), or the pipeline
    /// took its decided line. Not in the report or the journal: only this run's page reads it.
    #[serde(skip)]
    pub(crate) finished_at: Option<Instant>,
}

impl RowResult {
    pub(crate) fn new(
        row: Option<u64>,
        number: impl Into<String>,
        action: Action,
        status: Status,
    ) -> Self {
        RowResult {
            row,
            number: number.into(),
            action,
            status,
            error_code: String::new(),
            message: String::new(),
            field: String::new(),
            changed: String::new(),
            attempts: 0,
            latency_ms: 0,
            finished_at: None,
        }
    }

    pub(crate) fn with_error(
        mut self,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.error_code = code.into();
        self.message = message.into();
        self
    }

    /// Adds a note to the message (what reading the row normalised).
    pub(crate) fn add_note(&mut self, note: &str) {
        if note.is_empty() {
            return;
        }
        if !self.message.is_empty() {
            self.message.push_str("; ");
        }
        self.message.push_str(note);
    }

    /// The same, by value.
    #[must_use]
    pub(crate) fn with_note(mut self, note: &str) -> Self {
        self.add_note(note);
        self
    }

    /// A row that passed every rule, when only checking: `action` is what it would do.
    pub(crate) fn valid(
        row: Option<u64>,
        number: impl Into<String>,
        action: Action,
        note: &str,
    ) -> Self {
        RowResult::new(row, number, action, Status::Ok)
            .with_error("", VALID)
            .with_note(note)
    }
}
