//! `--map FILE`: turning a sheet whose columns are someone else's (an HR export, another
//! PBX's export) into the API's fields, between reading and validation.
//!
//! A mapping renames columns, joins columns with a template, sets constants, translates
//! values through tables, ignores columns and skips rows by a condition. It is bound once to
//! the file's header ([`Mapping::bind`]), which is also where unknown columns are caught, and
//! then applied to each row ([`Bound::apply`]): the result is the row's cells in the rule
//! table's order, so every rule, the diff and the report work as for a file in the API's own
//! columns. The rejects file keeps the original row.

mod apply;
mod bind;
pub(crate) mod filters;
mod parse;
mod width;

pub(crate) use parse::At;
use parse::parse;

use std::path::{Path, PathBuf};

use crate::rules::{Problem, Table};
use filters::Filter;

/// A parsed mapping: from a file (`--map`) or built in code (a conversion between APIs).
#[derive(Debug, Default, Clone)]
pub(crate) struct Mapping {
    /// How messages name it: the file's path, or the conversion it is.
    pub(crate) origin: String,
    pub(crate) renames: Vec<Rename>,
    pub(crate) templates: Vec<Template>,
    pub(crate) constants: Vec<Constant>,
    pub(crate) values: Vec<ValueTable>,
    /// Columns neither passed on nor complained about (templates and conditions may still
    /// read them).
    pub(crate) ignore: Vec<String>,
    pub(crate) skip: Vec<Condition>,
    /// Rows whose extension is to go (a leaver): deleted under `--mode sync`.
    pub(crate) remove: Vec<Condition>,
    /// Every column the mapping does not name is left out, even one named like a field of the
    /// API (`ignore_unmapped = true`, and every built-in layout): listed once as not carried.
    pub(crate) ignore_unmapped: bool,
    /// Every row must have as many fields as the header (trailing blank header cells aside),
    /// as a vendor's own importer requires.
    pub(crate) exact_width: bool,
    /// A rename or template whose column the file lacks is left out, not an error: a file in
    /// a vendor's layout need not have every column of it.
    pub(crate) optional_columns: bool,
    /// Columns whose non-blank cells must be one of some values.
    pub(crate) accepts: Vec<Accept>,
    /// Columns whose values have no field on the target: dropped, and named in the row's
    /// message with the reason, so nothing is lost silently (conversions between APIs).
    pub(crate) dropped: Vec<Dropped>,
    /// Said in the message of every row whose cell in the column is blank, as (column, note):
    /// a value the source hands out only hashed, which its export leaves blank.
    pub(crate) notes: Vec<(String, String)>,
}

/// A column whose non-blank cells must be one of `values` (any case), else the row is invalid
/// with `why`.
#[derive(Debug, Clone)]
pub(crate) struct Accept {
    pub(crate) column: String,
    pub(crate) values: Vec<String>,
    pub(crate) why: String,
}

/// A column whose values the target cannot take.
#[derive(Debug, Clone)]
pub(crate) struct Dropped {
    pub(crate) column: String,
    /// Why, for the row's message (`verba has no such field`).
    pub(crate) why: String,
    /// Its values are secrets: named, never shown.
    pub(crate) secret: bool,
}

/// `"Desk Extension" = "number"`.
#[derive(Debug, Clone)]
pub(crate) struct Rename {
    pub(crate) line: usize,
    pub(crate) column: String,
    pub(crate) field: String,
}

/// `username = "{First Name} {Last Name}"`.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) line: usize,
    pub(crate) field: String,
    pub(crate) pieces: Vec<Piece>,
    /// A blank column is left out with the text before it (joining names), instead of
    /// failing the row.
    pub(crate) skip_blanks: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Column { name: String, filters: Vec<Filter> },
}

/// `hasvoicemail = "on"`.
#[derive(Debug, Clone)]
pub(crate) struct Constant {
    pub(crate) line: usize,
    pub(crate) field: String,
    pub(crate) value: String,
}

