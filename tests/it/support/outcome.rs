//! How a run ended: [`Exited`] checks its exit code and, where the command writes a summary,
//! the reason word in it; [`Ran`] holds what a test then looks at.

use std::path::{Path, PathBuf};
use std::process::ExitStatus;

use serde_json::Value;

use super::run::Command;
use super::{Row, csv_rows};

/// Where a run's `--summary-json` goes.
#[derive(Debug)]
pub(crate) enum SummaryAt {
    Nowhere,
    File(PathBuf),
    Stdout,
}

/// What a started run needs to read its outcome back.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) command: Command,
    /// The file the command writes its rows to (or would have, had it been asked to).
    pub(crate) table: Option<PathBuf>,
    pub(crate) summary: SummaryAt,
    pub(crate) dir: PathBuf,
    pub(crate) temp: tempfile::TempDir,
}

impl Prepared {
    pub(crate) fn finish(self, status: ExitStatus, stdout: &[u8], stderr: &[u8]) -> Exited {
        let stdout = String::from_utf8_lossy(stdout).into_owned();
        let stderr = String::from_utf8_lossy(stderr).into_owned();
        let Some(code) = status.code() else {
            panic!("ended by a signal ({status})\nstderr: {stderr}");
        };
        let summary = match &self.summary {
            SummaryAt::Nowhere => None,
            SummaryAt::Stdout => serde_json::from_str(&stdout).ok(),
            SummaryAt::File(path) => std::fs::read_to_string(path).ok().map(|text| {
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("summary: {e}: {text}"))
            }),
        };
        let report = self.table.unwrap_or_else(|| self.dir.join("report.csv"));
        // A workbook, or CSV in another encoding than UTF-8, is the test's to read.
        let utf8 = || std::fs::read(&report).is_ok_and(|b| std::str::from_utf8(&b).is_ok());
        let readable = report != Path::new("-") && report.exists() && !is_workbook(&report);
        let rows = if readable && utf8() {
            csv_rows(&report)
        } else {
            Vec::new()
        };
        Exited {
            command: self.command,
            summarised: !matches!(self.summary, SummaryAt::Nowhere),
            ran: Ran {
                code,
                stdout,
                stderr,
                report,
                rows,
                summary,
                dir: self.dir,
                _temp: self.temp,
            },
        }
    }
}

fn is_workbook(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "xlsx")
}

/// A run that has ended and is not yet checked.
#[must_use = "check how it ended: .ok(), .rows_failed(), .incomplete(reason), .refused() or .any_exit()"]
pub(crate) struct Exited {
    command: Command,
    /// Whether the run wrote (or was to write) a summary to check the reason in.
    summarised: bool,
    ran: Ran,
}

impl Exited {
    /// Exit 0 and, where there is a summary, reason `ok`.
    #[track_caller]
    pub(crate) fn ok(self) -> Ran {
        self.finished(0, "ok")
    }

    /// Exit 1 (some rows invalid or failed) and reason `rows_failed`.
    #[track_caller]
    pub(crate) fn rows_failed(self) -> Ran {
        self.finished(1, "rows_failed")
    }

    /// Exit 1 and reason `verify_mismatch`: written, but read back unlike what was sent.
    #[track_caller]
    pub(crate) fn mismatched(self) -> Ran {
        self.finished(1, "verify_mismatch")
    }

    /// Exit 2 and the summary's reason is `reason`.
    #[track_caller]
    pub(crate) fn incomplete(self, reason: &str) -> Ran {
        assert!(
            self.summarised,
            "{} wrote no summary to read a reason from: check its exit 2 with .refused()",
            self.command.word()
        );
        self.finished(2, reason)
    }

    /// Exit 2 with no summary to say why: the command writes none, or its command line was
    /// refused before anything ran.
    #[track_caller]
    pub(crate) fn refused(self) -> Ran {
        self.ran.exit_is(2);
        if let Some(summary) = &self.ran.summary {
            panic!(
                "it ran far enough to write a summary (reason {}): check that with .incomplete(reason)",
                summary["reason"]
            );
        }
        self.ran
    }

    /// It ended by itself; its exit code is the test's to judge.
    pub(crate) fn any_exit(self) -> Ran {
        self.ran
    }

    #[track_caller]
    fn finished(self, code: i32, reason: &str) -> Ran {
        self.ran.exit_is(code);
        if self.summarised {
            let summary = self.ran.summary.as_ref();
            let summary = summary.unwrap_or_else(|| panic!("no summary\n{}", self.ran.printed()));
            assert_eq!(summary["reason"], reason, "{summary}");
            assert_eq!(summary["exit_code"], code, "{summary}");
        }
        self.ran
    }
}

/// What a run left behind: its exit, what it printed, its report (or export) read back and
/// its summary.
#[derive(Debug)]
pub(crate) struct Ran {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    /// The report, or the export's file; where it would have been if none was written.
    pub(crate) report: PathBuf,
    /// The report's (or the export's) rows; empty when there is none, or it is a workbook or
    /// not UTF-8.
    pub(crate) rows: Vec<Row>,
    /// The `--summary-json`, on the commands that write one.
    pub(crate) summary: Option<Value>,
    /// The directory the run's files went to.
    pub(crate) dir: PathBuf,
    /// Keeps the run's directory (input, report, summary) until the test is done with it.
    _temp: tempfile::TempDir,
}

impl Ran {
    /// One column of the report, row by row.
    pub(crate) fn column(&self, name: &str) -> Vec<&str> {
        self.rows.iter().map(|r| r[name].as_str()).collect()
    }

    /// The report's row whose `column` is `value`.
    #[track_caller]
    pub(crate) fn row(&self, column: &str, value: &str) -> &Row {
        let found = self.rows.iter().find(|r| r[column] == value);
        found.unwrap_or_else(|| panic!("no row with {column} {value}: {:?}", self.rows))
    }

    /// Each report row's `row`, `number` and `status` (`"2 1001 ok"`), what most checks look at.
    pub(crate) fn row_number_status(&self) -> Vec<String> {
        let line = |r: &Row| format!("{} {} {}", r["row"], r["number"], r["status"]);
        self.rows.iter().map(line).collect()
    }

    /// The summary, which the command wrote.
    #[track_caller]
    pub(crate) fn summary(&self) -> &Value {
        self.summary.as_ref().expect("a summary")
    }

    /// A file beside the report: `beside("rejects.csv")` for `r.csv` is `r.rejects.csv`.
    pub(crate) fn beside(&self, extension: &str) -> PathBuf {
        self.report.with_extension(extension)
    }

    /// Everything the run showed a user: the terminal and the report.
    pub(crate) fn shown(&self) -> String {
        let report = std::fs::read_to_string(&self.report).unwrap_or_default();
        format!("{}{}{report}", self.stdout, self.stderr)
    }

    /// The lines of stderr that are not warnings: what the run said of itself.
    pub(crate) fn said(&self) -> Vec<&str> {
        let lines = self.stderr.lines();
        lines.filter(|l| !l.contains("warning:")).collect()
    }

    /// What it printed, for a failed check.
    fn printed(&self) -> String {
        format!("stdout: {}\nstderr: {}", self.stdout, self.stderr)
    }

    #[track_caller]
    fn exit_is(&self, code: i32) {
        assert_eq!(self.code, code, "exit code\n{}", self.printed());
    }
}
