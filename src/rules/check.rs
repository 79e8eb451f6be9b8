//! Applying a [`Table`] to one row's cells.
//!
//! The same function serves the client (a spreadsheet row, where a blank cell means "keep the
//! PBX's value") and the simulator (a stored record merged with an update), so the two can never
//! disagree about what a field accepts.

use super::{Chars, Cross, Field, Kind, Need, PasswordRule, Table};
use std::sync::OnceLock;

use crate::domain::values::parse_bool;
use crate::domain::{ApiKind, Code, Record};

/// One row's values, indexed like the table's fields; `""` is a blank (or absent) cell.
#[derive(Debug, Clone)]
pub(crate) struct Cells<'a> {
    pub(crate) values: Vec<&'a str>,
}

impl<'a> Cells<'a> {
    pub(crate) fn blank(table: &Table) -> Self {
        Cells {
            values: vec![""; table.fields.len()],
        }
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
    let mut problems = Vec::new();
    for (field, value) in table.fields.iter().zip(&cells.values) {
        if value.is_empty() {
            let required = field.need == Need::Always || (field.need == Need::OnAdd && ctx.adding);
            if required {
                let when = if field.need == Need::OnAdd {
                    " to add an extension"
                } else {
                    ""
                };
                problems.push(Problem {
                    field: field.name,
                    code: Code::MissingField,
                    message: format!("{} is required{when}", field.name),
                });
            }
            continue;
        }
        if let Some(why) = check_value(field, value, ctx) {
            problems.push(Problem {
                field: field.name,
                code: Code::BadValue,
                message: describe_problem(field, value, &why),
            });
        }
    }
    let merged;
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
    for (rule, at) in table.cross.iter().zip(resolved(table)) {
        check_cross(table, rule, at, whole, ctx, &mut problems);
    }
    problems
}

/// A rule between fields with its fields resolved to positions, once per table: looking them
/// up by name on every row of a million-row file was a fifth of validation's time.
struct Resolved {
    /// Positions of the rule's fields, in the order the rule names them.
    at: Vec<Option<usize>>,
    /// For `NotContaining`: the password field follows the strong policy.
    strong: bool,
}

fn resolved(table: &'static Table) -> &'static [Resolved] {
    static CACHE: [OnceLock<Vec<Resolved>>; ApiKind::ALL.len()] =
        [const { OnceLock::new() }; ApiKind::ALL.len()];
    CACHE[table.api as usize].get_or_init(|| {
        table
            .cross
            .iter()
            .map(|rule| {
                let names: Vec<&str> = match rule {
                    Cross::NeededWhen { field, when, .. } => vec![field, when],
                    Cross::OneNeededToAdd { fields } => fields.to_vec(),
                    Cross::NotContaining { field, others } => std::iter::once(*field)
                        .chain(others.iter().copied())
                        .collect(),
                };
                let strong = matches!(
                    rule,
                    Cross::NotContaining { field, .. } if matches!(
                        table.field(field).map(|f| f.kind),
                        Some(Kind::Password(PasswordRule { strong_min: Some(_), .. }))
                    )
                );
                Resolved {
                    at: names.iter().map(|n| table.index(n)).collect(),
                    strong,
                }
            })
            .collect()
    })
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
            // `mobile number` turns the rule on as `Mobile Number` does.
            let trigger = at.at[1].map_or("", |pos| table.fields[pos].kind.canonical(value(1)));
            if values.contains(&trigger) && value(0).is_empty() {
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
            let password = value(0).to_lowercase();
            for (i, other) in others.iter().enumerate() {
                let other_value = value(i + 1).to_lowercase();
                if !other_value.is_empty() && password.contains(&other_value) {
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

/// Why `value` breaks the field's rule, or `None` when it is fine.
pub(crate) fn check_value(field: &Field, value: &str, ctx: CheckContext) -> Option<String> {
    let weak_passwords = ctx.weak_passwords;
    if ctx.exact_spelling && !field.kind.documented_spelling(value) {
        return Some(format!(
            "must be spelt {}",
            field.kind.describe(weak_passwords)
        ));
    }
    match field.kind {
        Kind::Text { min, max, chars } => {
            check_chars(value, chars).or_else(|| check_len(value, min, max))
        }
        Kind::Bool => parse_bool(value)
            .is_none()
            .then(|| "must be 1 or 0 (true/false, yes/no)".into()),
        Kind::Digits { max } => {
            if !value.bytes().all(|b| b.is_ascii_digit()) {
                Some("only digits are allowed".into())
            } else {
                check_len(value, 1, max)
            }
        }
        Kind::OneOf { values, .. } => (!values.contains(&field.kind.canonical(value)))
            .then(|| format!("must be {}", field.kind.describe(weak_passwords))),
        Kind::Switch => (!matches!(field.kind.canonical(value), "on" | "off"))
            .then(|| "must be on or off".into()),
        Kind::Range(lo, hi) => match value.parse::<u32>() {
            Ok(n) if (lo..=hi).contains(&n) => None,
            _ => Some(format!("must be a whole number from {lo} to {hi}")),
        },
        Kind::Email => (!is_email(value)).then(|| "is not an e-mail address".into()),
        Kind::Password(rule) => check_password(value, rule, weak_passwords),
    }
}

fn check_chars(value: &str, chars: Chars) -> Option<String> {
    let mut bad: Vec<String> = Vec::new();
    for c in value.chars().filter(|&c| !chars.allows(c)) {
        let shown = match c {
            ' ' => "space".to_string(),
            c if c.is_control() => format!("{c:?}"),
            c => c.to_string(),
        };
        if !bad.contains(&shown) {
            bad.push(shown);
        }
    }
    (!bad.is_empty()).then(|| format!("contains {}; allowed: {}", bad.join(" "), chars.describe()))
}

fn check_len(value: &str, min: usize, max: usize) -> Option<String> {
    let len = value.chars().count();
    if len > max {
        Some(format!("is {len} characters long, at most {max} allowed"))
    } else if len < min {
        Some(format!("is {len} characters long, at least {min} needed"))
    } else {
        None
    }
}

fn check_password(value: &str, rule: PasswordRule, weak_passwords: bool) -> Option<String> {
    // A password's characters are never echoed: only which rule it breaks.
    if value.chars().any(|c| !rule.chars.allows(c)) {
        return Some(format!("may only contain {}", rule.chars.describe()));
    }
    let strong_min = rule.strong_min.filter(|_| !weak_passwords);
    let min = strong_min.unwrap_or(rule.weak_min);
    if let Some(why) = check_len(value, min, rule.max) {
        return Some(why);
    }
    if strong_min.is_some() && !password_is_strong(value) {
        return Some(
            "is not strong: it needs upper and lower case letters and digits, \
             and no 4 sequential or identical digits (or set --weak-passwords)"
                .into(),
        );
    }
    None
}

/// Mixed case and digits, with no run like `1234`, `4321` or `1111`.
fn password_is_strong(value: &str) -> bool {
    let has = |f: fn(&char) -> bool| value.chars().any(|c| f(&c));
    if !(has(char::is_ascii_uppercase)
        && has(char::is_ascii_lowercase)
        && has(char::is_ascii_digit))
    {
        return false;
    }
    let bytes = value.as_bytes();
    !bytes.windows(4).any(|w| {
        w.iter().all(u8::is_ascii_digit)
            && [0i16, 1, -1].iter().any(|&step| {
                w.windows(2)
                    .all(|p| i16::from(p[1]) - i16::from(p[0]) == step)
            })
    })
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let labels_ok = domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    !local.is_empty()
        && !local.contains('@')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && labels_ok
}

fn describe_problem(field: &Field, value: &str, why: &str) -> String {
    if field.secret {
        format!("{}: {why}", field.name)
    } else {
        format!("{} {:?}: {why}", field.name, value)
    }
}
