//! What the whole file says, read once before any row is planned: every number it names,
//! every `--match` key it holds and in which rows, and the rows a `remove` condition takes
//! out. The prune, the matching and the numbers handed out all need the whole file before
//! the first row is decided: a prune must spare every extension a row names or matches
//! (skipped and invalid rows included), two rows with one key are both in error, and a number
//! named further down the file is never handed out above it.

use std::collections::{HashMap, HashSet};

use crate::input::{RawRow, RowCells, Sheet, SheetError};
use crate::rules::Cells;

/// The file's numbers, keys and leavers.
#[derive(Debug, Default)]
pub(crate) struct Roster {
    /// Every number the file names, as key or as rename target, whatever became of the row.
    pub(crate) named: HashSet<String>,
    /// Every `--match` key (see [`key_of`]) and the rows that hold it.
    pub(crate) keys: HashMap<String, Vec<u64>>,
    /// Rows a `remove` condition holds for: (row, its number, its key).
    pub(crate) removes: Vec<(u64, String, String)>,
}

/// A `--match` value as compared: trimmed, in lower case (an e-mail address is one person
/// in any case).
pub(crate) fn key_of(value: &str) -> String {
    value.trim().to_lowercase()
}

/// The `--match` key a row's `cells` hold in the `--match` field `field` (blank without one).
pub(crate) fn key_in(cells: &Cells<'_>, field: Option<usize>) -> String {
    field.map_or(String::new(), |f| {
        key_of(cells.values.get(f).copied().unwrap_or(""))
    })
}

/// Reads every row of `sheet`; `field` is the `--match` field's position, if any.
pub(crate) fn read(mut sheet: Sheet, field: Option<usize>) -> Result<Roster, SheetError> {
    let table = sheet.table();
    let mut roster = Roster::default();
    let (mut raw, mut mapped) = (RawRow::default(), Vec::new());
    while let Some(row) = sheet.read(&mut raw)? {
        let cells = sheet.row(&raw, &mut mapped, Vec::new());
        let (number, values) = match &cells {
            RowCells::Cells { cells, .. } => (cells.values[table.key_index()], Some(cells)),
            RowCells::Skipped { number, cells, .. }
            | RowCells::Removed { number, cells, .. }
            | RowCells::Invalid { number, cells, .. } => (number.as_str(), Some(cells)),
        };
        let key = values.map_or(String::new(), |cells| key_in(cells, field));
        roster.named.insert(number.to_string());
        if let (Some(rename), Some(values)) = (table.rename, values) {
            roster.named.insert(values.get(table, rename).to_string());
        }
        if let RowCells::Removed { .. } = cells {
            roster.removes.push((row, number.to_string(), key.clone()));
        }
        if !key.is_empty() {
            roster.keys.entry(key).or_default().push(row);
        }
    }
    roster.named.remove("");
    Ok(roster)
}
