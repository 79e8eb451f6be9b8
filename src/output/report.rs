//! The results report: one CSV line per input row, in input order, and beside it a
//! re-importable file of the rows that failed, were invalid or were left unfinished by a
//! stopped run, so "fix and re-run" is one step.
//!
//! The line of each row that went to the PBX is flushed as it is written, so a run that is
//! killed leaves a report of every change made so far; lines of rows that sent nothing
//! (unchanged, invalid, skipped: `--resume` decides them again) and every line where no line
//! needs it (validate sends nothing, a stopped run's rows not sent) go out in blocks, and a
//! big file is not a write system call a row.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use csv::ByteRecord;
use itoa::Buffer as Number;

mod lines;
mod rejects;

use lines::Lines;
use rejects::Rejects;

use super::files::{PrivateFile, private_append};
use super::html::PageCollector;
use super::paths::{credentials_path, rejects_path_for};
use crate::domain::formula::defuse;
use crate::domain::{Action, RowResult, Secret, Status, Summary, VALID};
use crate::input::Layout;

/// `verify` is filled at the end of a run with `--verify` ([`fill_verify`]), blank otherwise.
pub(crate) const COLUMNS: [&str; 11] = [
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
    "verify",
];

/// Writes the report and the rejects file.
pub(crate) struct Report {
    path: PathBuf,
    out: Lines,
    rejects: Rejects,
    /// Flush every line as it is written (off once only lines no journal needs are left).
    flush_each: bool,
    /// `REPORT.credentials.csv`, opened at the first secret generated.
    credentials: Option<csv::Writer<File>>,
    /// A line could not be written (a full disk): later lines are counted, never written, so
    /// the report never has a hole in the middle.
    broken: bool,
    /// The rows' part of `--report-html`, when the run writes the page.
    page: Option<PageCollector>,
    /// What follows the first three cells of a valid row's line, made once.
    valid_tail: Vec<u8>,
    pub(crate) summary: Summary,
}

/// A report line's cells before they are text, borrowed from wherever the row's result is.
struct Line<'a> {
    row: Option<u64>,
    number: &'a str,
    action: Action,
    status: Status,
    /// `error_code`, `message`, `field`, `changed`.
    words: [&'a str; 4],
    attempts: u32,
    latency_ms: u64,
}

/// The line of a row that passed every rule, but for its row, number and action.
const VALID_LINE: Line<'static> = Line {
    row: None,
    number: "",
    action: Action::None,
    status: Status::Ok,
    words: ["", VALID, "", ""],
    attempts: 0,
    latency_ms: 0,
};

impl<'a> Line<'a> {
    /// The line's cells, in the report's columns; its numbers are made in `numbers`.
    fn cells<'b>(&self, numbers: &'b mut [Number; 3]) -> [&'b str; 11]
    where
        'a: 'b,
    {
        let [row, attempts, latency] = numbers;
        let [error_code, message, field, changed] = self.words;
        [
            self.row.map_or("", |r| row.format(r)),
            self.number,
            self.action.as_str(),
            self.status.as_str(),
            error_code,
            message,
            field,
            changed,
            attempts.format(self.attempts),
            latency.format(self.latency_ms),
            "",
        ]
    }

    /// Whether its cells after the first three are those of `other`.
    fn ends_as(&self, other: &Line<'_>) -> bool {
        (self.status, self.words, self.attempts, self.latency_ms)
            == (other.status, other.words, other.attempts, other.latency_ms)
    }
}

impl Report {
    /// Creates the report (and removes a rejects file left by an earlier run, which would
    /// otherwise be mistaken for this run's).
    pub(crate) fn create(path: &Path, header: ByteRecord, layout: Layout) -> io::Result<Report> {
        Report::create_beside(path, path, header, layout)
    }

