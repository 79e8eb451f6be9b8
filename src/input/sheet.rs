//! One record at a time, as the rule table's cells: the header checked once (or bound to a
//! `--map` mapping), each cell trimmed and normalised (`normalise`) before the rules see it,
//! every record's raw cells kept for the rejects file.

use std::time::{Duration, Instant};

use csv::ByteRecord;
use encoding_rs::Encoding;

use super::header::Columns;
use super::mapping::{Bound, Mapped, Mapping};
use super::normalise::Treat;
use super::rows::{self, Rows};
use super::source::Source;
use crate::domain::Code;
use crate::domain::formula::undefuse;
use crate::rules::{Cells, CheckContext, ColumnRules, Filled, Problem, Table};
use cells::{extra_cell, not_text};
pub(crate) use error::SheetError;
use error::check_header;

/// Text inputs from this size on are read ahead on a thread of their own (`ahead`), where
/// there is more than one core: below it, starting the thread costs more than it saves.
/// Unit tests read every file ahead (on two cores or more), the command-line tests' small
/// files in place, so both ways are tried.
const AHEAD_FROM: u64 = if cfg!(test) { 0 } else { 1 << 20 };

/// How the input was written, so the rejects file can be written the same way.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The input is a workbook (the rest describes CSV, where a workbook cannot be written).
    pub(crate) workbook: bool,
    pub(crate) encoding: &'static Encoding,
    /// The input started with a byte-order mark.
    pub(crate) bom: bool,
    pub(crate) delimiter: u8,
    /// How the input's lines end (told from its first line).
    pub(crate) line_end: LineEnd,
}

/// How a text file's lines end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineEnd {
    Lf,
    CrLf,
    /// Classic Mac OS, and some exports still.
    Cr,
}

impl LineEnd {
    /// How the first line of `head` ends (LF where it does not end within `head`).
    pub(crate) fn of(head: &[u8]) -> LineEnd {
        match memchr::memchr2(b'\r', b'\n', head).map(|at| &head[at..]) {
            Some([b'\r', b'\n', ..]) => LineEnd::CrLf,
            Some([b'\r', ..]) => LineEnd::Cr,
            _ => LineEnd::Lf,
        }
    }

    /// The bytes that end a line written this way.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            LineEnd::Lf => b"\n",
            LineEnd::CrLf => b"\r\n",
            LineEnd::Cr => b"\r",
        }
    }
}

/// What a column of the file is.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// A field of the table.
    Field(usize),
    /// A column with a blank header, whose cells must stay blank.
    Unnamed,
}

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
    name: String,
    rows: Rows,
    table: &'static Table,
    header: ByteRecord,
    /// Without a mapping: which field each column is.
    columns: Columns,
    /// With `--map` (or a conversion between APIs): the mapping bound to this header, which
    /// then stands in for `columns`.
    bound: Option<Bound>,
    treats: Vec<Treat>,
    /// The fields a record can fill: those with a column (every field, through a mapping).
    filled: Filled,
    /// The fields of the current record that normalising must look at.
    pending: Vec<usize>,
    /// Without a mapping: what each column is, from `columns`, in one lookup per cell.
    slots: Vec<Slot>,
    layout: Layout,
    plus_prefix: Option<String>,
    /// The encoding, when not UTF-8: rows with text outside ASCII say it.
    encoding: Option<&'static Encoding>,
    notices: Vec<String>,
    len: u64,
    /// The spreadsheet row of the last record read (the header's, at first).
    row: u64,
    /// Normalised values of the current record, by field (`None`: the cell as it is).
    scratch: Vec<Option<String>>,
    /// Some of `scratch` is filled (most rows need none of it).
    scratched: bool,
    /// Why the record just read was cut short, if it was.
    cut_short: Option<String>,
    /// The file's columns and their fields' rules, to check cells against as they are read,
    /// once a planner asked ([`Sheet::check_as_read`]).
    checks: Option<ColumnRules>,
    /// Says whether the file changed since it was opened.
    changed: Box<dyn Fn() -> bool + Send>,
    /// When `changed` was last asked, and how many records were read (the clock is read
    /// only every 16th).
    watched: Instant,
    reads: u64,
}

/// How often reading asks whether the file changed, besides every read of its bytes (see
/// `Input::reader`): a `stat` for every row was a system call per row, and a file rewritten
/// during a slow import is still noticed within a moment.
const WATCH_EVERY: Duration = Duration::from_millis(50);

