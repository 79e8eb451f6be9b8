//! Workbooks (XLSX, XLSM, XLSB, XLS, ODS) as rows of text, through calamine, in bounded
//! memory.
//!
//! A cell comes back as the text a person typed, not as the number a spreadsheet stores:
//! `1001`, not `1001.0`; an 11-digit mobile in full, not `1.38001E+10`. Rows leave one at a
//! time, each with the row number the spreadsheet program shows.
//!
//! What kind a workbook is, is told by its parts, and each way it can fail is said as it is: a
//! file with only a workbook's name (text, a web page), a damaged or cut-short archive, a
//! ZIP that holds no workbook, a limit passed (`limits` checks every part before calamine
//! reads it). calamine's own guess, trying each reader in turn, said only "Cannot detect file
//! format". XLSX and XLSB sheets are streamed a row at a
//! time on a thread of their own (`stream`), so a million rows take no more memory than ten;
//! ODS and XLS sheets are read whole, an ODS only within `limits::MAX_WHOLE_CELLS` cells (an
//! XLS sheet holds at most 65,536 × 256 by its format).

mod limits;
mod stream;

pub(crate) use stream::READER;
mod tidy;

use std::io::{Read, Seek};
use std::sync::mpsc::Receiver;

use calamine::{Data, Ods, Range, Reader, Xls, Xlsb, Xlsx};

use limits::Zipped;
use stream::{CellBook, Row};

#[derive(Debug, thiserror::Error)]
pub(crate) enum BookError {
    #[error("cannot read the workbook: {0}")]
    Read(String),
    #[error("has no sheet {wanted:?}; its sheets are: {sheets}")]
    NoSuchSheet { wanted: String, sheets: String },
    #[error("has no sheets")]
    Empty,
    #[error("is damaged or cut short (an interrupted download or copy?): {0}")]
    Damaged(String),
    #[error(
        "is not a workbook, though its name says so: it starts neither as a ZIP archive \
         (XLSX, XLSB, ODS) nor as an OLE file (XLS) does; if it is text (CSV), name it .csv"
    )]
    NotAWorkbook,
    #[error(
        "is a ZIP archive but no workbook (it has no xl/workbook.xml, xl/workbook.bin or content.xml)"
    )]
    NotABook,
    #[error(
        "is too big to read safely: {part} holds {found} {what}, over pbxbulk's limit of \
         {limit} for a workbook; save the sheet as CSV (any size is read in bounded memory)"
    )]
    TooBig {
        part: String,
        what: String,
        found: u64,
        limit: u64,
    },
}

/// One sheet of a workbook, read row by row.
pub(crate) struct Book {
    rows: Rows,
    /// How far reading has come, and where it ends (rows), for progress.
    position: u64,
    total: u64,
    pub(crate) sheet: String,
}

enum Rows {
    /// XLSX, XLSB: rows from the thread that streams the sheet.
    Streamed(Receiver<Result<Row, BookError>>),
    /// ODS, XLS: the sheet whole; the next row to hand out, counted within the range.
    Whole {
        range: Range<Data>,
        next: usize,
        first_row: u64,
    },
}

impl Book {
    /// Opens `sheet` (by name, any case), or the first sheet, of the workbook `open` reads
    /// (called once for the checks, once for the reading).
    pub(crate) fn open<R>(open: impl Fn() -> R, sheet: Option<&str>) -> Result<Book, BookError>
    where
        R: Read + Seek + Send + 'static,
    {
        let mut head = Vec::with_capacity(8);
        let read_head = open().take(8).read_to_end(&mut head);
        read_head.map_err(|e| BookError::Read(e.to_string()))?;
        // Only a ZIP archive can be damaged as one; anything else only has the name.
        let kind = match () {
            () if head.starts_with(&OLE_MAGIC) => None,
            () if ZIP_MAGIC.iter().any(|m| head.starts_with(*m)) => Some(limits::check(open())?),
            () => return Err(BookError::NotAWorkbook),
        };
        let read = |e: &dyn std::fmt::Display| BookError::Read(e.to_string());
        match kind {
            Some(Zipped::Xlsx) => Book::streamed(Xlsx::new(open()).map_err(|e| read(&e))?, sheet),
            Some(Zipped::Xlsb) => Book::streamed(Xlsb::new(open()).map_err(|e| read(&e))?, sheet),
            Some(Zipped::Ods) => {
                let (range, name) = match ods_sheet(open(), sheet) {
                    Ok(read) => read,
                    // A Gnumeric file: calamine reads it once its indentation is gone.
                    Err(first) => match tidy::without_indentation(open()) {
                        Some(tidied) => ods_sheet(tidied, sheet).map_err(|_| first)?,
                        None => return Err(first),
                    },
                };
                Ok(Book::whole(range, name))
            }
            None => {
                let mut book = Xls::new(open()).map_err(|e| read(&e))?;
                let name = chosen(&book.sheet_names(), sheet)?;
                let range = book.worksheet_range(&name).map_err(|e| read(&e))?;
                Ok(Book::whole(range, name))
            }
        }
    }

    /// `sheet` (or the first) of an XLSX or XLSB workbook, read on a thread of its own.
    fn streamed(mut book: impl CellBook, sheet: Option<&str>) -> Result<Book, BookError> {
        let name = chosen(&book.names(), sheet)?;
        let total = book.last_row(&name).map_err(BookError::Read)?;
        let rows = stream::spawn(book, name.clone());
        Ok(Book {
            rows: Rows::Streamed(rows),
            position: 0,
            total: u64::from(total) + 1,
            sheet: name,
        })
    }

