//! Rows a mapping's `remove` condition holds for: the person left, and the extension the row
//! names or matches is deleted, under `--mode sync` only and within the prune's safeguards
//! (`--prune-range`, `--max-delete`, checked with the prune's own deletes before anything is
//! written). The report says which condition removed it. A leaver with no extension, or
//! outside the safeguards, is `skipped` with the reason.

use std::collections::HashSet;

use super::matching::People;
use super::planned::Planned;
use super::write::RowWrite;
use crate::domain::{Action, PbxSnapshot, RowResult, Status};

/// The deletes leavers' rows may do in this run.
#[derive(Debug, Default)]
pub(crate) struct Leavers {
    /// The mode deletes (`--mode sync`).
    pub(crate) sync: bool,
    /// Extensions whose delete the safeguards allowed.
    pub(crate) allowed: HashSet<String>,
}

impl Leavers {
    /// The extension a leaver's row names (`number`) or matches (its `--match` `key`,
    /// through `people`), if the PBX (`current`) has it: the one rule both the planner and
    /// the safeguards' count of deletes follow.
    pub(crate) fn target(
        people: Option<&People>,
        current: &PbxSnapshot,
        number: &str,
        key: &str,
    ) -> Option<String> {
        match people {
            Some(people) => people.target(number, key, current),
            None => current.contains_key(number).then(|| number.to_string()),
        }
    }

    /// The plan of a leaver's row: `target` is the extension it names or matches.
    pub(crate) fn plan(
        &self,
        row: u64,
        target: Option<String>,
        why: &str,
        dry_run: bool,
    ) -> Planned {
        let skipped = |number: &str, more: &str| {
            Planned::Done(Box::new(
                RowResult::new(Some(row), number, Action::None, Status::Skipped)
                    .with_error("", format!("{why}; {more}")),
            ))
        };
        let Some(number) = target else {
            return skipped("", "no extension on the PBX is this person's");
        };
        if !self.sync {
            return skipped(&number, "extensions are deleted only under --mode sync");
        }
        if !self.allowed.contains(&number) {
            return skipped(&number, "outside --prune-range, so it is not deleted");
        }
        if dry_run {
            return Planned::Done(Box::new(
                RowResult::new(Some(row), &number, Action::Delete, Status::Skipped)
                    .with_error("", format!("dry run: would delete ({why})")),
            ));
        }
        let delete = RowWrite::delete(Some(row), number, why.to_string());
        Planned::Send(Box::new(delete))
    }
}
