//! The steps of planning one row that need no more than the row and the planner's settings:
//! its action, how reading's and the rules' problems combine, a checked row's plan, and the
//! fields it sends.

use super::super::diff::changed_fields;
use super::super::planned::Planned;
use super::Planner;
use crate::domain::{Action, Code, Mode, Record, RowResult, Status};
use crate::rules::{Cells, Problem, Table};

impl Planner {
    /// The row's action, by the mode and whether the PBX has `current`; an add the API
    /// cannot do is a problem.
    pub(super) fn action(&self, number: &str, current: Option<&Record>) -> (Action, Vec<Problem>) {
        let action = match (self.mode, &self.current, current) {
            (Mode::Add, ..) => Action::Add,
            (Mode::Update, ..) | (_, None, _) | (_, Some(_), Some(_)) => Action::Update,
            (Mode::Upsert | Mode::Sync, Some(_), None) => Action::Add,
        };
        let table = self.table;
        let mut problems = Vec::new();
        if action == Action::Add && !table.api.caps.add {
            problems.push(Problem {
                field: table.key,
                code: Code::NotSupported,
                message: format!(
                    "extension {number} is not on the PBX and {} cannot add extensions; \
                     create it on the PBX first",
                    table.api.name
                ),
            });
        }
        (action, problems)
    }

    /// A row that passes every rule, when only checking ([`Planner::check_only`]).
    pub(super) fn valid(&self, row: u64, number: &str, action: Action) -> Planned {
        let number = match self.valid_numbers {
            true => number.to_string(),
            false => String::new(),
        };
        Planned::Valid {
            row,
            number,
            action,
            note: String::new(),
        }
    }

    /// The fields an update sends (those that differ from `current`), or an add's filled
    /// ones; the key is always sent besides.
    pub(super) fn sent_fields(&self, cells: &Cells<'_>, current: Option<&Record>) -> Vec<usize> {
        let table = self.table;
        match current {
            Some(current) => changed_fields(table, cells, current, self.update_secrets),
            None => (0..table.fields.len())
                .filter(|&i| !cells.values[i].is_empty() && table.fields[i].name != table.key)
                .collect(),
        }
    }
}

/// The row's problems: `problems` so far, then reading's (`read`), then the rules'
/// (`checked`) for the fields reading did not already refuse.
pub(super) fn merged(
    mut problems: Vec<Problem>,
    read: &[Problem],
    checked: Vec<Problem>,
) -> Vec<Problem> {
    // Most rows have no problem: take the checks' vector rather than extend by empty ones
    // (a copy per row; docs/BENCHMARKS.md).
    match (problems.is_empty(), read.is_empty()) {
        (true, true) => problems = checked,
        (false, true) => problems.extend(checked),
        (_, false) => {
            let refused = |field: &str| read.iter().any(|p| p.field == field);
            problems.extend(read.iter().cloned());
            problems.extend(checked.into_iter().filter(|p| !refused(p.field)));
        }
    }
    problems
}

/// The report line of a blank row.
pub(super) fn blank(row: u64) -> RowResult {
    RowResult::new(Some(row), "", Action::None, Status::Skipped)
        .with_error("", "blank row: nothing to do")
}

/// The names of the fields at `send`, comma-separated.
pub(super) fn names(table: &Table, send: &[usize]) -> String {
    let names: Vec<&str> = send.iter().map(|&i| table.fields[i].name).collect();
    names.join(",")
}
