//! Reading the user's spreadsheet: from bytes on disk (or standard input) to one row's cells
//! in the rule table's column order. Nothing here knows about the PBX.

mod cut_short;
pub(crate) mod sheet;
pub(crate) mod source;

pub(crate) use sheet::{Sheet, SheetError};
pub(crate) use source::{Fingerprint, Input};
