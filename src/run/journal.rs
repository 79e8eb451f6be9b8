//! The run's journal, so that a killed import can be finished with `--resume`.
//!
//! Beside the report, `REPORT.journal` (mode 0600) gets one JSON line when a row's first
//! request goes out and one when the row is finished, each written at once, in the order
//! things happen. Its first line is the input's fingerprint (SHA-256 and size of its bytes,
//! standard input included), so `--resume` refuses any other input, a same-size edit or a
//! re-sorted copy too. Only whole lines count: a kill can cut the last line short, and it is
//! ignored. `--resume` reads the journal back and writes it again compacted (one line per
//! finished row, then the rows in flight) in one rename, so what is appended next starts on a
//! fresh line and resuming many times does not grow it. A write that fails is an error the
//! engine stops on before sending another request: a journal that silently misses rows
//! would make `--resume` wrong. A clean run removes its journal; a run that stopped keeps it.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::domain::{Action, RowResult};
use crate::input::Fingerprint;
use crate::output::PrivateFile;
pub(crate) use crate::output::journal_path;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "lowercase")]
enum Entry {
    /// Which input the journal belongs to.
    Input {
        sha256: String,
        size: u64,
    },
    Start {
        seq: u64,
        /// What the row was sent to do (journals of older versions lack it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        action: Option<Action>,
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
    #[error(
        "the journal {path} was written for other input (its bytes differ: edited, re-sorted or \
         another file); nothing was sent. Resume with the very file of the interrupted run, or \
         run again without --resume"
    )]
    OtherInput { path: PathBuf },
    #[error("cannot use the journal {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error(
        "cannot write the journal {path}: {source}; stopped before sending another request. \
         Once it can be written, --resume finishes the run"
    )]
    Write { path: PathBuf, source: io::Error },
}

/// What an interrupted run had done.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// Finished rows (and deletes) by their place in the run.
    pub(crate) done: HashMap<u64, RowResult>,
    /// Rows whose request went out but whose outcome was never recorded.
    pub(crate) in_flight: HashSet<u64>,
    /// What each row in flight was sent to do.
    pub(crate) sent_as: HashMap<u64, Action>,
}

pub(crate) struct Journal {
    path: PathBuf,
    file: Mutex<File>,
    /// Set at the first failed write: nothing after it can be trusted to be recorded.
    broken: AtomicBool,
}

impl Journal {
    /// A new journal for this input (an old one is replaced).
    pub(crate) fn create(report: &Path, input: &Fingerprint) -> Result<Journal, JournalError> {
        Journal::write_fresh(journal_path(report), input, &Replay::default())
    }

