//! Writing a spreadsheet that `import` reads back: an export.
//!
//! The format follows the name unless one is asked for: `.xlsx` is a workbook
//! (rust_xlsxwriter, in its constant-memory mode, so rows go to disk as they are written) with
//! every column formatted as text, so Excel never turns `0101` into 101 or a mobile into
//! `1.38E+10`, and the header row frozen; `-` is CSV on standard output (no BOM: it is for
//! pipes); anything else is CSV, in UTF-8 with a BOM unless another encoding is asked for (a
//! value that encoding cannot hold is an error, never a `?` in a name). CSV cells a
//! spreadsheet would run as formulas get an apostrophe, which `import` takes off again
//! (`domain::formula`). Files are readable by their owner only (they hold SIP passwords) and
//! take the place of an older one only when complete ([`PrivateFile`]).

use std::io::{self, Write};
use std::path::Path;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use rust_xlsxwriter::{Format, Workbook};

use super::files::PrivateFile;
use super::workbook::ReportFormat;
use crate::domain::formula::defuse;
use crate::input::{bom, encode};

/// What a sheet is written as: a workbook, or CSV in an encoding (`None`: UTF-8).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SheetFormat {
    pub(crate) format: ReportFormat,
    pub(crate) encoding: Option<&'static Encoding>,
}

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

impl SheetWriter {
    /// Creates `path`, in the format its name says, and writes the header row.
    pub(crate) fn create(path: &Path, header: &[&str]) -> io::Result<SheetWriter> {
        let how = SheetFormat {
            format: ReportFormat::of(path),
            encoding: None,
        };
        SheetWriter::create_as(path, how, header)
    }

    /// Creates `path` as `how` says, and writes the header row.
    pub(crate) fn create_as(
        path: &Path,
        how: SheetFormat,
        header: &[&str],
    ) -> io::Result<SheetWriter> {
        if how.format == ReportFormat::Xlsx {
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
        let encoding = how.encoding.unwrap_or(UTF_8);
        let (out, file): (Box<dyn Write>, _) = if is_stdout(path) {
            (Box::new(io::stdout().lock()), None)
        } else {
            let mut file = PrivateFile::create(path)?;
            file.file().write_all(bom(encoding))?;
            (Box::new(file.file().try_clone()?), Some(file))
        };
        let out: Box<dyn Write> = match encoding == UTF_8 {
            true => out,
            false => Box::new(Encoded {
                out,
                encoding,
                pending: Vec::new(),
            }),
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

/// CSV text, written on in another encoding than UTF-8.
struct Encoded {
    out: Box<dyn Write>,
    encoding: &'static Encoding,
    /// Bytes that end inside a character, kept until the rest of it comes.
    pending: Vec<u8>,
}

impl Write for Encoded {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = String::from_utf8_lossy(&self.pending[..whole]).into_owned();
        self.out.write_all(&encoded(self.encoding, &text)?)?;
        self.pending.drain(..whole);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Text in `encoding`; a character it cannot hold is an error (encoding_rs would write it as
/// `&#NNNN;`, which would land in a name as it is).
fn encoded(encoding: &'static Encoding, text: &str) -> io::Result<Vec<u8>> {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        return Ok(encode(encoding, text));
    }
    let (bytes, _, lossy) = encoding.encode(text);
    if lossy {
        // InvalidData: the PBX's value, not this machine, is what cannot be written.
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "an extension holds characters {} cannot write; export in UTF-8 (no --encoding) \
             or in an encoding that has them",
                encoding.name()
            ),
        ));
    }
    Ok(bytes.into_owned())
}
