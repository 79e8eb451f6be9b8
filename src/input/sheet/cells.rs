//! Placing a record's cells into their fields, and normalising the few that need it: the
//! part of reading that runs for every cell of a big file.

use std::borrow::Cow;

use csv::ByteRecord;

use super::{RowCells, Sheet, Slot};
use crate::domain::Code;
use crate::domain::formula::undefuse;
use crate::input::normalise::{as_written, normalise};
use crate::rules::{Cells, Problem};

impl Sheet {
    /// The record's cells into their fields' places, by the header.
    /// Fields whose cells [`Sheet::normalised`] must look at go into `pending`: on the way,
    /// since most cells of an ASCII record are decided by [`as_written`] alone.
    pub(super) fn place<'a>(
        &mut self,
        record: &'a ByteRecord,
        values: &mut [&'a str],
        problems: &mut Vec<Problem>,
    ) {
        // One UTF-8 check for the whole record, not one per cell. (The whole file was
        // checked to decode before any row was read; a file changed since is still refused
        // cell by cell, never read as blank.)
        let whole = std::str::from_utf8(record.as_slice()).ok();
        let ascii = is_ascii(record.as_slice());
        // Apart from `self`, so that the loop keeps the slots at hand instead of reading them
        // again after every push.
        let (slots, treats, pending) = (&self.slots, &self.treats, &mut self.pending);
        let text_file = !self.layout.workbook;
        pending.clear();
        let mut end = 0;
        for (i, raw) in record.iter().enumerate() {
            let start = end;
            end += raw.len();
            let text = match whole {
                // `get`, since cells may split a character that the record as a whole holds.
                Some(whole) => whole.get(start..end),
                None => std::str::from_utf8(raw).ok(),
            };
            let Some(text) = text.map(trim) else {
                problems.push(not_text(i));
                continue;
            };
            // What a CSV writer made text of a formula (ours, on export) is read back as it was.
            let text = match text_file {
                true => undefuse(text).unwrap_or(text),
                false => text,
            };
            match slots.get(i) {
                Some(&Slot::Field(field)) => {
                    values[field] = text;
                    if !(text.is_empty() || (ascii && as_written(text, treats[field]))) {
                        pending.push(field);
                    }
                }
                _ if text.is_empty() => {}
                _ => problems.push(extra_cell(i)),
            }
        }
    }

    /// Places the cells of an ASCII record as [`Sheet::place`] does, checking each against
    /// its field's rule on the way, and says whether every one is a cell that reading leaves
    /// as written and its rule accepts. At the first that is not, the row is read the long
    /// way (`place`, `normalised`, the planner's field checks), which says what is wrong:
    /// this decides nothing the long way would not, it only gets there in one pass.
    pub(super) fn checked<'a>(&self, record: &'a ByteRecord, values: &mut [&'a str]) -> bool {
        let Some(checks) = &self.checks else {
            return false;
        };
        let bytes = record.as_slice();
        let whole = match std::str::from_utf8(bytes) {
            // Cells past the header's columns: the long way says whether they are blank.
            Ok(whole) if is_ascii(bytes) && record.len() <= self.slots.len() => whole,
            _ => return false,
        };
        let mut end = 0;
        for (raw, slot) in record.iter().zip(&self.slots) {
            let start = end;
            end += raw.len();
            let Some(text) = whole.get(start..end) else {
                return false;
            };
            let (Some(&first), Some(&last)) = (text.as_bytes().first(), text.as_bytes().last())
            else {
                continue;
            };
            // Space at either end would be trimmed, an apostrophe may go: the long way.
            if !(visible(first) && visible(last)) || first == b'\'' {
                return false;
            }
            match *slot {
                Slot::Field(field) if as_written(text, self.treats[field]) => values[field] = text,
                _ => return false,
            }
        }
        checks.accept(values)
    }

    /// Normalises the `pending` fields of `values` in place (what changed lives in
    /// `scratch`), and says what changed.
    pub(super) fn normalised<'a>(
        &'a mut self,
        mut values: Vec<&'a str>,
        mut problems: Vec<Problem>,
        note: Option<String>,
        record: &ByteRecord,
    ) -> RowCells<'a> {
        let mut notes: Vec<String> = note.into_iter().collect();
        let mut changed = false;
        if self.scratched {
            self.scratch.fill(None);
            self.scratched = false;
        }
        for &field in &self.pending {
            let (text, treat) = (values[field], self.treats[field]);
            let name = self.table.fields[field].name;
            match normalise(text, treat, self.plus_prefix.as_deref()) {
                Ok(normal) => {
                    notes.extend(normal.note.map(|note| format!("{name}: {note}")));
                    if let Cow::Owned(value) = normal.value {
                        self.scratch[field] = Some(value);
                        (changed, self.scratched) = (true, true);
                    }
                }
                Err(refusal) => problems.push(Problem {
                    field: name,
                    code: Code::BadValue,
                    message: refusal.message(name, text, treat.shows_value()),
                }),
            }
        }
        if let Some(encoding) = self.encoding
            && !is_ascii(record.as_slice())
        {
            notes.push(format!("text read as {}", encoding.name()));
        }
        if changed {
            for (value, fixed) in values.iter_mut().zip(&self.scratch) {
                if let Some(fixed) = fixed {
                    *value = fixed;
                }
            }
        }
        RowCells::Cells {
            cells: Cells { values },
            filled: &self.filled,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            problems,
            checked: false,
        }
    }
}

/// `<[u8]>::is_ascii`, whose byte-by-byte tail was a third of normalising a record: an OR of
/// every byte, which the compiler vectorises whole.
fn is_ascii(bytes: &[u8]) -> bool {
    bytes.iter().fold(0, |all, &b| all | b) < 0x80
}

/// `str::trim`, skipped for the common cell that starts and ends with a visible ASCII
/// character (anything else may be Unicode white space).
fn trim(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    let visible = |b: Option<&u8>| b.is_none_or(|&b| visible(b));
    match visible(bytes.first()) && visible(bytes.last()) {
        true => cell,
        false => cell.trim(),
    }
}

/// A visible ASCII character: never trimmed.
fn visible(b: u8) -> bool {
    b > b' ' && b < 0x7f
}

pub(super) fn extra_cell(i: usize) -> Problem {
    Problem {
        field: "",
        code: Code::ExtraCells,
        message: format!(
            "cell {} has a value but its column has no name in the header",
            i + 1
        ),
    }
}

pub(super) fn not_text(i: usize) -> Problem {
    Problem {
        field: "",
        code: Code::NotUtf8,
        message: format!("cell {} is not text in the file's encoding", i + 1),
    }
}
