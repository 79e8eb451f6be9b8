//! A file's columns checked one kind of rule at a time: the rows of a big file go through
//! one short loop per kind (its digit columns, then its text columns, …), each applying the
//! same per-kind function [`broken`](super::value::broken) applies, instead of branching on
//! the kind at every cell.
//!
//! That branch, taken a dozen ways in turn on every row, was mispredicted (`perf` put about
//! 5 % of validating a file on it); a loop over the columns of one kind takes the same way
//! every time.

use super::check::CheckContext;
use super::compiled::compiled;
use super::password::password_broken;
use super::value::{
    bool_broken, digits_broken, email_broken, listed_broken, range_broken, switch_broken,
    text_broken,
};
use super::{Chars, Kind, PasswordRule, Table};

/// A column of the file and the field of the table it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) at: usize,
    pub(crate) field: usize,
}

/// The columns of a file, grouped by their field's kind, with what each kind's check needs.
pub(crate) struct ColumnRules {
    weak_passwords: bool,
    digits: Vec<(Column, usize)>,
    text: Vec<(Column, usize, usize, Chars, &'static [bool; 256])>,
    listed: Vec<(Column, &'static Kind, &'static [&'static str])>,
    switch: Vec<(Column, &'static Kind)>,
    range: Vec<(Column, u32, u32)>,
    email: Vec<Column>,
    password: Vec<(Column, PasswordRule, &'static [bool; 256])>,
    bool: Vec<Column>,
}

impl ColumnRules {
    /// For `columns` of `table` (each field at most once) under `ctx`, or `None` where `ctx`
    /// asks for documented spellings (the simulator's check, which this does not make).
    pub(crate) fn new(
        table: &'static Table,
        ctx: CheckContext,
        columns: &[Column],
    ) -> Option<ColumnRules> {
        let compiled = compiled(table);
        if ctx.exact_spelling {
            return None;
        }
        let mut groups = ColumnRules {
            weak_passwords: ctx.weak_passwords,
            digits: Vec::new(),
            text: Vec::new(),
            listed: Vec::new(),
            switch: Vec::new(),
            range: Vec::new(),
            email: Vec::new(),
            password: Vec::new(),
            bool: Vec::new(),
        };
        for &column in columns {
            let (field, mask) = (
                table.fields.get(column.field)?,
                &compiled.ascii[column.field],
            );
            match &field.kind {
                Kind::Digits { max } | Kind::Phone { max } => groups.digits.push((column, *max)),
                Kind::Text { min, max, chars } => {
                    groups.text.push((column, *min, *max, *chars, mask));
                }
                kind @ Kind::OneOf { values, .. } => groups.listed.push((column, kind, values)),
                kind @ Kind::Switch => groups.switch.push((column, kind)),
                Kind::Range(lo, hi) => groups.range.push((column, *lo, *hi)),
                Kind::Email => groups.email.push(column),
                Kind::Password(rule) => groups.password.push((column, *rule, mask)),
                Kind::Bool => groups.bool.push(column),
            }
        }
        Some(groups)
    }

    /// Whether every filled cell of `values` (indexed like the table's fields, `""` for a
    /// blank) passes its field's rule, exactly as [`super::check_filled`] decides it.
    #[inline(always)]
    pub(crate) fn accept(&self, values: &[&str]) -> bool {
        let cell = |column: Column| values.get(column.field).copied();
        macro_rules! each {
            ($group:expr, |$column:ident, $value:ident $(, $arg:ident)*| $broken:expr) => {
                for &($column, $($arg),*) in &$group {
                    let Some($value) = cell($column) else {
                        return false;
                    };
                    if !$value.is_empty() && $broken.is_some() {
                        return false;
                    }
                }
            };
        }
        each!(self.digits, |c, v, max| digits_broken(v, max));
        each!(self.text, |c, v, min, max, chars, mask| text_broken(
            v, min, max, chars, mask
        ));
        each!(self.listed, |c, v, kind, values| listed_broken(
            kind, values, v
        ));
        each!(self.switch, |c, v, kind| switch_broken(kind, v));
        each!(self.range, |c, v, lo, hi| range_broken(v, lo, hi));
        for &column in &self.email {
            match cell(column) {
                Some(v) if v.is_empty() || email_broken(v).is_none() => {}
                _ => return false,
            }
        }
        each!(self.password, |c, v, rule, mask| password_broken(
            v,
            rule,
            mask,
            self.weak_passwords
        ));
        for &column in &self.bool {
            match cell(column) {
                Some(v) if v.is_empty() || bool_broken(v).is_none() => {}
                _ => return false,
            }
        }
        true
    }
}
