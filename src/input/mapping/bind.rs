//! Binding a mapping to one file's header: every name resolved to a position once, every
//! column accounted for (mapped, used, ignored, or the API's own), and one source per field.
//! This is the header check of a mapped file.

use super::At;
use super::{BindError, Bit, Bound, Condition, Fill, Mapping, Piece, Template, ValueTable};
use crate::rules::Table;

impl Mapping {
    /// Binds the mapping to the file's header (the cells of its first row); with
    /// `key_optional`, rows may leave the number to the PBX (`--match`, `--assign-numbers`).
    pub(crate) fn bind(
        &self,
        header: &[&str],
        table: &'static Table,
        key_optional: bool,
    ) -> Result<Bound, BindError> {
        let mut binder = Binder::new(self, header, table);
        binder.renames()?;
        binder.templates()?;
        binder.constants()?;
        let skip = binder.conditions(&self.skip)?;
        let remove = binder.conditions(&self.remove)?;
        let accepts = binder.passed(self.accepts.iter().map(|a| (&a.column, a)));
        let dropped = binder.passed(self.dropped.iter().map(|d| (&d.column, d)));
        let unused = binder.own_columns()?;
        let values = binder.value_tables()?;
        if matches!(binder.fills[table.key_index()], Fill::Blank) && !key_optional {
            return Err(BindError::NoKey);
        }
        let notes = (self.notes.iter())
            .map(|(column, note)| (binder.position(column), note.clone()))
            .collect();
        Ok(Bound {
            table,
            origin: self.origin.clone(),
            fills: binder.fills,
            values,
            skip,
            remove,
            accepts,
            exact_width: self.exact_width,
            dropped,
            unused,
            notes,
        })
    }
}

/// What binding has found out so far.
struct Binder<'m> {
    mapping: &'m Mapping,
    header: &'m [&'m str],
    /// The header's names as compared: trimmed, in lower case.
    names: Vec<String>,
    table: &'static Table,
    fills: Vec<Fill>,
    /// The line that filled each field, to name both sides of a clash.
    filled_by: Vec<Option<String>>,
    /// Columns something of the mapping reads.
    used: Vec<bool>,
    /// Columns the mapping accounts for, which are not the file's own columns of that name.
    renamed: Vec<bool>,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn at(line: usize, message: String) -> BindError {
    BindError::At(At { line, message })
}

impl<'m> Binder<'m> {
    fn new(mapping: &'m Mapping, header: &'m [&'m str], table: &'static Table) -> Self {
        Binder {
            mapping,
            header,
            names: header.iter().map(|h| norm(h)).collect(),
            table,
            fills: vec![Fill::Blank; table.fields.len()],
            filled_by: vec![None; table.fields.len()],
            used: vec![false; header.len()],
            renamed: vec![false; header.len()],
        }
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|h| *h == norm(name))
    }

    /// The header has the column (always so, unless the mapping's columns are optional).
    fn present(&self, name: &str) -> bool {
        !self.mapping.optional_columns || self.names.contains(&norm(name))
    }

    fn column(&self, name: &str, line: usize, what: &str) -> Result<usize, BindError> {
        self.position(name).ok_or_else(|| {
            at(
                line,
                format!(
                    "{what} names the column {name:?}, which the file's header does not have \
                     (it has: {})",
                    quoted(self.header)
                ),
            )
        })
    }

    fn field(&self, name: &str, line: usize) -> Result<usize, BindError> {
        let table = self.table;
        table.column_for(name).ok_or_else(|| {
            let fields: Vec<&str> = table.fields.iter().map(|f| f.name).collect();
            at(
                line,
                format!(
                    "{} has no field {name:?} (its fields: {})",
                    table.api.name,
                    fields.join(", ")
                ),
            )
        })
    }

    fn set(&mut self, i: usize, fill: Fill, by: String, line: usize) -> Result<(), BindError> {
        if let Some(earlier) = &self.filled_by[i] {
            return Err(at(
                line,
                format!(
                    "{} is already filled by {earlier}; a field takes one source",
                    self.table.fields[i].name
                ),
            ));
        }
        self.filled_by[i] = Some(by);
        self.fills[i] = fill;
        Ok(())
    }

    fn renames(&mut self) -> Result<(), BindError> {
        let mapping = self.mapping;
        for r in &mapping.renames {
            if !self.present(&r.column) {
                continue;
            }
            let c = self.column(&r.column, r.line, "this rename")?;
            let f = self.field(&r.field, r.line)?;
            let by = format!("line {} ({:?} = {:?})", r.line, r.column, r.field);
            self.set(f, Fill::Column(c), by, r.line)?;
            (self.used[c], self.renamed[c]) = (true, true);
        }
        Ok(())
    }

