//! The seam between where rows come from and what is done with them: a [`RowSource`] hands
//! out [`RawRow`]s (owned raw cells with the row number a spreadsheet program shows), says how
//! far it has come, and what identifies its content for `--resume`. Everything above it (the
//! header binding, normalising, the checks, plan/ and run/) sees only this, so a new kind of
//! source (a directory, LDAP) is one more implementation, opened beside the files' in `rows`.

use csv::ByteRecord;
use encoding_rs::{Encoding, UTF_8};

use super::SheetError;
use super::pinned::Fingerprint;

/// One record as its source read it: owned, so it can cross threads and outlive the reader.
#[derive(Debug, Default)]
pub(crate) struct RawRow {
    /// The cells as bytes: UTF-8 text, or what the file held where it was not text.
    pub(crate) cells: ByteRecord,
    /// The row number a spreadsheet program shows for it.
    pub(crate) row: u64,
    /// Why the record looks cut short (an interrupted download), if it does.
    pub(crate) cut_short: Option<String>,
}

/// Where rows come from. Reading fills a [`RawRow`] in place, so a source can hand back the
/// same allocations row after row.
pub(crate) trait RowSource: Send {
    /// Reads the next record into `raw`; false at the end of the input.
    fn next_row(&mut self, raw: &mut RawRow) -> Result<bool, SheetError>;
    /// How far reading has come, in the units of [`RowSource::len`] (for progress, and the
    /// journal's offset of each row).
    fn offset(&self) -> u64;
    /// The whole input, in the source's own units (bytes of text, rows of a workbook).
    fn len(&self) -> u64;
    /// What identifies the input's content: a `--resume` must read the same.
    fn fingerprint(&self) -> Result<Fingerprint, SheetError>;
}

/// An opened source: its rows, and what was read before them.
pub(crate) struct Opened {
    pub(crate) rows: Box<dyn RowSource>,
    pub(crate) head: Head,
}

/// What a source says before its first row: the header, and how the input was written.
pub(crate) struct Head {
    /// The names of the columns.
    pub(crate) header: ByteRecord,
    pub(crate) layout: Layout,
    /// The encoding, when it is not UTF-8 (rows with text outside ASCII say it).
    pub(crate) encoding: Option<&'static Encoding>,
    /// How the input is read, where that is worth a line on the terminal.
    pub(crate) notices: Vec<String>,
}

/// How the input was written, so the rejects file can be written the same way.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The input is a workbook (the rest describes CSV, where a workbook cannot be written).
    pub(crate) workbook: bool,
    pub(crate) encoding: &'static Encoding,
    /// The input started with a byte-order mark.
    pub(crate) bom: bool,
    pub(crate) delimiter: u8,
    /// How the input's lines end (told from its first line).
    pub(crate) line_end: LineEnd,
}

impl Default for Layout {
    /// CSV in UTF-8 with a BOM, comma-separated: what Excel opens as UTF-8.
    fn default() -> Self {
        Layout {
            workbook: false,
            encoding: UTF_8,
            bom: true,
            delimiter: b',',
            line_end: LineEnd::Lf,
        }
    }
}

/// How a text file's lines end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineEnd {
    Lf,
    CrLf,
    /// Classic Mac OS, and some exports still.
    Cr,
}

impl LineEnd {
    /// How the first line of `head` ends (LF where it does not end within `head`).
    pub(crate) fn of(head: &[u8]) -> LineEnd {
        match memchr::memchr2(b'\r', b'\n', head).map(|at| &head[at..]) {
            Some([b'\r', b'\n', ..]) => LineEnd::CrLf,
            Some([b'\r', ..]) => LineEnd::Cr,
            _ => LineEnd::Lf,
        }
    }

    /// The bytes that end a line written this way.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            LineEnd::Lf => b"\n",
            LineEnd::CrLf => b"\r\n",
            LineEnd::Cr => b"\r",
        }
    }
}
