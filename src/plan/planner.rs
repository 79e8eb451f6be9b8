//! Deciding what each row needs: validate it, pick its action, and catch rows that clash
//! with earlier rows of the same file.
//!
//! Rows arrive one at a time and leave at once, so the planner keeps only what cross-row rules
//! need: every number seen and the row that claimed it (see `claims`).

use std::sync::Arc;

use super::diff::dry_run_says;
use super::duplicates::Claims;
use super::inferred;
use super::leavers::Leavers;
use super::matching::{Found, People};
use super::passwords::{self, Generated};
use super::planned::Planned;
use super::write::RowWrite;
use crate::domain::{Action, Mode, PbxSnapshot, Record, RowResult, Status};
use crate::input::RowCells;
use crate::rules::{Cells, CheckContext, Filled, Problem, Table, check_filled, check_whole_row};

pub(crate) struct Planner {
    table: &'static Table,
    mode: Mode,
    /// The PBX's extensions, where they were read (upsert): rows are compared with them.
    /// Shared: a plan keeps them too, for the fingerprints of what it touches.
    current: Option<Arc<PbxSnapshot>>,
    weak_passwords: bool,
    dry_run: bool,
    check_only: bool,
    valid_numbers: bool,
    generate_passwords: bool,
    /// Send a row's secrets for an extension that exists even where the PBX does not hand
    /// them back to compare (`--update-secrets`).
    update_secrets: bool,
    claims: Claims,
    /// Rows keyed by people (`--match`, `--assign-numbers`).
    people: Option<People>,
    /// What leavers' rows may delete.
    leavers: Leavers,
    /// A broken rule no document states refuses the row (`--strict`) rather than warns.
    strict: bool,
    /// The warning of the row being planned (see [`super::inferred`]).
    warned: String,
}

impl Planner {
    pub(crate) fn new(
        table: &'static Table,
        mode: Mode,
        current: Option<Arc<PbxSnapshot>>,
        weak_passwords: bool,
    ) -> Self {
        Planner {
            table,
            mode,
            current,
            weak_passwords,
            dry_run: false,
            check_only: false,
            valid_numbers: true,
            generate_passwords: false,
            update_secrets: false,
            claims: Claims::default(),
            people: None,
            leavers: Leavers::default(),
            strict: false,
            warned: String::new(),
        }
    }

    /// The PBX's records as they arrive, while it is still being read: each row is planned
    /// only once what it is compared with is here (see `plan_sheet_settled`).
    pub(crate) fn learn(&mut self, records: Vec<(String, Record)>) {
        // Nothing else holds the snapshot while it is being filled: no copy is made.
        let current = Arc::make_mut(self.current.get_or_insert_default());
        for (key, record) in records {
            current.insert(key, record);
        }
    }

    /// Whether the PBX's record for `key` is here (see [`Planner::learn`]).
    pub(crate) fn knows(&self, key: &str) -> bool {
        self.current.as_ref().is_some_and(|c| c.contains_key(key))
    }

    /// Rows may leave the number to `people` (matched, or handed out).
    pub(crate) fn people(mut self, people: Option<People>) -> Self {
        self.people = people;
        self
    }

    /// What leavers' rows may delete.
    pub(crate) fn leavers(mut self, leavers: Leavers) -> Self {
        self.leavers = leavers;
        self
    }

    /// Validation only: a valid row is `Planned::Valid`, and nothing is built to be sent.
    /// Without `numbers` its number is left blank too, for a caller that only counts.
    pub(crate) fn check_only(mut self, numbers: bool) -> Self {
        self.check_only = true;
        self.valid_numbers = numbers;
        self
    }

    /// Plan only: rows that would be sent are reported as `skipped`, with what would change.
    pub(crate) fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    /// Rows that add an extension get the credentials they leave blank (`passwords`).
    pub(crate) fn generate_passwords(mut self, on: bool) -> Self {
        self.generate_passwords = on;
        self
    }

    /// Secrets the PBX does not hand back are sent for existing extensions too.
    pub(crate) fn update_secrets(mut self, on: bool) -> Self {
        self.update_secrets = on;
        self
    }

    /// A rule no document of the API states refuses a row instead of warning.
    pub(crate) fn strict(mut self, on: bool) -> Self {
        self.strict = on;
        self
    }

    pub(crate) fn generates_passwords(&self) -> bool {
        self.generate_passwords
    }

    /// What the rules of a row depend on besides whether it adds: the same for every row,
    /// so the sheet can check cells under it as it reads them (a field's own rule does not
    /// depend on adding).
    pub(super) fn context(&self) -> CheckContext {
        CheckContext {
            adding: false,
            weak_passwords: self.weak_passwords,
            exact_spelling: false,
        }
    }

