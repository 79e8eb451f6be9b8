//! Writing a spreadsheet that `import` reads back: an export.
//!
//! The format follows the name: `.xlsx` is a workbook (rust_xlsxwriter, in its constant-memory
//! mode, so rows go to disk as they are written) with every column formatted as text, so
//! Excel never turns `0101` into 101 or a mobile into `1.38E+10`, and the header row frozen;
//! `-` is CSV on standard output (no BOM: it is for pipes); anything else is CSV in UTF-8
//! with a BOM. CSV cells a spreadsheet would run as formulas get an apostrophe, which
//! `import` takes off again (`domain::formula`). Files are readable by their owner only (they hold SIP passwords) and take the
//! place of an older one only when complete ([`PrivateFile`]).

use std::io::{self, Write};
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

use super::files::PrivateFile;
use crate::domain::formula::defuse;

pub(crate) enum SheetWriter {
    Csv {
        out: csv::Writer<Box<dyn Write>>,
        /// `None` for standard output.
        file: Option<PrivateFile>,
    },
    Xlsx {
        workbook: Box<Workbook>,
        text: Format,
        row: u32,
        file: PrivateFile,
    },
}

/// `-` is standard output.
pub(crate) fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

impl SheetWriter {
    /// Creates `path` and writes the header row.
    pub(crate) fn create(path: &Path, header: &[&str]) -> io::Result<SheetWriter> {
        if is_xlsx(path) {
            let file = PrivateFile::create(path)?;
            let mut workbook = Box::new(Workbook::new());
            let text = Format::new().set_num_format("@");
            let bold = text.clone().set_bold();
            let sheet = workbook
                .add_worksheet_with_constant_memory()
                .map_err(io::Error::other)?;
            let last = u16::try_from(header.len().saturating_sub(1)).unwrap_or(u16::MAX);
            sheet
                .set_column_range_format(0, last, &text)
                .map_err(io::Error::other)?;
            sheet.set_freeze_panes(1, 0).map_err(io::Error::other)?;
            for (col, name) in (0u16..).zip(header) {
                sheet
                    .write_string_with_format(0, col, *name, &bold)
                    .map_err(io::Error::other)?;
            }
            return Ok(SheetWriter::Xlsx {
                workbook,
                text,
                row: 1,
                file,
            });
        }
        let (out, file): (Box<dyn Write>, _) = if is_stdout(path) {
            (Box::new(io::stdout().lock()), None)
        } else {
            let mut file = PrivateFile::create(path)?;
            file.file().write_all(b"\xEF\xBB\xBF")?;
            (Box::new(file.file().try_clone()?), Some(file))
        };
        let mut out = csv::Writer::from_writer(out);
        out.write_record(header)?;
        Ok(SheetWriter::Csv { out, file })
    }

    pub(crate) fn row(&mut self, cells: &[&str]) -> io::Result<()> {
        match self {
            // A PBX's `=cmd|…` would run in whoever's spreadsheet opens the export.
            SheetWriter::Csv { out, .. } => {
                Ok(out.write_record(cells.iter().map(|c| defuse(c).into_owned()))?)
            }
            SheetWriter::Xlsx {
                workbook,
                text,
                row,
                ..
            } => {
                let sheet = workbook.worksheet_from_index(0).map_err(io::Error::other)?;
                for (col, cell) in (0u16..).zip(cells) {
                    if !cell.is_empty() {
                        sheet
                            .write_string_with_format(*row, col, *cell, text)
                            .map_err(io::Error::other)?;
                    }
                }
                *row += 1;
                Ok(())
            }
        }
    }

    pub(crate) fn finish(self) -> io::Result<()> {
        match self {
            SheetWriter::Csv { out, file } => {
                out.into_inner()
                    .map_err(csv::IntoInnerError::into_error)?
                    .flush()?;
                match file {
                    Some(file) => file.commit().map(drop),
                    None => Ok(()),
                }
            }
            SheetWriter::Xlsx {
                mut workbook,
                mut file,
                ..
            } => {
                workbook
                    .save_to_writer(file.file())
                    .map_err(io::Error::other)?;
                file.commit().map(drop)
            }
        }
    }
}
