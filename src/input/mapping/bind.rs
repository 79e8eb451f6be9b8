//! Binding a mapping to one file's header: every name resolved to a position once, every
//! column accounted for (mapped, used, ignored, or the API's own), and one source per field.
//! This is the header check of a mapped file.

use super::At;
use super::{BindError, Bit, Bound, Fill, Mapping, Piece};
use crate::rules::Table;

impl Mapping {
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
                        table.api.name,
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
                    Piece::Column { name, filters } => {
                        let c = column(name, t.line, "this template")?;
                        used[c] = true;
                        Bit::Column {
                            at: c,
                            name: name.clone(),
                            filters: filters.clone(),
                        }
                    }
                });
            }
            set(
                f,
                Fill::Template {
                    line: t.line,
                    pieces: bits,
                    skip_blanks: t.skip_blanks,
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
            notes: self
                .notes
                .iter()
                .map(|(column, note)| (names.iter().position(|h| *h == norm(column)), note.clone()))
                .collect(),
        })
    }
}

fn quoted(header: &[&str]) -> String {
    header
        .iter()
        .map(|h| format!("{:?}", h.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
