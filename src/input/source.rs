//! What an input is, decided once: a workbook by its first bytes (ZIP or OLE) or its
//! extension, otherwise text, whose encoding is decided over the whole file. The bytes come
//! from the pinned [`Input`] (standard input already copied to a private file, so `-` is read
//! like a file, as often as a run needs).

use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use encoding_rs::Encoding;

use super::encoding::{self, Decision, EncodingError, LocaleHint, Told};
use super::layouts::Layout;
use super::pinned::{Input, InputError};

/// How to read a sheet, from the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct ReadSettings {
    /// `--encoding NAME`: the text encoding, instead of detecting it.
    pub(crate) encoding: Option<&'static Encoding>,
    /// The encoding was the profile's, not the command line's.
    pub(crate) encoding_by_profile: bool,
    /// The locale's hint, for a file whose rows are too few to tell its encoding.
    pub(crate) locale: Option<LocaleHint>,
    /// `--sheet NAME`: the workbook sheet, instead of the first.
    pub(crate) sheet: Option<String>,
    /// `--plus-prefix DIGITS`: what a phone number's leading `+` becomes.
    pub(crate) plus_prefix: Option<String>,
    /// Rows may leave the number to the PBX (`--match`, `--assign-numbers`): a header (or a
    /// mapping) without the key column is no error.
    pub(crate) numbers_optional: bool,
    /// Layouts a file may be in unasked (its API's vendor's own web-UI files): a header that
    /// does not fit the API and that one of them recognises is read in it.
    pub(crate) layouts: &'static [&'static Layout],
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
    /// Said as it is, its cause already in its words (not repeated as a source).
    #[error("{0}")]
    Input(InputError),
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
pub(crate) struct Source {
    input: Arc<Input>,
    pub(crate) format: Format,
    pub(crate) settings: ReadSettings,
}

impl Source {
    pub(crate) fn open(name: &Path, settings: &ReadSettings) -> Result<Source, SourceError> {
        let input = Input::open(name).map_err(SourceError::Input)?;
        let shown = display(name);
        let mut head = Vec::with_capacity(8);
        input
            .reader()
            .take(8)
            .read_to_end(&mut head)
            .map_err(|error| SourceError::Io {
                name: shown.clone(),
                error,
            })?;
        let format = if is_workbook(&head, name) {
            if settings.encoding.is_some() {
                return Err(SourceError::EncodingOfBook { name: shown });
            }
            Format::Book
        } else {
            if settings.sheet.is_some() {
                return Err(SourceError::SheetOfText { name: shown });
            }
            let reopen = || Ok(BufReader::new(input.reader()));
            let told = Told {
                named: settings.encoding,
                by_profile: settings.encoding_by_profile,
                locale: settings.locale,
            };
            let decision = encoding::decide(reopen, told).map_err(|error| match error {
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
            input: Arc::new(input),
            format,
            settings: settings.clone(),
        })
    }

    /// The input as the user named it, for messages.
    pub(crate) fn name(&self) -> String {
        display(self.input.path())
    }

    /// The pinned input: its fingerprint, and whether it changed.
    pub(crate) fn input(&self) -> &Input {
        &self.input
    }

    /// The pinned input, for a reader that outlives this borrow (its fingerprint, its watch).
    pub(super) fn pinned(&self) -> Arc<Input> {
        self.input.clone()
    }

    /// The bytes from the start, independent of every other reader.
    pub(crate) fn bytes(&self) -> impl Read + Send + 'static {
        self.input.reader()
    }
}

fn display(name: &Path) -> String {
    if name == Path::new("-") {
        "standard input".into()
    } else {
        name.display().to_string()
    }
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
