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
    let compiled = compiled(table);
    let mut problems = Vec::new();
    for (i, value) in cells.values.iter().enumerate() {
        if value.is_empty() {
            // Most cells of a row are blank: decided without touching the field's rule.
            let need = compiled.need[i];
            if need == Need::Always || (need == Need::OnAdd && ctx.adding) {
                let field = &table.fields[i];
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
        let field = &table.fields[i];
        if let Some(why) = check_field(field, &compiled.ascii[i], value, ctx) {
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
    for (rule, at) in table.cross.iter().zip(&compiled.cross) {
        check_cross(table, rule, at, whole, ctx, &mut problems);
    }
    problems
}

/// What checking a row needs of a table beyond the table itself, worked out once per table:
/// looking fields up by name, or testing each character through [`Chars`], on every row of a
/// million-row file was most of validation's time.
struct Compiled {
    cross: Vec<Resolved>,
    /// Per field, which bytes are ASCII characters its [`Chars`] allows; none for kinds
    /// without a character class.
    ascii: Vec<[bool; 256]>,
    /// Per field, when it must be filled.
    need: Vec<Need>,
}

/// A rule between fields with its fields resolved to positions.
struct Resolved {
    /// Positions of the rule's fields, in the order the rule names them.
    at: Vec<Option<usize>>,
    /// For `NotContaining`: the password field follows the strong policy.
    strong: bool,
    /// For `NeededWhen`: a blank `when` is one of the values that need the field.
    blank_triggers: bool,
}

fn compiled(table: &'static Table) -> &'static Compiled {
    static CACHE: [OnceLock<Compiled>; ApiKind::ALL.len()] =
        [const { OnceLock::new() }; ApiKind::ALL.len()];
    CACHE[table.api as usize].get_or_init(|| Compiled {
        cross: table
            .cross
            .iter()
            .map(|rule| resolve(table, rule))
            .collect(),
        ascii: table
            .fields
            .iter()
            .map(|f| match f.kind {
                Kind::Text { chars, .. } | Kind::Password(PasswordRule { chars, .. }) => {
                    ascii_mask(chars)
                }
                _ => [false; 256],
            })
            .collect(),
        need: table.fields.iter().map(|f| f.need).collect(),
    })
}

fn resolve(table: &Table, rule: &Cross) -> Resolved {
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
        blank_triggers: match rule {
            Cross::NeededWhen { when, values, .. } => table
                .field(when)
                .is_some_and(|f| values.contains(&f.kind.canonical(""))),
            _ => false,
        },
    }
}

/// The ASCII characters `chars` allows, made from [`Chars::allows`] itself so that the byte
/// test below can never disagree with it.
fn ascii_mask(chars: Chars) -> [bool; 256] {
    std::array::from_fn(|b| b < 128 && chars.allows(char::from(b as u8)))
}

/// The length of `value` in characters when `chars` allows every one of them: byte by byte
/// through `mask` for ASCII text, character by character otherwise.
fn allowed_len(value: &str, chars: Chars, mask: &[bool; 256]) -> Option<usize> {
    if value.bytes().all(|b| mask[usize::from(b)]) {
        return Some(value.len());
    }
    (!value.is_ascii() && value.chars().all(|c| chars.allows(c))).then(|| value.chars().count())
}

/// `haystack` contains `needle` once both are lower-cased.
fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        let Some(first) = n.first().map(u8::to_ascii_lowercase) else {
            return true;
        };
        // Only where the first byte matches is the rest compared.
        h.windows(n.len())
            .any(|w| w[0].to_ascii_lowercase() == first && w.eq_ignore_ascii_case(n))
    } else {
        haystack.to_lowercase().contains(&needle.to_lowercase())
    }
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

/// Why `value` breaks the field's rule, or `None` when it is fine.
pub(crate) fn check_value(field: &Field, value: &str, ctx: CheckContext) -> Option<String> {
    let mask = match field.kind {
        Kind::Text { chars, .. } | Kind::Password(PasswordRule { chars, .. }) => ascii_mask(chars),
        _ => [false; 256],
    };
    check_field(field, &mask, value, ctx)
}

/// [`check_value`] with the field's ASCII characters from [`Compiled`]: the common case, a
/// valid cell, is decided without allocating; only a broken rule builds its message.
fn check_field(
    field: &Field,
    mask: &[bool; 256],
    value: &str,
    ctx: CheckContext,
) -> Option<String> {
    let weak_passwords = ctx.weak_passwords;
    if ctx.exact_spelling && !field.kind.documented_spelling(value) {
        return Some(format!(
            "must be spelt {}",
            field.kind.describe(weak_passwords)
        ));
    }
    match field.kind {
        Kind::Text { min, max, chars } => match allowed_len(value, chars, mask) {
            Some(len) => len_problem(len, min, max),
            None => check_chars(value, chars),
        },
        Kind::Bool => parse_bool(value)
            .is_none()
            .then(|| "must be 1 or 0 (true/false, yes/no)".into()),
        Kind::Digits { max } | Kind::Phone { max } => {
            if !value.bytes().all(|b| b.is_ascii_digit()) {
                Some("only digits are allowed".into())
            } else {
                len_problem(value.len(), 1, max)
            }
        }
        // A value spelt as listed is one whatever its case folds to: the common case skips
        // the folding.
        Kind::OneOf { values, .. } if values.contains(&value) => None,
        Kind::Switch if matches!(value, "on" | "off") => None,
        Kind::OneOf { values, .. } => (!values.contains(&field.kind.canonical(value)))
            .then(|| format!("must be {}", field.kind.describe(weak_passwords))),
        Kind::Switch => (!matches!(field.kind.canonical(value), "on" | "off"))
            .then(|| "must be on or off".into()),
        Kind::Range(lo, hi) => match value.parse::<u32>() {
            Ok(n) if (lo..=hi).contains(&n) => None,
            _ => Some(format!("must be a whole number from {lo} to {hi}")),
        },
        Kind::Email => (!is_email(value)).then(|| "is not an e-mail address".into()),
        Kind::Password(rule) => check_password(value, rule, mask, weak_passwords),
    }
}

/// Which characters of `value` `chars` refuses, and what it allows.
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

fn len_problem(len: usize, min: usize, max: usize) -> Option<String> {
    if len > max {
        Some(format!("is {len} characters long, at most {max} allowed"))
    } else if len < min {
        Some(format!("is {len} characters long, at least {min} needed"))
    } else {
        None
    }
}

fn check_password(
    value: &str,
    rule: PasswordRule,
    mask: &[bool; 256],
    weak_passwords: bool,
) -> Option<String> {
    // A password's characters are never echoed: only which rule it breaks.
    let Some(len) = allowed_len(value, rule.chars, mask) else {
        return Some(format!("may only contain {}", rule.chars.describe()));
    };
    let strong_min = rule.strong_min.filter(|_| !weak_passwords);
    let min = strong_min.unwrap_or(rule.weak_min);
    if let Some(why) = len_problem(len, min, rule.max) {
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
///
/// One pass over the bytes: `run` counts the digits up to here that step evenly (by `step`,
/// 0, +1 or -1), so a run of 4 is a weak window.
fn password_is_strong(value: &str) -> bool {
    let (mut upper, mut lower, mut digit) = (false, false, false);
    let (mut run, mut step, mut prev) = (0u8, 0i16, 0u8);
    for &b in value.as_bytes() {
        upper |= b.is_ascii_uppercase();
        lower |= b.is_ascii_lowercase();
        if !b.is_ascii_digit() {
            run = 0;
            continue;
        }
        digit = true;
        let diff = i16::from(b) - i16::from(prev);
        run = match run {
            0 => 1,
            _ if !(-1..=1).contains(&diff) => 1,
            _ if run >= 2 && diff == step => run + 1,
            _ => {
                step = diff;
                2
            }
        };
        if run >= 4 {
            return false;
        }
        prev = b;
    }
    upper && lower && digit
}

fn is_email(value: &str) -> bool {
    if value.is_ascii() {
        return is_ascii_email(value.as_bytes());
    }
    is_email_text(value)
}

/// [`is_email`] character by character, for any text.
fn is_email_text(value: &str) -> bool {
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

/// [`is_email`] for ASCII text, in one pass over each part: for ASCII, `is_whitespace` or
/// `is_control` is a byte up to the space or DEL, and `is_alphanumeric` is
/// `is_ascii_alphanumeric`.
fn is_ascii_email(value: &[u8]) -> bool {
    let Some(at) = value.iter().rposition(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    if local.is_empty() || local.iter().any(|&b| b == b'@' || b <= b' ' || b == 0x7f) {
        return false;
    }
    // At least two labels, none empty, of letters, digits and `-`.
    let (mut labels, mut label_len) = (1, 0);
    for &b in domain {
        if b == b'.' {
            if label_len == 0 {
                return false;
            }
            labels += 1;
            label_len = 0;
        } else if b.is_ascii_alphanumeric() || b == b'-' {
            label_len += 1;
        } else {
            return false;
        }
    }
    labels >= 2 && label_len > 0
}

fn describe_problem(field: &Field, value: &str, why: &str) -> String {
    if field.secret {
        format!("{}: {why}", field.name)
    } else {
        format!("{} {:?}: {why}", field.name, value)
    }
}

#[cfg(test)]
#[path = "check_fast_path_tests.rs"]
mod fast_path_tests;
