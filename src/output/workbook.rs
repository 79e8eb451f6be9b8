//! `--report-format xlsx`: the report as an Excel workbook.
//!
//! While the run goes, its lines go to a CSV file beside the workbook (flushed per line, so a
//! killed run still leaves them, and the journal still makes `--resume` exact); when the run
//! ends, that file becomes the workbook and is removed. The workbook is written in
//! rust_xlsxwriter's constant-memory mode, row by row, so its size costs no memory. Unlike an
//! export (`sheet_writer`, every cell text so it re-imports as typed), the report keeps its
//! counts as numbers so a person can sort and sum them.

use std::io;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::files::PrivateFile;
use crate::domain::Word;
use crate::domain::formula::undefuse;

/// What the report (or an export) is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReportFormat {
    Csv,
    Xlsx,
}

impl Word for ReportFormat {
    const WORDS: &'static [(&'static str, ReportFormat, &'static str)] = &[
        ("csv", ReportFormat::Csv, "CSV (UTF-8 with a BOM)"),
        ("xlsx", ReportFormat::Xlsx, "an Excel workbook"),
    ];
}

impl ReportFormat {
    /// What a file is written as when no format is asked for: by its name's extension.
    pub(crate) fn of(path: &Path) -> ReportFormat {
        match path.extension() {
            Some(e) if e.eq_ignore_ascii_case("xlsx") => ReportFormat::Xlsx,
            _ => ReportFormat::Csv,
        }
    }
}

/// The most rows a worksheet holds (Excel's own limit), the header included.
const MAX_ROWS: usize = 1_048_576;
/// The report's columns that hold numbers.
const NUMBER_COLUMNS: [&str; 3] = ["row", "attempts", "latency_ms"];

/// `dir/r.xlsx` → `dir/r.xlsx.partial.csv`: where the lines go while the run goes.
pub(crate) fn partial_path(workbook: &Path) -> PathBuf {
    let mut name = workbook.file_name().unwrap_or_default().to_os_string();
    name.push(".partial.csv");
    workbook.with_file_name(name)
}

/// Writes the CSV report `csv` as the workbook `xlsx`, then removes `csv`.
pub(crate) fn csv_to_xlsx(csv: &Path, xlsx: &Path) -> io::Result<()> {
    let xlsx_error =
        |e: XlsxError| io::Error::other(format!("cannot write {}: {e}", xlsx.display()));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(csv)?;
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(xlsx_error)?;
    sheet.set_name("report").map_err(xlsx_error)?;
    let mut numbers = Vec::new();
    let mut rows = 0;
    for (r, record) in reader.records().enumerate() {
        let record = record?;
        if r >= MAX_ROWS {
            return Err(io::Error::other(format!(
                "the report has more than {MAX_ROWS} lines, more than a workbook holds; the \
                 lines are in {} (use --report-format csv)",
                csv.display()
            )));
        }
        let at = u32::try_from(r).expect("below the row limit");
        for (c, cell) in record.iter().enumerate() {
            let col = u16::try_from(c).map_err(io::Error::other)?;
            if r == 0 {
                numbers.push(NUMBER_COLUMNS.contains(&cell));
                sheet
                    .write_string_with_format(at, col, cell, &bold)
                    .map_err(xlsx_error)?;
            } else if let (true, Ok(n)) = (numbers.get(c) == Some(&true), cell.parse::<f64>()) {
                sheet.write_number(at, col, n).map_err(xlsx_error)?;
            } else {
                // A string cell is never run as a formula: the CSV's defusing apostrophe goes.
                sheet
                    .write_string(at, col, undefuse(cell).unwrap_or(cell))
                    .map_err(xlsx_error)?;
            }
        }
        rows = r;
    }
    if rows > 0 {
        sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    }
    // Private and put in place whole, like the CSV report: it names people and numbers.
    let mut file = PrivateFile::create(xlsx)?;
    workbook.save_to_writer(file.file()).map_err(xlsx_error)?;
    file.commit()?;
    std::fs::remove_file(csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_go_beside_the_workbook_until_it_is_written() {
        assert_eq!(
            partial_path(Path::new("/tmp/x/r.xlsx")),
            Path::new("/tmp/x/r.xlsx.partial.csv")
        );
    }

    #[test]
    fn a_csv_report_becomes_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("r.xlsx.partial.csv");
        std::fs::write(
            &csv,
            "\u{feff}row,number,message,attempts\n2,1001,'=cmd,1\n",
        )
        .unwrap();
        let xlsx = dir.path().join("r.xlsx");
        csv_to_xlsx(&csv, &xlsx).unwrap();
        assert!(!csv.exists());
        assert!(
            std::fs::read(&xlsx).unwrap().starts_with(b"PK"),
            "a zip, as xlsx is"
        );
    }
}
