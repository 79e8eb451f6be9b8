//! Hostile, damaged and false workbooks, built at test time (issue 27.4, 27.15): a tiny file
//! that claims a huge sheet is read in bounded memory, row by row; one that unpacks past a
//! limit is refused in one line naming the limit; a cut-short archive, a file that only has a
//! workbook's name and a ZIP of something else are each named for what they are.

use crate::support::books::{Bin, ods, ods_cell, text_cell, xlsb, xlsx, zipped};
use crate::support::*;

/// The limits of `src/input/workbook/limits.rs`, as its refusals name them.
const MAX_RUN: usize = 1 << 20;
const MAX_SHARED_STRINGS: usize = 500_000;
const MAX_WHOLE_CELLS: u64 = 2_000_000;

/// `validate` of `bytes` saved as `name`, with a report.
fn validate(name: &str, bytes: Vec<u8>) -> Run {
    Run::validate(Api::YeastarV2)
        .file_named(name, bytes)
        .with_report()
}

/// The one line a refused file gets (exit 2, reason `bad_input`).
#[track_caller]
fn refusal(name: &str, bytes: Vec<u8>) -> String {
    let ran = validate(name, bytes).incomplete("bad_input");
    let line = ran.stderr.trim_end();
    assert_eq!(line.lines().count(), 1, "{}", ran.stderr);
    assert!(!line.contains("Cannot detect file format"), "{line}");
    line.to_string()
}

/// A sheet of two filled rows and one cell at the last row and column a workbook can have.
fn far_cell_xlsx() -> Vec<u8> {
    let sheet = format!(
        r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}{}</row><row r="2"><c r="A2"><v>1001</v></c>{}</row><row r="1048576">{}</row></sheetData>"#,
        text_cell("A1", "number"),
        text_cell("B1", "username"),
        text_cell("B2", "Ana"),
        text_cell("XFD1048576", "far"),
    );
    xlsx(&sheet, &[])
}

/// The same in XLSB records.
fn far_cell_xlsb() -> Vec<u8> {
    let rows = [
        (
            0,
            vec![(0, Bin::Text("number")), (1, Bin::Text("username"))],
        ),
        (1, vec![(0, Bin::Number(1001.0)), (1, Bin::Text("Ana"))]),
        (1_048_575, vec![(16_383, Bin::Text("far"))]),
    ];
    xlsb(&rows, (1_048_575, 16_383))
}

#[test]
fn a_cell_at_xfd1048576_is_a_row_error_not_a_512_gb_sheet() {
    for (name, book) in [("far.xlsx", far_cell_xlsx()), ("far.xlsb", far_cell_xlsb())] {
        assert!(book.len() < 2_000, "{name}: {} bytes", book.len());
        let ran = validate(name, book).rows_failed();
        assert_eq!(
            ran.row_number_status(),
            ["2 1001 ok", "1048576  invalid"],
            "{name}"
        );
        let far = &ran.rows[1];
        assert_eq!(far["error_code"], "EXTRA_CELLS", "{name}");
        assert!(
            far["message"].contains("cell 16384 has a value but its column has no name"),
            "{name}: {far:?}"
        );
    }
}

#[test]
fn an_xlsb_workbook_is_read_row_for_row_with_its_own_row_numbers() {
    let rows = [
        (
            2,
            vec![(1, Bin::Text("number")), (2, Bin::Text("username"))],
        ),
        (3, vec![(1, Bin::Number(1001.0)), (2, Bin::Text("Ana"))]),
        (5, vec![(1, Bin::Number(1002.0)), (2, Bin::Text("郑伟"))]),
        (6, vec![(1, Bin::Text("10x3")), (2, Bin::Text("Cy"))]),
    ];
    let ran = validate("staff.xlsb", xlsb(&rows, (6, 2))).rows_failed();
    assert_eq!(
        ran.row_number_status(),
        ["4 1001 ok", "6 1002 ok", "7 10x3 invalid"]
    );
    assert_eq!(ran.rows[2]["error_code"], "BAD_VALUE");
}

#[test]
fn an_xlsb_record_the_reader_cannot_read_stops_the_run_instead_of_ending_the_sheet_there() {
    // Row 5 names shared string 7 of a workbook that has none.
    let rows = [
        (
            0,
            vec![(0, Bin::Text("number")), (1, Bin::Text("username"))],
        ),
        (1, vec![(0, Bin::Number(1001.0)), (1, Bin::Text("Ana"))]),
        (4, vec![(0, Bin::Number(1002.0)), (1, Bin::Shared(7))]),
        (5, vec![(0, Bin::Number(1003.0)), (1, Bin::Text("Cy"))]),
    ];
    let ran = validate("staff.xlsb", xlsb(&rows, (5, 1))).incomplete("bad_input");
    // The sheet read, then the one line that says why the run stopped.
    let said = ran.said();
    assert_eq!(said.len(), 2, "{}", ran.stderr);
    assert!(
        said[1].contains("sheet \"Staff\" is damaged"),
        "{}",
        said[1]
    );
    assert!(
        !ran.shown().contains("1003"),
        "nothing past it is called read"
    );
}

