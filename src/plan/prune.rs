//! `--mode sync --prune`: deleting the extensions the file does not list, with safeguards,
//! since a wrong file must never empty a PBX.
//!
//! Every number the file names counts as listed, invalid rows included (a typo in a row is no
//! reason to delete that person's extension). Deletes happen only inside `--prune-range`
//! when given, never more than `--max-delete` (default 10% of the directory) unless raised,
//! one number per request (never the API's `all`), each with its own report line.

use std::collections::HashSet;
use std::path::Path;

use csv::ByteRecord;

use crate::domain::PbxSnapshot;
use crate::input::{Sheet, SheetError};
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
pub(crate) fn listed_numbers(
    path: &Path,
    table: &'static Table,
) -> Result<HashSet<String>, SheetError> {
    let mut sheet = Sheet::open(path, table)?;
    let mut numbers = HashSet::new();
    let mut record = ByteRecord::new();
    while sheet.read(&mut record)?.is_some() {
        if let Ok(cells) = sheet.cells(&record) {
            numbers.insert(cells.get(table, table.key).to_string());
            if let Some(rename) = table.rename {
                numbers.insert(cells.get(table, rename).to_string());
            }
        }
    }
    numbers.remove("");
    Ok(numbers)
}

/// More deletes than the limit allows: the run must not go ahead (a dry run lists them).
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to delete {count} of the {total} extensions on the PBX (more than {limit}{why}); \
     nothing was written. Check the file, narrow --prune-range, or raise --max-delete",
    count = .deletes.len(),
    why = if *.default_limit { ", 10% of the directory" } else { "" }
)]
pub(crate) struct OverLimit {
    pub(crate) deletes: Vec<String>,
    pub(crate) total: usize,
    pub(crate) limit: usize,
    default_limit: bool,
}

/// The numbers to delete, or why the run must not go ahead.
pub(crate) fn deletes(
    settings: &PruneSettings,
    directory: &PbxSnapshot,
    listed: &HashSet<String>,
) -> Result<Vec<String>, OverLimit> {
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
        return Err(OverLimit {
            deletes,
            total: directory.len(),
            limit,
            default_limit: settings.max_delete.is_none(),
        });
    }
    Ok(deletes)
}
