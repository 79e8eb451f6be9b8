//! Reading the user's spreadsheet: from bytes on disk (or standard input) to one row's cells
//! in the rule table's column order, normalised. Nothing here knows about the PBX.
//!
//! `row_source` is the seam: a [`RowSource`] hands out owned raw rows, its progress and its
//! `--resume` fingerprint, whatever it reads. `pinned` holds the input file for the run
//! (fingerprinted, watched for changes, standard input copied to a private file); `source`
//! decides once per file what it is (a workbook, or text in some encoding); `encoding` and
//! `workbook` read each kind, `rows` makes them row sources; `header` maps the header row (`suggest` for did-you-mean), or `mapping` (`--map`)
//! stands in for it; `normalise` turns values as people type them into the spelling the API
//! takes; `sheet` puts it together, one record at a time.

mod cut_short;
mod encoding;
mod header;
pub(crate) mod layouts;
pub(crate) mod mapping;
mod normalise;
mod pinned;
mod row_source;
mod rows;
mod sheet;
mod source;
mod suggest;
mod workbook;

pub(crate) use encoding::{bom, by_name as encoding_by_name, encode, locale_hint};
pub(crate) use mapping::Mapping;
pub(crate) use pinned::Fingerprint;
#[cfg(test)]
pub(crate) use pinned::Input;
pub(crate) use row_source::{Layout, LineEnd, RawRow};
pub(crate) use sheet::{RowCells, Sheet, SheetError};
pub(crate) use source::{ReadSettings, Source};
pub(crate) use workbook::READER as WORKBOOK_READER;
