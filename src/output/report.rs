//! The results report: one CSV line per input row, in input order, and beside it a
//! re-importable file of the rows that failed, were invalid or were left unfinished by a
//! stopped run, so "fix and re-run" is one step.
//!
//! Each line is flushed as it is written, so a run that is killed leaves a report of every row
//! finished so far.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use csv::ByteRecord;
use encoding_rs::UTF_8;

use super::files::{PrivateFile, private_append, private_file};
use super::html::PageCollector;
use super::paths::{credentials_path, rejects_path_for};
use super::sheet_writer::SheetWriter;
use crate::domain::formula::defuse;
use crate::domain::{RowResult, Secret, Status, Summary};
use crate::input::{Layout, LineEnd, bom as input_bom, encode};

pub(crate) const COLUMNS: [&str; 10] = [
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

/// Writes the report and the rejects file.
pub(crate) struct Report {
    path: PathBuf,
    out: csv::Writer<File>,
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
    pub(crate) summary: Summary,
}

/// The rejects file is written as the input was (a workbook, or text in the input's
/// encoding, byte-order mark and delimiter), so it opens in the same program the same way.
struct Rejects {
    path: PathBuf,
    header: ByteRecord,
    layout: Layout,
    out: Option<RejectsOut>,
}

enum RejectsOut {
    /// Flushed line by line, so a killed run leaves every reject written so far.
    Text(File),
    /// A workbook is whole only once saved, when the run ends (`--resume` writes it again).
    Book(Box<SheetWriter>),
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
        let out = csv::Writer::from_writer(file.commit()?);
        // Both kinds: a workbook's rejects left beside a CSV run's report would be taken for
        // this run's.
        for workbook in [false, true] {
            let old = rejects_path_for(report, Layout { workbook, ..layout });
            match std::fs::remove_file(&old) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(Report {
            path: report.to_owned(),
            out,
            rejects: Rejects {
                path: rejects_path_for(report, layout),
                header,
                layout,
                out: None,
            },
            flush_each: true,
            credentials: None,
            broken: false,
            page: None,
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
        self.rejects
            .out
            .as_ref()
            .map(|_| self.rejects.path.as_path())
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
        self.summary
            .add_row(result.action, result.status, result.attempts);
        if let Some(page) = &mut self.page {
            page.add(result);
        }
        if self.broken {
            return Ok(());
        }
        let written = self.write_line(result, raw, unfinished);
        self.broken = written.is_err();
        written
    }

    /// Whether a line could not be written.
    pub(crate) fn is_broken(&self) -> bool {
        self.broken
    }

    fn write_line(
        &mut self,
        result: &RowResult,
        raw: Option<&ByteRecord>,
        unfinished: bool,
    ) -> io::Result<()> {
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
        if self.flush_each {
            self.out.flush()?;
        }
        let reject = unfinished || matches!(result.status, Status::Failed | Status::Invalid);
        if let (true, Some(raw)) = (reject, raw) {
            self.rejects.write(raw, self.flush_each)?;
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
        let closed = (|| {
            self.out.flush()?;
            match self.rejects.out.take() {
                Some(RejectsOut::Text(mut out)) => out.flush(),
                Some(RejectsOut::Book(out)) => out.finish(),
                None => Ok(()),
            }
        })();
        (self.summary, closed)
    }
}

impl Rejects {
    fn write(&mut self, raw: &ByteRecord, flush: bool) -> io::Result<()> {
        let cells = |record: &ByteRecord| -> Vec<String> {
            record
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect()
        };
        if self.out.is_none() {
            self.out = Some(if self.layout.workbook {
                let header = cells(&self.header);
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                RejectsOut::Book(Box::new(SheetWriter::create(&self.path, &header)?))
            } else {
                let mut file = private_file(&self.path, bom(self.layout))?;
                file.write_all(&self.encoded(&self.header)?)?;
                RejectsOut::Text(file)
            });
        }
        let line = match &self.out {
            Some(RejectsOut::Text(_)) => self.encoded(raw)?,
            _ => Vec::new(),
        };
        match self.out.as_mut().expect("opened above") {
            RejectsOut::Text(out) => {
                out.write_all(&line)?;
                if flush { out.flush() } else { Ok(()) }
            }
            RejectsOut::Book(out) => {
                let row = cells(raw);
                out.row(&row.iter().map(String::as_str).collect::<Vec<_>>())
            }
        }
    }

    /// One record as a CSV line in the input's encoding.
    fn encoded(&self, record: &ByteRecord) -> io::Result<Vec<u8>> {
        let terminator = match self.layout.line_end {
            LineEnd::CrLf => csv::Terminator::CRLF,
            end => csv::Terminator::Any(end.bytes()[0]),
        };
        let mut line = csv::WriterBuilder::new()
            .delimiter(self.layout.delimiter)
            .terminator(terminator)
            .flexible(true)
            .from_writer(Vec::new());
        line.write_byte_record(record)?;
        let utf8 = line.into_inner().map_err(csv::IntoInnerError::into_error)?;
        Ok(if self.layout.encoding == UTF_8 {
            utf8
        } else {
            // Records come from text decoded from this encoding, so they encode back whole.
            encode(self.layout.encoding, &String::from_utf8_lossy(&utf8))
        })
    }
}

/// The byte-order mark the rejects file starts with: the input's, if it had one (a file
/// re-imported must read as the input did, byte for byte where the row is unchanged).
fn bom(layout: Layout) -> &'static [u8] {
    if layout.bom {
        input_bom(layout.encoding)
    } else {
        b""
    }
}
