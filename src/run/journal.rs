//! The run's journal, so that a killed import can be finished with `--resume`.
//!
//! Beside the report, `REPORT.journal` gets one JSON line when a row's first request goes out
//! and one when the row is finished, each written and flushed at once, in the order things
//! happen. `--resume` reads it back: finished rows keep their outcome and are not sent again;
//! rows that were in flight are checked against the PBX before anything is sent. A clean run
//! removes its journal; a run that stopped early keeps it.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
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
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io)?;
        end_last_line(&mut file).map_err(io)?;
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

/// Ends a last line that a kill cut short, so that the next entry starts a line of its own
/// instead of being glued to the fragment (and lost with it at the next resume).
fn end_last_line(file: &mut File) -> io::Result<()> {
    if file.seek(SeekFrom::End(-1)).is_err() {
        return Ok(()); // empty
    }
    let mut last = [0u8];
    file.read_exact(&mut last)?;
    if last[0] != b'\n' {
        file.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, Status};

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
        fn print(&self) -> (u64, String) {
            fingerprint(
                &self.input,
                &csv::ByteRecord::from(vec!["number", "username"]),
            )
        }

        fn text(&self) -> String {
            let mut text = String::new();
            File::open(journal_path(&self.report))
                .unwrap()
                .read_to_string(&mut text)
                .unwrap();
            text
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
        let journal = Journal::create(&s.report, s.print()).unwrap();
        journal.started(0);
        journal.started(1);
        journal.finished(0, &ok("1001"));
        journal.started(2);
        journal.finished(2, &ok("1003").with_error("10017", "refused"));
        // A row finished without being sent (invalid) has no start line.
        journal.finished(
            3,
            &RowResult::new(Some(5), "x", Action::Add, Status::Invalid),
        );
        drop(journal);
        assert_eq!(journal_path(&s.report), s.report.with_extension("journal"));

        let (_, replay) = Journal::resume(&s.report, s.print()).unwrap();
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
        let journal = Journal::create(&s.report, s.print()).unwrap();
        journal.started(0);
        journal.finished(0, &ok("1001"));
        journal.started(1);
        journal.finished(1, &ok("1002"));
        drop(journal);
        // The kill came in the middle of row 1's outcome.
        s.cut_last_line(20);
        let (journal, replay) = Journal::resume(&s.report, s.print()).unwrap();
        assert_eq!(replay.done.keys().collect::<Vec<_>>(), [&0]);
        assert_eq!(replay.in_flight, HashSet::from([1]));

        // The resumed run finishes row 1 and is killed again: a second resume must see that.
        journal.finished(1, &ok("1002"));
        journal.started(2);
        drop(journal);
        let (_, replay) = Journal::resume(&s.report, s.print()).unwrap();
        let mut done: Vec<_> = replay.done.keys().copied().collect();
        done.sort_unstable();
        assert_eq!(done, [0, 1], "{}", s.text());
        assert_eq!(replay.in_flight, HashSet::from([2]));
    }

    #[test]
    fn a_journal_of_another_input_or_none_at_all_is_refused() {
        let s = setup();
        assert!(matches!(
            Journal::resume(&s.report, s.print()),
            Err(JournalError::Missing(path)) if path == s.report.with_extension("journal")
        ));
        let journal = Journal::create(&s.report, s.print()).unwrap();
        journal.started(0);
        drop(journal);
        std::fs::write(
            &s.input,
            "number,username\n1001,Ana\n1002,Bo\n1003,Cy\n1004,Di\n",
        )
        .unwrap();
        assert!(matches!(
            Journal::resume(&s.report, s.print()),
            Err(JournalError::OtherInput { .. })
        ));
    }

    #[test]
    fn a_finished_run_removes_its_journal() {
        let s = setup();
        let journal = Journal::create(&s.report, s.print()).unwrap();
        journal.finished(0, &ok("1001"));
        journal.remove();
        assert!(!journal_path(&s.report).exists());
    }
}
