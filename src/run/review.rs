//! A run's decisions as the rows of a plan: what `pbxbulk plan` writes, and what `apply`
//! works out again to hold against what was approved. The planner and the order are the
//! pipeline's (`schedule`): the file's rows in input order, numbered as the journal numbers
//! them, then the numbers a prune reports and never deletes, then its deletes. Nothing is
//! sent.

use std::collections::BTreeMap;

use super::schedule::bad_number;
use crate::domain::{Action, PbxSnapshot, Record, RowResult, Status, Term};
use crate::input::{Sheet, SheetError};
use crate::output::plan_file::seal::Keys;
use crate::output::plan_file::{Change, PlanRow, PlanStatus};
use crate::plan::prune::PrunePlan;
use crate::plan::{Planned, Planner, RowWrite, plan_sheet};
use crate::rules::Table;

/// The rows of a plan, and how many rows came to what.
#[derive(Debug, Default)]
pub(crate) struct Reviewed {
    /// Every row but the unchanged ones, in the order of the run.
    pub(crate) rows: Vec<PlanRow>,
    /// `add`, `update`, `delete`, `unchanged`, `invalid`, `skipped`.
    pub(crate) counts: BTreeMap<String, u64>,
}

/// Decides every row of `sheet` with `planner` (and the prune's numbers), against the PBX's
/// extensions as read (`directory`); secrets and fingerprints are keyed by `keys`.
pub(crate) fn review(
    mut sheet: Sheet,
    mut planner: Planner,
    prune: PrunePlan,
    directory: &PbxSnapshot,
    keys: &Keys,
) -> Result<Reviewed, SheetError> {
    let table = sheet.table();
    let mut reviewed = Reviewed::default();
    for word in ["add", "update", "delete", "unchanged", "invalid", "skipped"] {
        reviewed.counts.insert(word.to_string(), 0);
    }
    let mut seq = 0;
    plan_sheet(&mut sheet, &mut planner, |_, planned, _| {
        match planned {
            Planned::Send(out) => reviewed.push(write_row(seq, table, &out, directory, keys)),
            Planned::Done(result) => reviewed.push_done(seq, &result),
            // Only a check without planning decides rows as merely valid; a plan plans.
            Planned::Valid { .. } => reviewed.count("unchanged"),
        }
        seq += 1;
        true
    })?;
    for number in prune.bad_numbers {
        reviewed.push_done(seq, &bad_number(number));
        seq += 1;
    }
    for number in prune.deletes {
        let current = directory.get(&number);
        reviewed.push(PlanRow {
            seq,
            row: None,
            pbx: Some(keys.fingerprint(current)),
            changes: current.map(|c| who(table, c)).unwrap_or_default(),
            number,
            action: Action::Delete,
            status: PlanStatus::Write,
            message: String::new(),
        });
        seq += 1;
    }
    Ok(reviewed)
}

impl Reviewed {
    fn count(&mut self, word: &str) {
        *self.counts.entry(word.to_string()).or_default() += 1;
    }

    fn push(&mut self, row: PlanRow) {
        self.count(&row.action.to_string());
        self.rows.push(row);
    }

    /// A row decided without a write: counted, and kept unless it is unchanged.
    fn push_done(&mut self, seq: u64, result: &RowResult) {
        let status = match result.status {
            // (A planned row is never `ok` before it is sent: it would be unchanged.)
            Status::Unchanged | Status::Ok => return self.count("unchanged"),
            Status::Invalid => PlanStatus::Invalid,
            Status::Skipped | Status::Failed => PlanStatus::Skipped,
        };
        self.count(if status == PlanStatus::Invalid {
            "invalid"
        } else {
            "skipped"
        });
        self.rows.push(PlanRow {
            seq,
            row: result.row,
            number: result.number.clone(),
            action: result.action,
            status,
            pbx: None,
            changes: Vec::new(),
            message: result.message.clone(),
        });
    }
}

/// The plan's row of a write: each field sent, in the table's order, old → new; a secret as
/// its keyed hash, or `generated` where the run makes it.
fn write_row(
    seq: u64,
    table: &Table,
    out: &RowWrite,
    directory: &PbxSnapshot,
    keys: &Keys,
) -> PlanRow {
    let current = directory.get(&out.number);
    let generated = |name: &str| out.secrets.iter().any(|(field, _)| *field == name);
    let changes = table
        .fields
        .iter()
        .filter(|f| f.name != table.key)
        .filter_map(|f| out.record.get(f.name).map(|value| (f, value)))
        .map(|(f, value)| match f.secret {
            true => Change {
                field: f.name.to_string(),
                old: None,
                new: None,
                secret: Some(match generated(f.name) {
                    true => "generated".to_string(),
                    false => keys.secret(&out.number, f.name, value),
                }),
            },
            false => Change {
                field: f.name.to_string(),
                old: current.and_then(|c| c.get(f.name)).cloned(),
                new: Some(value.clone()),
                secret: None,
            },
        })
        .collect();
    PlanRow {
        seq,
        row: out.row,
        number: out.number.clone(),
        action: out.action,
        status: PlanStatus::Write,
        pbx: Some(keys.fingerprint(current)),
        changes,
        message: out.note.clone(),
    }
}

/// Who a delete takes away, for the person reviewing it: the extension's names and e-mail.
fn who(table: &Table, current: &Record) -> Vec<Change> {
    [
        Term::DisplayName,
        Term::FirstName,
        Term::LastName,
        Term::Email,
    ]
    .into_iter()
    .filter_map(|term| table.field_for(term))
    .filter_map(|field| {
        let old = current.get(field).filter(|v| !v.is_empty())?;
        Some(Change {
            field: field.to_string(),
            old: Some(old.clone()),
            new: None,
            secret: None,
        })
    })
    .collect()
}
