//! The row-width rule of a vendor's layout: its importer refuses a row whose number of fields
//! differs from the header's (FreePBX: "Header row and data row count do not match"), so a
//! file read in that layout does too, row by row. Trailing blank header cells are tolerated:
//! spreadsheet programs write them, and rows may or may not carry the matching blank fields.

use csv::ByteRecord;

use super::Bound;
use crate::domain::Code;
use crate::rules::Problem;

impl Bound {
    /// The row error of a record of `fields` fields under `header`, where the rule applies.
    pub(crate) fn width(&self, fields: usize, header: &ByteRecord) -> Option<Problem> {
        if !self.exact_width {
            return None;
        }
        let named = header
            .iter()
            .rposition(|h| !h.trim_ascii().is_empty())
            .map_or(0, |last| last + 1);
        if fields == header.len() || fields == named {
            return None;
        }
        Some(Problem {
            field: "",
            code: Code::FieldCount,
            message: format!(
                "the row has {fields} fields and the header {named} columns: {} reads a row \
                 only when the two counts match",
                self.origin
            ),
        })
    }
}
