//! Applying a [`Table`] to one row's cells.
//!
//! The same function serves the client (a spreadsheet row, where a blank cell means "keep the
//! PBX's value") and the simulator (a stored record merged with an update), so the two can never
//! disagree about what a field accepts.

use super::compiled::{Filled, Resolved, compiled};
use super::contains::contains_ignoring_case;
use super::value::broken;
use super::{Cross, Field, Need, Origin, Table};
use crate::domain::values::quoted;
use crate::domain::{Code, Record};

/// One row's values, indexed like the table's fields; `""` is a blank (or absent) cell.
#[derive(Debug, Clone)]
pub(crate) struct Cells<'a> {
    pub(crate) values: Vec<&'a str>,
}

impl<'a> Cells<'a> {
    #[cfg(test)]
    pub(crate) fn blank(table: &Table) -> Self {
        Cells {
            values: vec![""; table.fields.len()],
        }
    }

    /// Blank cells in the allocation of `spare`.
    pub(crate) fn blank_in(table: &Table, mut spare: Vec<&'a str>) -> Self {
        spare.clear();
        spare.resize(table.fields.len(), "");
        Cells { values: spare }
    }

    /// The allocation of these cells, emptied and free of their borrow, for the next row's
    /// [`Cells::blank_in`]. Collecting an emptied vector into one of the same layout reuses
    /// its buffer (the standard library's in-place collection), so no row allocates.
    pub(crate) fn recycle<'b>(self) -> Vec<&'b str> {
        let mut values = self.values;
        values.clear();
        values.into_iter().map(|_| "").collect()
    }

    /// A stored record as cells, for rules that look at the whole extension (a blank cell in
    /// a row keeps the PBX's value, so a forward the PBX already has stays satisfied).
    pub(crate) fn of_record(table: &Table, record: &'a Record) -> Self {
        Cells {
            values: table
                .fields
                .iter()
                .map(|f| record.get(f.name).map_or("", String::as_str))
                .collect(),
        }
    }

    pub(crate) fn get(&self, table: &Table, name: &str) -> &'a str {
        table.index(name).map_or("", |i| self.values[i])
    }

    /// The filled cells among `fields` (positions in the table) as a record, each value in
    /// its one spelling (`yes` → `1` for a boolean).
    pub(crate) fn record(&self, table: &Table, fields: impl IntoIterator<Item = usize>) -> Record {
        fields
            .into_iter()
            .filter(|&i| !self.values[i].is_empty())
            .map(|i| {
                let field = &table.fields[i];
                (
                    field.name.to_string(),
                    field.kind.canonical(self.values[i]).to_string(),
                )
            })
            .collect()
    }
}

/// What the check needs to know beyond the row itself.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CheckContext {
    /// The row creates the extension, so fields required on add must be filled.
    pub(crate) adding: bool,
    /// The PBX is set to weak passwords.
    pub(crate) weak_passwords: bool,
    /// Enumerations and switches must be spelt as a document shows them (the simulator), not
    /// in any case or as `yes`/`1` (a person's sheet).
    pub(crate) exact_spelling: bool,
}

/// One broken rule in one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) field: &'static str,
    pub(crate) code: Code,
    /// Plain words; never contains a secret's value.
    pub(crate) message: String,
}

/// Every problem of the row, field by field, in table order; empty when the row is valid.
///
/// Field rules apply to the row's own cells. Rules between fields see `base` (the PBX's
/// current record) where the row leaves a cell blank, since a blank cell keeps that value.
pub(crate) fn check_cells(
    table: &'static Table,
    cells: &Cells<'_>,
    base: Option<&Cells<'_>>,
    ctx: CheckContext,
) -> Vec<Problem> {
    check_filled(table, cells, Filled::every(table), base, ctx)
}

/// [`check_cells`] for cells that fill only `filled.fields`, as a file's columns do: a row
/// of 12 columns is not looked at 37 times, nor its rules between fields it cannot fill.
pub(crate) fn check_filled(
    table: &'static Table,
    cells: &Cells<'_>,
    filled: &Filled,
    base: Option<&Cells<'_>>,
    ctx: CheckContext,
) -> Vec<Problem> {
    check_parts(table, cells, filled, base, ctx, true)
}

/// [`check_filled`] for cells whose every filled cell already passed its field's rule as
/// they were read (see [`super::ColumnRules`]): only what needs the whole row, the fields
/// required and the rules between fields.
pub(crate) fn check_whole_row(
    table: &'static Table,
    cells: &Cells<'_>,
    filled: &Filled,
    base: Option<&Cells<'_>>,
    ctx: CheckContext,
) -> Vec<Problem> {
    check_parts(table, cells, filled, base, ctx, false)
}