    /// The journal of an interrupted run, read back and written again compacted.
    pub(crate) fn resume(
        report: &Path,
        input: &Fingerprint,
    ) -> Result<(Journal, Replay), JournalError> {
        let path = journal_path(report);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(JournalError::Missing(path));
            }
            Err(source) => return Err(JournalError::Io { path, source }),
        };
        let (recorded, replay) = read(&bytes);
        if recorded.as_ref() != Some(input) {
            return Err(JournalError::OtherInput { path });
        }
        let journal = Journal::write_fresh(path, input, &replay)?;
        Ok((journal, replay))
    }

    fn write_fresh(
        path: PathBuf,
        input: &Fingerprint,
        replay: &Replay,
    ) -> Result<Journal, JournalError> {
        let written = (|| {
            let mut fresh = PrivateFile::create(&path)?;
            let mut out = BufWriter::new(fresh.file());
            for entry in compacted(input, replay) {
                out.write_all(&line(&entry))?;
            }
            out.flush()?;
            drop(out);
            fresh.commit()
        })();
        match written {
            Ok(file) => Ok(Journal {
                path,
                file: Mutex::new(file),
                broken: AtomicBool::new(false),
            }),
            Err(source) => Err(JournalError::Write { path, source }),
        }
    }

    /// Records that row `seq`'s first request is about to go out; it must not go out if this
    /// fails.
    pub(crate) fn started(&self, seq: u64, action: Action) -> Result<(), JournalError> {
        self.append(&Entry::Start {
            seq,
            action: Some(action),
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
            .write_all(&line(entry));
        written.map_err(|e| {
            self.broken.store(true, Ordering::SeqCst);
            failed(e)
        })
    }
}

fn line(entry: &Entry) -> Vec<u8> {
    let mut line = serde_json::to_vec(entry).expect("journal entries serialise");
    line.push(b'\n');
    line
}

/// The entries that say all `replay` says: the input, one line per finished row, then the rows
/// in flight.
fn compacted(input: &Fingerprint, replay: &Replay) -> Vec<Entry> {
    let mut done: Vec<_> = replay.done.iter().collect();
    done.sort_by_key(|(seq, _)| **seq);
    let mut open: Vec<_> = replay.in_flight.iter().copied().collect();
    open.sort_unstable();
    std::iter::once(Entry::Input {
        sha256: input.sha256.clone(),
        size: input.size,
    })
    .chain(done.into_iter().map(|(seq, result)| Entry::Done {
        seq: *seq,
        result: result.clone(),
    }))
    .chain(open.into_iter().map(|seq| Entry::Start {
        seq,
        action: replay.sent_as.get(&seq).copied(),
    }))
    .collect()
}

/// The journal's input and what it recorded, from whole lines only.
fn read(bytes: &[u8]) -> (Option<Fingerprint>, Replay) {
    let whole = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..=end],
        None => &[][..],
    };
    let mut lines = whole.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let input = match lines.next().map(serde_json::from_slice::<Entry>) {
        Some(Ok(Entry::Input { sha256, size })) => Fingerprint { sha256, size },
        _ => return (None, Replay::default()),
    };
    let mut replay = Replay::default();
    for line in lines {
        match serde_json::from_slice::<Entry>(line) {
            Ok(Entry::Start { seq, action }) => {
                replay.in_flight.insert(seq);
                if let Some(action) = action {
                    replay.sent_as.insert(seq, action);
                }
            }
            Ok(Entry::Done { seq, result }) => {
                replay.in_flight.remove(&seq);
                replay.sent_as.remove(&seq);
                replay.done.insert(seq, result);
            }
            // Only this program writes the journal, a whole line at a time.
            Ok(Entry::Input { .. }) | Err(_) => {}
        }
    }
    (Some(input), replay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;
    use crate::input::Input;

    struct Setup {
        _dir: tempfile::TempDir,
        input: PathBuf,
        report: PathBuf,
    }

    fn setup() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, "number,username\n1001,Ana\n1002,Bo\n1003,Cy\n").unwrap();
        let report = dir.path().join("r.csv");
        Setup {
            _dir: dir,
            input,
            report,
        }
    }

    impl Setup {
        fn print(&self) -> Fingerprint {
            Input::open(&self.input)
                .unwrap()
                .fingerprint()
                .unwrap()
                .clone()
        }

        fn text(&self) -> String {
            std::fs::read_to_string(journal_path(&self.report)).unwrap()
        }

        fn cut_last_line(&self, keep: usize) {
            let path = journal_path(&self.report);
            let text = self.text();
            let last = text.trim_end_matches('\n').rfind('\n').unwrap() + 1;
            std::fs::write(&path, &text[..last + keep]).unwrap();
        }
    }

    fn ok(number: &str) -> RowResult {
        RowResult::new(Some(2), number, Action::Add, Status::Ok)
    }

    #[test]
    fn a_started_row_without_its_outcome_is_in_flight_and_a_finished_one_is_done() {
        let s = setup();
        let journal = Journal::create(&s.report, &s.print()).unwrap();
        journal.started(0, Action::Add).unwrap();
        journal.started(1, Action::Add).unwrap();
        journal.finished(0, &ok("1001")).unwrap();
        journal.started(2, Action::Add).unwrap();
        journal
            .finished(2, &ok("1003").with_error("10017", "refused"))
            .unwrap();
        // A row finished without being sent (invalid) has no start line.
        let invalid = RowResult::new(Some(5), "x", Action::Add, Status::Invalid);
        journal.finished(3, &invalid).unwrap();
        drop(journal);
        assert_eq!(journal_path(&s.report), s.report.with_extension("journal"));

        let (_, replay) = Journal::resume(&s.report, &s.print()).unwrap();
        assert_eq!(replay.in_flight, HashSet::from([1]));
        let mut done: Vec<_> = replay.done.keys().copied().collect();
        done.sort_unstable();
        assert_eq!(done, [0, 2, 3]);
        assert_eq!(replay.done[&2].error_code, "10017");
        assert_eq!(replay.done[&3].status, Status::Invalid);
    }

    #[test]
    fn a_line_cut_short_by_a_kill_is_skipped_and_what_follows_it_still_counts() {
        let s = setup();
        let journal = Journal::create(&s.report, &s.print()).unwrap();
        journal.started(0, Action::Add).unwrap();
        journal.finished(0, &ok("1001")).unwrap();
        journal.started(1, Action::Add).unwrap();
        journal.finished(1, &ok("1002")).unwrap();
        drop(journal);
        // The kill came in the middle of row 1's outcome.
        s.cut_last_line(20);
        let (journal, replay) = Journal::resume(&s.report, &s.print()).unwrap();
        assert_eq!(replay.done.keys().collect::<Vec<_>>(), [&0]);
        assert_eq!(replay.in_flight, HashSet::from([1]));

        // The resumed run finishes row 1 and is killed again: a second resume must see that.
        journal.finished(1, &ok("1002")).unwrap();
        journal.started(2, Action::Add).unwrap();
        drop(journal);
        let (_, replay) = Journal::resume(&s.report, &s.print()).unwrap();
        let mut done: Vec<_> = replay.done.keys().copied().collect();
        done.sort_unstable();
        assert_eq!(done, [0, 1], "{}", s.text());
        assert_eq!(replay.in_flight, HashSet::from([2]));
    }

    #[test]
    fn resuming_compacts_instead_of_growing() {
        let s = setup();
        let journal = Journal::create(&s.report, &s.print()).unwrap();
        for seq in 0..10 {
            journal.started(seq, Action::Add).unwrap();
            journal.finished(seq, &ok("1001")).unwrap();
        }
        drop(journal);
        for _ in 0..3 {
            let (journal, replay) = Journal::resume(&s.report, &s.print()).unwrap();
            assert_eq!(replay.done.len(), 10);
            journal.finished(3, &ok("1001")).unwrap();
        }
        assert_eq!(s.text().lines().count(), 1 + 10 + 1);
    }

    #[test]
    fn a_journal_of_another_input_or_none_at_all_is_refused() {
        let s = setup();
        assert!(matches!(
            Journal::resume(&s.report, &s.print()),
            Err(JournalError::Missing(path)) if path == s.report.with_extension("journal")
        ));
        let journal = Journal::create(&s.report, &s.print()).unwrap();
        journal.started(0, Action::Add).unwrap();
        drop(journal);
        // The same size, other bytes.
        std::fs::write(&s.input, "number,username\n1001,Ana\n1002,Bo\n1003,Cz\n").unwrap();
        assert!(matches!(
            Journal::resume(&s.report, &s.print()),
            Err(JournalError::OtherInput { .. })
        ));
    }

    #[test]
    fn a_finished_run_removes_its_journal() {
        let s = setup();
        let journal = Journal::create(&s.report, &s.print()).unwrap();
        journal.finished(0, &ok("1001")).unwrap();
        journal.remove();
        assert!(!journal_path(&s.report).exists());
    }
}
