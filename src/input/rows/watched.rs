//! A file's rows, watched for changes while they are read: a run never plans a row of a file
//! that changed under it, nor finishes on one.

use std::time::{Duration, Instant};

use super::super::SheetError;
use super::super::pinned::{Fingerprint, Input};
use super::super::row_source::{RawRow, RowSource};

/// How often reading asks whether the file changed, besides every read of its bytes (see
/// `Input::reader`): a `stat` for every row was a system call per row, and a file rewritten
/// during a slow import is still noticed within a moment.
const WATCH_EVERY: Duration = Duration::from_millis(50);

pub(super) struct Watched {
    rows: Box<dyn RowSource>,
    /// Says whether the file changed since it was opened.
    changed: Box<dyn Fn() -> bool + Send>,
    /// When `changed` was last asked, and how many records were read (the clock is read
    /// only every 16th).
    watched: Instant,
    reads: u64,
    name: String,
}

impl Watched {
    pub(super) fn new(rows: Box<dyn RowSource>, input: &Input, name: String) -> Watched {
        Watched {
            rows,
            changed: Box::new(input.watch()),
            watched: Instant::now(),
            reads: 0,
            name,
        }
    }
}

impl RowSource for Watched {
    fn next_row(&mut self, raw: &mut RawRow) -> Result<bool, SheetError> {
        let more = self.rows.next_row(raw)?;
        // The end is always checked: a run never finishes on a file that changed under it.
        self.reads += 1;
        if (!more || (self.reads.is_multiple_of(16) && self.watched.elapsed() >= WATCH_EVERY)) && {
            self.watched = Instant::now();
            (self.changed)()
        } {
            return Err(SheetError::Changed {
                name: self.name.clone(),
            });
        }
        Ok(more)
    }

    fn offset(&self) -> u64 {
        self.rows.offset()
    }

    fn len(&self) -> u64 {
        self.rows.len()
    }

    fn fingerprint(&self) -> Result<Fingerprint, SheetError> {
        self.rows.fingerprint()
    }
}
