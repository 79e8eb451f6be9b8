//! A record through a mapping: its cells as text (what a CSV writer made text of a formula
//! read back as it was), then what the mapping makes of them.

use csv::ByteRecord;

use super::super::mapping::{Bound, Mapped};
use super::cells::{extra_cell, not_text};
use crate::domain::formula::undefuse;
use crate::rules::Problem;

/// What a mapping makes of a record.
pub(super) enum Before {
    /// The record cannot be read as the header says.
    Invalid(Vec<Problem>),
    /// A blank line, which stays blank: constants must not turn it into a row.
    Blank,
    /// What the mapping made, into its `buf`.
    Mapped(Mapped),
}

/// `record` under `header` through `bound`; a workbook's cells are taken as they are.
pub(super) fn map_record(
    bound: &Bound,
    header: &ByteRecord,
    workbook: bool,
    record: &ByteRecord,
    buf: &mut Vec<String>,
) -> Before {
    if let Some(problem) = bound.width(record.len(), header) {
        return Before::Invalid(vec![problem]);
    }
    let mut problems = Vec::new();
    let mut text = Vec::with_capacity(record.len());
    for (i, raw) in record.iter().enumerate() {
        let named = header.get(i).is_some_and(|h| !h.trim_ascii().is_empty());
        match std::str::from_utf8(raw).map(str::trim) {
            Ok(cell) if named || cell.is_empty() => {
                let undone = undefuse(cell).filter(|_| !workbook);
                text.push(undone.unwrap_or(cell));
            }
            Ok(_) => problems.push(extra_cell(i)),
            Err(_) => problems.push(not_text(i)),
        }
    }
    if !problems.is_empty() {
        return Before::Invalid(problems);
    }
    if text.iter().all(|c| c.is_empty()) {
        return Before::Blank;
    }
    Before::Mapped(bound.apply(&text, buf))
}
