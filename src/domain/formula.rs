//! Cells a spreadsheet program would run as formulas, and the one reversible rule that keeps
//! them text (OWASP's advice against CSV injection).
//!
//! Writing CSV: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return, after
//! any number of apostrophes, gets one apostrophe more in front. Excel and LibreOffice show
//! such a cell as text, without the apostrophe. Reading CSV: a cell that starts with an
//! apostrophe and then the same pattern loses exactly one. So whatever a PBX held, exporting
//! it and importing the export gives it back exactly (`=1+1`, `'=1+1`, `-5`), and a cell such
//! as `'Tis` is neither written nor read otherwise. Workbooks need none of it: their cells
//! are written as text cells, which no program runs.

use std::borrow::Cow;

/// Whether a cell starting with `first` (after its apostrophes) is one a spreadsheet
/// program runs. A `match`, not a search of a list: it is asked of every report cell.
fn triggers(first: u8) -> bool {
    matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// Whether [`defuse`] changes `cell`.
pub(crate) fn runs_as_formula(cell: &str) -> bool {
    // Nearly every cell starts with something else: one byte decides, no trimming (the
    // report asks this of each of its cells).
    let rest = match cell.as_bytes() {
        [b'\'', ..] => cell.trim_start_matches('\'').as_bytes(),
        bytes => bytes,
    };
    rest.first().is_some_and(|&first| triggers(first))
}

/// The cell as a CSV file gives it, made text where a spreadsheet would run it.
pub(crate) fn defuse(cell: &str) -> Cow<'_, str> {
    match runs_as_formula(cell) {
        true => Cow::Owned(format!("'{cell}")),
        false => Cow::Borrowed(cell),
    }
}

/// The cell [`defuse`] made this one into, if it made it.
pub(crate) fn undefuse(cell: &str) -> Option<&str> {
    cell.strip_prefix('\'').filter(|rest| runs_as_formula(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatever_a_cell_holds_comes_back_exactly() {
        for cell in [
            "=1+1",
            "+8613800138000",
            "-5",
            "@SUM(A1)",
            "\tlead",
            "\rlead",
            "'=1+1",
            "''@x",
            "'Tis",
            "plain",
            "",
            "'",
            "a=b",
        ] {
            let written = defuse(cell);
            let read = undefuse(&written).unwrap_or(&written);
            assert_eq!(read, cell, "written as {written:?}");
        }
        assert_eq!(defuse("=1+1"), "'=1+1");
        assert_eq!(defuse("'Tis"), "'Tis");
        assert_eq!(undefuse("'Tis"), None);
    }
}
