//! Applying a [`Table`] to one row's cells.
//!
//! The same function serves the client (a spreadsheet row, where a blank cell means "keep the
//! PBX's value") and the simulator (a stored record merged with an update), so the two can never
//! disagree about what a field accepts.

use super::compiled::{Filled, Resolved, ascii_mask, compiled};
use super::{Chars, Cross, Field, Kind, Need, PasswordRule, Table};
use crate::domain::values::parse_bool;
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
    for &i in &filled.fields {
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

/// The length of `value` in characters when `chars` allows every one of them: byte by byte
/// through `mask` for ASCII text, character by character otherwise.
#[inline(always)]
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
        let Some(&first) = n.first() else {
            return true;
        };
        // Only where the first byte matches is the rest compared. (A password is short: a
        // plain loop beats setting up a vectorised search.)
        let Some(last) = h.len().checked_sub(n.len()) else {
            return false;
        };
        let first = first.to_ascii_lowercase();
        h[..=last].iter().enumerate().any(|(at, b)| {
            b.to_ascii_lowercase() == first && h[at..][..n.len()].eq_ignore_ascii_case(n)
        })
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

/// [`check_value`] with the field's ASCII characters from the compiled table.
fn check_field(
    field: &Field,
    mask: &[bool; 256],
    value: &str,
    ctx: CheckContext,
) -> Option<String> {
    broken(field, mask, value, ctx).map(|rule| rule.message(field, value, ctx))
}

/// Which rule a value breaks. Small, and made without allocating: a valid cell, the common
/// case, never comes near formatting; [`Broken::message`] says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broken {
    /// Not spelt as a document shows it (the simulator's exact spelling).
    Spelling,
    /// Text holding characters its class refuses.
    Chars,
    TooLong {
        len: usize,
        max: usize,
    },
    TooShort {
        len: usize,
        min: usize,
    },
    NotBool,
    NotDigits,
    NotListed,
    NotSwitch,
    OutOfRange {
        lo: u32,
        hi: u32,
    },
    NotEmail,
    /// A password holding characters its class refuses (which ones is never said).
    PasswordChars,
    NotStrong,
}

// Inlined into the loop over a row's cells: its entry and exit were a fifth of its cost.
#[inline(always)]
fn broken(field: &Field, mask: &[bool; 256], value: &str, ctx: CheckContext) -> Option<Broken> {
    if ctx.exact_spelling && !field.kind.documented_spelling(value) {
        return Some(Broken::Spelling);
    }
    match field.kind {
        Kind::Text { min, max, chars } => match allowed_len(value, chars, mask) {
            Some(len) => len_broken(len, min, max),
            None => Some(Broken::Chars),
        },
        Kind::Bool => parse_bool(value).is_none().then_some(Broken::NotBool),
        Kind::Digits { max } | Kind::Phone { max } => {
            if value.bytes().all(|b| b.is_ascii_digit()) {
                len_broken(value.len(), 1, max)
            } else {
                Some(Broken::NotDigits)
            }
        }
        // A value spelt as listed is one whatever its case folds to: the common case skips
        // the folding.
        Kind::OneOf { values, .. } if values.contains(&value) => None,
        Kind::Switch if matches!(value, "on" | "off") => None,
        Kind::OneOf { values, .. } => {
            (!values.contains(&field.kind.canonical(value))).then_some(Broken::NotListed)
        }
        Kind::Switch => {
            (!matches!(field.kind.canonical(value), "on" | "off")).then_some(Broken::NotSwitch)
        }
        Kind::Range(lo, hi) => match value.parse::<u32>() {
            Ok(n) if (lo..=hi).contains(&n) => None,
            _ => Some(Broken::OutOfRange { lo, hi }),
        },
        Kind::Email => (!is_email(value)).then_some(Broken::NotEmail),
        Kind::Password(rule) => password_broken(value, rule, mask, ctx.weak_passwords),
    }
}

