//! `--mode sync --prune`: deleting the extensions the file does not list, with safeguards,
//! since a wrong file must never empty a PBX.
//!
//! Every extension a row of the file names or matches (`--match`) counts as listed, invalid
//! and skipped rows included (a typo in a row is no reason to delete that person's extension;
//! a row a mapping skips is left alone, not unlisted: a leaver is said with `remove`). Deletes
//! happen only inside `--prune-range` when given, never more than `--max-delete` (default 10%
//! of the directory) unless raised, counting leavers' deletes, one number per request (never
//! the API's `all`), each with its own report line.

mod limit;

use std::collections::HashSet;

pub(crate) use limit::MaxDelete;

use crate::domain::PbxSnapshot;
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

/// What a prune does: the numbers to delete, and the numbers the PBX lists that break the
/// key's rule (`all`, `12a`, `1001,1002`), which are reported and never touched: a delete of
/// `all` would empty the PBX.
#[derive(Debug, Default)]
pub(crate) struct PrunePlan {
    pub(crate) deletes: Vec<String>,
    pub(crate) bad_numbers: Vec<String>,
    /// Leavers' extensions inside the ranges: their rows delete them.
    pub(crate) removes: Vec<String>,
}

/// More deletes than the limit allows: the run must not go ahead (a dry run lists them).
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to delete {count} of the {total} extensions on the PBX (more than {limit}{why}); \
     nothing was written. Check the file, narrow --prune-range, or raise --max-delete",
    count = .plan.deletes.len() + .plan.removes.len(),
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

/// The prune's plan, or why the run must not go ahead: `listed` is what the file names or
/// matches (`None`: no prune), `removing` the extensions leavers' rows name or match.
pub(crate) fn deletes(
    settings: &PruneSettings,
    table: &Table,
    directory: &PbxSnapshot,
    listed: Option<&HashSet<String>>,
    removing: &[String],
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
    // Looked up once per extension of the directory: a set, not a scan of the list.
    let removed: HashSet<&String> = removing.iter().collect();
    let (deletes, bad_numbers): (Vec<String>, Vec<String>) = directory
        .keys()
        .filter(|n| listed.is_some_and(|listed| !listed.contains(*n)) && in_range(n))
        .filter(|n| !removed.contains(n))
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
    let mut removes: Vec<String> = removing.iter().filter(|n| in_range(n)).cloned().collect();
    removes.sort();
    removes.dedup();
    let plan = PrunePlan {
        deletes,
        bad_numbers,
        removes,
    };
    let max = settings.max_delete.unwrap_or(MaxDelete::DEFAULT);
    let limit = max.limit(directory.len());
    if plan.deletes.len() + plan.removes.len() > limit {
        return Err(OverLimit {
            plan,
            total: directory.len(),
            limit,
            share: matches!(max, MaxDelete::Share(_)).then_some(max),
        });
    }
    Ok(plan)
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
            max_delete: Some(MaxDelete::Count(10)),
        };
        let plan = deletes(&settings, v2(), &pbx, Some(&listed(&["1003"])), &[]).unwrap();
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
        let plan = deletes(&anywhere, v2(), &pbx, Some(&listed(&[])), &[]).unwrap();
        assert_eq!(plan.deletes, ["1001"]);
        assert_eq!(plan.bad_numbers, ["1001,1002", "12a", "all", "sip:x"]);
    }

    fn v2() -> &'static Table {
        crate::vendors::table("yeastar-v2")
    }

    fn deletes_of(settings: &PruneSettings, pbx: &PbxSnapshot, file: &[&str]) -> Vec<String> {
        deletes(settings, v2(), pbx, Some(&listed(file)), &[])
            .unwrap()
            .deletes
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
        let e = deletes(&default, v2(), &pbx, Some(&listed(&keep)), &[])
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
        let e = deletes(&zero, v2(), &pbx, Some(&listed(&keep)), &[])
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
        let e = deletes(&share, v2(), &pbx, Some(&listed(&keep)), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("(more than 1, 5% of the directory)"), "{e}");
    }

    #[test]
    fn leavers_count_against_the_limit_and_keep_to_the_ranges() {
        let pbx = directory(&["1001", "1002", "1003", "2001"]);
        let settings = PruneSettings {
            ranges: vec![(1000, 1999)],
            max_delete: Some(MaxDelete::Count(2)),
        };
        let removing = ["1003".to_string(), "2001".to_string()];
        let plan = deletes(&settings, v2(), &pbx, None, &removing).unwrap();
        assert!(plan.deletes.is_empty(), "no prune: only leavers go");
        assert_eq!(plan.removes, ["1003"], "2001 is outside the range");
        let listed = listed(&["1001"]);
        let plan = deletes(&settings, v2(), &pbx, Some(&listed), &removing).unwrap();
        // 1002 pruned and 1003 removed: 2, at the limit; the leaver is not pruned twice.
        assert_eq!(
            (plan.deletes, plan.removes),
            (vec!["1002".to_string()], vec!["1003".to_string()])
        );
        let one = PruneSettings {
            max_delete: Some(MaxDelete::Count(1)),
            ..settings
        };
        let e = deletes(&one, v2(), &pbx, Some(&listed), &removing)
            .unwrap_err()
            .to_string();
        assert!(e.contains("refusing to delete 2 of the 4"), "{e}");
    }
}
