//! The vendors' field rules, kept as data.
//!
//! Each API has one [`Table`]: its columns, what each accepts, when it is required, and the
//! rules that tie fields together. Validation (`validate`, `import`), `template --describe` and
//! the simulator's own server-side checks all read these tables, so a rule is written once.

mod broken;
mod chars;
mod check;
mod columns;
mod compiled;
mod contains;
mod password;
mod value;

#[cfg(test)]
mod tests;

pub(crate) use chars::Chars;
pub(crate) use check::{
    Cells, CheckContext, Problem, check_cells, check_filled, check_whole_row, inferred_rule,
};
pub(crate) use columns::ColumnRules;
pub(crate) use compiled::{Filled, TableCache};
pub(crate) use value::check_value;

use crate::domain::values::bool_canonical;
use crate::domain::{Api, Term};

/// What a cell may hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// Free text of `min..=max` characters drawn from `chars`.
    Text {
        min: usize,
        max: usize,
        chars: Chars,
    },
    /// Digits only, `1..=max` of them.
    Digits { max: usize },
    /// A phone number or dial prefix: digits only, `1..=max` of them, as the PBX dials it.
    /// Reading a sheet first removes the spaces, dashes, dots and parentheses people write
    /// in phone numbers, and handles a leading `+` (see `input::normalise`).
    Phone { max: usize },
    /// One of `values`, matched without regard to case. `aliases` are other spellings the
    /// documents show for one of them, as (alias, value): the PBX reports `disable` where the
    /// sheet says `Disabled`. The value is the one spelling sent and compared.
    OneOf {
        values: &'static [&'static str],
        aliases: &'static [(&'static str, &'static str)],
    },
    /// `on` or `off`, in any case; `true`/`yes`/`1`/`enable` mean on, their opposites off.
    Switch,
    /// A whole number in the inclusive range.
    Range(u32, u32),
    /// An e-mail address.
    Email,
    /// A password: `chars` and a length that depends on the PBX's password policy.
    Password(PasswordRule),
    /// Yes or no, written `1`/`0`, `true`/`false` or `yes`/`no` (any case); sent as `1`/`0`.
    Bool,
}

/// Length limits of a password under the PBX's strong (default) and weak policies.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PasswordRule {
    pub(crate) chars: Chars,
    pub(crate) max: usize,
    /// Minimum length when the PBX enforces strong passwords; also requires mixed case and
    /// digits, and neither the number nor the name (where the table's cross rules say so).
    pub(crate) strong_min: Option<usize>,
    /// The strong policy also refuses four sequential or identical digits (`1234`, `1111`).
    pub(crate) runs: bool,
    /// Minimum length under the weak policy (or when the API documents no strong policy).
    pub(crate) weak_min: usize,
}

/// When a cell must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Optional,
    /// Required when the row creates the extension.
    OnAdd,
    /// Required on every row (the key).
    Always,
}

/// One column of the spreadsheet, which is also one field of the API.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) need: Need,
    /// Never shown in a report, message, log or terminal.
    pub(crate) secret: bool,
    /// What the field means, for `template --describe`.
    pub(crate) about: &'static str,
}

/// Where a field of a table comes from, for `template --describe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A vendor document shows it: the file under `docs/vendor/` (and section).
    Documented(&'static str),
    /// No document shows it for this API; why it is there anyway.
    Inferred(&'static str),
}

/// A field of a table: optional, not secret (the helpers below change that).
pub(crate) const fn field(name: &'static str, kind: Kind, about: &'static str) -> Field {
    Field {
        name,
        kind,
        need: Need::Optional,
        secret: false,
        about,
    }
}
/// The field, required when a row adds the extension.
pub(crate) const fn on_add(mut f: Field) -> Field {
    f.need = Need::OnAdd;
    f
}
/// The field, holding a secret.
pub(crate) const fn secret(mut f: Field) -> Field {
    f.secret = true;
    f
}
pub(crate) const fn digits(max: usize) -> Kind {
    Kind::Digits { max }
}
/// A phone-like field (see [`Kind::Phone`]).
pub(crate) const fn phone(max: usize) -> Kind {
    Kind::Phone { max }
}
pub(crate) const fn text(max: usize, chars: Chars) -> Kind {
    Kind::Text { min: 0, max, chars }
}

/// Spellings of a switch's two positions beyond `on` and `off`, as people type them.
const SWITCH_ON: &[&str] = &["on", "true", "yes", "1", "enable", "enabled"];
const SWITCH_OFF: &[&str] = &["off", "false", "no", "0", "disable", "disabled"];

/// An enumeration without aliases.
pub(crate) const fn one_of(values: &'static [&'static str]) -> Kind {
    Kind::OneOf {
        values,
        aliases: &[],
    }
}

