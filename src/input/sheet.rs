//! One record at a time, as the rule table's cells: the rows come from a [`RowSource`]
//! (`rows` opens a file's), the header is bound once (`binding`: the table's columns, or a
//! `--map` mapping), each cell is trimmed and normalised (`cells`, `normalise`) before the
//! rules see it, or checked as it is read where a planner asked; every record's raw cells are
//! kept for the rejects file.

use csv::ByteRecord;

use super::mapping::{Mapped, Mapping};
use super::pinned::Fingerprint;
use super::row_source::{Head, Layout, Opened, RawRow, RowSource};
use super::rows;
use super::source::{ReadSettings, Source};
use crate::domain::Code;
use crate::rules::{Cells, CheckContext, ColumnRules, Filled, Problem, Table};
use binding::Binding;
use cells::Scratch;
pub(crate) use error::SheetError;
use mapped::{Before, map_record};

/// One record, ready to plan.
#[derive(Debug)]
pub(crate) enum RowCells<'a> {
    /// The cells in table order, normalised; `note` says what reading changed or a conversion
    /// could not carry over; `problems` are cells that cannot be taken as written.
    Cells {
        cells: Cells<'a>,
        /// The only fields these cells can fill: the file's columns.
        filled: &'a Filled,
        note: Option<String>,
        problems: Vec<Problem>,
        /// Every filled cell passed its field's rule as it was read ([`Sheet::check_as_read`]):
        /// what is left to check needs the whole row.
        checked: bool,
    },
    /// A skip condition of the mapping holds: the row's number (if the mapping found one) and
    /// why, for the report; `cells` as mapped (a skipped row still names its person).
    Skipped {
        number: String,
        why: String,
        cells: Cells<'a>,
    },
    /// A remove condition of the mapping holds: the extension the row names or matches is to
    /// go; `cells` as mapped, not checked.
    Removed {
        number: String,
        why: String,
        cells: Cells<'a>,
    },
    /// The record cannot be mapped; `number` is the key's cell where it was found, `cells`
    /// what the mapping made of it (blank where it made nothing).
    Invalid {
        number: String,
        problems: Vec<Problem>,
        cells: Cells<'a>,
    },
}

impl RowCells<'_> {
    /// The allocation of the cells, for the next row's [`Sheet::row`].
    pub(crate) fn recycle<'b>(self) -> Vec<&'b str> {
        match self {
            RowCells::Cells { cells, .. }
            | RowCells::Skipped { cells, .. }
            | RowCells::Removed { cells, .. }
            | RowCells::Invalid { cells, .. } => cells.recycle(),
        }
    }
}

/// An open spreadsheet with a validated header.
pub(crate) struct Sheet {
    rows: Box<dyn RowSource>,
    table: &'static Table,
    header: ByteRecord,
    layout: Layout,
    notices: Vec<String>,
    binding: Binding,
    /// What normalising a record needs between rows.
    scratch: Scratch,
    /// The file's columns and their fields' rules, to check cells against as they are read,
    /// once a planner asked ([`Sheet::check_as_read`]).
    checks: Option<ColumnRules>,
}

impl Sheet {
    /// Opens `source` and checks its header against `table`, or through `mapping`.
    pub(crate) fn open(
        source: &Source,
        table: &'static Table,
        mapping: Option<&Mapping>,
    ) -> Result<Sheet, SheetError> {
        let opened = rows::open(source)?;
        Sheet::of(&source.name(), opened, table, mapping, &source.settings)
    }

    /// The sheet of any opened [`RowSource`] (`name` for messages): its header checked
    /// against `table`, or through `mapping`.
    pub(crate) fn of(
        name: &str,
        opened: Opened,
        table: &'static Table,
        mapping: Option<&Mapping>,
        settings: &ReadSettings,
    ) -> Result<Sheet, SheetError> {
        let Opened { rows, head } = opened;
        let Head {
            header,
            layout,
            encoding,
            mut notices,
        } = head;
        let binding = Binding::new(name, &header, table, mapping, settings, &mut notices)?;
        Ok(Sheet {
            rows,
            table,
            header,
            layout,
            notices,
            binding,
            scratch: Scratch::new(table, encoding, settings.plus_prefix.clone()),
            checks: None,
        })
    }

