//! What a workbook may hold, checked before calamine reads it: every part of the archive is
//! unpacked once into a counter, nothing of it kept, and a workbook past a limit is refused
//! in one line naming the limit, before anything else is allocated for it. A 1.6 kB workbook
//! asked for a 512 GB sheet; a 3 MB one unpacked to 1.25 GB; 1.1 MB of shared strings took
//! 1.08 GB. Within these limits a workbook takes well under 128 MB:
//!
//! - no stretch of more than [`MAX_RUN`] between two tags in any part: the XML readers hold
//!   one stretch at a time, and a cell holds at most 32,767 characters anyway;
//! - every part but the sheets at most [`MAX_PART`] unpacked (calamine holds the shared
//!   strings, the styles and an ODS's content whole; XLSX and XLSB sheets are streamed);
//! - at most [`MAX_SHARED_STRINGS`] shared strings;
//! - an ODS sheet (built whole) at most [`MAX_WHOLE_CELLS`] cells from its first filled row
//!   to its last and its first filled column to its last, repeats counted.

use std::io::{self, Read, Seek, Write};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::BookError;

/// Longest stretch of a part between two tags.
pub(super) const MAX_RUN: u64 = 1 << 20;
/// Largest part that is read whole.
pub(super) const MAX_PART: u64 = 64 << 20;
/// Most shared strings (each costs its text and about 40 bytes).
pub(super) const MAX_SHARED_STRINGS: u64 = 500_000;
/// Most cells of a sheet read whole (ODS).
pub(super) const MAX_WHOLE_CELLS: u64 = 2_000_000;

/// What kind of workbook an archive holds, by its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Zipped {
    Xlsx,
    Xlsb,
    Ods,
}

/// Checks every part of the archive in `reader` against the limits and says what it holds.
pub(super) fn check<R: Read + Seek>(reader: R) -> Result<Zipped, BookError> {
    let mut zip = ZipArchive::new(reader).map_err(|e| BookError::Damaged(e.to_string()))?;
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(std::borrow::Cow::into_owned))
        .collect::<Result<_, _>>()
        .map_err(|e| BookError::Damaged(e.to_string()))?;
    let has = |name: &str| names.iter().any(|n| n == name);
    let kind = match () {
        () if has("xl/workbook.xml") => Zipped::Xlsx,
        () if has("xl/workbook.bin") => Zipped::Xlsb,
        () if has("content.xml") => Zipped::Ods,
        () => return Err(BookError::NotABook),
    };
    for name in &names {
        let streamed = name.starts_with("xl/worksheets/");
        let mut part = zip
            .by_name(name)
            .map_err(|e| BookError::Damaged(format!("{name}: {e}")))?;
        let mut count = Counter::default();
        let copied = io::copy(&mut part, &mut count);
        if let Err(e) = copied {
            return Err(BookError::Damaged(format!("{name}: {e}")));
        }
        let run = count.longest.max(count.run);
        if run > MAX_RUN && !name.ends_with(".bin") {
            let what = "bytes in a stretch between two tags";
            return Err(too_big(name, what, run, MAX_RUN));
        }
        if !streamed && count.bytes > MAX_PART {
            return Err(too_big(name, "bytes unpacked", count.bytes, MAX_PART));
        }
    }
    match kind {
        Zipped::Xlsx if has("xl/sharedStrings.xml") => {
            let strings = elements(&mut zip, "xl/sharedStrings.xml", "si")?;
            if strings > MAX_SHARED_STRINGS {
                let what = "distinct strings";
                return Err(too_big(
                    "xl/sharedStrings.xml",
                    what,
                    strings,
                    MAX_SHARED_STRINGS,
                ));
            }
        }
        Zipped::Ods => {
            let cells = ods_cells(&mut zip)?;
            if cells > MAX_WHOLE_CELLS {
                return Err(too_big(
                    "content.xml",
                    "cells in one sheet",
                    cells,
                    MAX_WHOLE_CELLS,
                ));
            }
        }
        Zipped::Xlsx | Zipped::Xlsb => {}
    }
    Ok(kind)
}

