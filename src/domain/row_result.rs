//! What happened to a row: the vocabulary of the results report.
//!
//! `Action` and `Status` are the report's columns; `Code` is our own stable error code for
//! failures that have no code of the API's (documented in the README, so scripts may match them).

use std::fmt;

use serde::{Deserialize, Serialize};

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
}

/// Our own error codes. The API's codes (`10006`, `ERROR_ILLEGAL_ARGUMENT`) are passed through
/// as they are; these cover everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Code {
    /// A required cell is blank.
    MissingField,
    /// A cell breaks its field's rule.
    BadValue,
    /// A cell is needed because of another cell (a forward to Mobile Number needs `mobile`).
    NeedsField,
    /// The number already appears in an earlier row of the file.
    DuplicateNumber,
    /// A rename would land on a number another row uses.
    RenameConflict,
    /// A cell is not valid UTF-8.
    NotUtf8,
    /// The row has more cells than the header has columns.
    ExtraCells,
    /// The row needs an operation the API does not have (adding through yeastar-v1).
    NotSupported,
    /// The PBX has no such extension (Verba's getExtension answered OK without one).
    NotFound,
    /// No user has the login name a row gives (Verba's `userloginname`), or it names another
    /// user than the row's `userid`.
    UnknownUser,
    /// The PBX did not answer within `--timeout`.
    Timeout,
    /// The connection failed or was dropped.
    Connection,
    /// The PBX answered with an HTTP error status.
    HttpStatus,
    /// The PBX's answer could not be read.
    BadResponse,
    /// A SOAP service answered with a fault (its faultstring is in the message).
    SoapFault,
    /// The row was not attempted because the run was stopped.
    Aborted,
    /// The PBX answered with a redirect, which is never followed.
    Redirect,
    /// The TLS handshake failed (certificate not trusted, wrong name, expired).
    Tls,
    /// The file ends inside this row (no line end and too few cells, or an open quote).
    TruncatedRow,
    /// The PBX lists a number that breaks the key's rule; it is not touched.
    BadNumber,
    /// The `--map` mapping cannot fill the row (a template names a blank cell, a value is not
    /// in its value table).
    Mapping,
    /// A bug in pbxbulk ended this row's sending (it panicked); the run went on without it.
    Internal,
}

impl Code {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::MissingField => "MISSING_FIELD",
            Code::BadValue => "BAD_VALUE",
            Code::NeedsField => "NEEDS_FIELD",
            Code::DuplicateNumber => "DUPLICATE_NUMBER",
            Code::RenameConflict => "RENAME_CONFLICT",
            Code::NotUtf8 => "NOT_UTF8",
            Code::ExtraCells => "EXTRA_CELLS",
            Code::NotSupported => "NOT_SUPPORTED",
            Code::NotFound => "NOT_FOUND",
            Code::UnknownUser => "UNKNOWN_USER",
            Code::Timeout => "TIMEOUT",
            Code::Connection => "CONNECTION",
            Code::HttpStatus => "HTTP_STATUS",
            Code::BadResponse => "BAD_RESPONSE",
            Code::SoapFault => "SOAP_FAULT",
            Code::Aborted => "ABORTED",
            Code::Redirect => "REDIRECT",
            Code::Tls => "TLS",
            Code::TruncatedRow => "TRUNCATED_ROW",
            Code::BadNumber => "BAD_NUMBER",
            Code::Mapping => "MAPPING",
            Code::Internal => "INTERNAL",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Add => "add",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::None => "none",
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Ok => "ok",
            Status::Unchanged => "unchanged",
            Status::Invalid => "invalid",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        })
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
}