impl Broken {
    /// The rule in words, after the field's name (and value, where it may be shown).
    #[cold]
    fn message(self, field: &Field, value: &str, ctx: CheckContext) -> String {
        let weak_passwords = ctx.weak_passwords;
        match self {
            Broken::Spelling => format!("must be spelt {}", field.kind.describe(weak_passwords)),
            Broken::Chars => match field.kind {
                Kind::Text { chars, .. } => refused_chars(value, chars),
                _ => String::new(),
            },
            Broken::TooLong { len, max } => {
                format!("is {len} characters long, at most {max} allowed")
            }
            Broken::TooShort { len, min } => {
                format!("is {len} characters long, at least {min} needed")
            }
            Broken::NotBool => "must be 1 or 0 (true/false, yes/no)".into(),
            Broken::NotDigits => "only digits are allowed".into(),
            Broken::NotListed => format!("must be {}", field.kind.describe(weak_passwords)),
            Broken::NotSwitch => "must be on or off".into(),
            Broken::OutOfRange { lo, hi } => format!("must be a whole number from {lo} to {hi}"),
            Broken::NotEmail => "is not an e-mail address".into(),
            Broken::PasswordChars => match field.kind {
                Kind::Password(rule) => format!("may only contain {}", rule.chars.describe()),
                _ => String::new(),
            },
            Broken::NotStrong => "is not strong: it needs upper and lower case letters and \
                                  digits, and no 4 sequential or identical digits (or set \
                                  --weak-passwords)"
                .into(),
        }
    }
}

/// Which characters of `value` `chars` refuses, and what it allows.
fn refused_chars(value: &str, chars: Chars) -> String {
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
    format!("contains {}; allowed: {}", bad.join(" "), chars.describe())
}

fn len_broken(len: usize, min: usize, max: usize) -> Option<Broken> {
    if len > max {
        Some(Broken::TooLong { len, max })
    } else if len < min {
        Some(Broken::TooShort { len, min })
    } else {
        None
    }
}

fn password_broken(
    value: &str,
    rule: PasswordRule,
    mask: &[bool; 256],
    weak_passwords: bool,
) -> Option<Broken> {
    // A password's characters are never echoed: only which rule it breaks.
    let Some(len) = allowed_len(value, rule.chars, mask) else {
        return Some(Broken::PasswordChars);
    };
    let strong_min = rule.strong_min.filter(|_| !weak_passwords);
    let min = strong_min.unwrap_or(rule.weak_min);
    if let Some(why) = len_broken(len, min, rule.max) {
        return Some(why);
    }
    (strong_min.is_some() && !password_is_strong(value)).then_some(Broken::NotStrong)
}

/// Mixed case and digits, with no run like `1234`, `4321` or `1111`.
///
/// One pass over the bytes: `run` counts the digits up to here that step evenly (by `step`,
/// 0, +1 or -1), so a run of 4 is a weak window.
fn password_is_strong(value: &str) -> bool {
    // Each byte's class in one lookup, not three comparisons.
    const UPPER: u8 = 1;
    const LOWER: u8 = 2;
    const DIGIT: u8 = 4;
    const CLASS: [u8; 256] = {
        let mut class = [0; 256];
        let mut b = 0;
        while b < 256 {
            class[b] = match b as u8 {
                b'A'..=b'Z' => UPPER,
                b'a'..=b'z' => LOWER,
                b'0'..=b'9' => DIGIT,
                _ => 0,
            };
            b += 1;
        }
        class
    };
    let mut seen = 0;
    let (mut run, mut step, mut prev) = (0u8, 0i16, 0u8);
    for &b in value.as_bytes() {
        let class = CLASS[usize::from(b)];
        seen |= class;
        if class != DIGIT {
            run = 0;
            continue;
        }
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
    seen == UPPER | LOWER | DIGIT
}

fn is_email(value: &str) -> bool {
    ascii_email(value.as_bytes()).unwrap_or_else(|| is_email_text(value))
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

/// [`is_email`] over the bytes, or `None` at a byte outside ASCII (the character rule then
/// decides). For ASCII, `is_whitespace` or `is_control` is a byte up to the space or DEL,
/// and `is_alphanumeric` is `is_ascii_alphanumeric`. The first `@` splits: any other puts
/// one in the local part (the character rule's last `@`) or in the domain, both refused.
fn ascii_email(value: &[u8]) -> Option<bool> {
    let Some(at) = memchr::memchr(b'@', value) else {
        return Some(false);
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    if local.is_empty() {
        return Some(false);
    }
    for &b in local {
        if b >= 0x80 {
            return None;
        }
        if b <= b' ' || b == 0x7f {
            return Some(false);
        }
    }
    // At least two labels, none empty, of letters, digits and `-`.
    let (mut labels, mut label_len) = (1, 0);
    for &b in domain {
        if b.is_ascii_alphanumeric() || b == b'-' {
            label_len += 1;
        } else if b == b'.' && label_len > 0 {
            labels += 1;
            label_len = 0;
        } else if b >= 0x80 {
            return None;
        } else {
            return Some(false);
        }
    }
    Some(labels >= 2 && label_len > 0)
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
