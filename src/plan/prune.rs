//! `--mode sync --prune`: deleting the extensions the file does not list, with safeguards,
//! since a wrong file must never empty a PBX.
//!
//! Every number the file names counts as listed, invalid rows included (a typo in a row is no
//! reason to delete that person's extension). Deletes happen only inside `--prune-range`
//! when given, never more than `--max-delete` (default 10% of the directory) unless raised,
//! one number per request (never the API's `all`), each with its own report line.

mod limit;

use std::collections::HashSet;

use csv::ByteRecord;
pub(crate) use limit::MaxDelete;

use crate::domain::PbxSnapshot;
use crate::input::{RowCells, Sheet, SheetError};
use crate::rules::{CheckContext, Table, check_value};

#[derive(Debug, Clone, Default)]
pub(crate) struct PruneSettings {
    /// Inclusive ranges of numbers that may be deleted; empty means any.
    pub(crate) ranges: Vec<(u64, u64)>,
    /// The most deletes allowed (`--max-delete`); `None` means 10% of the directory.
    pub(crate) max_delete: Option<MaxDelete>,
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
/// A row a mapping skips (`Status != "Active"`) does not count: leaving it out is what lets
/// the prune delete a leaver's extension.
pub(crate) fn listed_numbers(mut sheet: Sheet) -> Result<HashSet<String>, SheetError> {
    let table = sheet.table();
    let mut numbers = HashSet::new();
    let mut record = ByteRecord::new();
    let mut mapped = Vec::new();
    while sheet.read(&mut record)?.is_some() {
        match sheet.row(&record, &mut mapped, Vec::new()) {
            RowCells::Cells { cells, .. } => {
                numbers.insert(cells.get(table, table.key).to_string());
                if let Some(rename) = table.rename {
                    numbers.insert(cells.get(table, rename).to_string());
                }
            }
            RowCells::Invalid { number, .. } => {
                numbers.insert(number);
            }
            RowCells::Skipped { .. } => {}
        }
    }
    numbers.remove("");
    Ok(numbers)
}

/// What a prune does: the numbers to delete, and the numbers the PBX lists that break the
/// key's rule (`all`, `12a`, `1001,1002`), which are reported and never touched: a delete of
/// `all` would empty the PBX.
#[derive(Debug, Default)]
pub(crate) struct PrunePlan {
    pub(crate) deletes: Vec<String>,
    pub(crate) bad_numbers: Vec<String>,
}

/// More deletes than the limit allows: the run must not go ahead (a dry run lists them).
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to delete {count} of the {total} extensions on the PBX (more than {limit}{why}); \
     nothing was written. Check the file, narrow --prune-range, or raise --max-delete",
    count = .plan.deletes.len(),
    why = match .share { Some(share) => format!(", {share} of the directory"), None => String::new() }
)]
pub(crate) struct OverLimit {
    /// What the prune would have done.
    pub(crate) plan: PrunePlan,
    pub(crate) total: usize,
    pub(crate) limit: usize,
    /// The limit as a share of the directory, where it was given as one.
    share: Option<MaxDelete>,
}