fn check_parts(
    table: &'static Table,
    cells: &Cells<'_>,
    filled: &Filled,
    base: Option<&Cells<'_>>,
    ctx: CheckContext,
    field_rules: bool,
) -> Vec<Problem> {
    debug_assert!(
        (cells.values.iter().enumerate()).all(|(i, v)| v.is_empty() || filled.fields.contains(&i)),
        "a filled cell outside `filled`"
    );
    let compiled = compiled(table);
    let mut problems = Vec::new();
    for &i in &compiled.needed {
        let field = &table.fields[i];
        if cells.values[i].is_empty() && (field.need == Need::Always || ctx.adding) {
            let when = match field.need {
                Need::OnAdd => " to add an extension",
                _ => "",
            };
            problems.push(Problem {
                field: field.name,
                code: Code::MissingField,
                message: format!("{} is required{when}", field.name),
            });
        }
    }
    let fields: &[usize] = if field_rules { &filled.fields } else { &[] };
    for &i in fields {
        let value = cells.values[i];
        if value.is_empty() {
            continue;
        }
        let field = &table.fields[i];
        if let Some(rule) = broken(field, &compiled.ascii[i], value, ctx) {
            let why = rule.message(field, value, ctx);
            problems.push(Problem {
                field: field.name,
                code: Code::BadValue,
                message: describe_problem(field, value, &why),
            });
        }
    }
    // Said field by field in table order, a missing field among the others.
    if problems.len() > 1 {
        problems.sort_by_key(|p| table.index(p.field));
    }
    let merged;
    // A row's blank cells keep the PBX's values, which can break any rule.
    let rules = match base {
        Some(_) => &Filled::every(table).cross,
        None => &filled.cross,
    };
    let whole = match base {
        Some(base) => {
            merged = Cells {
                values: cells
                    .values
                    .iter()
                    .zip(&base.values)
                    .map(|(own, theirs)| if own.is_empty() { *theirs } else { *own })
                    .collect(),
            };
            &merged
        }
        None => cells,
    };
    for &rule in rules {
        let (at, rule) = (&compiled.cross[rule], &table.cross[rule]);
        check_cross(table, rule, at, whole, ctx, &mut problems);
    }
    problems
}

fn check_cross(
    table: &Table,
    rule: &Cross,
    at: &Resolved,
    cells: &Cells<'_>,
    ctx: CheckContext,
    problems: &mut Vec<Problem>,
) {
    let value = |i: usize| at.at[i].map_or("", |pos| cells.values[pos]);
    match rule {
        Cross::NeededWhen {
            field,
            when,
            values,
        } => {
            // The common case, a blank trigger, needs no comparing.
            if (value(1).is_empty() && !at.blank_triggers) || !value(0).is_empty() {
                return;
            }
            // `mobile number` turns the rule on as `Mobile Number` does.
            let trigger = at.at[1].map_or("", |pos| table.fields[pos].kind.canonical(value(1)));
            if values.contains(&trigger) {
                problems.push(Problem {
                    field,
                    code: Code::NeedsField,
                    message: format!("{field} is required when {when} is {trigger}"),
                });
            }
        }
        Cross::OneNeededToAdd { fields } => {
            if ctx.adding && (0..fields.len()).all(|i| value(i).is_empty()) {
                problems.push(Problem {
                    field: fields[0],
                    code: Code::MissingField,
                    message: format!("{} is required to add an extension", fields.join(" or ")),
                });
            }
        }
        Cross::NotContaining { field, others } => {
            if !at.strong || ctx.weak_passwords || value(0).is_empty() {
                return;
            }
            let password = value(0);
            for (i, other) in others.iter().enumerate() {
                let other_value = value(i + 1);
                if !other_value.is_empty() && contains_ignoring_case(password, other_value) {
                    problems.push(Problem {
                        field,
                        code: Code::BadValue,
                        message: format!(
                            "{field} must not contain the {other} (strong password policy)"
                        ),
                    });
                }
            }
        }
    }
}

/// Why the rule `problem` breaks is one no document of the API states (the field is
/// inferred), or `None` where a document states it. Such a rule warns unless `--strict`.
pub(crate) fn inferred_rule(table: &Table, problem: &Problem) -> Option<&'static str> {
    match (problem.code, table.origin(problem.field)) {
        (Code::BadValue, Origin::Inferred(why)) => Some(why),
        _ => None,
    }
}

fn describe_problem(field: &Field, value: &str, why: &str) -> String {
    if field.secret {
        format!("{}: {why}", field.name)
    } else {
        format!("{} {}: {why}", field.name, quoted(value))
    }
}

#[cfg(test)]
mod fast_path_tests;