/// A rule that ties two fields of the same row together.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cross {
    /// `field` must be filled when `when` holds one of `values`.
    NeededWhen {
        field: &'static str,
        when: &'static str,
        values: &'static [&'static str],
    },
    /// At least one of `fields` must be filled when the row adds the extension.
    OneNeededToAdd { fields: &'static [&'static str] },
    /// Under the strong policy the password `field` must not contain these fields' values.
    NotContaining {
        field: &'static str,
        others: &'static [&'static str],
    },
}

/// The complete rule set of one API.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) api: &'static Api,
    /// The column that names the extension (`number`, `extid`).
    pub(crate) key: &'static str,
    /// The column that renames it, where the API can (`extnumber` in v1).
    pub(crate) rename: Option<&'static str>,
    /// Fields besides the key that no two extensions may share (an e-mail address), compared
    /// ignoring case.
    pub(crate) unique: &'static [&'static str],
    pub(crate) fields: &'static [Field],
    pub(crate) cross: &'static [Cross],
    /// Fields that name another extension (forward targets), with the switch that turns the
    /// forward on: a row that forwards to an extension added in the same run is sent after that
    /// extension exists.
    pub(crate) links: &'static [(&'static str, &'static str)],
    /// Fields the API may hand out in a form it cannot take back (v1's hashed
    /// `loginpassword`; OpenVox's `userpassword`, plain or hashed): exported blank when they
    /// come hashed, and compared both plain and through the hash.
    pub(crate) hashed_on_read: &'static [&'static str],
    /// Other header spellings accepted for a column, lower case.
    pub(crate) aliases: &'static [(&'static str, &'static str)],
    /// One row that passes every rule, for `template`.
    pub(crate) example: &'static [(&'static str, &'static str)],
    /// Where the rules come from and what is inferred, for `template --describe`.
    pub(crate) notes: &'static [&'static str],
    /// The document (under `docs/vendor/`) that shows the fields of this API.
    pub(crate) documented_in: &'static str,
    /// Fields shown elsewhere, or by no document for this API (inferred, with why).
    pub(crate) origins: &'static [(&'static str, Origin)],
    /// Which field holds which term of the vocabulary every API shares (number, names,
    /// e-mail, SIP credentials, …): how a directory moves from one API to another.
    pub(crate) terms: &'static [(Term, &'static str)],
    /// What is worked out once from the table (`TableCache::new()` in every table).
    pub(crate) cache: TableCache,
}

impl Table {
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub(crate) fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The column a header cell names, matched case-insensitively, spaces trimmed.
    pub(crate) fn column_for(&self, header: &str) -> Option<usize> {
        let h = header.trim().to_lowercase();
        let name = self
            .aliases
            .iter()
            .find(|(alias, _)| *alias == h)
            .map_or(h.as_str(), |(_, name)| *name);
        self.fields.iter().position(|f| f.name == name)
    }

    /// Every value of `record` in the one spelling this table sends.
    pub(crate) fn canonicalise(&self, record: &mut crate::domain::Record) {
        for (name, value) in record.iter_mut() {
            if let Some(field) = self.field(name) {
                let canonical = field.kind.canonical(value);
                if canonical != value {
                    *value = canonical.to_string();
                }
            }
        }
    }

    /// Whether a document shows the field for this API, or it is inferred.
    pub(crate) fn origin(&self, name: &str) -> Origin {
        self.origins
            .iter()
            .find(|(field, _)| *field == name)
            .map_or(Origin::Documented(self.documented_in), |(_, origin)| {
                *origin
            })
    }

