//! `--report-html FILE`: the run as one page a person reads and signs off: what ran, when,
//! where and how; counts by action and status; errors grouped by code with what to try; the
//! pace of the requests and their latency over time; the slowest rows; and every failed,
//! invalid or mismatched row with its message.
//!
//! One self-contained file: inline CSS and hand-drawn inline SVG, no script, nothing fetched
//! (its Content-Security-Policy forbids it), readable printed. The template is maud: markup
//! checked and compiled with the crate, every value escaped, and no template files or runtime
//! engine to build (askama's parser crates cost more compile time for the same result).
//!
//! The page is built from plain data ([`PageData`]); [`PageCollector`] gathers the rows'
//! part as the report is written, in memory that stays small however long the run: failed,
//! invalid and mismatched rows are kept whole, the rest only as time buckets and the slowest
//! few.

mod charts;
mod collect;
mod page;
mod timeline;

use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

pub(crate) use collect::PageCollector;
pub(crate) use timeline::Timeline;

use super::files::PrivateFile;
use crate::domain::{Action, Status, Summary};

/// Everything the page shows.
pub(crate) struct PageData {
    pub(crate) run: RunFacts,
    /// Rows by action and status.
    pub(crate) counts: Summary,
    pub(crate) rows: PageRows,
}

/// What ran, when, where and how. Never a secret: the URL without credentials, settings by
/// their values, the input by its name and fingerprint.
pub(crate) struct RunFacts {
    /// `import`, `migrate`, `apply`.
    pub(crate) command: &'static str,
    pub(crate) started: SystemTime,
    pub(crate) ended: SystemTime,
    /// The PBX's URL, credentials taken out.
    pub(crate) target: String,
    pub(crate) api: &'static str,
    pub(crate) mode: &'static str,
    pub(crate) outcome: Outcome,
    pub(crate) input: InputFacts,
    /// The settings that shaped the run, as name and value, in the order shown.
    pub(crate) settings: Vec<(&'static str, String)>,
    /// Writes per second at most (`--rate`), drawn over the requests per second.
    pub(crate) rate_limit: Option<f64>,
}

/// How the run ended: its reason word and exit code (as `--summary-json` gives them) and the
/// line that explains a stop.
pub(crate) struct Outcome {
    pub(crate) word: &'static str,
    pub(crate) exit: u8,
    pub(crate) message: Option<String>,
}

/// The input file, as the run read it.
pub(crate) struct InputFacts {
    pub(crate) name: String,
    /// Lower-case hex SHA-256 of its bytes, where it was worked out.
    pub(crate) sha256: Option<String>,
    pub(crate) bytes: Option<u64>,
}

/// The rows' part of the page, gathered by [`PageCollector`].
pub(crate) struct PageRows {
    /// Failed, invalid and mismatched rows, whole, in input order.
    pub(crate) problems: Vec<PageRow>,
    /// Rows with an error code, by code, the commonest first.
    pub(crate) errors: Vec<ErrorGroup>,
    /// The rows whose requests took longest, the slowest first.
    pub(crate) slowest: Vec<PageRow>,
    pub(crate) timeline: Timeline,
}

/// One row as the page shows it.
#[derive(Debug, Clone)]
pub(crate) struct PageRow {
    /// The spreadsheet row; `None` for a delete of an extension the file does not list.
    pub(crate) row: Option<u64>,
    pub(crate) number: String,
    pub(crate) action: Action,
    pub(crate) status: Status,
    pub(crate) error_code: String,
    pub(crate) message: String,
    pub(crate) attempts: u32,
    pub(crate) latency_ms: u64,
    /// When the row was finished, in milliseconds since the rows started.
    pub(crate) finished_ms: Option<u64>,
    /// What reading the extension back found (`verified`, `mismatch: …`), with `--verify`.
    pub(crate) verify: Option<String>,
}

/// A row the page lists whole: failed, invalid, or read back unlike what was sent.
fn is_problem(status: Status, verify: Option<&str>) -> bool {
    matches!(status, Status::Failed | Status::Invalid)
        || verify.is_some_and(|v| v.starts_with("mismatch"))
}

/// The rows that share an error code.
pub(crate) struct ErrorGroup {
    pub(crate) code: String,
    /// What to try; `None` for a code of the PBX's own (its meaning is in the messages).
    pub(crate) hint: Option<&'static str>,
    pub(crate) rows: u64,
    /// The first few rows with it (their row numbers, or the number for a prune's delete).
    pub(crate) examples: Vec<String>,
    /// The first row's message.
    pub(crate) message: String,
}

/// Writes the page to `path`: private (it names people and their numbers) and whole or not
/// at all, like every file a run leaves.
pub(crate) fn write(path: &Path, data: &PageData) -> io::Result<()> {
    let html = page::render(data);
    let mut file = PrivateFile::create(path)?;
    file.file().write_all(html.as_bytes())?;
    file.commit()?;
    Ok(())
}
