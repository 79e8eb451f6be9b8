//! CSV text as a [`RowSource`]: decoded from the encoding its [`Source`] decided for the whole
//! file (UTF-8 passes through untouched, only its BOM skipped), comma-, semicolon- or
//! tab-separated (detected from the header), CRLF or LF, quoted cells holding delimiters,
//! quotes and newlines. Records stream: only the current one is in memory.

use std::io::{self, Read};
use std::sync::Arc;

use csv::ByteRecord;

use super::super::SheetError;
use super::super::cut_short::{CutShort, Shared};
use super::super::encoding::Decision;
use super::super::encoding::Utf8Reader;
use super::super::pinned::{ChangedWhileRead, Fingerprint, Input};
use super::super::row_source::{Head, Layout, LineEnd, RawRow, RowSource};
use super::super::source::Source;
use super::fingerprint_of;

/// The parser's buffer, and the head the delimiter is told from.
const BUFFER: usize = 256 * 1024;

/// The records of a text input, read in place.
pub(super) struct TextRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// The reader's line after the last record read.
    line: u64,
    /// The row number of the last record read (the header's, at first).
    row: u64,
    /// The header's width, to tell a last row cut short.
    columns: usize,
    /// How the text ends, to tell a last row cut short.
    tail: Arc<Shared>,
    /// The decoded text's length, the unit of [`RowSource::offset`].
    len: u64,
    pub(super) input: Arc<Input>,
    pub(super) name: String,
}

/// Opens `source`, text decided as `decision`, and reads its header.
pub(super) fn open(source: &Source, decision: Decision) -> Result<(TextRows, Head), SheetError> {
    let name = source.name();
    let io_err = |error| SheetError::Io {
        name: name.clone(),
        error,
    };
    let (mut text, tail) = CutShort::new(decoded(source, decision).map_err(io_err)?);
    // The delimiter is told from the head, which the parser then reads first: no buffer
    // between the file and the parser's own (each was a copy of the file).
    let mut head = Vec::with_capacity(BUFFER);
    (&mut text)
        .take(BUFFER as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    // A header that does not end within the first read is refused before the parser holds
    // it whole (a 100 MB line once took 582 MB).
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
    let mut header = ByteRecord::new();
    if !reader
        .read_byte_record(&mut header)
        .map_err(|e| csv_err(&name, e))?
    {
        return Err(SheetError::Empty { name });
    }
    let encoding = (!decision.is_utf8()).then_some(decision.encoding);
    let notices = match encoding {
        Some(_) => vec![format!("{name}: read as {}", decision.describe())],
        None => Vec::new(),
    };
    let rows = TextRows {
        line: reader.position().line(),
        reader,
        row: 1,
        columns: header.len(),
        tail,
        len: decision.text_len,
        input: source.pinned(),
        name,
    };
    let layout = Layout {
        workbook: false,
        encoding: decision.encoding,
        bom: decision.bom > 0,
        delimiter,
        line_end,
    };
    let head = Head {
        header,
        layout,
        encoding,
        notices,
    };
    Ok((rows, head))
}

/// The text as the parser sees it: decoded, without the BOM.
fn decoded(source: &Source, decision: Decision) -> io::Result<Box<dyn Read + Send>> {
    let mut bytes = source.bytes();
    Ok(if decision.is_utf8() {
        // Checked valid as a whole already: no need to decode, only skip the BOM.
        io::copy(&mut (&mut bytes).take(decision.bom as u64), &mut io::sink())?;
        Box::new(bytes)
    } else {
        Box::new(Utf8Reader::new(bytes, decision))
    })
}

impl RowSource for TextRows {
    fn next_row(&mut self, raw: &mut RawRow) -> Result<bool, SheetError> {
        let record = &mut raw.cells;
        if !self
            .reader
            .read_byte_record(record)
            .map_err(|e| csv_err(&self.name, e))?
        {
            return Ok(false);
        }
        // The csv crate skips blank lines; a spreadsheet shows each as a row, so count them:
        // the lines this record used beyond its own are blank lines before it.
        let now = self.reader.position().line();
        // One line is the common case: no newline inside a cell, no blank line before.
        let blank = match now - self.line {
            0 | 1 => 0,
            lines => lines.saturating_sub(1 + newlines(record)),
        };
        self.line = now;
        self.row += 1 + blank;
        raw.row = self.row;
        raw.cut_short = self.cut_short(record);
        Ok(true)
    }

    /// Bytes of decoded text.
    fn offset(&self) -> u64 {
        self.reader.position().byte()
    }

    fn len(&self) -> u64 {
        self.len
    }

    fn fingerprint(&self) -> Result<Fingerprint, SheetError> {
        fingerprint_of(&self.input, &self.name)
    }
}

impl TextRows {
    /// The header's width.
    pub(super) fn columns(&self) -> usize {
        self.columns
    }

    /// Why `record`, just read, looks cut short (an interrupted download): it is the last of
    /// the text and ends inside a quoted cell, or without a line end and short of cells.
    fn cut_short(&self, record: &ByteRecord) -> Option<String> {
        let ending = self.tail.ending()?;
        if ending.len != self.reader.position().byte() {
            return None; // not the last record
        }
        let columns = self.columns;
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
