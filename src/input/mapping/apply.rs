//! Applying a bound mapping to one row: skip conditions, then each field from its source,
//! then the value tables; and what the row's message must say about values left behind.

use super::{Bit, Bound, Condition, Fill, Mapped, Test, filters};
use crate::domain::Code;
use crate::domain::values::quoted;
use crate::rules::{Field, Problem};

impl Bound {
    /// Whether the mapping fills the field at `index` of the table.
    pub(crate) fn fills(&self, index: usize) -> bool {
        !matches!(self.fills[index], Fill::Blank)
    }

    /// How messages name the mapping (`hr.toml`, `the freepbx layout`).
    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }

    /// Maps one row (`cells` by file column, trimmed) into `out` (by table field).
    pub(crate) fn apply(&self, cells: &[&str], out: &mut Vec<String>) -> Mapped {
        let cell = |c: usize| cells.get(c).copied().unwrap_or("");
        out.clear();
        let mut problems = Vec::new();
        let mut cleaned = Vec::new();
        for (i, fill) in self.fills.iter().enumerate() {
            let field = &self.table.fields[i];
            let mut value = match fill {
                Fill::Blank => String::new(),
                Fill::Column(c) => cell(*c).to_string(),
                Fill::Constant(v) => v.clone(),
                Fill::Template {
                    line,
                    pieces,
                    skip_blanks,
                } => match Bound::render(pieces, *skip_blanks, cell, field, &mut cleaned) {
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
                            quoted(&value)
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
        for (c, accept) in &self.accepts {
            let value = cell(*c);
            if !value.is_empty() && !accept.values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
                problems.push(Problem {
                    field: "",
                    code: Code::BadValue,
                    message: format!("{} {value:?}: {}", accept.column, accept.why),
                });
            }
        }
        // A skip holds over a remove: a row left alone is never deleted.
        if let Some(cond) = holding(&self.skip, cell) {
            return Mapped::Skipped(format!(
                "skipped by the mapping: {} ({} line {})",
                cond.text, self.origin, cond.line
            ));
        }
        if let Some(cond) = holding(&self.remove, cell) {
            return Mapped::Removed(format!(
                "removed by the mapping: {} ({} line {})",
                cond.text, self.origin, cond.line
            ));
        }
        if !problems.is_empty() {
            return Mapped::Failed(problems);
        }
        let mut said: Vec<String> = cleaned;
        said.extend(
            self.notes
                .iter()
                .filter(|(c, _)| c.is_none_or(|c| cell(c).is_empty()))
                .map(|(_, note)| note.clone()),
        );
        let dropped: Vec<String> = self
            .dropped
            .iter()
            .filter(|(c, _)| !cell(*c).is_empty())
            .map(|(c, d)| match d.secret {
                true => format!("{} (a secret; {})", d.column, d.why),
                false => format!("{} {} ({})", d.column, quoted(cell(*c)), d.why),
            })
            .collect();
        if !dropped.is_empty() {
            said.push(format!("not carried over: {}", dropped.join(", ")));
        }
        Mapped::Row {
            note: (!said.is_empty()).then(|| said.join("; ")),
        }
    }

    /// The template's text for `field`, or the first referenced column that is blank (after
    /// its filters). A template whose columns are all blank gives a blank (the field is left
    /// as it is); with `skip_blanks`, a blank column is left out with the text before it.
    /// What `clean` dropped is said in `cleaned` (a secret only by name).
    fn render<'c>(
        pieces: &[Bit],
        skip_blanks: bool,
        cell: impl Fn(usize) -> &'c str,
        field: &Field,
        cleaned: &mut Vec<String>,
    ) -> Result<String, String> {
        let values: Vec<Option<(std::borrow::Cow<'c, str>, &str)>> = pieces
            .iter()
            .map(|p| match p {
                Bit::Column { at, name, filters } => {
                    let (value, before) = filters::applied(filters, cell(*at), &field.kind);
                    if let Some(before) = before {
                        cleaned.push(clean_note(&before, &value, field));
                    }
                    Some((value, name.as_str()))
                }
                Bit::Text(_) => None,
            })
            .collect();
        let columns = || values.iter().flatten();
        if columns().all(|(v, _)| v.is_empty()) {
            return Ok(String::new());
        }
        if !skip_blanks && let Some((_, name)) = columns().find(|(v, _)| v.is_empty()) {
            return Err((*name).to_string());
        }
        let mut out = String::new();
        let mut pending = "";
        for (piece, value) in pieces.iter().zip(&values) {
            match (piece, value) {
                (Bit::Text(t), _) => pending = t.as_str(),
                (_, Some((v, _))) if v.is_empty() => pending = "",
                (_, Some((v, _))) => {
                    if !out.is_empty() || !skip_blanks {
                        out.push_str(pending);
                    }
                    out.push_str(v);
                    pending = "";
                }
                (_, None) => {}
            }
        }
        out.push_str(pending);
        Ok(out)
    }
}

/// The first condition of `list` that holds for the row.
fn holding<'a, 'c>(
    list: &'a [(usize, Condition)],
    cell: impl Fn(usize) -> &'c str,
) -> Option<&'a Condition> {
    list.iter()
        .find(|(c, cond)| {
            let value = cell(*c);
            match &cond.test {
                Test::In(vs) => vs.iter().any(|v| v == value),
                Test::NotIn(vs) => !vs.iter().any(|v| v == value),
            }
        })
        .map(|(_, cond)| cond)
}

/// `username: "O'Brien" sent as "OBrien"`: what a `clean` filter dropped from a cell (a
/// secret only by name).
fn clean_note(before: &str, after: &str, field: &Field) -> String {
    match field.secret {
        true => format!(
            "{}: characters its rule forbids dropped (secret)",
            field.name
        ),
        false => format!("{}: {before:?} sent as {after:?}", field.name),
    }
}
