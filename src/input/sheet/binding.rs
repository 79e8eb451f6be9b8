//! The header bound to the rule table, once: which field each column is, or the `--map`
//! mapping (or a layout's) that stands in for the columns, and which fields a row can fill.

use csv::ByteRecord;

use super::super::mapping::{Bound, Mapping};
use super::super::normalise::Treat;
use super::super::source::ReadSettings;
use super::SheetError;
use super::error::check_header;
use crate::rules::{Filled, Table};

/// What a column of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// A field of the table.
    Field(usize),
    /// A column with a blank header, whose cells must stay blank.
    Unnamed,
}

pub(super) struct Binding {
    /// With `--map` (or a conversion between APIs): the mapping bound to this header, which
    /// then stands in for `slots`.
    pub(super) bound: Option<Bound>,
    /// Without a mapping: what each column is, in one lookup per cell.
    pub(super) slots: Vec<Slot>,
    /// How each field's cells are normalised.
    pub(super) treats: Vec<Treat>,
    /// The fields a record can fill: those with a column (every field, through a mapping).
    pub(super) filled: Filled,
}

impl Binding {
    /// Checks `header` against `table`, or binds `mapping` to it; what is worth saying about
    /// it goes to `notices`.
    pub(super) fn new(
        name: &str,
        header: &ByteRecord,
        table: &'static Table,
        mapping: Option<&Mapping>,
        settings: &ReadSettings,
        notices: &mut Vec<String>,
    ) -> Result<Binding, SheetError> {
        let names: Vec<&str> = header
            .iter()
            .map(|raw| std::str::from_utf8(raw).unwrap_or(""))
            .collect();
        let (columns, bound) = check_header(name, &names, table, mapping, settings, notices)?;
        let slots: Vec<Slot> = (columns.columns.iter())
            .map(|field| match field {
                Some(field) => Slot::Field(*field),
                None => Slot::Unnamed,
            })
            .collect();
        let filled = match bound {
            Some(_) => Filled::every(table).clone(),
            None => Filled::of(
                table,
                (0..table.fields.len())
                    .filter(|i| slots.contains(&Slot::Field(*i)))
                    .collect(),
            ),
        };
        Ok(Binding {
            bound,
            slots,
            treats: table.fields.iter().map(Treat::of).collect(),
            filled,
        })
    }

    /// Whether a record fills the field at `i`.
    pub(super) fn fills(&self, i: usize) -> bool {
        match &self.bound {
            Some(bound) => bound.fills(i),
            None => self.slots.contains(&Slot::Field(i)),
        }
    }
}
