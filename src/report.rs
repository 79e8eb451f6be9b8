//! The results report: one CSV line per input row, in input order, and beside it a
//! re-importable file of the rows that failed or were invalid, so "fix and re-run" is one step.
//!
//! Each line is flushed as it is written, so a run that is killed leaves a report of every row
//! finished so far.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use csv::ByteRecord;

use crate::config::rejects_path;
use crate::outcome::{RowResult, Status};

pub const COLUMNS: [&str; 10] = [
    "row",
    "number",
    "action",
    "status",
    "error_code",
    "message",
    "field",
    "changed",
    "attempts",
    "latency_ms",
];

/// Rows by status, and the time they took.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub ok: u64,
    pub unchanged: u64,
    pub invalid: u64,
    pub failed: u64,
    pub skipped: u64,
    pub elapsed: Duration,
    /// Where `--rate auto` settled, requests per second.
    pub settled_rate: Option<f64>,
}

impl Summary {
    pub fn add(&mut self, status: Status) {
        *match status {
            Status::Ok => &mut self.ok,
            Status::Unchanged => &mut self.unchanged,
            Status::Invalid => &mut self.invalid,
            Status::Failed => &mut self.failed,
            Status::Skipped => &mut self.skipped,
        } += 1;
    }

    pub fn total(&self) -> u64 {
        self.ok + self.unchanged + self.invalid + self.failed + self.skipped
    }

    /// One plain line for the end of a run.
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mut line = format!(
            "{} rows: {} ok, {} unchanged, {} invalid, {} failed, {} skipped",
            self.total(),
            self.ok,
            self.unchanged,
            self.invalid,
            self.failed,
            self.skipped
        );
        if secs > 0.0 {
            line.push_str(&format!(
                " in {secs:.1}s ({:.1} rows/s)",
                self.total() as f64 / secs
            ));
        }
        if let Some(rate) = self.settled_rate {
            line.push_str(&format!("; --rate auto settled at {rate:.0}/s"));
        }
        line
    }
}

/// Writes the report and the rejects file.
pub struct Report {
    path: PathBuf,
    out: csv::Writer<File>,
    rejects: Rejects,
    pub summary: Summary,
}

struct Rejects {
    path: PathBuf,
    header: ByteRecord,
    delimiter: u8,
    out: Option<csv::Writer<File>>,
}

impl Report {
    /// Creates the report (and removes a rejects file left by an earlier run, which would
    /// otherwise be mistaken for this run's).
    pub fn create(path: &Path, header: ByteRecord, delimiter: u8) -> io::Result<Report> {
        let file = File::create(path)?;
        let mut out = csv::Writer::from_writer(file);
        out.write_record(COLUMNS)?;
        out.flush()?;
        let rejects_path = rejects_path(path);
        match std::fs::remove_file(&rejects_path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        Ok(Report {
            path: path.to_owned(),
            out,
            rejects: Rejects {
                path: rejects_path,
                header,
                delimiter,
                out: None,
            },
            summary: Summary::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The rejects file, if any row went into it.
    pub fn rejects_path(&self) -> Option<&Path> {
        self.rejects
            .out
            .as_ref()
            .map(|_| self.rejects.path.as_path())
    }

    /// Writes one row's line; `raw` is the input record, copied to the rejects file when the
    /// row failed or was invalid.
    pub fn write(&mut self, result: &RowResult, raw: Option<&ByteRecord>) -> io::Result<()> {
        self.summary.add(result.status);
        let row = result.row.map(|r| r.to_string()).unwrap_or_default();
        let action = result.action.to_string();
        let status = result.status.to_string();
        let attempts = result.attempts.to_string();
        let latency = result.latency_ms.to_string();
        let cells = [
            row.as_str(),
            &result.number,
            &action,
            &status,
            &result.error_code,
            &result.message,
            &result.field,
            &result.changed,
            &attempts,
            &latency,
        ];
        self.out
            .write_record(cells.iter().map(|c| defuse(c).into_owned()))?;
        self.out.flush()?;
        if let (Status::Failed | Status::Invalid, Some(raw)) = (result.status, raw) {
            self.rejects.write(raw)?;
        }
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<Summary> {
        self.out.flush()?;
        if let Some(out) = self.rejects.out.as_mut() {
            out.flush()?;
        }
        Ok(self.summary)
    }
}

impl Rejects {
    fn write(&mut self, raw: &ByteRecord) -> io::Result<()> {
        if self.out.is_none() {
            let file = private_file(&self.path)?;
            let mut out = csv::WriterBuilder::new()
                .delimiter(self.delimiter)
                .flexible(true)
                .from_writer(file);
            out.write_byte_record(&self.header)?;
            self.out = Some(out);
        }
        let out = self.out.as_mut().expect("opened above");
        out.write_byte_record(raw)?;
        out.flush()
    }
}

/// A new CSV file only its owner may read (the rejects file and exports hold passwords),
/// starting with a BOM so Excel reads it as UTF-8.
pub fn private_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(b"\xEF\xBB\xBF")?;
    Ok(file)
}

/// A spreadsheet program runs a cell starting with `=`, `+`, `-` or `@` as a formula; a
/// leading apostrophe makes it text.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}
