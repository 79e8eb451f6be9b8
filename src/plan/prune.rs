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

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(numbers: &[&str]) -> PbxSnapshot {
        numbers
            .iter()
            .map(|n| (n.to_string(), crate::domain::Record::new()))
            .collect()
    }

    fn listed(numbers: &[&str]) -> HashSet<String> {
        numbers.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_range_is_two_numbers_low_to_high() {
        assert_eq!(parse_range("1000-1999"), Ok((1000, 1999)));
        assert_eq!(parse_range(" 1000 - 1999 "), Ok((1000, 1999)));
        assert_eq!(parse_range("1005-1005"), Ok((1005, 1005)));
        assert_eq!(parse_range("1999-1000"), Err("1999 is above 1000".into()));
        assert_eq!(
            parse_range("1000"),
            Err("a range looks like 1000-1999".into())
        );
        assert_eq!(
            parse_range("10a0-1999"),
            Err("\"10a0\" is not a number".into())
        );
        assert_eq!(parse_range("1000-"), Err("\"\" is not a number".into()));
        assert!(parse_range("-1000").is_err(), "no negative numbers");
        assert!(parse_range("1000-1999-2999").is_err());
    }

    #[test]
    fn only_numbers_the_file_does_not_list_inside_the_ranges_are_deleted() {
        let pbx = directory(&["1001", "1002", "1003", "1500", "2000", "sip:x"]);
        let settings = PruneSettings {
            ranges: vec![(1002, 1500), (2000, 2000)],
            max_delete: Some(10),
        };
        let deletes = deletes(&settings, &pbx, &listed(&["1003"])).unwrap();
        // A number that is not a number is never inside a range.
        assert_eq!(deletes, ["1002", "1500", "2000"]);
        let anywhere = PruneSettings {
            ranges: Vec::new(),
            max_delete: Some(10),
        };
        let deletes = deletes_of(&anywhere, &pbx, &["1003", "2000"]);
        assert_eq!(deletes, ["1001", "1002", "1500", "sip:x"]);
    }

    fn deletes_of(settings: &PruneSettings, pbx: &PbxSnapshot, file: &[&str]) -> Vec<String> {
        deletes(settings, pbx, &listed(file)).unwrap()
    }

    #[test]
    fn more_deletes_than_the_limit_refuse_the_whole_run() {
        let numbers: Vec<String> = (1001..=1020).map(|n| n.to_string()).collect();
        let pbx = directory(&numbers.iter().map(String::as_str).collect::<Vec<_>>());
        let keep: Vec<&str> = numbers[..18].iter().map(String::as_str).collect();
        // Two deletes of twenty: exactly the default 10%.
        let default = PruneSettings::default();
        assert_eq!(deletes_of(&default, &pbx, &keep), ["1019", "1020"]);
        let keep: Vec<&str> = numbers[..17].iter().map(String::as_str).collect();
        let e = deletes(&default, &pbx, &listed(&keep))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("refusing to delete 3 of the 20") && e.contains("more than 2, 10%"),
            "{e}"
        );
        let raised = PruneSettings {
            max_delete: Some(3),
            ..PruneSettings::default()
        };
        assert_eq!(deletes_of(&raised, &pbx, &keep).len(), 3);
        let zero = PruneSettings {
            max_delete: Some(0),
            ..PruneSettings::default()
        };
        let e = deletes(&zero, &pbx, &listed(&keep))
            .unwrap_err()
            .to_string();
        assert!(e.contains("(more than 0)"), "{e}");
        // A small directory still allows one delete (10% rounded up).
        let small = directory(&["1", "2", "3"]);
        assert_eq!(deletes_of(&default, &small, &["1", "2"]), ["3"]);
    }

    #[test]
    fn every_number_the_file_names_counts_as_listed_even_in_an_invalid_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        // 1002's ringtimeout is invalid: its number is still listed.
        // extnumber is v1's rename target, which must not be deleted either.
        std::fs::write(
            &path,
            "extid,extnumber,ringtimeout\n1001,,\n1002,,45\n1004,2004,\n,,\n",
        )
        .unwrap();
        let table = crate::rules::table(crate::domain::ApiKind::YeastarV1);
        let numbers = listed_numbers(&path, table).unwrap();
        assert_eq!(numbers, listed(&["1001", "1002", "1004", "2004"]));
    }
}