    fn whole(range: Range<Data>, sheet: String) -> Book {
        let first_row = range.start().map_or(1, |(row, _)| u64::from(row) + 1);
        Book {
            total: range.height() as u64,
            rows: Rows::Whole {
                range,
                next: 0,
                first_row,
            },
            position: 0,
            sheet,
        }
    }

    /// The next row that has any value, as text cells, with its workbook row number.
    /// Rows with nothing in them are skipped, as blank lines of a CSV file are.
    pub(crate) fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, BookError> {
        match &mut self.rows {
            Rows::Streamed(rows) => match rows.recv() {
                Ok(row) => {
                    let (at, row) = row?;
                    *cells = row;
                    self.position = at;
                    Ok(Some(at))
                }
                Err(_) => Ok(None),
            },
            Rows::Whole {
                range,
                next,
                first_row,
            } => {
                let width = range.width();
                while *next < range.height() {
                    let at = *next;
                    *next += 1;
                    self.position = *next as u64;
                    cells.clear();
                    cells.extend(
                        (0..width).map(|col| range.get((at, col)).map(text).unwrap_or_default()),
                    );
                    if cells.iter().any(|c| !c.trim().is_empty()) {
                        return Ok(Some(*first_row + at as u64));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Rows handed out so far (for progress).
    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    /// Rows the sheet says it has (for progress).
    pub(crate) fn rows(&self) -> u64 {
        self.total
    }
}

/// The first bytes of an OLE compound file: an XLS workbook.
const OLE_MAGIC: [u8; 8] = *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// The first bytes of a ZIP archive (XLSX, XLSB, ODS): a file's first entry, an empty
/// archive, a spanned one.
const ZIP_MAGIC: [&[u8; 4]; 3] = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];

/// The sheet of an ODS file, whole (calamine reads ODS no other way), and its name.
fn ods_sheet<R: Read + Seek>(
    reader: R,
    sheet: Option<&str>,
) -> Result<(Range<Data>, String), BookError> {
    let read = |e: &dyn std::fmt::Display| BookError::Read(e.to_string());
    let mut book = Ods::new(reader).map_err(|e| read(&e))?;
    let name = chosen(&book.sheet_names(), sheet)?;
    let range = book.worksheet_range(&name).map_err(|e| read(&e))?;
    Ok((range, name))
}

/// The sheet called `wanted` (any case), or the first.
fn chosen(names: &[String], wanted: Option<&str>) -> Result<String, BookError> {
    match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(wanted.trim()) || n.as_str() == wanted.trim())
            .cloned()
            .ok_or_else(|| BookError::NoSuchSheet {
                wanted: wanted.to_string(),
                sheets: names.join(", "),
            }),
        None => names.first().cloned().ok_or(BookError::Empty),
    }
}

/// A cell as the text a person typed.
pub(crate) fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust prints a float without a fraction as a whole number and never in scientific
        // notation: 1001.0 → "1001", 13800138000.0 → "13800138000".
        Data::Float(f) => f.to_string(),
        Data::Bool(true) => "TRUE".into(),
        Data::Bool(false) => "FALSE".into(),
        Data::DateTime(d) => d.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    #[test]
    fn numbers_come_back_as_typed() {
        assert_eq!(text(&Data::Float(1001.0)), "1001");
        assert_eq!(text(&Data::Float(13800138000.0)), "13800138000");
        assert_eq!(text(&Data::Float(6002.5)), "6002.5");
        assert_eq!(text(&Data::Int(30)), "30");
        assert_eq!(text(&Data::Bool(true)), "TRUE");
    }

    #[test]
    fn rows_keep_workbook_numbers_and_pick_the_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.xlsx");
        let mut wb = Workbook::new();
        let first = wb.add_worksheet().set_name("Other").unwrap();
        first.write_string(0, 0, "nothing").unwrap();
        let sheet = wb.add_worksheet().set_name("Staff").unwrap();
        sheet.write_string(2, 1, "number").unwrap();
        sheet.write_string(2, 2, "mobile").unwrap();
        sheet.write_number(3, 1, 1001.0).unwrap();
        sheet.write_number(3, 2, 13800138000.0).unwrap();
        sheet.write_number(5, 1, 1002.0).unwrap();
        wb.save(&path).unwrap();

        let mut book = Book::open(|| std::fs::File::open(&path).unwrap(), Some("staff")).unwrap();
        assert_eq!(book.sheet, "Staff");
        let mut cells = Vec::new();
        assert_eq!(book.next_row(&mut cells).unwrap(), Some(3));
        assert_eq!(cells, ["number", "mobile"]);
        assert_eq!(book.next_row(&mut cells).unwrap(), Some(4));
        assert_eq!(cells, ["1001", "13800138000"]);
        assert_eq!(book.next_row(&mut cells).unwrap(), Some(6));
        assert_eq!(cells[0], "1002");
        assert!(cells[1..].iter().all(String::is_empty));
        assert_eq!(book.next_row(&mut cells).unwrap(), None);

        let err = Book::open(|| std::fs::File::open(&path).unwrap(), Some("Nope"))
            .err()
            .unwrap()
            .to_string();
        assert_eq!(err, "has no sheet \"Nope\"; its sheets are: Other, Staff");
        let mut book = Book::open(|| std::fs::File::open(&path).unwrap(), None).unwrap();
        assert_eq!(book.next_row(&mut cells).unwrap(), Some(1));
    }
}
