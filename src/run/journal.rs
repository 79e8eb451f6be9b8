//! The run's journal, so that a killed import can be finished with `--resume`.
//!
//! Beside the report, `REPORT.journal` (mode 0600) gets one JSON line when a row's first
//! request goes out and one when the row is finished, each written at once, in the order
//! things happen. Its first line is the input's fingerprint (SHA-256 and size of its bytes,
//! standard input included) and the settings that decide the writes (`--api`, `--url`, the
//! Verba `--eid`, `--mode`, …), so `--resume` refuses any other input, a same-size edit or a
//! re-sorted copy, and a run against another PBX or with other settings, naming the
//! difference. Each line is sealed and names its row (`lines`): an edited or damaged line is
//! not believed. Only whole lines count: a kill can cut the last line short, and it is
//! ignored. `--resume` reads the journal back and writes it again compacted (one line per
//! finished row, then the rows in flight) in one rename, so what is appended next starts on a
//! fresh line and resuming many times does not grow it. A write that fails is an error the
//! engine stops on before sending another request: a journal that silently misses rows
//! would make `--resume` wrong. A clean run removes its journal; a run that stopped keeps it.

mod lines;

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

pub(crate) use lines::Replay;
use lines::{Entry, Header, compacted, line, new_key, read};

use crate::domain::{Action, RowResult};
use crate::input::Fingerprint;
use crate::output::PrivateFile;
pub(crate) use crate::output::journal_path;

/// The settings that decide a run's writes, as (flag, value): a resume must have the same.
pub(crate) type Pins = Vec<(String, String)>;

#[derive(Debug, thiserror::Error)]
pub(crate) enum JournalError {
    #[error("nothing to resume: there is no journal at {0} (the run finished, or never started)")]
    Missing(PathBuf),
    #[error(
        "the journal {path} was written for other input (its bytes differ: edited, re-sorted or \
         another file); nothing was sent. Resume with the very file of the interrupted run, or \
         run again without --resume"
    )]
    OtherInput { path: PathBuf },
    #[error(
        "the journal {path} was written by a run with other settings ({differences}); nothing \
         was sent. Resume with the interrupted run's own settings, or run again without \
         --resume"
    )]
    OtherSettings { path: PathBuf, differences: String },
    #[error(
        "the journal {path} cannot be trusted: its first line is not one pbxbulk wrote (edited, \
         damaged, or from an older version); nothing was sent. Run again without --resume \
         (rows already on the PBX are then reported as they are there)"
    )]
    Untrusted { path: PathBuf },
    #[error("cannot use the journal {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "cannot write the journal {path}: {source}; stopped before sending another request. \
         Once it can be written, --resume finishes the run"
    )]
    Write { path: PathBuf, source: io::Error },
}

pub(crate) struct Journal {
    path: PathBuf,
    key: String,
    file: Mutex<File>,
    /// Set at the first failed write: nothing after it can be trusted to be recorded.
    broken: AtomicBool,
}

impl Journal {
    /// A new journal for this input and these settings (an old one is replaced).
    pub(crate) fn create(
        report: &Path,
        input: &Fingerprint,
        pins: &Pins,
    ) -> Result<Journal, JournalError> {
        let header = Header {
            input: input.clone(),
            pins: pins.clone(),
            key: new_key(),
        };
        Journal::write_fresh(journal_path(report), &header, &Replay::default())
    }

    /// The journal of an interrupted run with this input and these settings, read back and
    /// written again compacted.
    pub(crate) fn resume(
        report: &Path,
        input: &Fingerprint,
        pins: &Pins,
    ) -> Result<(Journal, Replay), JournalError> {
        let path = journal_path(report);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(JournalError::Missing(path));
            }
            Err(source) => return Err(JournalError::Io { path, source }),
        };
        let Some((header, replay)) = read(&bytes) else {
            return Err(JournalError::Untrusted { path });
        };
        if header.input != *input {
            return Err(JournalError::OtherInput { path });
        }
        let differences = differences(&header.pins, pins);
        if !differences.is_empty() {
            return Err(JournalError::OtherSettings { path, differences });
        }
        let journal = Journal::write_fresh(path, &header, &replay)?;
        Ok((journal, replay))
    }

    fn write_fresh(
        path: PathBuf,
        header: &Header,
        replay: &Replay,
    ) -> Result<Journal, JournalError> {
        let written = (|| {
            let mut fresh = PrivateFile::create(&path)?;
            let mut out = BufWriter::new(fresh.file());
            for entry in compacted(header, replay) {
                out.write_all(&line(&entry, &header.key))?;
            }
            out.flush()?;
            drop(out);
            fresh.commit()
        })();
        match written {
            Ok(file) => Ok(Journal {
                path,
                key: header.key.clone(),
                file: Mutex::new(file),
                broken: AtomicBool::new(false),
            }),
            Err(source) => Err(JournalError::Write { path, source }),
        }
    }

    /// Records that row `seq`'s first request (`action` on `number`, the file's `row` or
    /// `None` for a delete of an extension the file does not list) is about to go out; it
    /// must not go out if this fails.
    pub(crate) fn started(
        &self,
        seq: u64,
        row: Option<u64>,
        number: &str,
        action: Action,
    ) -> Result<(), JournalError> {
        self.append(&Entry::Start {
            seq,
            action: Some(action),
            row,
            number: number.to_string(),
        })
    }

    pub(crate) fn finished(&self, seq: u64, result: &RowResult) -> Result<(), JournalError> {
        self.append(&Entry::Done {
            seq,
            result: result.clone(),
        })
    }

    /// The run finished: nothing is left to resume.
    pub(crate) fn remove(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    fn append(&self, entry: &Entry) -> Result<(), JournalError> {
        let failed = |source| JournalError::Write {
            path: self.path.clone(),
            source,
        };
        if self.broken.load(Ordering::SeqCst) {
            return Err(failed(io::Error::other("an earlier write failed")));
        }
        // One write per line: a kill loses at most the line being written, which resume skips.
        let written = self
            .file
            .lock()
            .expect("journal lock")
            .write_all(&line(entry, &self.key));
        written.map_err(|e| {
            self.broken.store(true, Ordering::SeqCst);
            failed(e)
        })
    }
}

/// How `now` differs from what the journal `recorded`, in words: `--url http://a (the
/// journal's: http://b)`.
fn differences(recorded: &Pins, now: &Pins) -> String {
    let value = |pins: &Pins, flag: &str| {
        pins.iter()
            .find(|(f, _)| f == flag)
            .map_or_else(|| "(not set)".to_string(), |(_, v)| v.clone())
    };
    let mut flags: Vec<&str> = recorded
        .iter()
        .chain(now)
        .map(|(f, _)| f.as_str())
        .collect();
    flags.sort_unstable();
    flags.dedup();
    flags
        .into_iter()
        .filter(|flag| value(recorded, flag) != value(now, flag))
        .map(|flag| {
            format!(
                "{flag} {} (the journal's: {})",
                value(now, flag),
                value(recorded, flag)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests;
