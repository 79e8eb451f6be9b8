//! `--mode sync --prune`: deleting the extensions the file does not list, with safeguards,
//! since a wrong file must never empty a PBX.
//!
//! Every number the file names counts as listed, invalid rows included (a typo in a row is no
//! reason to delete that person's extension). Deletes happen only inside `--prune-range`
//! when given, never more than `--max-delete` (default 10% of the directory) unless raised,
//! one number per request (never the API's `all`), each with its own report line.

use std::collections::HashSet;

use anyhow::bail;
use csv::ByteRecord;

use crate::domain::PbxSnapshot;
use crate::input::{Sheet, SheetError, Source};
use crate::rules::Table;

#[derive(Debug, Clone, Default)]
pub(crate) struct PruneSettings {
    /// Inclusive ranges of numbers that may be deleted; empty means any.
    pub(crate) ranges: Vec<(u64, u64)>,
    /// The most deletes allowed; `None` means 10% of the directory.
    pub(crate) max_delete: Option<usize>,
}

/// `1000-1999` → (1000, 1999).
pub(crate) fn parse_range(text: &str) -> Result<(u64, u64), String> {
    let (lo, hi) = text.split_once('-').ok_or("a range looks like 1000-1999")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    let (lo, hi) = (parse(lo)?, parse(hi)?);
    if lo > hi {
        return Err(format!("{lo} is above {hi}"));
    }
    Ok((lo, hi))
}

/// Every number the file names, as key or as rename target, whether the row is valid or not.
/// Numbers are taken as reading normalises them (`1001.0` is 1001), as the rows are planned.
pub(crate) fn listed_numbers(
    source: &Source,
    table: &'static Table,
) -> Result<HashSet<String>, SheetError> {
    let mut sheet = Sheet::open(source, table)?;
    let mut numbers = HashSet::new();
    let mut record = ByteRecord::new();
    while sheet.read(&mut record)?.is_some() {
        let cells = sheet.cells(&record).cells;
        numbers.insert(cells.get(table, table.key).to_string());
        if let Some(rename) = table.rename {
            numbers.insert(cells.get(table, rename).to_string());
        }
    }
    numbers.remove("");
    Ok(numbers)
}

/// The numbers to delete, or why the run must not go ahead.
pub(crate) fn deletes(
    settings: &PruneSettings,
    directory: &PbxSnapshot,
    listed: &HashSet<String>,
) -> anyhow::Result<Vec<String>> {
    let in_range = |n: &str| {
        settings.ranges.is_empty()
            || n.parse::<u64>().is_ok_and(|n| {
                settings
                    .ranges
                    .iter()
                    .any(|(lo, hi)| (*lo..=*hi).contains(&n))
            })
    };
    let deletes: Vec<String> = directory
        .keys()
        .filter(|n| !listed.contains(*n) && in_range(n))
        .cloned()
        .collect();
    let limit = settings.max_delete.unwrap_or(directory.len().div_ceil(10));
    if deletes.len() > limit {
        bail!(
            "refusing to delete {} of the {} extensions on the PBX (more than {limit}{}); \
             nothing was written. Check the file, narrow --prune-range, or raise --max-delete",
            deletes.len(),
            directory.len(),
            if settings.max_delete.is_none() {
                ", 10% of the directory"
            } else {
                ""
            }
        );
    }
    Ok(deletes)
}
