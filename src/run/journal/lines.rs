//! The journal's lines: what each says, how each is sealed, and what a journal read back
//! tells a resume.
//!
//! Each line is one JSON object ending in a `mac`: the SHA-256 of the journal's own random
//! key (in its first line) and the line's text. A line edited by hand or damaged on disk no
//! longer matches it and is not believed: its row is checked on the PBX like a row whose
//! answer never came. Each line also names its row and number, which the resume checks
//! against the file, so a line cannot speak for another row. The first line says which
//! input (its SHA-256 and size) and which settings (`--api`, `--url`, `--mode`, …) the run
//! had; a first line that is missing, damaged or unsealed makes the journal untrusted as a
//! whole.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{Action, RowResult};
use crate::input::Fingerprint;

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "lowercase")]
pub(super) enum Entry {
    /// Which input and settings the journal belongs to, and the key its lines are sealed
    /// with.
    Input {
        sha256: String,
        size: u64,
        /// The settings that decide the writes, as (flag, value).
        pins: Vec<(String, String)>,
        key: String,
    },
    /// A row's (or a delete's) first request is going out.
    Start {
        seq: u64,
        /// What it was sent to do; unknown for a row whose own line was not believed.
        action: Option<Action>,
        /// `None` for a delete of an extension the file does not list.
        row: Option<u64>,
        number: String,
    },
    Done {
        seq: u64,
        result: RowResult,
    },
}

/// What the journal's first line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Header {
    pub(super) input: Fingerprint,
    pub(super) pins: Vec<(String, String)>,
    pub(super) key: String,
}

/// What an interrupted run had done.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    /// Finished rows by their place in the run.
    pub(crate) done: HashMap<u64, RowResult>,
    /// Rows whose request went out but whose outcome was never recorded, or whose line is
    /// not believed: asked about on the PBX before anything is sent for them.
    pub(crate) in_flight: HashMap<u64, Started>,
    /// Finished deletes of extensions the file does not list, by number (their place in a
    /// run depends on the PBX's directory at the time).
    pub(crate) deletes_done: BTreeMap<String, RowResult>,
    /// Deletes whose request went out unanswered, by number.
    pub(crate) deletes_in_flight: BTreeSet<String>,
    /// Lines not believed (edited or damaged).
    pub(crate) distrusted: usize,
}

/// A row in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Started {
    /// What it was sent to do; `None` when its line was not believed.
    pub(crate) action: Option<Action>,
    pub(crate) row: u64,
    pub(crate) number: String,
}

impl Replay {
    /// What row `seq` was sent to do, if it is in flight and that is known.
    pub(crate) fn sent_as(&self, seq: u64) -> Option<Action> {
        self.in_flight.get(&seq).and_then(|s| s.action)
    }
}

/// A new random key to seal a journal's lines with.
pub(super) fn new_key() -> String {
    let mut key = [0u8; 16];
    getrandom::fill(&mut key).expect("the operating system's random number generator failed");
    hex::encode(key)
}

/// `entry` as one sealed line of the journal, newline included.
pub(super) fn line(entry: &Entry, key: &str) -> Vec<u8> {
    let text = serde_json::to_string(entry).expect("journal entries serialise");
    let open = text.strip_suffix('}').expect("an entry is an object");
    format!("{open},\"mac\":\"{}\"}}\n", seal(key, &text)).into_bytes()
}

fn seal(key: &str, text: &str) -> String {
    let digest = Sha256::new()
        .chain_update(key.as_bytes())
        .chain_update(text.as_bytes())
        .finalize();
    hex::encode(&digest[..16])
}

/// The entry of a sealed line, if its seal holds.
fn unsealed(line: &[u8], key: &str) -> Option<Entry> {
    let text = std::str::from_utf8(line).ok()?;
    let (open, mac) = text.rsplit_once(",\"mac\":\"")?;
    let mac = mac.strip_suffix("\"}")?;
    let text = format!("{open}}}");
    (seal(key, &text) == mac).then(|| serde_json::from_str(&text).ok())?
}

/// The first line's header, if it is one and sealed with the key it names.
fn header(line: &[u8]) -> Option<Header> {
    let text = std::str::from_utf8(line).ok()?;
    let (open, _) = text.rsplit_once(",\"mac\":\"")?;
    let Ok(Entry::Input { key, .. }) = serde_json::from_str(&format!("{open}}}")) else {
        return None;
    };
    match unsealed(line, &key)? {
        Entry::Input {
            sha256,
            size,
            pins,
            key,
        } => Some(Header {
            input: Fingerprint { sha256, size },
            pins,
            key,
        }),
        Entry::Start { .. } | Entry::Done { .. } => None,
    }
}

