//! What the planner hands the pipeline for a row that is to be sent: one type for the
//! planner's writes, the leavers' deletes and the prune's, so the pipeline sends what was
//! planned without copying it field by field into a type of its own.

use crate::domain::{Action, Record, Secret};

/// A write to send: an add, an update or a delete.
#[derive(Debug)]
pub(crate) struct RowWrite {
    /// The row of the file; `None` for a delete of an extension the file does not list.
    pub(crate) row: Option<u64>,
    pub(crate) number: String,
    pub(crate) action: Action,
    pub(crate) record: Record,
    /// The fields sent besides the key, comma-separated, for the report.
    pub(crate) changed: String,
    /// Said in the report's message however the row ends: values a conversion dropped,
    /// why a leaver's extension goes.
    pub(crate) note: String,
    /// Secrets generated for this add: to the credentials file once the PBX has taken it.
    pub(crate) secrets: Vec<(&'static str, Secret)>,
}

impl RowWrite {
    /// A delete of `number`: nothing is sent but the number.
    pub(crate) fn delete(row: Option<u64>, number: String, note: String) -> Self {
        RowWrite {
            row,
            number,
            action: Action::Delete,
            record: Record::new(),
            changed: String::new(),
            note,
            secrets: Vec::new(),
        }
    }
}
