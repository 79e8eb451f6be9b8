//! Why a sheet cannot be read at all (one clear line, exit code 2), and the header check of
//! a mapped file, which says it in the same words.

use std::io;

use super::super::header::{Columns, HeaderError, map_header};
use super::super::mapping::{BindError, Bound, Mapping};
use super::super::source::ReadSettings;
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

/// The header check: the API's own columns, or `mapping` bound to the header, or (a header
/// that is not the API's, which one of its vendor's own layouts recognises) that layout bound
/// to it. What is worth saying about it goes to `notices`: the layout recognised, the
/// columns a mapping leaves out.
pub(super) fn check_header(
    name: &str,
    names: &[&str],
    table: &'static Table,
    mapping: Option<&Mapping>,
    settings: &ReadSettings,
    notices: &mut Vec<String>,
) -> Result<(Columns, Option<Bound>), SheetError> {
    let optional = settings.numbers_optional;
    let bound = match mapping {
        Some(mapping) => bind(name, names, table, mapping, optional)?,
        None => match map_header(names, table, optional) {
            Ok(columns) => return Ok((columns, None)),
            Err(error) => {
                let layouts = settings.layouts.iter().copied();
                let Some(layout) = layouts.into_iter().find(|l| l.recognises(names, table)) else {
                    let name = name.to_string();
                    return Err(SheetError::Header { name, error });
                };
                notices.push(format!(
                    "{name}: read as the {} layout ({}; --layout {0})",
                    layout.name, layout.about
                ));
                bind(name, names, table, &layout.mapping(table), optional)?
            }
        },
    };
    if !bound.unused.is_empty() {
        notices.push(format!(
            "{name}: not carried ({} gives them no field): {}",
            bound.origin(),
            bound.unused.join(", ")
        ));
    }
    Ok((Columns::default(), Some(bound)))
}

/// Binds `mapping` to the header: the header check of a mapped file.
fn bind(
    name: &str,
    names: &[&str],
    table: &'static Table,
    mapping: &Mapping,
    key_optional: bool,
) -> Result<Bound, SheetError> {
    mapping
        .bind(names, table, key_optional)
        .map_err(|e| match e {
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