/// `[values.hasvoicemail]` `"Yes" = "on"`: a value not listed is a row error, unless `"*"`
/// gives the value for every other non-blank cell.
#[derive(Debug, Clone, Default)]
pub(crate) struct ValueTable {
    pub(crate) line: usize,
    pub(crate) field: String,
    pub(crate) entries: Vec<(String, String)>,
    pub(crate) other: Option<String>,
}

/// A `skip` or `remove` condition: it acts on the row when it holds.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    pub(crate) line: usize,
    pub(crate) column: String,
    pub(crate) test: Test,
    /// As written, for the report.
    pub(crate) text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Test {
    /// `==` or `in`: the cell is one of these.
    In(Vec<String>),
    /// `!=` or `not in`: the cell is none of these.
    NotIn(Vec<String>),
}

/// A mapping file that cannot be used: one line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MapError {
    #[error("cannot read the mapping {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{origin} line {line}: {message}")]
    At {
        origin: String,
        line: usize,
        message: String,
    },
}

/// Why a mapping does not fit the file's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BindError {
    /// An entry of the mapping is wrong (its line).
    At(At),
    /// Columns that are neither mapped, ignored, used nor the API's own.
    Unknown(Vec<String>),
    /// Nothing fills the key (and rows may not leave it to the PBX: `--match`,
    /// `--assign-numbers`).
    NoKey,
}

/// Where one field's value comes from.
#[derive(Debug, Clone)]
pub(super) enum Fill {
    Blank,
    Column(usize),
    Template {
        line: usize,
        pieces: Vec<Bit>,
        skip_blanks: bool,
    },
    Constant(String),
}

#[derive(Debug, Clone)]
pub(super) enum Bit {
    Text(String),
    Column {
        at: usize,
        name: String,
        filters: Vec<Filter>,
    },
}

/// A mapping bound to one file's header and one rule table.
#[derive(Debug)]
pub(crate) struct Bound {
    table: &'static Table,
    /// The mapping's name in messages (`map.toml`).
    origin: String,
    fills: Vec<Fill>,
    values: Vec<Option<ValueTable>>,
    skip: Vec<(usize, Condition)>,
    remove: Vec<(usize, Condition)>,
    accepts: Vec<(usize, Accept)>,
    exact_width: bool,
    dropped: Vec<(usize, Dropped)>,
    /// The header's named columns left out by `ignore_unmapped`, for one notice.
    pub(crate) unused: Vec<String>,
    /// (column, note), said where the column's cell is blank; `None` where the file has no
    /// such column (then said on every row).
    notes: Vec<(Option<usize>, String)>,
}

/// What a row became.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// The row's cells are in the output; `note` lists values dropped on the way.
    Row { note: Option<String> },
    /// A skip condition holds: the reason, for the report.
    Skipped(String),
    /// A remove condition holds (and no skip condition): the reason, for the report.
    Removed(String),
    /// The mapping cannot fill the row.
    Failed(Vec<Problem>),
}

impl Mapping {
    /// Reads and parses a mapping file.
    pub(crate) fn load(path: &Path) -> Result<Mapping, MapError> {
        let text = std::fs::read_to_string(path).map_err(|source| MapError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut mapping = parse(&text).map_err(|at| MapError::At {
            origin: path.display().to_string(),
            line: at.line,
            message: at.message,
        })?;
        mapping.origin = path.display().to_string();
        Ok(mapping)
    }

    /// What decides the fields sent, for a resume to compare: the rules, not where they were
    /// written (the file's path as typed, each rule's line).
    pub(crate) fn meaning(&self) -> String {
        let mut rules = self.clone();
        rules.origin.clear();
        rules.renames.iter_mut().for_each(|r| r.line = 0);
        rules.templates.iter_mut().for_each(|t| t.line = 0);
        rules.constants.iter_mut().for_each(|c| c.line = 0);
        rules.values.iter_mut().for_each(|v| v.line = 0);
        let conditions = rules.skip.iter_mut().chain(&mut rules.remove);
        conditions.for_each(|c| c.line = 0);
        format!("{rules:?}")
    }

    /// Whether this mapping decides what to delete by itself (`remove` conditions).
    pub(crate) fn removes(&self) -> bool {
        !self.remove.is_empty()
    }
}

#[cfg(test)]
mod tests;
