//! An XLSX or XLSB sheet read cell by cell on a thread of its own (calamine's cell readers
//! stream the sheet's XML or records from the archive) and handed over a row at a time, a few
//! rows ahead: a sheet is never held whole, so a million rows take no more memory than ten.

use std::io::{Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Cell, DataRef, Reader, Xlsb, Xlsx};

use super::{BookError, text};

/// A row: its workbook row number (1-based) and its cells, blank ones included.
pub(super) type Row = (u64, Vec<String>);

/// Rows read ahead of the one in use.
const AHEAD: usize = 64;

/// A workbook calamine reads cell by cell: XLSX and XLSB, whose cell readers share no trait.
pub(super) trait CellBook: Send + 'static {
    fn names(&self) -> Vec<String>;
    /// The sheet's last row, counted from 0.
    fn last_row(&mut self, sheet: &str) -> Result<u32, String>;
    /// Sends the sheet's rows down `tx` (see [`rows`]).
    fn send_rows(
        &mut self,
        sheet: &str,
        tx: &SyncSender<Result<Row, BookError>>,
    ) -> Result<(), String>;
}

macro_rules! cell_book {
    ($book:ident) => {
        impl<RS: Read + Seek + Send + 'static> CellBook for $book<RS> {
            fn names(&self) -> Vec<String> {
                Reader::sheet_names(self)
            }

            fn last_row(&mut self, sheet: &str) -> Result<u32, String> {
                let cells = self.worksheet_cells_reader(sheet);
                Ok(cells.map_err(|e| e.to_string())?.dimensions().end.0)
            }

            fn send_rows(
                &mut self,
                sheet: &str,
                tx: &SyncSender<Result<Row, BookError>>,
            ) -> Result<(), String> {
                let mut cells = self
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| e.to_string())?;
                rows(|| cells.next_cell().map_err(|e| e.to_string()), tx)
            }
        }
    };
}

cell_book!(Xlsx);
cell_book!(Xlsb);

/// The rows of `sheet`, read on a thread of their own. The last thing the receiver gets is
/// the end of the sheet (the channel closing) or an error: a reader that stops on a record it
/// cannot read (calamine indexes some XLSB records unchecked, and panics) is an error, never
/// a sheet that merely looks shorter.
pub(super) fn spawn(mut book: impl CellBook, sheet: String) -> Receiver<Result<Row, BookError>> {
    let (tx, rx) = sync_channel(AHEAD);
    let on_failure = tx.clone();
    let reader = std::thread::Builder::new().name(READER.into());
    let spawned = reader.spawn(move || {
        let error = match catch_unwind(AssertUnwindSafe(|| book.send_rows(&sheet, &tx))) {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e,
            Err(panic) => damaged(&sheet, panic.as_ref()),
        };
        let _ = tx.send(Err(BookError::Read(error)));
    });
    if let Err(e) = spawned {
        let _ = on_failure.send(Err(BookError::Read(e.to_string())));
    }
    rx
}

/// The name of the thread that reads a sheet: its panics are caught and said as a damaged
/// sheet, so the process's panic hook stays quiet about them.
pub(crate) const READER: &str = "pbxbulk workbook reader";

/// What a reader that panicked met: calamine's own words, which name the record's fault.
fn damaged(sheet: &str, panic: &(dyn std::any::Any + Send)) -> String {
    let words = (panic.downcast_ref::<String>().map(String::as_str))
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no reason given");
    format!("sheet {sheet:?} is damaged: one of its records cannot be read ({words})")
}

/// Gathers the cells `next` gives into rows and sends each row that has a value; stops when
/// the sheet ends or the receiver is gone. Columns count from the header row's first filled
/// one, as a sheet read whole counts from its first filled column.
fn rows<'a>(
    mut next: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, String>,
    tx: &SyncSender<Result<Row, BookError>>,
) -> Result<(), String> {
    let mut row: Option<(u32, Vec<String>)> = None;
    let mut first: Option<usize> = None;
    while let Some(cell) = next()? {
        let (at, col) = cell.get_position();
        if row.as_ref().is_some_and(|(r, _)| *r != at) && !send(row.take(), &mut first, tx) {
            return Ok(());
        }
        let (_, cells) = row.get_or_insert_with(|| (at, Vec::new()));
        let col = col as usize;
        if cells.len() <= col {
            cells.resize(col + 1, String::new());
        }
        cells[col] = text(&cell.get_value().clone().into());
    }
    send(row, &mut first, tx);
    Ok(())
}

/// Sends `row` if it holds any value, from column `first` on (set by the first row sent);
/// false once nobody listens.
fn send(
    row: Option<(u32, Vec<String>)>,
    first: &mut Option<usize>,
    tx: &SyncSender<Result<Row, BookError>>,
) -> bool {
    let Some((at, mut cells)) = row else {
        return true;
    };
    let Some(filled) = cells.iter().position(|c| !c.trim().is_empty()) else {
        return true;
    };
    let from = *first.get_or_insert(filled);
    cells.drain(..from.min(cells.len()));
    tx.send(Ok((u64::from(at) + 1, cells))).is_ok()
}
