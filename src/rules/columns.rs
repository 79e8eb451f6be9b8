//! A file's columns checked one kind of rule at a time: the rows of a big file go through
//! one short loop per kind (its digit columns, then its text columns, …), each applying the
//! same per-kind function [`broken`](super::value::broken) applies, instead of branching on
//! the kind at every cell.
//!
//! That branch, taken a dozen ways in turn on every row, is mispredicted; a loop over the
//! columns of one kind takes the same way every time (docs/BENCHMARKS.md).

use super::check::CheckContext;
use super::compiled::{Filled, compiled};
use super::password::password_broken;
use super::value::{
    bool_broken, digits_broken, email_broken, listed_broken, range_broken, switch_broken,
    text_broken,
};
use super::{Chars, Kind, PasswordRule, Table};

/// A file's fields (positions in the table), grouped by kind, with what each kind's check
/// needs.
pub(crate) struct ColumnRules {
    weak_passwords: bool,
    digits: Vec<(usize, usize)>,
    text: Vec<(usize, usize, usize, Chars, &'static [bool; 256])>,
    listed: Vec<(usize, &'static Kind, &'static [&'static str])>,
    switch: Vec<(usize, &'static Kind)>,
    range: Vec<(usize, u32, u32)>,
    email: Vec<(usize,)>,
    password: Vec<(usize, PasswordRule, &'static [bool; 256])>,
    bool: Vec<(usize,)>,
}

impl ColumnRules {
    /// For the fields of `table` a file's columns fill, under `ctx`; `None` where `ctx` asks
    /// for documented spellings (the simulator's check, which this does not make).
    pub(crate) fn new(
        table: &'static Table,
        ctx: CheckContext,
        filled: &Filled,
    ) -> Option<ColumnRules> {
        if ctx.exact_spelling {
            return None;
        }
        let compiled = compiled(table);
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
        for &at in &filled.fields {
            let (field, mask) = (table.fields.get(at)?, compiled.ascii.get(at)?);
            match &field.kind {
                Kind::Digits { max } | Kind::Phone { max } => groups.digits.push((at, *max)),
                Kind::Text { min, max, chars } => {
                    groups.text.push((at, *min, *max, *chars, mask));
                }
                kind @ Kind::OneOf { values, .. } => groups.listed.push((at, kind, values)),
                kind @ Kind::Switch => groups.switch.push((at, kind)),
                Kind::Range(lo, hi) => groups.range.push((at, *lo, *hi)),
                Kind::Email => groups.email.push((at,)),
                Kind::Password(rule) => groups.password.push((at, *rule, mask)),
                Kind::Bool => groups.bool.push((at,)),
            }
        }
        Some(groups)
    }

    /// Whether every filled cell of `values` (indexed like the table's fields, `""` for a
    /// blank) passes its field's rule, exactly as [`super::check_filled`] decides it.
    #[inline(always)]
    pub(crate) fn accept(&self, values: &[&str]) -> bool {
        macro_rules! each {
            ($group:expr, |$value:ident $(, $arg:ident)*| $broken:expr) => {
                for &(at, $($arg),*) in &$group {
                    let Some(&$value) = values.get(at) else {
                        return false;
                    };
                    if !$value.is_empty() && $broken.is_some() {
                        return false;
                    }
                }
            };
        }
        let weak = self.weak_passwords;
        each!(self.digits, |v, max| digits_broken(v, max));
        each!(self.text, |v, min, max, chars, mask| text_broken(
            v, min, max, chars, mask
        ));
        each!(self.listed, |v, kind, values| listed_broken(
            kind, values, v
        ));
        each!(self.switch, |v, kind| switch_broken(kind, v));
        each!(self.range, |v, lo, hi| range_broken(v, lo, hi));
        each!(self.email, |v| email_broken(v));
        each!(self.password, |v, rule, mask| password_broken(
            v, rule, mask, weak
        ));
        each!(self.bool, |v| bool_broken(v));
        true
    }
}
