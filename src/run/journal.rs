//! The run's journal, so that a killed import can be finished with `--resume`.
//!
//! Beside the report, `REPORT.journal` gets one JSON line when a row's first request goes out
//! and one when the row is finished, each written and flushed at once, in the order things
//! happen. `--resume` reads it back: finished rows keep their outcome and are not sent again;
//! rows that were in flight are checked against the PBX before anything is sent. A clean run
//! removes its journal; a run that stopped early keeps it.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::domain::RowResult;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "lowercase")]
enum Entry {
    /// Which input the journal belongs to.
    Input {
        size: u64,
        header: String,
    },
    Start {
        seq: u64,
    },
    Done {
        seq: u64,
        result: RowResult,
    },
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum JournalError {
    #[error("nothing to resume: there is no journal at {0} (the run finished, or never started)")]
    Missing(PathBuf),
    #[error("the journal {path} was written for a different input file; re-run without --resume")]
    OtherInput { path: PathBuf },
    #[error("cannot use the journal {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// What an interrupted run had done.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// Finished rows (and deletes) by their place in the run.
    pub(crate) done: HashMap<u64, RowResult>,
    /// Rows whose request went out but whose outcome was never recorded.
    pub(crate) in_flight: HashSet<u64>,
}

pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

/// `dir/report.csv` → `dir/report.journal`.
pub(crate) fn journal_path(report: &Path) -> PathBuf {
    report.with_extension("journal")
}

/// What identifies the input: its size and its header row.
pub(crate) fn fingerprint(input: &Path, header: &csv::ByteRecord) -> (u64, String) {
    let size = std::fs::metadata(input).map_or(0, |m| m.len());
    (
        size,
        String::from_utf8_lossy(header.as_slice()).into_owned(),
    )
}

impl Journal {
    /// A new journal for this input (an old one is replaced).
    pub(crate) fn create(
        report: &Path,
        (size, header): (u64, String),
    ) -> Result<Journal, JournalError> {
        let path = journal_path(report);
        let file = File::create(&path).map_err(|source| JournalError::Io {
            path: path.clone(),
            source,
        })?;
        let journal = Journal {
            path,
            file: Mutex::new(file),
        };
        journal.append(&Entry::Input { size, header });
        Ok(journal)
    }

    /// The journal of an interrupted run, read back and kept open for appending.
    pub(crate) fn resume(
        report: &Path,
        (size, header): (u64, String),
    ) -> Result<(Journal, Replay), JournalError> {
        let path = journal_path(report);
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(JournalError::Missing(path));
            }
            Err(e) => return Err(io(e)),
        };
        let mut replay = Replay::default();
        for (i, line) in BufReader::new(file).lines().enumerate() {
            // A kill can cut the last line short; everything before it is whole.
            let Ok(entry) = serde_json::from_str::<Entry>(&line.map_err(io)?) else {
                continue;
            };
            match entry {
                Entry::Input { size: s, header: h } if i == 0 => {
                    if (s, h) != (size, header.clone()) {
                        return Err(JournalError::OtherInput { path });
                    }
                }
                Entry::Input { .. } => {}
                Entry::Start { seq } => {
                    replay.in_flight.insert(seq);
                }
                Entry::Done { seq, result } => {
                    replay.in_flight.remove(&seq);
                    replay.done.insert(seq, result);
                }
            }
        }
        let file = OpenOptions::new().append(true).open(&path).map_err(io)?;
        Ok((
            Journal {
                path,
                file: Mutex::new(file),
            },
            replay,
        ))
    }

    pub(crate) fn started(&self, seq: u64) {
        self.append(&Entry::Start { seq });
    }

    pub(crate) fn finished(&self, seq: u64, result: &RowResult) {
        self.append(&Entry::Done {
            seq,
            result: result.clone(),
        });
    }

    /// The run finished: nothing is left to resume.
    pub(crate) fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    fn append(&self, entry: &Entry) {
        let mut line = serde_json::to_string(entry).expect("journal entries serialise");
        line.push('\n');
        // One write per line, flushed by the OS as it returns: a kill loses at most the line
        // being written, which resume skips. A failing disk shows up in the report first.
        let _ = self
            .file
            .lock()
            .expect("journal lock")
            .write_all(line.as_bytes());
    }
}
