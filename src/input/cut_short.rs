//! Noticing a file cut short: a reader that watches the bytes going into the CSV parser and
//! remembers whether the input ended on a line end and whether it ended inside a quoted cell.
//!
//! The csv crate reads an unterminated quote at the end of the input as a whole cell, and a
//! last line without its line end as a whole row; both are what an interrupted download
//! leaves, so the sheet asks [`Shared::ending`] about the last record before trusting it.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LockResult, Mutex, MutexGuard};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Quote {
    /// At the start of a cell: a quote here opens a quoted cell.
    #[default]
    CellStart,
    /// Inside a cell that did not start with a quote: quotes are plain text.
    Plain,
    Quoted,
    /// A quote inside a quoted cell: it closes the cell, or (doubled) stands for one quote.
    MaybeClosed,
}

/// What the reader has seen so far, shared with the sheet.
#[derive(Debug, Default)]
pub(crate) struct Tail {
    /// Set once the delimiter is known; quotes are tracked from then on.
    delimiter: Option<u8>,
    state: Quote,
    read: u64,
    last: Option<u8>,
}

/// How the input ended, once it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ending {
    /// Bytes read in all.
    pub(crate) len: u64,
    pub(crate) line_end: bool,
    pub(crate) open_quote: bool,
}

impl Tail {
    /// Starts tracking quotes with `delimiter`, from `already` (the bytes read before it was
    /// known, after any BOM).
    pub(crate) fn start(&mut self, delimiter: u8, already: &[u8]) {
        self.delimiter = Some(delimiter);
        self.track(already);
    }

    fn track(&mut self, bytes: &[u8]) {
        let Some(d) = self.delimiter else { return };
        // Outside a quoted cell, a stretch without quotes ends where its last byte leaves it:
        // no quote opens or closes inside it. One pass finds that out for a whole buffer,
        // where following cell by cell cost as much as the CSV parse itself.
        if let (false, Some(&last)) = (self.state == Quote::Quoted, bytes.last())
            && memchr::memchr(b'"', bytes).is_none()
        {
            self.state = match last {
                b'\n' | b'\r' => Quote::CellStart,
                b if b == d => Quote::CellStart,
                _ => Quote::Plain,
            };
            return;
        }
        let mut i = 0;
        while i < bytes.len() {
            match self.state {
                // Most bytes sit inside cells; skip to the next one that can change the state.
                Quote::Plain => match memchr::memchr3(d, b'\n', b'\r', &bytes[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.state = Quote::CellStart;
                    }
                    None => return,
                },
                Quote::Quoted => match memchr::memchr(b'"', &bytes[i..]) {
                    Some(at) => {
                        i += at + 1;
                        self.state = Quote::MaybeClosed;
                    }
                    None => return,
                },
                Quote::CellStart | Quote::MaybeClosed => {
                    self.state = match (self.state, bytes[i]) {
                        (_, b'"') => Quote::Quoted,
                        (_, b'\n' | b'\r') => Quote::CellStart,
                        (_, b) if b == d => Quote::CellStart,
                        _ => Quote::Plain,
                    };
                    i += 1;
                }
            }
        }
    }
}

/// The [`Tail`] shared between the reader and the sheet, with whether the input has ended
/// readable without the lock: the sheet asks after every record, and taking the lock each
/// time was a fortieth of validating a big file.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    tail: Mutex<Tail>,
    ended: AtomicBool,
}

impl Shared {
    pub(crate) fn lock(&self) -> LockResult<MutexGuard<'_, Tail>> {
        self.tail.lock()
    }

    /// How the input ended, or `None` while there may be more.
    pub(crate) fn ending(&self) -> Option<Ending> {
        if !self.ended.load(Ordering::Acquire) {
            return None;
        }
        let tail = self.lock().expect("tail lock");
        Some(Ending {
            len: tail.read,
            line_end: matches!(tail.last, None | Some(b'\n' | b'\r')),
            open_quote: tail.state == Quote::Quoted,
        })
    }
}

