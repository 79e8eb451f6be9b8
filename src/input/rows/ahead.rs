//! Reading a text file's records ahead, on a thread of its own: the CSV parse of the next
//! records runs on the second core while the current ones are checked and planned, so a big
//! file costs the longer of the two, not their sum.
//!
//! Records go across in batches, and the batches come back to be filled again: neither the
//! channel nor an allocation is paid per record. What is asked of each record (its row
//! number, the offset where it ends, whether it looks cut short) is worked out on the
//! reading thread, where the reader is, exactly as reading in place would.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use csv::ByteRecord;

use super::super::SheetError;
use super::super::pinned::{Fingerprint, Input};
use super::super::row_source::{RawRow, RowSource};
use super::fingerprint_of;
use super::text::TextRows;

/// Records in a batch: enough that handing one over costs nothing per record, few enough
/// that the first rows are planned at once.
const BATCH: usize = 2048;
/// Batches read ahead at most: what reading ahead holds in memory.
const AHEAD: usize = 3;

/// One record read ahead, and where it ends, in the units of [`RowSource::offset`].
#[derive(Default)]
struct Read {
    raw: RawRow,
    offset: u64,
}

/// A batch, and how reading went on after it: `None` when it goes on, `Some(Ok)` at the end
/// of the input (with the offset there, past any blank lines after the last record),
/// `Some(Err)` when it failed there.
struct Batch {
    reads: Vec<Read>,
    end: Option<Result<u64, SheetError>>,
}

/// The records of a text input, read by a thread of their own.
pub(super) struct Ahead {
    batches: Receiver<Batch>,
    spent: SyncSender<Vec<Read>>,
    current: Vec<Read>,
    at: usize,
    end: Option<Result<u64, SheetError>>,
    /// The offset of the last record handed out.
    offset: u64,
    len: u64,
    input: Arc<Input>,
    name: String,
}

impl Ahead {
    /// Starts reading `rows` (after its header) on a thread. Where no thread can be started,
    /// `rows` comes back, to be read in place.
    pub(super) fn start(rows: TextRows) -> Result<Ahead, Box<TextRows>> {
        let (batches_tx, batches) = sync_channel::<Batch>(AHEAD);
        let (spent, spent_rx) = sync_channel::<Vec<Read>>(AHEAD + 2);
        let (offset, len) = (rows.offset(), rows.len());
        let (input, name) = (rows.input.clone(), rows.name.clone());
        // The rows go to the thread once it runs, so that they are still here if it cannot.
        let (give, take) = sync_channel::<TextRows>(1);
        let started = thread::Builder::new()
            .name("read-ahead".into())
            .spawn(move || {
                let Ok(mut rows) = take.recv() else {
                    return;
                };
                loop {
                    let (reads, end) = fill(&mut rows, spent_rx.try_recv().unwrap_or_default());
                    let done = end.is_some();
                    // The sheet was dropped (the run stopped early): nothing more to read.
                    if batches_tx.send(Batch { reads, end }).is_err() || done {
                        return;
                    }
                }
            });
        if started.is_err() {
            return Err(Box::new(rows));
        }
        // Cannot fail: the thread holds the receiver until it has taken the rows.
        let _ = give.send(rows);
        Ok(Ahead {
            batches,
            spent,
            current: Vec::new(),
            at: 0,
            end: None,
            offset,
            len,
            input,
            name,
        })
    }
}

/// Reads a batch into `reads` (a spent one, or a new one); says how reading went on after it.
fn fill(rows: &mut TextRows, mut reads: Vec<Read>) -> (Vec<Read>, Option<Result<u64, SheetError>>) {
    // With room for a typical record, so no row grows one to fit (docs/BENCHMARKS.md).
    let columns = rows.columns();
    reads.resize_with(BATCH, || Read {
        raw: RawRow {
            cells: ByteRecord::with_capacity(256, columns + 1),
            ..RawRow::default()
        },
        ..Read::default()
    });
    let mut filled = 0;
    let mut end = None;
    while filled < BATCH {
        let read = &mut reads[filled];
        match rows.next_row(&mut read.raw) {
            Ok(true) => {
                read.offset = rows.offset();
                filled += 1;
            }
            Ok(false) => {
                end = Some(Ok(rows.offset()));
                break;
            }
            Err(e) => {
                end = Some(Err(e));
                break;
            }
        }
    }
    reads.truncate(filled);
    (reads, end)
}