impl Sheet {
    /// Opens `source` and checks its header against `table`, or through `mapping`.
    pub(crate) fn open(
        source: &Source,
        table: &'static Table,
        mapping: Option<&Mapping>,
    ) -> Result<Sheet, SheetError> {
        let name = source.name();
        let mut opened = rows::open(source)?;
        let names: Vec<&str> = opened
            .header
            .iter()
            .map(|raw| std::str::from_utf8(raw).unwrap_or(""))
            .collect();
        let (columns, bound) = check_header(
            &name,
            &names,
            table,
            mapping,
            &source.settings,
            &mut opened.notices,
        )?;
        let treats: Vec<Treat> = table.fields.iter().map(Treat::of).collect();
        let slots = (columns.columns.iter())
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
                    .filter(|i| columns.columns.contains(&Some(*i)))
                    .collect(),
            ),
        };
        let rows = (opened.rows).read_ahead(
            AHEAD_FROM,
            opened.len,
            opened.row,
            opened.header.len(),
            &name,
        );
        Ok(Sheet {
            name,
            rows,
            table,
            header: opened.header,
            columns,
            bound,
            treats,
            filled,
            pending: Vec::new(),
            slots,
            layout: opened.layout,
            plus_prefix: source.settings.plus_prefix.clone(),
            encoding: opened.encoding,
            notices: opened.notices,
            len: opened.len,
            row: opened.row,
            scratch: vec![None; table.fields.len()],
            scratched: false,
            cut_short: None,
            checks: None,
            changed: Box::new(source.input().watch()),
            watched: Instant::now(),
            reads: 0,
        })
    }

    /// Check each cell against its field's rule as it is read, under `ctx`: a row whose
    /// cells all pass, in a file read without a mapping, then skips the normalising and the
    /// planner's field checks (most rows of a big file are such rows).
    pub(crate) fn check_as_read(&mut self, ctx: CheckContext) {
        if self.bound.is_none() {
            self.checks = ColumnRules::new(self.table, ctx, &self.filled);
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
        self.table.index(name).is_some_and(|i| match &self.bound {
            Some(bound) => bound.fills(i),
            None => self.columns.columns.contains(&Some(i)),
        })
    }

    pub(crate) fn table(&self) -> &'static Table {
        self.table
    }

    /// How far reading has come, in the units of [`Sheet::len`].
    pub(crate) fn offset(&self) -> u64 {
        self.rows.offset()
    }

    /// The whole input: bytes of text, or rows of a workbook.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Reads the next record into `record` and returns its spreadsheet row number.
    pub(crate) fn read(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, SheetError> {
        let row = self.rows.read(record, self.row, &self.name)?;
        // The end is always checked: a run never finishes on a file that changed under it.
        self.reads += 1;
        if (row.is_none()
            || (self.reads.is_multiple_of(16) && self.watched.elapsed() >= WATCH_EVERY))
            && {
                self.watched = Instant::now();
                (self.changed)()
            }
        {
            return Err(SheetError::Changed {
                name: self.name.clone(),
            });
        }
        if let Some(row) = row {
            self.row = row;
            self.cut_short = self.rows.cut_short(record, self.header.len());
        }
        Ok(row)
    }

    /// The record as cells in table order, through the mapping if there is one, normalised;
    /// `buf` holds what a mapping made, and the cells go into the allocation of `spare` (see
    /// [`RowCells::recycle`]), so that reading a file allocates nothing per row.
    pub(crate) fn row<'a>(
        &'a mut self,
        record: &'a ByteRecord,
        buf: &'a mut Vec<String>,
        spare: Vec<&'a str>,
    ) -> RowCells<'a> {
        if let Some(why) = &self.cut_short {
            return RowCells::Invalid {
                number: String::new(),
                cells: Cells::blank_in(self.table, spare),
                problems: vec![Problem {
                    field: "",
                    code: Code::TruncatedRow,
                    message: format!(
                        "{why}: the file looks cut short (an interrupted download?); the row is \
                         not imported. Check the file's end"
                    ),
                }],
            };
        }
        let mut problems = Vec::new();
        let mut values = Cells::blank_in(self.table, spare).values;
        let Some(bound) = &self.bound else {
            if self.checked(record, &mut values) {
                return RowCells::Cells {
                    cells: Cells { values },
                    filled: &self.filled,
                    note: None,
                    problems,
                    checked: true,
                };
            }
            self.place(record, &mut values, &mut problems);
            return self.normalised(values, problems, None, record);
        };
        if let Some(problem) = bound.width(record.len(), &self.header) {
            return RowCells::Invalid {
                number: String::new(),
                cells: Cells { values },
                problems: vec![problem],
            };
        }
        let mut text = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            let named = self
                .header
                .get(i)
                .is_some_and(|h| !h.trim_ascii().is_empty());
            match std::str::from_utf8(raw).map(str::trim) {
                Ok(cell) if named || cell.is_empty() => {
                    let undone = undefuse(cell).filter(|_| !self.layout.workbook);
                    text.push(undone.unwrap_or(cell));
                }
                Ok(_) => problems.push(extra_cell(i)),
                Err(_) => problems.push(not_text(i)),
            }
        }
        if !problems.is_empty() {
            return RowCells::Invalid {
                number: String::new(),
                cells: Cells { values },
                problems,
            };
        }
        // A blank line stays blank: constants must not turn it into a row.
        if text.iter().all(|c| c.is_empty()) {
            return RowCells::Cells {
                cells: Cells { values },
                filled: &self.filled,
                note: None,
                problems,
                checked: false,
            };
        }
        let mapped = bound.apply(&text, buf);
        let buf: &'a Vec<String> = buf;
        let number = buf.get(self.table.key_index()).cloned().unwrap_or_default();
        values.clear();
        values.extend(buf.iter().map(String::as_str));
        let cells = Cells { values };
        match mapped {
            Mapped::Row { note } => {
                self.pending.clear();
                self.pending
                    .extend((0..cells.values.len()).filter(|&i| !cells.values[i].is_empty()));
                self.normalised(cells.values, problems, note, record)
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
}

mod cells;

mod error;

#[cfg(test)]
mod tests;
