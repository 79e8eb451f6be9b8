//! `--match FIELD` and `--assign-numbers`: rows keyed by people, not numbers. A row with no
//! number takes the number of the extension whose FIELD (an e-mail address, compared in any
//! case) is the row's; one that matches nothing is given a free number ([`Assigner`]), and is
//! then added with its key, so that the next run matches it and has nothing to do.
//!
//! Nothing is guessed: a key two rows hold, or two extensions, is an error on every row that
//! holds it, naming the others; so is a row whose number is not the number its key matches.

use std::collections::HashMap;

use super::assign::Assigner;
use super::roster::{Roster, key_in, key_of};
use crate::domain::{Code, PbxSnapshot};
use crate::rules::{Cells, Problem, Table};

/// Where a row's number comes from.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// The row's own cell (or the row is blank).
    Given,
    /// The extension its key matched.
    Matched(String),
    /// Handed out from the ranges.
    Assigned(String),
}

/// The people of the file and of the PBX, by key.
#[derive(Debug)]
pub(crate) struct People {
    table: &'static Table,
    /// The `--match` field's position, if rows are matched.
    field: Option<usize>,
    /// The PBX's extensions by key.
    pbx: HashMap<String, Vec<String>>,
    /// The file's rows by key.
    rows: HashMap<String, Vec<u64>>,
    assigner: Option<Assigner>,
}

impl People {
    /// `field`: the `--match` field's position; `roster`: the file read ahead, whose keys the
    /// matching takes over; `assign`: the `--assign-numbers` ranges (none: numbers are not
    /// handed out).
    pub(crate) fn new(
        table: &'static Table,
        field: Option<usize>,
        current: &PbxSnapshot,
        roster: &mut Roster,
        assign: Vec<(u64, u64)>,
    ) -> People {
        let mut pbx: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(name) = field.map(|f| table.fields[f].name) {
            for (number, record) in current {
                let key = key_of(record.get(name).map_or("", String::as_str));
                if !key.is_empty() {
                    pbx.entry(key).or_default().push(number.clone());
                }
            }
        }
        let assigner = (!assign.is_empty())
            .then(|| Assigner::new(assign, current.keys().chain(&roster.named)));
        People {
            table,
            field,
            pbx,
            rows: std::mem::take(&mut roster.keys),
            assigner,
        }
    }

    /// The numbers of the PBX some key of the file matches: a prune spares them.
    pub(crate) fn matched(&self) -> impl Iterator<Item = &String> {
        (self.rows.keys())
            .filter_map(|key| self.pbx.get(key))
            .flatten()
    }

    /// The extension a leaver's row names (`number`, if the PBX has it) or matches by `key`
    /// (when only one has it).
    pub(crate) fn target(&self, number: &str, key: &str, current: &PbxSnapshot) -> Option<String> {
        if current.contains_key(number) {
            return Some(number.to_string());
        }
        match self.pbx.get(key).map(Vec::as_slice) {
            Some([one]) if number.is_empty() => Some(one.clone()),
            _ => None,
        }
    }

    /// The row's key, as compared (blank without `--match`).
    pub(crate) fn key(&self, cells: &Cells<'_>) -> String {
        key_in(cells, self.field)
    }

    /// Where the number of the row `row` with `cells` comes from, or why it has none.
    pub(crate) fn number(&mut self, row: u64, cells: &Cells<'_>) -> Result<Found, Problem> {
        let table = self.table;
        let given = cells.values[table.key_index()];
        if cells.values.iter().all(|v| v.is_empty()) {
            return Ok(Found::Given);
        }
        if let Some(found) = self.matching(row, cells, given)? {
            return Ok(found);
        }
        if !given.is_empty() {
            return Ok(Found::Given);
        }
        let Some(assigner) = &mut self.assigner else {
            let how = match self.field {
                Some(f) => format!("matches no extension by {}", table.fields[f].name),
                None => "has none".to_string(),
            };
            return Err(problem(
                table.key,
                Code::NoNumber,
                format!(
                    "{}: the row {how}, and --assign-numbers hands out none",
                    table.key
                ),
            ));
        };
        let ranges = assigner.describe();
        assigner.next().map(Found::Assigned).ok_or_else(|| {
            problem(
                table.key,
                Code::NoFreeNumber,
                format!(
                    "{}: no number of --assign-numbers {ranges} is free",
                    table.key
                ),
            )
        })
    }

    /// The extension the row's key matches (`None`: no key, or none matches).
    fn matching(&self, row: u64, cells: &Cells<'_>, given: &str) -> Result<Option<Found>, Problem> {
        let Some(field) = self.field else {
            return Ok(None);
        };
        let name = self.table.fields[field].name;
        let key = self.key(cells);
        if key.is_empty() {
            return Ok(None);
        }
        if let Some(rows) = self.rows.get(&key).filter(|rows| rows.len() > 1) {
            let others: Vec<String> = (rows.iter())
                .filter(|&&r| r != row)
                .map(ToString::to_string)
                .collect();
            return Err(problem(
                name,
                Code::AmbiguousMatch,
                format!(
                    "{name} {key:?} is also in row {}: nothing is guessed",
                    others.join(", ")
                ),
            ));
        }
        match self.pbx.get(&key).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([number]) if given.is_empty() || given == number => {
                Ok(Some(Found::Matched(number.clone())))
            }
            Some([number]) => Err(problem(
                name,
                Code::AmbiguousMatch,
                format!(
                    "{name} {key:?} is extension {number} on the PBX, but the row names {given}"
                ),
            )),
            Some(numbers) => Err(problem(
                name,
                Code::AmbiguousMatch,
                format!(
                    "{name} {key:?} belongs to extensions {} on the PBX: nothing is guessed",
                    numbers.join(" and ")
                ),
            )),
        }
    }
}

impl Found {
    /// The row's cells with the number found in the key's place; `None` where the row's own
    /// number stands.
    pub(crate) fn fill<'b>(&'b self, cells: &Cells<'b>, key: usize) -> Option<Cells<'b>> {
        let number = match self {
            Found::Given => return None,
            Found::Matched(n) | Found::Assigned(n) => n.as_str(),
        };
        let mut values = cells.values.clone();
        values[key] = number;
        Some(Cells { values })
    }

    /// What the row's message says about it.
    pub(crate) fn note(&self) -> String {
        match self {
            Found::Assigned(n) => format!("assigned {n}"),
            Found::Given | Found::Matched(_) => String::new(),
        }
    }
}

fn problem(field: &'static str, code: Code, message: String) -> Problem {
    Problem {
        field,
        code,
        message,
    }
}

#[cfg(test)]
mod tests;