impl RowSource for Ahead {
    /// The next record, swapped into `raw` (whose buffer goes back to be filled again).
    fn next_row(&mut self, raw: &mut RawRow) -> Result<bool, SheetError> {
        while self.at == self.current.len() {
            if let Some(end) = self.end.take() {
                let offset = *end.as_ref().unwrap_or(&self.offset);
                // Asked again after the end: still the end.
                (self.offset, self.end) = (offset, Some(Ok(offset)));
                return end.map(|_| false);
            }
            let Ok(batch) = self.batches.recv() else {
                return Err(SheetError::Io {
                    name: self.name.clone(),
                    error: std::io::Error::other("reading the file stopped unexpectedly"),
                });
            };
            let spent = std::mem::replace(&mut self.current, batch.reads);
            // A full queue of spent batches only means a new one gets allocated.
            let _ = self.spent.try_send(spent);
            (self.at, self.end) = (0, batch.end);
        }
        let read = &mut self.current[self.at];
        self.at += 1;
        std::mem::swap(raw, &mut read.raw);
        self.offset = read.offset;
        Ok(true)
    }

    fn offset(&self) -> u64 {
        self.offset
    }

    fn len(&self) -> u64 {
        self.len
    }

    fn fingerprint(&self) -> Result<Fingerprint, SheetError> {
        fingerprint_of(&self.input, &self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{ReadSettings, Source};
    use super::super::text;
    use super::*;

    type Records = Vec<(Vec<u8>, u64, u64, Option<String>)>;

    /// Every record with its row number, end offset and cut-short reason, and the offset
    /// once the end is read.
    fn all(rows: &mut dyn RowSource) -> (Records, u64) {
        let (mut raw, mut out) = (RawRow::default(), Vec::new());
        while rows.next_row(&mut raw).unwrap() {
            let cut = raw.cut_short.clone();
            out.push((raw.cells.as_slice().to_vec(), raw.row, rows.offset(), cut));
        }
        (out, rows.offset())
    }

    #[test]
    fn records_read_ahead_are_the_records_read_in_place() {
        let dir = tempfile::tempdir().unwrap();
        // Three batches and more; blank lines, a cell over two lines; a last row that ends
        // inside a quote, as a cut-short download does, or blank lines after the last row.
        let mut text = String::from("number,username\n");
        for n in 0..(3 * BATCH + 17) {
            text.push_str(&format!("{},name {n}\n", 1000 + n));
            if n % 1000 == 7 {
                text.push_str("\n\n2000,\"two\nlines\"\n");
            }
        }
        let two_lines = (0..3 * BATCH + 17).filter(|n| n % 1000 == 7).count();
        for (end, records) in [("3000,\"cut sh", 1), ("\n\n\n", 0)] {
            let path = dir.path().join("t.csv");
            std::fs::write(&path, format!("{text}{end}")).unwrap();
            let source = Source::open(&path, &ReadSettings::default()).unwrap();
            let read = |ahead: bool| {
                let super::super::super::source::Format::Text(decision) = source.format else {
                    panic!("text");
                };
                let (rows, _) = text::open(&source, decision).unwrap();
                // Started directly: `open` reads in place on a machine of one core.
                match ahead {
                    true => all(&mut Ahead::start(rows).ok().unwrap()),
                    false => all(&mut { rows }),
                }
            };
            let (in_place, ahead) = (read(false), read(true));
            assert_eq!(in_place.0.len(), 3 * BATCH + 17 + two_lines + records);
            let cut = in_place.0.last().unwrap().3.is_some();
            assert_eq!(
                cut,
                records == 1,
                "only the row ending inside a quote is cut short"
            );
            assert_eq!(in_place, ahead, "{end:?}");
        }
    }
}
