//! Comparing a spreadsheet row with the PBX's current record of that extension, so that only
//! what differs is sent and a row that matches is left alone.

use crate::domain::Record;
use crate::domain::values::md5_hex;
use crate::rules::{Cells, Table};

/// The indexes of the fields whose cell differs from the PBX's value. Blank cells keep the
/// PBX's value and never count; the key never counts; a rename counts when it renames.
pub(crate) fn changed_fields(table: &Table, cells: &Cells<'_>, current: &Record) -> Vec<usize> {
    let key = cells.get(table, table.key);
    table
        .fields
        .iter()
        .enumerate()
        .filter(|&(i, f)| {
            let cell = f.kind.canonical(cells.values[i]);
            if cell.is_empty() || f.name == table.key {
                return false;
            }
            if Some(f.name) == table.rename {
                return cell != key;
            }
            let old = current.get(f.name).map_or("", String::as_str);
            if table.hashed_on_read.contains(&f.name) {
                !md5_hex(cell).eq_ignore_ascii_case(old)
            } else {
                cell != f.kind.canonical(old)
            }
        })
        .map(|(i, _)| i)
        .collect()
}

/// What an update would change, field by field, for a dry run: `email "a@x" → "b@x"`; a
/// secret only says that it changes.
pub(crate) fn preview(
    table: &Table,
    cells: &Cells<'_>,
    changed: &[usize],
    current: &Record,
) -> String {
    changed
        .iter()
        .map(|&i| {
            let field = &table.fields[i];
            if field.secret {
                format!("{} changes (secret, not shown)", field.name)
            } else {
                let old = current.get(field.name).map_or("", String::as_str);
                format!("{} {:?} → {:?}", field.name, old, cells.values[i])
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
