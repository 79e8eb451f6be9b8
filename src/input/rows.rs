//! The records of an input, whatever its format, as raw cells with the row number a
//! spreadsheet program shows.
//!
//! Text is decoded from the encoding its [`Source`] decided for the whole file (UTF-8 passes
//! through untouched, only its BOM skipped) and parsed as CSV: comma-, semicolon- or
//! tab-separated (detected from the header), CRLF or LF, quoted cells holding delimiters,
//! quotes and newlines. Text records stream: only the current one is in memory. Workbooks
//! come row by row from [`Book`].

use std::io::{self, Read};
use std::sync::Arc;

use csv::ByteRecord;
use encoding_rs::{Encoding, UTF_8};

use super::ahead::Ahead;
use super::cut_short::{CutShort, Shared};
use super::encoding::Utf8Reader;
use super::pinned::ChangedWhileRead;
use super::source::{Format, Source};
use super::workbook::Book;
use super::{Layout, LineEnd, SheetError};

/// The parser's buffer, and the head the delimiter is told from.
const BUFFER: usize = 256 * 1024;

pub(super) enum Rows {
    Text {
        reader: csv::Reader<Box<dyn Read + Send>>,
        /// The reader's line after the last record read.
        line: u64,
        /// How the text ends, to tell a last row cut short.
        tail: Arc<Shared>,
    },
    Book {
        book: Box<Book>,
        cells: Vec<String>,
    },
    /// Text read ahead on a thread of its own.
    Ahead(Ahead),
}

/// An opened input: its header row, and what is known about it.
pub(super) struct Opened {
    pub(super) rows: Rows,
    pub(super) header: ByteRecord,
    pub(super) layout: Layout,
    /// The whole input, in the units of [`Rows::offset`].
    pub(super) len: u64,
    /// The header's row number.
    pub(super) row: u64,
    /// The encoding, when it is not UTF-8 (rows with text outside ASCII say it).
    pub(super) encoding: Option<&'static Encoding>,
    /// How the input is read, where that is worth a line on the terminal.
    pub(super) notices: Vec<String>,
}

pub(super) fn open(source: &Source) -> Result<Opened, SheetError> {
    let name = source.name();
    let io_err = |error| SheetError::Io {
        name: name.clone(),
        error,
    };
    let mut header = ByteRecord::new();
    match source.format {
        Format::Text(decision) => {
            let bytes = source.bytes();
            let text: Box<dyn Read + Send> = if decision.is_utf8() {
                // Checked valid as a whole already: no need to decode, only skip the BOM.
                let mut bytes = bytes;
                io::copy(&mut (&mut bytes).take(decision.bom as u64), &mut io::sink())
                    .map_err(io_err)?;
                Box::new(bytes)
            } else {
                Box::new(Utf8Reader::new(bytes, decision))
            };
            // Watched as the parser sees it: decoded, without the BOM.
            let (mut text, tail) = CutShort::new(text);
            // The delimiter is told from the head, which the parser then reads first: no
            // buffer between the file and the parser's own (each was a copy of the file).
            let mut head = Vec::with_capacity(BUFFER);
            (&mut text)
                .take(BUFFER as u64)
                .read_to_end(&mut head)
                .map_err(io_err)?;
            // A header that does not end within the first read is refused before the parser
            // holds it whole (a 100 MB line once took 582 MB).
            if head.len() == BUFFER && memchr::memchr2(b'\n', b'\r', &head).is_none() {
                return Err(SheetError::HeaderTooLong {
                    name,
                    limit: BUFFER,
                });
            }
            let delimiter = detect_delimiter(&head);
            let line_end = LineEnd::of(&head);
            tail.lock().expect("tail lock").start(delimiter, &head);
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(delimiter)
                .has_headers(false)
                .flexible(true)
                .buffer_capacity(BUFFER)
                .from_reader(Box::new(io::Cursor::new(head).chain(text)) as Box<dyn Read + Send>);
            if !reader
                .read_byte_record(&mut header)
                .map_err(|e| csv_err(&name, e))?
            {
                return Err(SheetError::Empty { name });
            }
            let line = reader.position().line();
            let encoding = (!decision.is_utf8()).then_some(decision.encoding);
            let notices = match encoding {
                Some(_) => vec![format!("{name}: read as {}", decision.describe())],
                None => Vec::new(),
            };
            Ok(Opened {
                rows: Rows::Text { reader, line, tail },
                header,
                layout: Layout {
                    workbook: false,
                    encoding: decision.encoding,
                    bom: decision.bom > 0,
                    delimiter,
                    line_end,
                },
                len: decision.text_len,
                row: 1,
                encoding,
                notices,
            })
        }
        Format::Book => {
            let sheet = source.settings.sheet.as_deref();
            let book_err = |error| SheetError::Book {
                name: name.clone(),
                error,
            };
            let book = Book::open(|| source.input().seeker(), sheet).map_err(book_err)?;
            let mut book = Box::new(book);
            let mut cells = Vec::new();
            let Some(row) = book.next_row(&mut cells).map_err(book_err)? else {
                return Err(SheetError::Empty { name });
            };
            header.extend(cells.iter().map(String::as_bytes));
            Ok(Opened {
                notices: vec![format!("{name}: sheet {:?}", book.sheet)],
                len: book.rows(),
                rows: Rows::Book { book, cells },
                header,
                layout: Layout {
                    workbook: true,
                    ..Layout::default()
                },
                row,
                encoding: None,
            })
        }
    }
}