/// The prune's plan, or why the run must not go ahead.
pub(crate) fn deletes(
    settings: &PruneSettings,
    table: &Table,
    directory: &PbxSnapshot,
    listed: &HashSet<String>,
) -> Result<PrunePlan, OverLimit> {
    let in_range = |n: &str| {
        settings.ranges.is_empty()
            || n.parse::<u64>().is_ok_and(|n| {
                settings
                    .ranges
                    .iter()
                    .any(|(lo, hi)| (*lo..=*hi).contains(&n))
            })
    };
    let key = table
        .field(table.key)
        .expect("the key is a field of its table");
    let (deletes, bad_numbers): (Vec<String>, Vec<String>) = directory
        .keys()
        .filter(|n| !listed.contains(*n) && in_range(n))
        .cloned()
        .partition(|n| {
            !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
                && check_value(
                    key,
                    n,
                    CheckContext {
                        weak_passwords: true,
                        ..CheckContext::default()
                    },
                )
                .is_none()
        });
    let max = settings.max_delete.unwrap_or(MaxDelete::DEFAULT);
    let limit = max.limit(directory.len());
    if deletes.len() > limit {
        return Err(OverLimit {
            plan: PrunePlan {
                deletes,
                bad_numbers,
            },
            total: directory.len(),
            limit,
            share: matches!(max, MaxDelete::Share(_)).then_some(max),
        });
    }
    Ok(PrunePlan {
        deletes,
        bad_numbers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{ReadSettings, Source};

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
            max_delete: Some(MaxDelete::Count(10)),
        };
        let plan = deletes(&settings, v2(), &pbx, &listed(&["1003"])).unwrap();
        // A number that is not a number is never inside a range.
        assert_eq!(plan.deletes, ["1002", "1500", "2000"]);
        let anywhere = PruneSettings {
            ranges: Vec::new(),
            max_delete: Some(MaxDelete::Count(10)),
        };
        let deletes = deletes_of(&anywhere, &pbx, &["1003", "2000"]);
        assert_eq!(deletes, ["1001", "1002", "1500"]);
    }

    #[test]
    fn numbers_outside_the_key_rule_are_never_deleted_but_listed() {
        let pbx = directory(&["1001", "all", "12a", "1001,1002", "sip:x"]);
        let anywhere = PruneSettings {
            ranges: Vec::new(),
            max_delete: Some(MaxDelete::Count(10)),
        };
        let plan = deletes(&anywhere, v2(), &pbx, &listed(&[])).unwrap();
        assert_eq!(plan.deletes, ["1001"]);
        assert_eq!(plan.bad_numbers, ["1001,1002", "12a", "all", "sip:x"]);
    }

    fn v2() -> &'static Table {
        crate::vendors::table("yeastar-v2")
    }

    fn deletes_of(settings: &PruneSettings, pbx: &PbxSnapshot, file: &[&str]) -> Vec<String> {
        deletes(settings, v2(), pbx, &listed(file)).unwrap().deletes
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
        let e = deletes(&default, v2(), &pbx, &listed(&keep))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("refusing to delete 3 of the 20") && e.contains("more than 2, 10%"),
            "{e}"
        );
        let raised = PruneSettings {
            max_delete: Some(MaxDelete::Count(3)),
            ..PruneSettings::default()
        };
        assert_eq!(deletes_of(&raised, &pbx, &keep).len(), 3);
        let zero = PruneSettings {
            max_delete: Some(MaxDelete::Count(0)),
            ..PruneSettings::default()
        };
        let e = deletes(&zero, v2(), &pbx, &listed(&keep))
            .unwrap_err()
            .to_string();
        assert!(e.contains("(more than 0)"), "{e}");
        // A small directory still allows one delete (10% rounded up).
        let small = directory(&["1", "2", "3"]);
        assert_eq!(deletes_of(&default, &small, &["1", "2"]), ["3"]);
        // A share given says so, and how many it comes to.
        let share = PruneSettings {
            max_delete: Some(MaxDelete::Share(500)),
            ..PruneSettings::default()
        };
        let e = deletes(&share, v2(), &pbx, &listed(&keep))
            .unwrap_err()
            .to_string();
        assert!(e.contains("(more than 1, 5% of the directory)"), "{e}");
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
        let table = crate::vendors::table("yeastar-v1");
        let source = Source::open(&path, &ReadSettings::default()).unwrap();
        let numbers = listed_numbers(Sheet::open(&source, table, None).unwrap()).unwrap();
        assert_eq!(numbers, listed(&["1001", "1002", "1004", "2004"]));
    }

    #[test]
    fn a_row_the_mapping_skips_is_not_listed_so_a_leaver_can_be_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let map = dir.path().join("hr.toml");
        let toml = "skip = ['Status != \"Active\"']\n[columns]\n\"Desk\" = \"number\"\n\
                    [templates]\nusername = \"{First} {Last}\"\n";
        std::fs::write(&map, toml).unwrap();
        let path = dir.path().join("hr.csv");
        // 1003 cannot be mapped (no last name) but is listed all the same: only a skip unlists.
        let hr = "Desk,First,Last,Status\n1001,Ann,Lee,Active\n1002,Bob,Ray,Terminated\n1003,Cy,,Active\n";
        std::fs::write(&path, hr).unwrap();
        let table = crate::vendors::table("yeastar-v2");
        let mapping = crate::input::Mapping::load(&map).unwrap();
        let source = Source::open(&path, &ReadSettings::default()).unwrap();
        let sheet = Sheet::open(&source, table, Some(&mapping)).unwrap();
        let numbers = listed_numbers(sheet).unwrap();
        assert_eq!(numbers, listed(&["1001", "1003"]));
    }
}
