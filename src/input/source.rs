//! Where a sheet comes from: a file, or standard input spooled once into a private temporary
//! file so that `-` behaves exactly like a file (every pass of an import reads it again).
//!
//! The format is decided here, once: a workbook by its first bytes (ZIP or OLE) or its
//! extension, otherwise text, whose encoding is decided over the whole file.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use super::encoding::{self, Decision, EncodingError};

/// How to read a sheet, from the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadSettings {
    /// `--encoding NAME`: the text encoding, instead of detecting it.
    pub(crate) encoding: Option<&'static Encoding>,
    /// `--sheet NAME`: the workbook sheet, instead of the first.
    pub(crate) sheet: Option<String>,
    /// `--plus-prefix DIGITS`: what a phone number's leading `+` becomes.
    pub(crate) plus_prefix: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Delimited text, in this encoding.
    Text(Decision),
    /// A workbook calamine reads (XLSX, XLSM, XLSB, XLS, ODS).
    Book,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SourceError {
    #[error("cannot read {name}: {error}")]
    Io { name: String, error: io::Error },
    #[error("{name} {error}")]
    Encoding { name: String, error: EncodingError },
    #[error("{name} is a workbook; --encoding is for text (CSV) files")]
    EncodingOfBook { name: String },
    #[error("{name} is a text file; --sheet is for workbooks (.xlsx, .xls, .ods)")]
    SheetOfText { name: String },
}

/// An input ready to be read, as often as needed.
#[derive(Debug)]
pub(crate) struct Source {
    /// What the user named (`-` for standard input).
    name: PathBuf,
    /// Where the bytes are (the spool, for standard input).
    path: PathBuf,
    _spool: Option<tempfile::TempPath>,
    pub(crate) format: Format,
    pub(crate) settings: ReadSettings,
}

impl Source {
    pub(crate) fn open(name: &Path, settings: &ReadSettings) -> Result<Source, SourceError> {
        let shown = display(name);
        let io_err = |error| SourceError::Io {
            name: shown.clone(),
            error,
        };
        let (path, spool) = if name == Path::new("-") {
            // tempfile creates the file readable by its owner only: it may hold passwords.
            let mut file = tempfile::NamedTempFile::new().map_err(io_err)?;
            io::copy(&mut io::stdin().lock(), file.as_file_mut()).map_err(io_err)?;
            let spool = file.into_temp_path();
            (spool.to_path_buf(), Some(spool))
        } else {
            (name.to_owned(), None)
        };
        let mut head = [0u8; 8];
        let n = File::open(&path)
            .and_then(|mut f| read_head(&mut f, &mut head))
            .map_err(io_err)?;
        let format = if is_workbook(&head[..n], &path) {
            if settings.encoding.is_some() {
                return Err(SourceError::EncodingOfBook { name: shown });
            }
            Format::Book
        } else {
            if settings.sheet.is_some() {
                return Err(SourceError::SheetOfText { name: shown });
            }
            let decision = encoding::decide(
                || File::open(&path).map(io::BufReader::new),
                settings.encoding,
            )
            .map_err(|error| match error {
                EncodingError::Io(error) => SourceError::Io {
                    name: shown.clone(),
                    error,
                },
                error => SourceError::Encoding {
                    name: shown.clone(),
                    error,
                },
            })?;
            Format::Text(decision)
        };
        Ok(Source {
            name: name.to_owned(),
            path,
            _spool: spool,
            format,
            settings: settings.clone(),
        })
    }

    /// The input as the user named it, for messages.
    pub(crate) fn name(&self) -> String {
        display(&self.name)
    }

    /// The file to read (for standard input, its spool).
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn open_bytes(&self) -> io::Result<File> {
        File::open(&self.path)
    }
}

fn display(name: &Path) -> String {
    if name == Path::new("-") {
        "standard input".into()
    } else {
        name.display().to_string()
    }
}

fn read_head(file: &mut File, head: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// ZIP (XLSX, ODS) or OLE (XLS) bytes, or a workbook's extension.
fn is_workbook(head: &[u8], path: &Path) -> bool {
    let magic =
        head.starts_with(b"PK\x03\x04") || head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    magic
        || matches!(
            ext.as_deref(),
            Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
        )
}