#[test]
fn a_sheet_that_unpacks_to_a_stretch_past_the_limit_is_refused_naming_it() {
    // 4 MiB of spaces between two tags deflate to a few kB.
    let gap = " ".repeat(4 * MAX_RUN);
    let sheet = format!(
        r#"<sheetData><row r="1">{}{gap}</row></sheetData>"#,
        text_cell("A1", "number")
    );
    let book = xlsx(&sheet, &[]);
    assert!(book.len() < 64 << 10, "{} bytes", book.len());
    let line = refusal("gap.xlsx", book);
    assert!(
        line.contains("gap.xlsx is too big to read safely: xl/worksheets/sheet1.xml holds")
            && line
                .contains("bytes in a stretch between two tags, over pbxbulk's limit of 1048576"),
        "{line}"
    );
}

#[test]
fn shared_strings_past_the_limit_are_refused_naming_it() {
    let strings = "<si><t>x</t></si>".repeat(MAX_SHARED_STRINGS + 1);
    let shared = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>"#
    );
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData>"#;
    let book = xlsx(sheet, &[("xl/sharedStrings.xml", shared.as_bytes())]);
    let line = refusal("strings.xlsx", book);
    assert!(
        line.contains(
            "xl/sharedStrings.xml holds 500001 distinct strings, over pbxbulk's limit of 500000"
        ),
        "{line}"
    );
}

#[test]
fn an_ods_sheet_past_the_cell_limit_is_refused_naming_it() {
    // A header row, then one row of 2,001 cells repeated 1,000 times: 2,003,001 cells.
    let rows = format!(
        r#"<table:table-row>{}{}</table:table-row><table:table-row table:number-rows-repeated="1000">{}</table:table-row>"#,
        ods_cell("number", 1),
        ods_cell("username", 1),
        ods_cell("1001", 2_001),
    );
    let cells = 1_001 * 2_001;
    assert!(cells > MAX_WHOLE_CELLS);
    let line = refusal("big.ods", ods(&rows));
    assert!(
        line.contains(&format!(
            "big.ods is too big to read safely: content.xml holds {cells} cells in one sheet, \
             over pbxbulk's limit of 2000000"
        )),
        "{line}"
    );
}

#[test]
fn an_ods_within_the_cell_limit_is_read() {
    let rows = format!(
        r#"<table:table-row>{}{}</table:table-row><table:table-row>{}{}</table:table-row>"#,
        ods_cell("number", 1),
        ods_cell("username", 1),
        ods_cell("1001", 1),
        ods_cell("Ana", 1),
    );
    let ran = validate("small.ods", ods(&rows)).ok();
    assert_eq!(ran.row_number_status(), ["2 1001 ok"]);
}

/// A workbook as a spreadsheet program saves it.
fn saved_workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "number").unwrap();
    for row in 1..200 {
        sheet.write_number(row, 0, f64::from(1000 + row)).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_cut_short_xlsx_is_named_damaged_or_cut_short() {
    let whole = saved_workbook();
    let ran = validate("whole.xlsx", whole.clone()).ok();
    assert_eq!(ran.rows.len(), 199);
    let cut = whole[..whole.len() / 2].to_vec();
    let line = refusal("cut.xlsx", cut);
    assert!(
        line.contains("cut.xlsx is damaged or cut short (an interrupted download or copy?)"),
        "{line}"
    );
}

#[test]
fn a_file_with_only_a_workbooks_name_is_named_not_a_workbook() {
    let line = refusal("staff.xlsx", b"number,username\n1001,Ana\n".to_vec());
    assert!(line.contains("staff.xlsx is not a workbook"), "{line}");
    assert!(line.contains("name it .csv"), "{line}");
    assert!(!line.contains("damaged"), "{line}");
    let line = refusal(
        "page.xls",
        b"<html><body>Session expired</body></html>".to_vec(),
    );
    assert!(line.contains("page.xls is not a workbook"), "{line}");
}

#[test]
fn a_zip_of_something_else_is_named_a_zip_without_a_workbook() {
    let zip = zipped(&[("notes.txt", b"number,username\n".as_slice())]);
    let line = refusal("notes.xlsx", zip);
    assert!(
        line.contains("notes.xlsx is a ZIP archive but no workbook"),
        "{line}"
    );
}
