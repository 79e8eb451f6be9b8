//! Reading the input spreadsheet, one record at a time, whatever its format.
//!
//! Text files (CSV, or tab-separated "Unicode Text") are decoded from the encoding their
//! [`Source`] decided once for the whole file; comma-, semicolon- or tab-separated (detected
//! from the header), CRLF or LF, quoted cells holding delimiters, quotes and newlines. Text
//! records stream: only the current one is in memory, so a file of any size can be read.
//! Workbooks come row by row from [`Book`]. Either way each cell is trimmed and normalised
//! (`normalise`) before the rules see it, and every record keeps its raw cells for the
//! rejects file.

use std::io::{self, BufRead, BufReader, Read};

use csv::ByteRecord;
use encoding_rs::{Encoding, UTF_8};

use super::encoding::Utf8Reader;
use super::header::{HeaderError, Mapping, map_header};
use super::normalise::{Treat, normalise};
use super::source::{Format, Source};
use super::workbook::{Book, BookError};
use crate::domain::Code;
use crate::rules::{Cells, Problem, Table};

/// The file as a whole cannot be read: one clear line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SheetError {
    #[error("cannot read {name}: {error}")]
    Io { name: String, error: io::Error },
    #[error("{name} is empty: the first row must name the columns")]
    Empty { name: String },
    #[error("{name}: {error}")]
    Header { name: String, error: HeaderError },
    #[error("{name} {error}")]
    Book { name: String, error: BookError },
}

/// How the input was written, so the rejects file can be written the same way.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The input is a workbook (the rest describes the CSV used when XLSX cannot be).
    pub(crate) workbook: bool,
    pub(crate) encoding: &'static Encoding,
    /// The input started with a byte-order mark.
    pub(crate) bom: bool,
    pub(crate) delimiter: u8,
}

/// One record's cells in table order, with what reading them found.
#[derive(Debug)]
pub(crate) struct Reading<'a> {
    pub(crate) cells: Cells<'a>,
    /// Cells that cannot be taken as written (each names its field).
    pub(crate) problems: Vec<Problem>,
    /// What was normalised, for the report's message; empty when nothing worth telling.
    pub(crate) note: String,
}

enum Rows {
    Text {
        reader: csv::Reader<Box<dyn Read + Send>>,
        /// The reader's line after the last record read.
        line: u64,
    },
    Book {
        book: Box<Book>,
        cells: Vec<String>,
    },
}

/// An open spreadsheet with a validated header.
pub(crate) struct Sheet {
    name: String,
    rows: Rows,
    table: &'static Table,
    header: ByteRecord,
    mapping: Mapping,
    treats: Vec<Treat>,
    layout: Layout,
    plus_prefix: Option<String>,
    /// "read as GBK", for rows with text outside ASCII when the file is not UTF-8.
    encoding_note: Option<String>,
    /// How the file is being read, where that is worth a line on the terminal.
    notices: Vec<String>,
    len: u64,
    /// The spreadsheet row of the last record read (the header's, at first).
    row: u64,
    /// Normalised values of the current record, by field (`None`: the raw cell as it is).
    scratch: Vec<Option<String>>,
}

impl Sheet {
    /// Opens `source` and checks its header against `table`.
    pub(crate) fn open(source: &Source, table: &'static Table) -> Result<Sheet, SheetError> {
        let name = source.name();
        let io_err = |error| SheetError::Io {
            name: name.clone(),
            error,
        };
        let mut header = ByteRecord::new();
        let mut notices = Vec::new();
        let (rows, layout, len, row, encoding_note) = match source.format {
            Format::Text(decision) => {
                let file = source.open_bytes().map_err(io_err)?;
                let text: Box<dyn Read + Send> = if decision.is_utf8() {
                    // Checked valid as a whole already: no need to decode, only skip the BOM.
                    let mut file = BufReader::new(file);
                    file.fill_buf().map_err(io_err)?;
                    file.consume(decision.bom);
                    Box::new(file)
                } else {
                    Box::new(Utf8Reader::new(file, decision))
                };
                let mut text = BufReader::with_capacity(256 * 1024, text);
                let delimiter = detect_delimiter(text.fill_buf().map_err(io_err)?);
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(delimiter)
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(Box::new(text) as Box<dyn Read + Send>);
                if !reader
                    .read_byte_record(&mut header)
                    .map_err(|e| csv_err(&name, e))?
                {
                    return Err(SheetError::Empty { name });
                }
                let line = reader.position().line();
                let layout = Layout {
                    workbook: false,
                    encoding: decision.encoding,
                    bom: decision.bom > 0,
                    delimiter,
                };
                let note = (!decision.is_utf8())
                    .then(|| format!("text read as {}", decision.encoding.name()));
                if note.is_some() {
                    notices.push(format!("{name}: read as {}", decision.describe()));
                }
                let rows = Rows::Text { reader, line };
                (rows, layout, decision.text_len, 1, note)
            }
            Format::Book => {
                let book_err = |error| SheetError::Book {
                    name: name.clone(),
                    error,
                };
                let mut book = Box::new(
                    Book::open(source.path(), source.settings.sheet.as_deref())
                        .map_err(book_err)?,
                );
                let mut cells = Vec::new();
                let Some(row) = book.next_row(&mut cells) else {
                    return Err(SheetError::Empty { name });
                };
                header.extend(cells.iter().map(String::as_bytes));
                notices.push(format!("{name}: sheet {:?}", book.sheet));
                let layout = Layout {
                    workbook: true,
                    encoding: UTF_8,
                    bom: true,
                    delimiter: b',',
                };
                let len = book.rows();
                (Rows::Book { book, cells }, layout, len, row, None)
            }
        };
        let names: Vec<&str> = header
            .iter()
            .map(|raw| std::str::from_utf8(raw).unwrap_or(""))
            .collect();
        let mapping = map_header(&names, table).map_err(|error| SheetError::Header {
            name: name.clone(),
            error,
        })?;
        if mapping.web_ui {
            notices.push(format!(
                "{name}: read as the Yeastar web-UI import layout (username is the extension \
                 number, fullname the name)"
            ));
        }
        Ok(Sheet {
            notices,
            name,
            rows,
            table,
            header,
            mapping,
            treats: table.fields.iter().map(Treat::of).collect(),
            layout,
            plus_prefix: source.settings.plus_prefix.clone(),
            encoding_note,
            len,
            row,
            scratch: vec![None; table.fields.len()],
        })
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
            .is_some_and(|i| self.mapping.columns.contains(&Some(i)))
    }