    pub(crate) fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// Plans one row from its cells (or from what made them unreadable or left them out).
    pub(crate) fn plan(&mut self, row: u64, cells: &RowCells<'_>) -> Planned {
        let (cells, filled, note, read) = match cells {
            RowCells::Cells {
                cells,
                filled,
                note,
                problems,
                checked,
            } => (
                cells,
                *filled,
                note.as_deref().unwrap_or_default(),
                (problems.as_slice(), *checked),
            ),
            RowCells::Removed { number, why, cells } => {
                let (people, current) = (self.people.as_ref(), self.current.as_ref());
                let key = people.map(|p| p.key(cells)).unwrap_or_default();
                let target = current.and_then(|c| Leavers::target(people, c, number, &key));
                return self.leavers.plan(row, target, why, self.dry_run);
            }
            RowCells::Skipped { number, why, .. } => {
                return Planned::Done(Box::new(
                    RowResult::new(Some(row), number, Action::None, Status::Skipped)
                        .with_error("", why.clone()),
                ));
            }
            RowCells::Invalid {
                number, problems, ..
            } => {
                return Planned::Done(Box::new(invalid(row, number, Action::None, problems)));
            }
        };
        let found = match self.people.as_mut().map(|p| p.number(row, cells)) {
            None => Found::Given,
            Some(Ok(found)) => found,
            Some(Err(why)) => {
                let number = cells.values[self.table.key_index()];
                let mut result = invalid(row, number, Action::None, &[why]);
                join(&mut result.message, note);
                return Planned::Done(Box::new(result));
            }
        };
        let mut planned = match found.fill(cells, self.table.key_index()) {
            // The number was not there to be checked as the row was read.
            Some(filled_in) => self.plan_cells(row, &filled_in, filled, (read.0, false)),
            None => self.plan_cells(row, cells, filled, read),
        };
        let said = found.note();
        let note = match (said.is_empty(), note.is_empty()) {
            (true, _) => note,
            (false, true) => said.as_str(),
            (false, false) => &format!("{said}; {note}"),
        };
        // What a conversion could not carry over, or reading normalised, is said whatever
        // became of the row; so is a rule not documented that it breaks.
        let warned = std::mem::take(&mut self.warned);
        for said in [warned.as_str(), note] {
            match &mut planned {
                // (Copying an empty note was a call to `memcpy` a row.)
                _ if said.is_empty() => {}
                Planned::Done(result) => join(&mut result.message, said),
                Planned::Send(send) => join(&mut send.note, said),
                Planned::Valid { note, .. } => join(note, said),
            }
        }
        planned
    }

    /// `read` is what reading found: the cells it refused as written (each names its field;
    /// the rules are not applied to those fields again), and whether every filled cell
    /// passed its field's rule as it was read. Only the fields `filled` can be non-blank.
    fn plan_cells(
        &mut self,
        row: u64,
        cells: &Cells<'_>,
        filled: &Filled,
        (read, read_checked): (&[Problem], bool),
    ) -> Planned {
        let table = self.table;
        if cells.values.iter().all(|v| v.is_empty()) && read.is_empty() {
            return Planned::Done(Box::new(decide::blank(row)));
        }
        let number = cells.values[table.key_index()];
        let current = self.current.as_ref().and_then(|c| c.get(number));
        let (action, problems) = self.action(number, current);
        let ctx = CheckContext {
            adding: action == Action::Add,
            ..self.context()
        };
        // Only an add is given new credentials: an update never replaces a password.
        let generated = match action == Action::Add && self.generate_passwords {
            true => passwords::generate(table, cells, ctx),
            false => Generated::default(),
        };
        let generated_cells;
        let (cells, filled) = match generated.values.is_empty() {
            true => (cells, filled),
            // Generated secrets fill fields the file may not have.
            false => {
                generated_cells = generated.fill(cells);
                (&generated_cells, Filled::every(table))
            }
        };
        let base = current.map(|c| Cells::of_record(table, c));
        // Generated secrets were not there to be checked as the row was read.
        let checked = match read_checked && generated.values.is_empty() {
            true => check_whole_row(table, cells, filled, base.as_ref(), ctx),
            false => check_filled(table, cells, filled, base.as_ref(), ctx),
        };
        let mut problems = decide::merged(problems, read, checked);
        problems.extend(self.claims.clashes(table, row, cells));
        // What reading refused (Excel's scientific notation, an invisible character, a `+`)
        // is no rule of the API: the value is not what was meant, whatever the field's origin.
        if !self.strict && read.is_empty() {
            self.warned = inferred::set_aside(table, &mut problems);
        }
        if !problems.is_empty() {
            return Planned::Done(Box::new(invalid(row, number, action, &problems)));
        }
        if self.check_only {
            return self.valid(row, number, action);
        }
        let send = self.sent_fields(cells, current);
        if send.is_empty() && current.is_some() {
            return Planned::Done(Box::new(
                RowResult::new(Some(row), number, Action::None, Status::Unchanged)
                    .with_error("", "the PBX already has these values"),
            ));
        }
        let changed = decide::names(table, &send);
        let secrets = generated.secrets(table);
        if self.dry_run {
            let what = dry_run_says(table, cells, &send, current, action, &secrets);
            let mut result =
                RowResult::new(Some(row), number, action, Status::Skipped).with_error("", what);
            result.changed = changed;
            return Planned::Done(Box::new(result));
        }
        let record = cells.record(table, std::iter::once(table.key_index()).chain(send));
        Planned::Send(Box::new(RowWrite {
            row: Some(row),
            number: number.to_string(),
            action,
            record,
            changed,
            note: String::new(),
            secrets,
        }))
    }
}

/// `text`, then `more` after a `; ` where both have words.
fn join(text: &mut String, more: &str) {
    if !more.is_empty() {
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(more);
    }
}

/// The report line of a row that will not be sent, listing every problem.
pub(crate) fn invalid(row: u64, number: &str, action: Action, problems: &[Problem]) -> RowResult {
    let mut fields: Vec<&str> = problems
        .iter()
        .map(|p| p.field)
        .filter(|f| !f.is_empty())
        .collect();
    fields.dedup();
    let mut result = RowResult::new(Some(row), number, action, Status::Invalid).with_error(
        problems.first().map_or("", |p| p.code.as_str()),
        problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    );
    result.field = fields.join(",");
    result
}

mod decide;

#[cfg(test)]
mod checked_tests;
