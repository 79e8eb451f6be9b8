//! `--map FILE`: turning a sheet whose columns are someone else's (an HR export, another
//! PBX's export) into the API's fields, between reading and validation.
//!
//! A mapping renames columns, joins columns with a template, sets constants, translates
//! values through tables, ignores columns and skips rows by a condition. It is bound once to
//! the file's header ([`Mapping::bind`]), which is also where unknown columns are caught, and
//! then applied to each row ([`Bound::apply`]): the result is the row's cells in the rule
//! table's order, so every rule, the diff and the report work as for a file in the API's own
//! columns. The rejects file keeps the original row.

mod parse;

pub(crate) use parse::At;
use parse::parse;

use std::path::{Path, PathBuf};

use crate::domain::Code;
use crate::rules::{Problem, Table};

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
    /// Columns whose values have no field on the target: dropped, and named in the row's
    /// message with the reason, so nothing is lost silently (conversions between APIs).
    pub(crate) dropped: Vec<Dropped>,
    /// Said in every row's message (a value the source hands out only hashed).
    pub(crate) notes: Vec<String>,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Column(String),
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

/// A skip condition: the row is skipped when it holds.
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
    #[error("cannot read the mapping {path}: {source}")]
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
    /// Nothing fills the key.
    NoKey,
}

/// Where one field's value comes from.
#[derive(Debug, Clone)]
enum Fill {
    Blank,
    Column(usize),
    Template { line: usize, pieces: Vec<Bit> },
    Constant(String),
}

#[derive(Debug, Clone)]
enum Bit {
    Text(String),
    Column { at: usize, name: String },
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
    dropped: Vec<(usize, Dropped)>,
    notes: Vec<String>,
}