    pub(crate) fn table(&self) -> &'static Table {
        self.table
    }

    /// How far reading has come, in the units of [`Sheet::len`].
    pub(crate) fn offset(&self) -> u64 {
        match &self.rows {
            Rows::Text { reader, .. } => reader.position().byte(),
            Rows::Book { book, .. } => book.position(),
        }
    }

    /// The whole input: bytes of text, or rows of a workbook.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Reads the next record into `record` and returns its spreadsheet row number.
    pub(crate) fn read(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, SheetError> {
        match &mut self.rows {
            Rows::Text { reader, line } => {
                if !reader
                    .read_byte_record(record)
                    .map_err(|e| csv_err(&self.name, e))?
                {
                    return Ok(None);
                }
                // The csv crate skips blank lines; a spreadsheet shows each as a row, so count
                // them: the lines this record used beyond its own are blank lines before it.
                let now = reader.position().line();
                let blank = (now - *line).saturating_sub(1 + newlines(record));
                self.row += 1 + blank;
                *line = now;
            }
            Rows::Book { book, cells } => {
                let Some(row) = book.next_row(cells) else {
                    return Ok(None);
                };
                record.clear();
                record.extend(cells.iter().map(String::as_bytes));
                self.row = row;
            }
        }
        Ok(Some(self.row))
    }

    /// The record's cells in table order, trimmed and normalised, with what that found.
    pub(crate) fn cells<'a>(&'a mut self, record: &'a ByteRecord) -> Reading<'a> {
        let table = self.table;
        let mut values = vec![""; table.fields.len()];
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        for (i, raw) in record.iter().enumerate() {
            // The whole file was checked to decode before any row was read; a file changed
            // since is still refused cell by cell, never read as blank.
            let Ok(text) = std::str::from_utf8(raw).map(str::trim) else {
                problems.push(Problem {
                    field: "",
                    code: Code::NotUtf8,
                    message: format!("cell {} is not text in the file's encoding", i + 1),
                });
                continue;
            };
            if Some(i) == self.mapping.type_column {
                if !text.is_empty() && !text.eq_ignore_ascii_case("sip") {
                    problems.push(Problem {
                        field: "type",
                        code: Code::BadValue,
                        message: format!("type {text:?}: pbxbulk sets up SIP extensions only"),
                    });
                }
                continue;
            }
            let Some(&Some(field)) = self.mapping.columns.get(i) else {
                if !text.is_empty() {
                    problems.push(Problem {
                        field: "",
                        code: Code::ExtraCells,
                        message: format!(
                            "cell {} has a value but its column has no name in the header",
                            i + 1
                        ),
                    });
                }
                continue;
            };
            values[field] = text;
        }
        let mut changed = false;
        for (field, &text) in values.iter().enumerate() {
            if text.is_empty() {
                self.scratch[field] = None;
                continue;
            }
            let treat = self.treats[field];
            let name = table.fields[field].name;
            self.scratch[field] = match normalise(text, treat, self.plus_prefix.as_deref()) {
                Ok(normal) => {
                    if let Some(note) = normal.note {
                        notes.push(format!("{name}: {note}"));
                    }
                    match normal.value {
                        std::borrow::Cow::Owned(value) => {
                            changed = true;
                            Some(value)
                        }
                        std::borrow::Cow::Borrowed(_) => None,
                    }
                }
                Err(refusal) => {
                    problems.push(Problem {
                        field: name,
                        code: Code::BadValue,
                        message: refusal.message(name, text, treat.shows_value()),
                    });
                    None
                }
            };
        }
        if let Some(note) = &self.encoding_note
            && !record.as_slice().is_ascii()
        {
            notes.push(note.clone());
        }
        if changed {
            for (value, fixed) in values.iter_mut().zip(&self.scratch) {
                if let Some(fixed) = fixed {
                    *value = fixed;
                }
            }
        }
        Reading {
            cells: Cells { values },
            problems,
            note: notes.join("; "),
        }
    }
}

fn csv_err(name: &str, e: csv::Error) -> SheetError {
    let error = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    };
    SheetError::Io {
        name: name.to_string(),
        error,
    }
}

fn newlines(record: &ByteRecord) -> u64 {
    record
        .iter()
        .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
        .sum()
}

/// The delimiter used most often outside quotes in the first line: `,`, `;` or tab.
fn detect_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}
