//! Other systems' own spreadsheet layouts (`--layout NAME`): the columns a vendor's importer
//! reads and its exporter writes, each tied to a term of the shared vocabulary
//! ([`Term`]). A layout is a built-in mapping, made for whichever API the rows go to, so any
//! layout goes into any API; and an export can write a layout's columns back.
//!
//! Reading a file in a layout follows the vendors' importers: headers match in any case,
//! trailing empty header cells are tolerated, a row with another number of fields than the
//! header is a row error, and the layout's columns that have no field on the API are listed
//! once as not carried. Layouts of systems pbxbulk speaks to live with their vendor (and a file
//! in one is recognised unasked); the others are listed here ([`OTHERS`]).

// The layouts are laid out several columns a line, as their documents list them.
#[rustfmt::skip]
mod freepbx;
#[rustfmt::skip]
mod grandstream;
#[rustfmt::skip]
mod threecx;

use super::mapping::filters::{Filter, name_part};
use super::mapping::{Accept, Mapping, Piece, Rename, Template};
use crate::domain::Term;
use crate::rules::Table;

/// One system's spreadsheet layout.
#[derive(Debug)]
pub(crate) struct Layout {
    /// The `--layout` name.
    pub(crate) name: &'static str,
    /// What file it is, for messages and `--help`.
    pub(crate) about: &'static str,
    /// The documented columns, in the order the system writes them.
    pub(crate) header: &'static [&'static str],
    /// Which column holds which term.
    pub(crate) terms: &'static [(Term, &'static str)],
    /// What an export writes where the API has no value: the system's documented defaults.
    pub(crate) defaults: &'static [(&'static str, &'static str)],
    /// Columns whose non-blank cells must be one of the values: (column, values, why).
    pub(crate) accepts: &'static [(&'static str, &'static [&'static str], &'static str)],
    /// Columns only this layout has: a header with one of them that names no key column of
    /// the API is read in this layout unasked (a vendor's own web-UI file).
    pub(crate) marks: &'static [&'static str],
    /// The API's own column names are read too (the layout shares its names with the API):
    /// a column that is neither is an error, as in the API's own layout.
    pub(crate) own_columns: bool,
}

/// The layouts of systems pbxbulk does not speak to.
pub(crate) static OTHERS: &[&Layout] = &[&freepbx::BULK_HANDLER, &threecx::V20, &grandstream::UCM];

impl Layout {
    /// The column that holds `term`, if the layout has one.
    pub(crate) fn column_for(&self, term: Term) -> Option<&'static str> {
        self.terms.iter().find(|(t, _)| *t == term).map(|(_, c)| *c)
    }

    /// The mapping that reads this layout into `table`'s fields.
    pub(crate) fn mapping(&self, table: &Table) -> Mapping {
        let mut mapping = Mapping {
            origin: format!("the {} layout", self.name),
            ignore_unmapped: !self.own_columns,
            exact_width: true,
            optional_columns: true,
            ..Mapping::default()
        };
        for &(term, field) in table.terms {
            match (self.column_for(term), self.name_template(term)) {
                (Some(column), _) => mapping.renames.push(Rename {
                    line: 0,
                    column: column.to_string(),
                    field: field.to_string(),
                }),
                (None, Some(pieces)) => mapping.templates.push(Template {
                    line: 0,
                    field: field.to_string(),
                    pieces,
                    skip_blanks: true,
                }),
                (None, None) => {}
            }
        }
        mapping.accepts = (self.accepts.iter())
            .map(|(column, values, why)| Accept {
                column: (*column).to_string(),
                values: values.iter().map(ToString::to_string).collect(),
                why: (*why).to_string(),
            })
            .collect();
        mapping
    }

    /// A name the layout keeps the other way: a display name joined from a first and a last
    /// name, or a first or last name split from a display name.
    fn name_template(&self, term: Term) -> Option<Vec<Piece>> {
        let column = |name: &str, filters| Piece::Column {
            name: name.to_string(),
            filters,
        };
        let display = || self.column_for(Term::DisplayName);
        match term {
            Term::DisplayName => {
                let (first, last) = (
                    self.column_for(Term::FirstName)?,
                    self.column_for(Term::LastName)?,
                );
                Some(vec![
                    column(first, Vec::new()),
                    Piece::Text(" ".into()),
                    column(last, Vec::new()),
                ])
            }
            Term::FirstName => Some(vec![column(display()?, vec![Filter::Given])]),
            Term::LastName => Some(vec![column(display()?, vec![Filter::Family])]),
            _ => None,
        }
    }

    /// Whether a header that does not fit `table` is a file in this layout: it has one of the
    /// layout's marks and no column naming the table's key.
    pub(crate) fn recognises(&self, header: &[&str], table: &'static Table) -> bool {
        let key = table.key_index();
        let has = |name: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(name));
        self.marks.iter().any(|m| has(m))
            && !header
                .iter()
                .any(|h| !self.is_column(h) && table.column_for(h) == Some(key))
    }

    fn is_column(&self, name: &str) -> bool {
        self.header
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name.trim()))
    }

    /// An export's cells in this layout from one extension's values by term (`value`); names
    /// kept the other way are joined or split.
    pub(crate) fn row<'a>(&self, value: impl Fn(Term) -> Option<&'a str>) -> Vec<String> {
        let words = |term| {
            let name = value(Term::DisplayName).unwrap_or_default();
            name_part(name, term == Term::LastName)
        };
        self.header
            .iter()
            .map(|column| {
                let term = self
                    .terms
                    .iter()
                    .find(|(_, c)| c == column)
                    .map(|(t, _)| *t);
                let given = term.and_then(&value).filter(|v| !v.is_empty());
                match (given, term) {
                    (Some(v), _) => v.to_string(),
                    (None, Some(Term::DisplayName)) => {
                        let parts = [Term::FirstName, Term::LastName].map(&value);
                        parts
                            .iter()
                            .flatten()
                            .copied()
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join(" ")
                    }
                    (None, Some(t @ (Term::FirstName | Term::LastName)))
                        if value(Term::DisplayName).is_some() =>
                    {
                        words(t)
                    }
                    _ => self
                        .defaults
                        .iter()
                        .find(|(c, _)| c == column)
                        .map_or(String::new(), |(_, v)| (*v).to_string()),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
