//! Reading a sheet and planning it row by row: the loop every command that plans runs, which
//! hands each row's plan on as soon as it is made (rows stream; the planner keeps only what the
//! rules between rows need).

use super::planned::Planned;
use super::planner::Planner;
use crate::input::{RawRow, Sheet, SheetError};

/// Reads every record of `sheet`, plans it, and hands it to `emit` with the file offset where
/// it ends; stops early when `emit` returns false.
pub(crate) fn plan_sheet(
    sheet: &mut Sheet,
    planner: &mut Planner,
    mut emit: impl FnMut(u64, Planned, &csv::ByteRecord) -> bool,
) -> Result<(), SheetError> {
    let mut raw = RawRow::default();
    let mut mapped = Vec::new();
    let mut spare = Vec::new();
    sheet.check_as_read(planner.context());
    while let Some(row) = sheet.read(&mut raw)? {
        let cells = sheet.row(&raw, &mut mapped, spare);
        let planned = planner.plan(row, &cells);
        spare = cells.recycle();
        let offset = sheet.offset();
        if !emit(offset, planned, &raw.cells) {
            break;
        }
    }
    Ok(())
}
