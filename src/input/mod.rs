//! Reading the user's spreadsheet: from bytes on disk (or standard input) to one row's cells
//! in the rule table's column order. Nothing here knows about the PBX.

mod cut_short;
pub(crate) mod mapping;
pub(crate) mod sheet;
pub(crate) mod source;

pub(crate) use mapping::Mapping;
pub(crate) use sheet::{RowCells, Sheet, SheetError};
pub(crate) use source::{Fingerprint, Input};