    fn templates(&mut self) -> Result<(), BindError> {
        let mapping = self.mapping;
        let complete = |t: &&Template| {
            t.pieces.iter().all(|p| match p {
                Piece::Column { name, .. } => self.present(name),
                Piece::Text(_) => true,
            })
        };
        let complete: Vec<&Template> = mapping.templates.iter().filter(complete).collect();
        for t in complete {
            let f = self.field(&t.field, t.line)?;
            let mut bits = Vec::with_capacity(t.pieces.len());
            for piece in &t.pieces {
                bits.push(match piece {
                    Piece::Text(text) => Bit::Text(text.clone()),
                    Piece::Column { name, filters } => {
                        let c = self.column(name, t.line, "this template")?;
                        self.used[c] = true;
                        Bit::Column {
                            at: c,
                            name: name.clone(),
                            filters: filters.clone(),
                        }
                    }
                });
            }
            let fill = Fill::Template {
                line: t.line,
                pieces: bits,
                skip_blanks: t.skip_blanks,
            };
            self.set(f, fill, format!("the template at line {}", t.line), t.line)?;
        }
        Ok(())
    }

    fn constants(&mut self) -> Result<(), BindError> {
        for k in &self.mapping.constants {
            let f = self.field(&k.field, k.line)?;
            let by = format!("the constant at line {}", k.line);
            self.set(f, Fill::Constant(k.value.clone()), by, k.line)?;
        }
        Ok(())
    }

    fn conditions(&mut self, list: &[Condition]) -> Result<Vec<(usize, Condition)>, BindError> {
        let mut bound = Vec::with_capacity(list.len());
        for cond in list {
            let c = self.column(&cond.column, cond.line, "this condition")?;
            self.used[c] = true;
            bound.push((c, cond.clone()));
        }
        Ok(bound)
    }

    /// Columns the mapping accounts for where the header has them (accepted or dropped).
    fn passed<'a, T: Clone + 'a>(
        &mut self,
        list: impl Iterator<Item = (&'a String, &'a T)>,
    ) -> Vec<(usize, T)> {
        let mut bound = Vec::new();
        for (column, item) in list {
            if let Some(c) = self.position(column) {
                (self.used[c], self.renamed[c]) = (true, true);
                bound.push((c, item.clone()));
            }
        }
        bound
    }

    /// The file's columns the mapping does not account for: the API's own, passed on as
    /// they are, or (`ignore_unmapped`) left out; returns those left out.
    fn own_columns(&mut self) -> Result<Vec<String>, BindError> {
        let mapping = self.mapping;
        let ignored =
            |c: usize, names: &[String]| mapping.ignore.iter().any(|i| norm(i) == names[c]);
        let (mut unknown, mut unused) = (Vec::new(), Vec::new());
        for (c, name) in self.header.iter().enumerate() {
            if name.trim().is_empty() || self.renamed[c] || ignored(c, &self.names) {
                continue;
            }
            if mapping.ignore_unmapped {
                if !self.used[c] {
                    unused.push(name.trim().to_string());
                }
                continue;
            }
            match self.table.column_for(name) {
                // The file's own column of that name, passed on as it is.
                Some(f) => {
                    let by = format!("the file's column {:?}", name.trim());
                    self.set(f, Fill::Column(c), by, 0).map_err(|e| match e {
                        BindError::At(a) => at(
                            a.line,
                            format!(
                                "{}; list {:?} under ignore, or map only one",
                                a.message,
                                name.trim()
                            ),
                        ),
                        e => e,
                    })?;
                }
                None if self.used[c] => {}
                None => unknown.push(format!("{:?}", name.trim())),
            }
        }
        match unknown.is_empty() {
            true => Ok(unused),
            false => Err(BindError::Unknown(unknown)),
        }
    }

    /// The value tables, each for a field something fills.
    fn value_tables(&self) -> Result<Vec<Option<ValueTable>>, BindError> {
        let mut values = vec![None; self.table.fields.len()];
        for v in &self.mapping.values {
            let f = self.field(&v.field, v.line)?;
            if matches!(self.fills[f], Fill::Blank) {
                return Err(at(
                    v.line,
                    format!(
                        "a value table for {}, which nothing fills",
                        self.table.fields[f].name
                    ),
                ));
            }
            values[f] = Some(v.clone());
        }
        Ok(values)
    }
}

fn quoted(header: &[&str]) -> String {
    header
        .iter()
        .map(|h| format!("{:?}", h.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
