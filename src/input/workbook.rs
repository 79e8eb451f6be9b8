//! Workbooks (XLSX, XLSM, XLS, XLSB, ODS) as rows of text, through calamine.
//!
//! A cell comes back as the text a person typed, not as the number a spreadsheet stores:
//! `1001`, not `1001.0`; an 11-digit mobile in full, not `1.38001E+10`. The sheet is loaded
//! whole (calamine reads a sheet at once); rows then leave one at a time, each with the row
//! number the spreadsheet program shows.

use std::io::Cursor;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};

#[derive(Debug, thiserror::Error)]
pub(crate) enum BookError {
    #[error("cannot read the workbook: {0}")]
    Read(String),
    #[error("has no sheet {wanted:?}; its sheets are: {sheets}")]
    NoSuchSheet { wanted: String, sheets: String },
    #[error("has no sheets")]
    Empty,
}

/// One sheet of a workbook, read row by row.
pub(crate) struct Book {
    range: Range<Data>,
    /// The next row to hand out, counted within the range.
    next: usize,
    /// The workbook row number (1-based) of the range's first row.
    first_row: u64,
    pub(crate) sheet: String,
}

impl Book {
    /// Opens `sheet` (by name, any case), or the first sheet, of the workbook in `bytes`.
    pub(crate) fn open(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Book, BookError> {
        let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| BookError::Read(e.to_string()))?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(wanted) => names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(wanted.trim()) || n.as_str() == wanted.trim())
                .cloned()
                .ok_or_else(|| BookError::NoSuchSheet {
                    wanted: wanted.to_string(),
                    sheets: names.join(", "),
                })?,
            None => names.first().cloned().ok_or(BookError::Empty)?,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| BookError::Read(e.to_string()))?;
        let first_row = range.start().map_or(1, |(row, _)| u64::from(row) + 1);
        Ok(Book {
            range,
            next: 0,
            first_row,
            sheet: name,
        })
    }

    /// The next row that has any value, as text cells, with its workbook row number.
    /// Rows with nothing in them are skipped, as blank lines of a CSV file are.
    pub(crate) fn next_row(&mut self, cells: &mut Vec<String>) -> Option<u64> {
        let width = self.range.width();
        while self.next < self.range.height() {
            let at = self.next;
            self.next += 1;
            cells.clear();
            cells.extend(
                (0..width).map(|col| self.range.get((at, col)).map(text).unwrap_or_default()),
            );
            if cells.iter().any(|c| !c.trim().is_empty()) {
                return Some(self.first_row + at as u64);
            }
        }
        None
    }

    /// Rows handed out so far (for progress).
    pub(crate) fn position(&self) -> u64 {
        self.next as u64
    }

    pub(crate) fn rows(&self) -> u64 {
        self.range.height() as u64
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

        let mut book = Book::open(std::fs::read(&path).unwrap(), Some("staff")).unwrap();
        assert_eq!(book.sheet, "Staff");
        let mut cells = Vec::new();
        assert_eq!(book.next_row(&mut cells), Some(3));
        assert_eq!(cells, ["number", "mobile"]);
        assert_eq!(book.next_row(&mut cells), Some(4));
        assert_eq!(cells, ["1001", "13800138000"]);
        assert_eq!(book.next_row(&mut cells), Some(6));
        assert_eq!(cells, ["1002", ""]);
        assert_eq!(book.next_row(&mut cells), None);

        let err = Book::open(std::fs::read(&path).unwrap(), Some("Nope"))
            .err()
            .unwrap()
            .to_string();
        assert_eq!(err, "has no sheet \"Nope\"; its sheets are: Other, Staff");
        let mut book = Book::open(std::fs::read(&path).unwrap(), None).unwrap();
        assert_eq!(book.next_row(&mut cells), Some(1));
    }
}