/// Reads through to `inner`, keeping `tail` up to date.
pub(crate) struct CutShort<R> {
    inner: R,
    tail: Arc<Shared>,
}

impl<R: Read> CutShort<R> {
    pub(crate) fn new(inner: R) -> (Self, Arc<Shared>) {
        let tail = Arc::new(Shared::default());
        (
            CutShort {
                inner,
                tail: tail.clone(),
            },
            tail,
        )
    }
}

impl<R: Read> Read for CutShort<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut tail = self.tail.lock().expect("tail lock");
        if n == 0 {
            if !buf.is_empty() {
                self.tail.ended.store(true, Ordering::Release);
            }
            return Ok(0);
        }
        tail.read += n as u64;
        tail.last = Some(buf[n - 1]);
        tail.track(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ending(text: &str, delimiter: u8) -> Ending {
        let (mut reader, tail) = CutShort::new(text.as_bytes());
        tail.lock().unwrap().start(delimiter, b"");
        // Small reads, so the state carries across reads.
        let mut buf = [0u8; 3];
        while reader.read(&mut buf).unwrap() > 0 {}
        tail.ending().unwrap()
    }

    #[test]
    fn a_whole_file_ends_on_a_line_end_outside_quotes() {
        let e = ending("a,b\n1,\"x \"\"q\"\" ,\ny\"\n", b',');
        assert!(e.line_end && !e.open_quote, "{e:?}");
    }

    #[test]
    fn a_file_cut_inside_a_quoted_cell_is_noticed() {
        let e = ending("a,b\n1,\"Secret-Pa", b',');
        assert!(!e.line_end && e.open_quote, "{e:?}");
        // A line end inside the open quote is still inside it.
        let e = ending("a,b\n1,\"line one\n", b',');
        assert!(e.line_end && e.open_quote, "{e:?}");
    }

    #[test]
    fn quotes_inside_plain_cells_are_text() {
        let e = ending("a,b\n1,5\" screen", b',');
        assert!(!e.line_end && !e.open_quote, "{e:?}");
        let e = ending("a;b\n1;\"x;y\";z", b';');
        assert!(!e.line_end && !e.open_quote, "{e:?}");
    }

    /// The quote state after `bytes`, one byte at a time, as the reader first followed it.
    fn state_by_bytes(d: u8, bytes: &[u8]) -> Quote {
        bytes
            .iter()
            .fold(Quote::CellStart, |state, &b| match (state, b) {
                (Quote::Quoted, b'"') => Quote::MaybeClosed,
                (Quote::Quoted, _) => Quote::Quoted,
                (Quote::Plain, b'\n' | b'\r') => Quote::CellStart,
                (Quote::Plain, b) if b == d => Quote::CellStart,
                (Quote::Plain, _) => Quote::Plain,
                (_, b'"') => Quote::Quoted,
                (_, b'\n' | b'\r') => Quote::CellStart,
                (_, b) if b == d => Quote::CellStart,
                _ => Quote::Plain,
            })
    }

    #[test]
    fn whole_stretches_without_quotes_end_in_the_state_byte_by_byte_reading_reaches() {
        let alphabet = [b',', b'"', b'a', b'\n'];
        let mut texts: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..6 {
            let longer: Vec<Vec<u8>> = texts
                .iter()
                .filter(|t| t.len() == texts.last().map_or(0, Vec::len))
                .flat_map(|t| alphabet.iter().map(move |&b| [t.as_slice(), &[b]].concat()))
                .collect();
            texts.extend(longer);
        }
        for text in &texts {
            for cut in 0..=text.len() {
                let mut tail = Tail::default();
                tail.start(b',', &text[..cut]);
                tail.track(&text[cut..]);
                assert_eq!(
                    tail.state,
                    state_by_bytes(b',', text),
                    "{text:?} cut at {cut}"
                );
            }
        }
    }
}