fn too_big(part: &str, what: &str, found: u64, limit: u64) -> BookError {
    BookError::TooBig {
        part: part.to_string(),
        what: what.to_string(),
        found,
        limit,
    }
}

/// Counts what is written to it: bytes, and the longest stretch without a `<`.
#[derive(Default)]
struct Counter {
    bytes: u64,
    run: u64,
    longest: u64,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes += buf.len() as u64;
        let mut rest = buf;
        while let Some(at) = memchr::memchr(b'<', rest) {
            self.longest = self.longest.max(self.run + at as u64);
            self.run = 0;
            rest = &rest[at + 1..];
        }
        self.run += rest.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How many elements called `name` the part holds (read by events, within the limits
/// already checked).
fn elements<R: Read + Seek>(
    zip: &mut ZipArchive<R>,
    part: &str,
    name: &str,
) -> Result<u64, BookError> {
    let file = zip
        .by_name(part)
        .map_err(|e| BookError::Damaged(format!("{part}: {e}")))?;
    let mut reader = Reader::from_reader(io::BufReader::new(file));
    let (mut buf, mut count) = (Vec::new(), 0);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == name => count += 1,
            Ok(Event::Eof) => return Ok(count),
            Err(e) => return Err(BookError::Damaged(format!("{part}: {e}"))),
            Ok(_) => {}
        }
        buf.clear();
    }
}

/// The most cells an ODS sheet of the archive spans between its filled rows and columns,
/// repeats counted (what calamine allocates for it).
fn ods_cells<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<u64, BookError> {
    let file = zip
        .by_name("content.xml")
        .map_err(|e| BookError::Damaged(format!("content.xml: {e}")))?;
    let mut reader = Reader::from_reader(io::BufReader::new(file));
    let mut buf = Vec::new();
    let (mut sheet, mut most) = (Extent::default(), 0);
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| BookError::Damaged(format!("content.xml: {e}")))?;
        match event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "table" => sheet = Extent::default(),
                "table-row" => sheet.row(repeats(&e, "number-rows-repeated")),
                "table-cell" | "covered-table-cell" => {
                    sheet.cell(repeats(&e, "number-columns-repeated"), filled(&e));
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "table" => most = most.max(sheet.cells()),
            Event::Eof => return Ok(most.max(sheet.cells())),
            _ => {}
        }
        buf.clear();
    }
}

/// `table:number-…-repeated`, 1 when absent.
fn repeats(element: &BytesStart<'_>, name: &str) -> u64 {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

/// Whether a cell holds a value (an empty element may still carry one in an attribute).
fn filled(element: &BytesStart<'_>) -> bool {
    element
        .attributes()
        .flatten()
        .any(|a| a.key.local_name().as_ref() == "value-type")
}

/// A sheet's rows so far: the span of its filled rows and columns.
#[derive(Default)]
struct Extent {
    /// Rows before the current one, repeats counted; the current row's repeats; the column
    /// the current row has reached.
    rows: u64,
    repeat: u64,
    column: u64,
    first_row: Option<u64>,
    last_row: u64,
    first_column: Option<u64>,
    last_column: u64,
}

impl Extent {
    fn row(&mut self, repeat: u64) {
        self.rows = self.rows.saturating_add(self.repeat);
        self.repeat = repeat;
        self.column = 0;
    }

    fn cell(&mut self, repeat: u64, filled: bool) {
        if filled {
            self.first_row.get_or_insert(self.rows);
            self.last_row = self.rows.saturating_add(self.repeat.saturating_sub(1));
            let first = self.first_column.get_or_insert(self.column);
            *first = (*first).min(self.column);
            let last = self.column.saturating_add(repeat.saturating_sub(1));
            self.last_column = self.last_column.max(last);
        }
        self.column = self.column.saturating_add(repeat);
    }

    fn cells(&self) -> u64 {
        let (Some(first_row), Some(first_column)) = (self.first_row, self.first_column) else {
            return 0;
        };
        let rows = self.last_row.saturating_sub(first_row) + 1;
        let columns = self.last_column.saturating_sub(first_column) + 1;
        rows.saturating_mul(columns)
    }
}
