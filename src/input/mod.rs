//! Reading the user's spreadsheet: from bytes on disk (or standard input) to one row's cells
//! in the rule table's column order, normalised. Nothing here knows about the PBX.
//!
//! `source` decides once per file what it is (a workbook, or text in some encoding) and
//! spools standard input; `encoding`, `workbook` read each kind; `header` maps the header row
//! (`suggest` for did-you-mean); `normalise` turns values as people type them into the
//! spelling the API takes; `sheet` puts it together, one record at a time.

mod encoding;
mod header;
mod normalise;
mod sheet;
mod source;
mod suggest;
mod workbook;

pub(crate) use encoding::{bom, by_name as encoding_by_name, encode};
pub(crate) use sheet::{Layout, Reading, Sheet, SheetError};
pub(crate) use source::{ReadSettings, Source};