    /// Check each cell against its field's rule as it is read, under `ctx`: a row whose
    /// cells all pass, in a file read without a mapping, then skips the normalising and the
    /// planner's field checks (most rows of a big file are such rows).
    pub(crate) fn check_as_read(&mut self, ctx: CheckContext) {
        if self.binding.bound.is_none() {
            self.checks = ColumnRules::new(self.table, ctx, &self.binding.filled);
        }
    }

    pub(crate) fn header(&self) -> &ByteRecord {
        &self.header
    }

    /// How the file is being read, for the terminal (encoding when not UTF-8, sheet, layout).
    pub(crate) fn notices(&self) -> &[String] {
        &self.notices
    }

    pub(crate) fn layout(&self) -> Layout {
        self.layout
    }

    /// Whether the file has the column `name`.
    pub(crate) fn has_column(&self, name: &str) -> bool {
        self.table
            .index(name)
            .is_some_and(|i| self.binding.fills(i))
    }

    pub(crate) fn table(&self) -> &'static Table {
        self.table
    }

    /// How far reading has come, in the units of [`Sheet::len`].
    pub(crate) fn offset(&self) -> u64 {
        self.rows.offset()
    }

    /// The whole input, in its source's units: bytes of text, or rows of a workbook.
    pub(crate) fn len(&self) -> u64 {
        self.rows.len()
    }

    /// What identifies the input's content, as its source defines it (for `--resume`).
    pub(crate) fn fingerprint(&self) -> Result<Fingerprint, SheetError> {
        self.rows.fingerprint()
    }

    /// Reads the next record into `raw` and returns its spreadsheet row number.
    pub(crate) fn read(&mut self, raw: &mut RawRow) -> Result<Option<u64>, SheetError> {
        Ok(self.rows.next_row(raw)?.then_some(raw.row))
    }

    /// The record as cells in table order, through the mapping if there is one, normalised;
    /// `buf` holds what a mapping made, and the cells go into the allocation of `spare` (see
    /// [`RowCells::recycle`]), so that reading a file allocates nothing per row.
    pub(crate) fn row<'a>(
        &'a mut self,
        raw: &'a RawRow,
        buf: &'a mut Vec<String>,
        spare: Vec<&'a str>,
    ) -> RowCells<'a> {
        let record = &raw.cells;
        let mut values = Cells::blank_in(self.table, spare).values;
        if let Some(why) = &raw.cut_short {
            return RowCells::Invalid {
                number: String::new(),
                cells: Cells { values },
                problems: vec![truncated(why)],
            };
        }
        let Some(bound) = &self.binding.bound else {
            if self.checked(record, &mut values) {
                return self.cells(values, true);
            }
            let mut problems = Vec::new();
            self.place(record, &mut values, &mut problems);
            return self.normalised(values, problems, None, record);
        };
        let mapped = match map_record(bound, &self.header, self.layout.workbook, record, buf) {
            Before::Invalid(problems) => {
                let cells = Cells { values };
                let number = String::new();
                return RowCells::Invalid {
                    number,
                    problems,
                    cells,
                };
            }
            // A blank line stays blank: constants must not turn it into a row.
            Before::Blank => return self.cells(values, false),
            Before::Mapped(mapped) => mapped,
        };
        let buf: &'a Vec<String> = buf;
        let number = buf.get(self.table.key_index()).cloned().unwrap_or_default();
        values.clear();
        values.extend(buf.iter().map(String::as_str));
        let cells = Cells { values };
        match mapped {
            Mapped::Row { note } => {
                self.scratch.pending_all(&cells.values);
                self.normalised(cells.values, Vec::new(), note, record)
            }
            Mapped::Skipped(why) => RowCells::Skipped { number, why, cells },
            Mapped::Removed(why) => RowCells::Removed { number, why, cells },
            Mapped::Failed(problems) => RowCells::Invalid {
                number,
                problems,
                cells,
            },
        }
    }

    /// `values` as they are, with nothing to say about them.
    fn cells<'a>(&'a self, values: Vec<&'a str>, checked: bool) -> RowCells<'a> {
        RowCells::Cells {
            cells: Cells { values },
            filled: &self.binding.filled,
            note: None,
            problems: Vec::new(),
            checked,
        }
    }
}

/// A row the file's end cut short: not imported.
fn truncated(why: &str) -> Problem {
    Problem {
        field: "",
        code: Code::TruncatedRow,
        message: format!(
            "{why}: the file looks cut short (an interrupted download?); the row is not \
             imported. Check the file's end"
        ),
    }
}

mod binding;
mod cells;
mod error;
mod mapped;

#[cfg(test)]
mod tests;