/// What a row became.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// The row's cells are in the output; `note` lists values dropped on the way.
    Row { note: Option<String> },
    /// A skip condition holds: the reason, for the report.
    Skipped(String),
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

    /// Binds the mapping to the file's header (the cells of its first row).
    pub(crate) fn bind(&self, header: &[&str], table: &'static Table) -> Result<Bound, BindError> {
        let origin = self.origin.as_str();
        let at = |line: usize, message: String| BindError::At(At { line, message });
        let norm = |s: &str| s.trim().to_lowercase();
        let names: Vec<String> = header.iter().map(|h| norm(h)).collect();
        let column = |name: &str, line: usize, what: &str| {
            names.iter().position(|h| *h == norm(name)).ok_or_else(|| {
                at(line, format!("{what} names the column {name:?}, which the file's header does not have (it has: {})", quoted(header)))
            })
        };
        let field = |name: &str, line: usize| {
            table.column_for(name).ok_or_else(|| {
                at(
                    line,
                    format!(
                        "{} has no field {name:?} (its fields: {})",
                        table.api.name(),
                        table
                            .fields
                            .iter()
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })
        };
        let mut fills = vec![Fill::Blank; table.fields.len()];
        // The line that filled each field, to name both sides of a clash.
        let mut filled_by: Vec<Option<String>> = vec![None; table.fields.len()];
        let mut set = |i: usize, fill: Fill, by: String, line: usize| -> Result<(), BindError> {
            if let Some(earlier) = &filled_by[i] {
                return Err(at(
                    line,
                    format!(
                        "{} is already filled by {earlier}; a field takes one source",
                        table.fields[i].name
                    ),
                ));
            }
            filled_by[i] = Some(by);
            fills[i] = fill;
            Ok(())
        };
        let mut used = vec![false; header.len()];
        let mut renamed = vec![false; header.len()];
        for r in &self.renames {
            let c = column(&r.column, r.line, "this rename")?;
            let f = field(&r.field, r.line)?;
            set(
                f,
                Fill::Column(c),
                format!("line {} ({:?} = {:?})", r.line, r.column, r.field),
                r.line,
            )?;
            used[c] = true;
            renamed[c] = true;
        }
        for t in &self.templates {
            let f = field(&t.field, t.line)?;
            let mut bits = Vec::with_capacity(t.pieces.len());
            for piece in &t.pieces {
                bits.push(match piece {
                    Piece::Text(text) => Bit::Text(text.clone()),
                    Piece::Column(name) => {
                        let c = column(name, t.line, "this template")?;
                        used[c] = true;
                        Bit::Column {
                            at: c,
                            name: name.clone(),
                        }
                    }
                });
            }
            set(
                f,
                Fill::Template {
                    line: t.line,
                    pieces: bits,
                },
                format!("the template at line {}", t.line),
                t.line,
            )?;
        }
        for k in &self.constants {
            let f = field(&k.field, k.line)?;
            set(
                f,
                Fill::Constant(k.value.clone()),
                format!("the constant at line {}", k.line),
                k.line,
            )?;
        }
        let mut skip = Vec::with_capacity(self.skip.len());
        for cond in &self.skip {
            let c = column(&cond.column, cond.line, "this condition")?;
            used[c] = true;
            skip.push((c, cond.clone()));
        }
        let mut dropped = Vec::new();
        for d in &self.dropped {
            if let Some(c) = names.iter().position(|h| *h == norm(&d.column)) {
                used[c] = true;
                renamed[c] = true;
                dropped.push((c, d.clone()));
            }
        }
        let ignored = |c: usize| self.ignore.iter().any(|i| norm(i) == names[c]);
        let mut unknown = Vec::new();
        for (c, name) in header.iter().enumerate() {
            if name.trim().is_empty() || renamed[c] || ignored(c) {
                continue;
            }
            match table.column_for(name) {
                // The file's own column of that name, passed on as it is.
                Some(f) => set(
                    f,
                    Fill::Column(c),
                    format!("the file's column {:?}", name.trim()),
                    0,
                )
                .map_err(|e| match e {
                    BindError::At(a) => at(
                        a.line,
                        format!(
                            "{}; list {:?} under ignore, or map only one",
                            a.message,
                            name.trim()
                        ),
                    ),
                    e => e,
                })?,
                None if used[c] => {}
                None => unknown.push(format!("{:?}", name.trim())),
            }
        }
        if !unknown.is_empty() {
            return Err(BindError::Unknown(unknown));
        }
        let mut values = vec![None; table.fields.len()];
        for v in &self.values {
            let f = field(&v.field, v.line)?;
            if matches!(fills[f], Fill::Blank) {
                return Err(at(
                    v.line,
                    format!(
                        "a value table for {}, which nothing fills",
                        table.fields[f].name
                    ),
                ));
            }
            values[f] = Some(v.clone());
        }
        if matches!(fills[table.key_index()], Fill::Blank) {
            return Err(BindError::NoKey);
        }
        Ok(Bound {
            table,
            origin: origin.to_string(),
            fills,
            values,
            skip,
            dropped,
            notes: self.notes.clone(),
        })
    }
}

impl Bound {
    /// Whether the mapping fills the field at `index` of the table.
    pub(crate) fn fills(&self, index: usize) -> bool {
        !matches!(self.fills[index], Fill::Blank)
    }

    /// Maps one row (`cells` by file column, trimmed) into `out` (by table field).
    pub(crate) fn apply(&self, cells: &[&str], out: &mut Vec<String>) -> Mapped {
        let cell = |c: usize| cells.get(c).copied().unwrap_or("");
        out.clear();
        let mut problems = Vec::new();
        for (i, fill) in self.fills.iter().enumerate() {
            let field = &self.table.fields[i];
            let mut value = match fill {
                Fill::Blank => String::new(),
                Fill::Column(c) => cell(*c).to_string(),
                Fill::Constant(v) => v.clone(),
                Fill::Template { line, pieces } => match Bound::render(pieces, cell) {
                    Ok(v) => v,
                    Err(blank) => {
                        problems.push(Problem {
                            field: field.name,
                            code: Code::Mapping,
                            message: format!("{}: the template at {} line {line} needs {blank}, which is blank in this row", field.name, self.origin),
                        });
                        String::new()
                    }
                },
            };
            if let (Some(table), false) = (
                &self.values[i],
                value.is_empty() || matches!(fill, Fill::Constant(_)),
            ) {
                match table
                    .entries
                    .iter()
                    .find(|(from, _)| *from == value)
                    .map(|(_, to)| to)
                    .or(table.other.as_ref())
                {
                    Some(to) => value = to.clone(),
                    None => {
                        let shown = if field.secret {
                            "the value".to_string()
                        } else {
                            format!("{value:?}")
                        };
                        problems.push(Problem {
                            field: field.name,
                            code: Code::Mapping,
                            message: format!(
                                "{}: {shown} is not in the value table at {} line {} ({})",
                                field.name,
                                self.origin,
                                table.line,
                                table
                                    .entries
                                    .iter()
                                    .map(|(f, _)| format!("{f:?}"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                        value.clear();
                    }
                }
            }
            out.push(value);
        }
        // Skipped after filling, so the report can name the skipped row's number, and before
        // judging the fill: a row that is left out cannot be wrong.
        for (c, cond) in &self.skip {
            let value = cell(*c);
            let holds = match &cond.test {
                Test::In(vs) => vs.iter().any(|v| v == value),
                Test::NotIn(vs) => !vs.iter().any(|v| v == value),
            };
            if holds {
                return Mapped::Skipped(format!(
                    "skipped by the mapping: {} ({} line {})",
                    cond.text, self.origin, cond.line
                ));
            }
        }
        if !problems.is_empty() {
            return Mapped::Failed(problems);
        }
        let mut said: Vec<String> = self.notes.clone();
        let dropped: Vec<String> = self
            .dropped
            .iter()
            .filter(|(c, _)| !cell(*c).is_empty())
            .map(|(c, d)| match d.secret {
                true => format!("{} (a secret; {})", d.column, d.why),
                false => format!("{} {:?} ({})", d.column, cell(*c), d.why),
            })
            .collect();
        if !dropped.is_empty() {
            said.push(format!("not carried over: {}", dropped.join(", ")));
        }
        Mapped::Row {
            note: (!said.is_empty()).then(|| said.join("; ")),
        }
    }

    /// The template's text, or the first referenced column that is blank. A template whose
    /// columns are all blank gives a blank (the field is left as it is).
    fn render<'c>(pieces: &[Bit], cell: impl Fn(usize) -> &'c str) -> Result<String, String> {
        let columns = || {
            pieces.iter().filter_map(|p| match p {
                Bit::Column { at, name } => Some((*at, name.as_str())),
                _ => None,
            })
        };
        if columns().all(|(c, _)| cell(c).is_empty()) {
            return Ok(String::new());
        }
        if let Some((_, name)) = columns().find(|(c, _)| cell(*c).is_empty()) {
            return Err(name.to_string());
        }
        Ok(pieces
            .iter()
            .map(|p| match p {
                Bit::Text(t) => t.as_str(),
                Bit::Column { at, .. } => cell(*at),
            })
            .collect())
    }
}

fn quoted(header: &[&str]) -> String {
    header
        .iter()
        .map(|h| format!("{:?}", h.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
