//! A workbook as a [`RowSource`]: its rows come one by one from [`Book`], numbered as the
//! workbook numbers them; progress is counted in rows.

use std::sync::Arc;

use super::super::SheetError;
use super::super::pinned::{Fingerprint, Input};
use super::super::row_source::{Head, Layout, RawRow, RowSource};
use super::super::source::Source;
use super::super::workbook::{Book, BookError};
use super::fingerprint_of;

pub(super) struct BookRows {
    book: Box<Book>,
    /// The row's cells as the book gives them, before they become a record.
    cells: Vec<String>,
    input: Arc<Input>,
    name: String,
}

/// Opens `source`, a workbook, and reads its header (the first row with anything in it).
pub(super) fn open(source: &Source) -> Result<(BookRows, Head), SheetError> {
    let name = source.name();
    let book_err = |error| SheetError::Book {
        name: name.clone(),
        error,
    };
    let sheet = source.settings.sheet.as_deref();
    let book = Book::open(|| source.input().seeker(), sheet).map_err(book_err)?;
    let mut rows = BookRows {
        book: Box::new(book),
        cells: Vec::new(),
        input: source.pinned(),
        name,
    };
    let mut header = RawRow::default();
    if !rows.next_row(&mut header)? {
        return Err(SheetError::Empty { name: rows.name });
    }
    let head = Head {
        notices: vec![format!("{}: sheet {:?}", rows.name, rows.book.sheet)],
        header: header.cells,
        layout: Layout {
            workbook: true,
            ..Layout::default()
        },
        encoding: None,
    };
    Ok((rows, head))
}

impl RowSource for BookRows {
    fn next_row(&mut self, raw: &mut RawRow) -> Result<bool, SheetError> {
        let read = self
            .book
            .next_row(&mut self.cells)
            .map_err(|error| book_err(&self.name, error));
        let Some(row) = read? else {
            return Ok(false);
        };
        raw.cells.clear();
        raw.cells.extend(self.cells.iter().map(String::as_bytes));
        (raw.row, raw.cut_short) = (row, None);
        Ok(true)
    }

    /// Rows handed out.
    fn offset(&self) -> u64 {
        self.book.position()
    }

    /// Rows the sheet says it has.
    fn len(&self) -> u64 {
        self.book.rows()
    }

    fn fingerprint(&self) -> Result<Fingerprint, SheetError> {
        fingerprint_of(&self.input, &self.name)
    }
}

fn book_err(name: &str, error: BookError) -> SheetError {
    SheetError::Book {
        name: name.to_string(),
        error,
    }
}