impl Rows {
    /// Reads the next record into `record`; returns its row number, given the last one's.
    pub(super) fn read(
        &mut self,
        record: &mut ByteRecord,
        last: u64,
        name: &str,
    ) -> Result<Option<u64>, SheetError> {
        match self {
            Rows::Text { reader, line, .. } => {
                if !reader
                    .read_byte_record(record)
                    .map_err(|e| csv_err(name, e))?
                {
                    return Ok(None);
                }
                // The csv crate skips blank lines; a spreadsheet shows each as a row, so count
                // them: the lines this record used beyond its own are blank lines before it.
                let now = reader.position().line();
                // One line is the common case: no newline inside a cell, no blank line before.
                let blank = match now - *line {
                    0 | 1 => 0,
                    lines => lines.saturating_sub(1 + newlines(record)),
                };
                *line = now;
                Ok(Some(last + 1 + blank))
            }
            Rows::Book { book, cells } => {
                let read = book.next_row(cells).map_err(|error| SheetError::Book {
                    name: name.to_string(),
                    error,
                });
                let Some(row) = read? else {
                    return Ok(None);
                };
                record.clear();
                record.extend(cells.iter().map(String::as_bytes));
                Ok(Some(row))
            }
            Rows::Ahead(ahead) => ahead.read(record),
        }
    }

    /// Text of at least `from` bytes read ahead on a thread of its own (see `ahead`), from
    /// row `row` on; `columns` is the header's width.
    pub(super) fn read_ahead(
        self,
        from: u64,
        len: u64,
        row: u64,
        columns: usize,
        name: &str,
    ) -> Rows {
        match self {
            // On one core a second thread only adds the hand-over.
            Rows::Text { .. } if len >= from && cores() > 1 => {
                Ahead::start(self, row, columns, name.to_string())
                    .map_or_else(|rows| *rows, Rows::Ahead)
            }
            rows => rows,
        }
    }

    /// Why `record`, just read, looks cut short (an interrupted download): it is the last of
    /// the text and ends inside a quoted cell, or without a line end and short of cells.
    pub(super) fn cut_short(&self, record: &ByteRecord, columns: usize) -> Option<String> {
        let (reader, tail) = match self {
            Rows::Text { reader, tail, .. } => (reader, tail),
            Rows::Ahead(ahead) => return ahead.cut_short(),
            Rows::Book { .. } => return None,
        };
        let ending = tail.ending()?;
        if ending.len != reader.position().byte() {
            return None; // not the last record
        }
        if ending.open_quote {
            Some("the file ends inside a quoted cell of this row".into())
        } else if !ending.line_end && record.len() < columns {
            Some(format!(
                "the file ends in this row without a line end, after {} of {columns} cells",
                record.len()
            ))
        } else {
            None
        }
    }

    /// How far reading has come: bytes of text, or rows of a workbook.
    pub(super) fn offset(&self) -> u64 {
        match self {
            Rows::Text { reader, .. } => reader.position().byte(),
            Rows::Book { book, .. } => book.position(),
            Rows::Ahead(ahead) => ahead.offset(),
        }
    }
}

impl Default for Layout {
    /// CSV in UTF-8 with a BOM, comma-separated: what Excel opens as UTF-8.
    fn default() -> Self {
        Layout {
            workbook: false,
            encoding: UTF_8,
            bom: true,
            delimiter: b',',
            line_end: LineEnd::Lf,
        }
    }
}

/// The cores this process may run on.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

fn csv_err(name: &str, e: csv::Error) -> SheetError {
    let error = match e.into_kind() {
        csv::ErrorKind::Io(e) if ChangedWhileRead::is(&e) => {
            return SheetError::Changed {
                name: name.to_string(),
            };
        }
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
pub(super) fn detect_delimiter(head: &[u8]) -> u8 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delimiter_is_the_one_used_most_in_the_header() {
        assert_eq!(detect_delimiter(b"number,username,email\n1,a,b\n"), b',');
        assert_eq!(
            detect_delimiter(b"number;username;email\r\n1;a;b\r\n"),
            b';'
        );
        assert_eq!(detect_delimiter(b"number\tusername\temail\n"), b'\t');
        // A name with a comma in it does not outvote the semicolons that separate columns.
        assert_eq!(detect_delimiter(b"number;username, full;email\n"), b';');
    }

    #[test]
    fn delimiters_inside_quotes_do_not_count() {
        assert_eq!(detect_delimiter(b"\"a;b;c;d\",number,username\n"), b',');
        assert_eq!(detect_delimiter(b"\"x,y,z\";number\n"), b';');
        // A quoted newline does not end the header: the tabs after it still count.
        assert_eq!(
            detect_delimiter(b"\"note\nwith,commas,here\"\tnumber\tusername\tmobile\n"),
            b'\t'
        );
    }

    #[test]
    fn only_the_first_line_counts() {
        // The header is a single column; the data rows below use commas in their text.
        assert_eq!(detect_delimiter(b"number;username\n1,2,3,4,5\n"), b';');
        assert_eq!(detect_delimiter(b"number\tname\n;;;;;;\n"), b'\t');
    }

    #[test]
    fn without_any_delimiter_or_on_a_tie_it_is_a_comma() {
        assert_eq!(detect_delimiter(b""), b',');
        assert_eq!(detect_delimiter(b"number\n1001\n"), b',');
        assert_eq!(detect_delimiter(b"a,b;c\n"), b',');
        // Between semicolon and tab, the semicolon (Excel's choice in many locales).
        assert_eq!(detect_delimiter(b"a;b\tc\n"), b';');
    }
}
