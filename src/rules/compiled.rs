//! What checking rows needs of a rule table beyond the table itself, worked out once: per
//! table (fields resolved to positions, character classes as byte tables) and per file (the
//! fields its columns can fill, and the rules between fields that can apply to such rows).
//!
//! Looking fields up by name, testing each character through [`Chars`], or visiting the 37
//! fields of a table for a file of 12 columns, on every row of a million-row file, was most
//! of validation's time.

use std::sync::OnceLock;

use super::{Chars, Cross, Kind, Need, PasswordRule, Table};

/// A table's [`Compiled`] form, made at first use. Each table holds its own, so no list of
/// tables is needed here.
pub(crate) struct TableCache(OnceLock<Compiled>);

impl TableCache {
    pub(crate) const fn new() -> TableCache {
        TableCache(OnceLock::new())
    }
}

impl std::fmt::Debug for TableCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TableCache")
    }
}

pub(super) struct Compiled {
    pub(super) cross: Vec<Resolved>,
    /// Per field, which bytes are ASCII characters its [`Chars`] allows; none for kinds
    /// without a character class.
    pub(super) ascii: Vec<[bool; 256]>,
    /// The fields that must be filled, always or to add an extension.
    pub(super) needed: Vec<usize>,
    /// Every field, every rule: [`Filled::every`].
    every: Filled,
    /// The key's position: [`Table::key_index`].
    pub(super) key: usize,
}

/// A rule between fields with its fields resolved to positions.
pub(super) struct Resolved {
    /// Positions of the rule's fields, in the order the rule names them.
    pub(super) at: Vec<Option<usize>>,
    /// For `NotContaining`: the password field follows the strong policy.
    pub(super) strong: bool,
    /// For `NeededWhen`: a blank `when` is one of the values that need the field.
    pub(super) blank_triggers: bool,
}

/// The fields the rows of a file can fill (those with a column, in table order), and the
/// rules between fields that can break in such a row when nothing is known of the PBX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Filled {
    pub(super) fields: Vec<usize>,
    /// Positions in the table's `cross`.
    pub(super) cross: Vec<usize>,
}

impl Filled {
    /// For rows that fill only `fields` (positions in `table`, in table order).
    pub(crate) fn of(table: &'static Table, fields: Vec<usize>) -> Filled {
        let compiled = compiled(table);
        let has = |at: Option<usize>| at.is_some_and(|i| fields.contains(&i));
        let cross = (table.cross.iter().zip(&compiled.cross))
            .enumerate()
            .filter(|(_, (rule, resolved))| match rule {
                // Needs its trigger filled, unless a blank trigger is one of its values.
                Cross::NeededWhen { .. } => resolved.blank_triggers || has(resolved.at[1]),
                // Breaks exactly when none of its fields is filled.
                Cross::OneNeededToAdd { .. } => true,
                // Needs the password filled.
                Cross::NotContaining { .. } => has(resolved.at[0]),
            })
            .map(|(i, _)| i)
            .collect();
        Filled { fields, cross }
    }

    /// Rows that may fill any field of `table`.
    pub(crate) fn every(table: &'static Table) -> &'static Filled {
        &compiled(table).every
    }
}

pub(super) fn compiled(table: &'static Table) -> &'static Compiled {
    table.cache.0.get_or_init(|| Compiled {
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
        needed: (0..table.fields.len())
            .filter(|&i| matches!(table.fields[i].need, Need::Always | Need::OnAdd))
            .collect(),
        key: table
            .index(table.key)
            .expect("every table holds its key field"),
        every: Filled {
            fields: (0..table.fields.len()).collect(),
            cross: (0..table.cross.len()).collect(),
        },
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
/// test of a value can never disagree with it.
pub(super) fn ascii_mask(chars: Chars) -> [bool; 256] {
    std::array::from_fn(|b| b < 128 && chars.allows(char::from(b as u8)))
}
