//! Why a sheet cannot be read at all (one clear line, exit code 2), and the header check of
//! a mapped file, which says it in the same words.

use std::io;

use super::super::header::HeaderError;
use super::super::mapping::{BindError, Bound, Mapping};
use super::super::workbook::BookError;
use crate::domain::values::list_some;
use crate::rules::Table;

/// The file as a whole cannot be read: one clear line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SheetError {
    #[error("cannot read {name}: {error}")]
    Io { name: String, error: io::Error },
    #[error("{name} is empty: the first row must name the columns")]
    Empty { name: String },
    #[error(
        "{name}: the first line runs past {} kB without ending; it must name the columns, \
         and no header is that long (is this a CSV file?)",
        limit / 1024
    )]
    HeaderTooLong { name: String, limit: usize },
    #[error("{name}: {error}")]
    Header { name: String, error: HeaderError },
    #[error("{name} {error}")]
    Book { name: String, error: BookError },
    #[error("{origin}{}: {message}", at_line(*.line))]
    Mapping {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{name}: unknown column(s) {unknown}: map them in {origin}, or list them under ignore")]
    UnmappedColumns {
        name: String,
        unknown: String,
        origin: String,
    },
    #[error("{origin} fills no {key}: map the column that holds the extension's number to {key}")]
    MappedNoKey { origin: String, key: &'static str },
    #[error(
        "{name} changed while it was being read; the run stopped. Run again once it is complete"
    )]
    Changed { name: String },
}

/// Unknown columns named in the error line.
const UNKNOWN_LISTED: usize = 20;

fn at_line(line: usize) -> String {
    match line {
        0 => String::new(),
        n => format!(" line {n}"),
    }
}

/// Binds `mapping` to the header: the header check of a mapped file.
pub(super) fn bind(
    name: &str,
    names: &[&str],
    table: &'static Table,
    mapping: &Mapping,
) -> Result<Bound, SheetError> {
    mapping.bind(names, table).map_err(|e| match e {
        BindError::At(at) => SheetError::Mapping {
            origin: mapping.origin.clone(),
            line: at.line,
            message: at.message,
        },
        BindError::Unknown(unknown) => SheetError::UnmappedColumns {
            name: name.to_string(),
            unknown: list_some(&unknown, UNKNOWN_LISTED),
            origin: mapping.origin.clone(),
        },
        BindError::NoKey => SheetError::MappedNoKey {
            origin: mapping.origin.clone(),
            key: table.key,
        },
    })
}