    /// Like [`Report::create`], writing the lines to `lines` while the rejects file goes
    /// beside `report` (a workbook written from `lines` at the end).
    pub(crate) fn create_beside(
        lines: &Path,
        report: &Path,
        header: ByteRecord,
        layout: Layout,
    ) -> io::Result<Report> {
        let path = lines;
        // Private (it names people and their numbers) and in place of an old report at once.
        let mut file = PrivateFile::create(path)?;
        // A BOM, so Excel on Windows reads the report as UTF-8 (names, the diff's arrows).
        file.file().write_all(b"\xEF\xBB\xBF")?;
        let mut out = csv::Writer::from_writer(file.file());
        out.write_record(COLUMNS)?;
        out.flush()?;
        drop(out);
        let out = Lines::new(file.commit()?);
        // Both kinds: a workbook's rejects left beside a CSV run's report would be taken for
        // this run's.
        for workbook in [false, true] {
            let old = rejects_path_for(report, workbook);
            match std::fs::remove_file(&old) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(Report {
            path: report.to_owned(),
            out,
            rejects: Rejects::new(rejects_path_for(report, layout.workbook), header, layout),
            flush_each: true,
            credentials: None,
            broken: false,
            page: None,
            valid_tail: Lines::tail(
                &VALID_LINE.cells(&mut [Number::new(), Number::new(), Number::new()])[3..],
            ),
            summary: Summary::default(),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Whether each line is flushed as it is written (it is unless told otherwise).
    pub(crate) fn flush_each_line(&mut self, on: bool) {
        self.flush_each = on;
    }

    /// Gathers the page's rows from here on, their times counted from now.
    pub(crate) fn collect_page(&mut self) {
        self.page = Some(PageCollector::new(std::time::Instant::now()));
    }

    /// What [`Report::collect_page`] gathered.
    pub(crate) fn take_page(&mut self) -> Option<PageCollector> {
        self.page.take()
    }

    /// The rejects file, if any row went into it.
    pub(crate) fn rejects_path(&self) -> Option<&Path> {
        self.rejects.written()
    }

    /// Writes one row's line; `raw` is the input record, copied to the rejects file when the
    /// row failed or was invalid, or when a stopped run left it `unfinished`. The row is
    /// counted even when its line cannot be written; after the first failure no line is.
    pub(crate) fn write(
        &mut self,
        result: &RowResult,
        raw: Option<&ByteRecord>,
        unfinished: bool,
    ) -> io::Result<()> {
        if let Some(page) = &mut self.page {
            page.add(result);
        }
        let line = Line {
            row: result.row,
            number: &result.number,
            action: result.action,
            status: result.status,
            words: [
                &result.error_code,
                &result.message,
                &result.field,
                &result.changed,
            ],
            attempts: result.attempts,
            latency_ms: result.latency_ms,
        };
        self.write_counted(&line, raw, unfinished)
    }

    /// Writes the line of a row that passed every rule ([`RowResult::valid`]) without making
    /// the result first: a big file's check is mostly such rows, and each was two Strings
    /// made and freed.
    pub(crate) fn write_valid(
        &mut self,
        row: Option<u64>,
        number: &str,
        action: Action,
        note: &str,
    ) -> io::Result<()> {
        if self.page.is_some() || !note.is_empty() {
            return self.write(&RowResult::valid(row, number, action, note), None, false);
        }
        let line = Line {
            row,
            number,
            action,
            ..VALID_LINE
        };
        self.write_counted(&line, None, false)
    }

    /// Whether a line could not be written.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
    }

    fn write_counted(
        &mut self,
        line: &Line<'_>,
        raw: Option<&ByteRecord>,
        unfinished: bool,
    ) -> io::Result<()> {
        self.summary
            .add_row(line.action, line.status, line.attempts);
        if self.broken {
            return Ok(());
        }
        let written = self.write_line(line, raw, unfinished);
        self.broken = written.is_err();
        written
    }

    fn write_line(
        &mut self,
        line: &Line<'_>,
        raw: Option<&ByteRecord>,
        unfinished: bool,
    ) -> io::Result<()> {
        // Each cell is borrowed, the numbers made on the stack: no String is made for a line.
        let mut numbers = [Number::new(), Number::new(), Number::new()];
        let cells = line.cells(&mut numbers);
        // A valid row's line is its first three cells and then the same tail every time.
        let done = line.ends_as(&VALID_LINE)
            && !self.valid_tail.is_empty()
            && self.out.write_with_tail(&cells[..3], &self.valid_tail)?;
        if !done {
            self.out.write(&cells)?;
        }
        // Only a row that went to the PBX changed anything a killed run must show; the others
        // (unchanged, invalid, skipped) are decided again by `--resume`, so they go out in
        // blocks: an unchanged sync of 10,000 rows is not 10,000 write system calls.
        let flush = self.flush_each && matches!(line.status, Status::Ok | Status::Failed);
        if flush {
            self.out.flush()?;
        }
        let reject = unfinished || matches!(line.status, Status::Failed | Status::Invalid);
        if let (true, Some(raw)) = (reject, raw) {
            self.rejects.write(raw, flush)?;
        }
        Ok(())
    }

    /// Appends the secrets generated for `number`'s new extension to the credentials file,
    /// the one place they are written, and returns the file's name. It is appended to, never
    /// replaced: an earlier run's secrets may exist nowhere else.
    pub(crate) fn credentials(
        &mut self,
        number: &str,
        secrets: &[(&'static str, Secret)],
    ) -> io::Result<String> {
        let path = credentials_path(&self.path);
        if self.credentials.is_none() {
            let file = private_append(&path, "number,field,secret\n")?;
            self.credentials = Some(csv::Writer::from_writer(file));
        }
        let out = self.credentials.as_mut().expect("opened above");
        for (field, secret) in secrets {
            out.write_record([number, field, secret.expose()])?;
        }
        out.flush()?;
        // Its name, for the row's message.
        Ok(path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()))
    }

    /// Flushes the report and closes the rejects file; the counts whether or not that works.
    pub(crate) fn finish(mut self) -> (Summary, io::Result<()>) {
        let closed = self.out.flush().and_then(|()| self.rejects.finish());
        (self.summary, closed)
    }
}

/// Fills the `verify` column of a finished report's lines from `verdicts`, by line (0 is
/// the first line after the header). Written whole beside the report and renamed over it,
/// so a failure leaves the report as it was.
pub(crate) fn fill_verify(lines: &Path, verdicts: &HashMap<u64, String>) -> io::Result<()> {
    let bytes = std::fs::read(lines)?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut file = PrivateFile::create(lines)?;
    file.file().write_all(b"\xEF\xBB\xBF")?;
    let mut out = csv::Writer::from_writer(file.file());
    let mut record = ByteRecord::new();
    let mut line = 0u64;
    // The header first, as it is.
    if reader.read_byte_record(&mut record)? {
        out.write_byte_record(&record)?;
    }
    while reader.read_byte_record(&mut record)? {
        if let Some(verdict) = verdicts.get(&line) {
            let mut cells: Vec<&[u8]> = record.iter().collect();
            let cell = defuse(verdict);
            match cells.last_mut() {
                Some(last) if record.len() == COLUMNS.len() => *last = cell.as_bytes(),
                _ => cells.push(cell.as_bytes()),
            }
            out.write_record(cells)?;
        } else {
            out.write_byte_record(&record)?;
        }
        line += 1;
    }
    out.flush()?;
    drop(out);
    file.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests;