/// The journal's header and what it recorded, from whole lines only; `None` when the first
/// line is no sealed header.
pub(super) fn read(bytes: &[u8]) -> Option<(Header, Replay)> {
    let whole = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..=end],
        None => &[][..],
    };
    let mut lines = whole.split(|&b| b == b'\n').filter(|l| !l.is_empty());
    let header = header(lines.next()?)?;
    let mut replay = Replay::default();
    for line in lines {
        match unsealed(line, &header.key) {
            Some(entry) => replay.record(entry),
            None => replay.distrust(line),
        }
    }
    Some((header, replay))
}

impl Replay {
    fn record(&mut self, entry: Entry) {
        match entry {
            Entry::Start {
                number, row: None, ..
            } => {
                self.deletes_in_flight.insert(number);
            }
            Entry::Start {
                seq,
                action,
                row: Some(row),
                number,
            } => {
                let started = Started {
                    action,
                    row,
                    number,
                };
                self.in_flight.insert(seq, started);
            }
            Entry::Done { result, .. } if result.row.is_none() => {
                self.deletes_in_flight.remove(&result.number);
                self.deletes_done.insert(result.number.clone(), result);
            }
            Entry::Done { seq, result } => {
                self.in_flight.remove(&seq);
                self.done.insert(seq, result);
            }
            // A second header is no line this program writes.
            Entry::Input { .. } => self.distrusted += 1,
        }
    }

    /// A line whose seal does not hold: what it claims is not believed, and its row, where
    /// it can be told, is asked about on the PBX.
    fn distrust(&mut self, line: &[u8]) {
        self.distrusted += 1;
        let Ok(text) = std::str::from_utf8(line) else {
            return;
        };
        let (open, _) = text.rsplit_once(",\"mac\":\"").unwrap_or((text, "}"));
        let claimed: Result<Entry, _> = serde_json::from_str(&format!("{open}}}"));
        let (seq, row, number) = match claimed {
            Ok(Entry::Start {
                seq, row, number, ..
            }) => (seq, row, number),
            Ok(Entry::Done { seq, result }) => (seq, result.row, result.number),
            Ok(Entry::Input { .. }) | Err(_) => return,
        };
        match row {
            Some(row) => {
                self.done.remove(&seq);
                let action = None;
                self.in_flight.insert(
                    seq,
                    Started {
                        action,
                        row,
                        number,
                    },
                );
            }
            None => {
                self.deletes_done.remove(&number);
                self.deletes_in_flight.insert(number);
            }
        }
    }

    /// Row `seq`'s recorded line does not belong to the row the file has there (another row
    /// or number): it is not believed, and the row is asked about on the PBX.
    pub(crate) fn distrust_row(&mut self, seq: u64, row: u64, number: &str) {
        self.distrusted += 1;
        let started = Started {
            action: None,
            row,
            number: number.to_string(),
        };
        self.in_flight.insert(seq, started);
    }
}

/// The entries that say all `replay` says: the header, one line per finished row and delete,
/// then the rows and deletes in flight.
pub(super) fn compacted(header: &Header, replay: &Replay) -> Vec<Entry> {
    let mut done: Vec<_> = replay.done.iter().collect();
    done.sort_by_key(|(seq, _)| **seq);
    let mut open: Vec<_> = replay.in_flight.iter().collect();
    open.sort_by_key(|(seq, _)| **seq);
    let input = Entry::Input {
        sha256: header.input.sha256.clone(),
        size: header.input.size,
        pins: header.pins.clone(),
        key: header.key.clone(),
    };
    let rows = done.into_iter().map(|(seq, result)| Entry::Done {
        seq: *seq,
        result: result.clone(),
    });
    let deletes = replay.deletes_done.values().map(|result| Entry::Done {
        seq: u64::MAX,
        result: result.clone(),
    });
    let started = open.into_iter().map(|(seq, started)| Entry::Start {
        seq: *seq,
        action: started.action,
        row: Some(started.row),
        number: started.number.clone(),
    });
    let deletes_started = replay.deletes_in_flight.iter().map(|number| Entry::Start {
        seq: u64::MAX,
        action: Some(Action::Delete),
        row: None,
        number: number.clone(),
    });
    std::iter::once(input)
        .chain(rows)
        .chain(deletes)
        .chain(started)
        .chain(deletes_started)
        .collect()
}