    /// The key's position, looked up once per table (it is asked for on every row).
    pub(crate) fn key_index(&'static self) -> usize {
        compiled::compiled(self).key
    }

    /// The field that holds `term` of the shared vocabulary, if this API has one.
    pub(crate) fn field_for(&self, term: Term) -> Option<&'static str> {
        self.terms.iter().find(|(t, _)| *t == term).map(|(_, f)| *f)
    }
}

impl Kind {
    /// The characters the rule allows, where it names a class of them (text, passwords).
    pub(crate) fn chars(&self) -> Option<Chars> {
        match self {
            Kind::Text { chars, .. } | Kind::Password(PasswordRule { chars, .. }) => Some(*chars),
            _ => None,
        }
    }

    /// The one spelling of a value that is compared and sent: `On`/`TRUE` → `on` for a switch,
    /// `voicemail` → `Voicemail`, an alias → its value, `yes` → `1` for a boolean. A value that
    /// is none of them is returned as it is, for the rules to refuse.
    pub(crate) fn canonical<'a>(&self, value: &'a str) -> &'a str {
        let same = |v: &str| v.eq_ignore_ascii_case(value);
        match self {
            Kind::Bool => bool_canonical(value),
            Kind::Switch if SWITCH_ON.iter().any(|v| same(v)) => "on",
            Kind::Switch if SWITCH_OFF.iter().any(|v| same(v)) => "off",
            Kind::OneOf { values, aliases } => values
                .iter()
                .copied()
                .find(|v| same(v))
                .or_else(|| aliases.iter().find(|(a, _)| same(a)).map(|(_, v)| *v))
                .unwrap_or(value),
            _ => value,
        }
    }

    /// Whether `value` is spelt exactly as a document shows it (the simulator's check: a PBX
    /// compares spellings, it does not fold case or guess what `yes` means).
    pub(crate) fn documented_spelling(&self, value: &str) -> bool {
        match self {
            Kind::Switch => matches!(value, "on" | "off"),
            Kind::OneOf { values, aliases } => {
                values.contains(&value) || aliases.iter().any(|(a, _)| *a == value)
            }
            _ => true,
        }
    }

    /// The rule in a few words, for `--describe` and error messages.
    pub(crate) fn describe(&self, weak_passwords: bool) -> String {
        match self {
            Kind::Text { min, max, chars } if min == max => {
                format!("{}, exactly {max}", chars.describe())
            }
            Kind::Text { max, chars, .. } => format!("{}, at most {max}", chars.describe()),
            Kind::Bool => "1/0, true/false or yes/no".into(),
            Kind::Digits { max } => format!("digits, at most {max}"),
            Kind::Phone { max } => {
                format!("phone digits, at most {max} (spaces, dashes, dots, parentheses removed)")
            }
            Kind::OneOf { values, aliases } => {
                let spelt = |v: &&str| {
                    let also: Vec<&str> = aliases
                        .iter()
                        .filter(|(_, to)| to == v)
                        .map(|(a, _)| *a)
                        .collect();
                    if also.is_empty() {
                        (*v).to_string()
                    } else {
                        format!("{v} (also {})", also.join(", "))
                    }
                };
                let values: Vec<String> = values.iter().map(spelt).collect();
                format!("one of: {} (any case)", values.join(", "))
            }
            Kind::Switch => "on or off (any case; also yes/no, true/false, 1/0)".into(),
            Kind::Range(lo, hi) => format!("a whole number from {lo} to {hi}"),
            Kind::Email => "an e-mail address (name@domain.tld)".into(),
            Kind::Password(p) => {
                let min = match (p.strong_min, weak_passwords) {
                    (Some(strong), false) => {
                        return format!(
                            "{}, {strong} to {} long, upper and lower case and digits{}",
                            p.chars.describe(),
                            p.max,
                            if p.runs {
                                ", no 4 sequential or identical digits"
                            } else {
                                ""
                            }
                        );
                    }
                    _ => p.weak_min,
                };
                format!("{}, {min} to {} long", p.chars.describe(), p.max)
            }
        }
    }
}
