//! The [`RowSource`]s of a file, whatever its format: CSV text (`text`), a workbook (`book`),
//! or text read ahead on a thread of its own (`ahead`), each watched for changes while it is
//! read (`watched`). [`open`] picks the kind from what [`Source`] decided about the file.

mod ahead;
mod book;
mod text;
mod watched;

use ahead::Ahead;
use watched::Watched;

use super::SheetError;
use super::pinned::{Fingerprint, Input, InputError};
use super::row_source::{Opened, RowSource};
use super::source::{Format, Source};

/// Text inputs from this size on are read ahead on a thread of their own (`ahead`), where
/// there is more than one core: below it, starting the thread costs more than it saves.
/// Unit tests read every file ahead (on two cores or more), the command-line tests' small
/// files in place, so both ways are tried.
const AHEAD_FROM: u64 = if cfg!(test) { 0 } else { 1 << 20 };

/// Opens `source` as the rows of its kind, and reads its header.
pub(super) fn open(source: &Source) -> Result<Opened, SheetError> {
    let (rows, head): (Box<dyn RowSource>, _) = match source.format {
        Format::Text(decision) => {
            let (rows, head) = text::open(source, decision)?;
            let rows = match worth_a_thread(rows.len(), AHEAD_FROM) {
                true => Ahead::start(rows).map_or_else(
                    |rows| Box::new(*rows) as Box<dyn RowSource>,
                    |ahead| Box::new(ahead),
                ),
                false => Box::new(rows),
            };
            (rows, head)
        }
        Format::Book => {
            let (rows, head) = book::open(source)?;
            (Box::new(rows), head)
        }
    };
    let rows = Watched::new(rows, source.input(), source.name());
    Ok(Opened {
        rows: Box::new(rows),
        head,
    })
}

/// The fingerprint of a pinned file, its errors said as reading's.
fn fingerprint_of(input: &Input, name: &str) -> Result<Fingerprint, SheetError> {
    input.fingerprint().cloned().map_err(|error| match error {
        InputError::Changed { .. } => SheetError::Changed {
            name: name.to_string(),
        },
        InputError::Io { source, .. } => SheetError::Io {
            name: name.to_string(),
            error: source,
        },
    })
}

/// Whether text of `len` is read ahead, from `from` on: on one core a second thread only
/// adds the hand-over.
fn worth_a_thread(len: u64, from: u64) -> bool {
    len >= from && cores() > 1
}

/// The cores this process may run on.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}
