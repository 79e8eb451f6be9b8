//! The report's lines into a file, a block at a time. Most lines need no quoting (numbers,
//! fixed words, plain names and messages without a comma): their cells are copied straight
//! into the block and the line checked once, whole. A line with a cell the csv crate would
//! quote is made again by the csv crate, so every line is exactly what it would write. The
//! csv crate looks at each byte of each cell through its writer's state machine, which was
//! most of what a report line cost (docs/BENCHMARKS.md, "The report writer").

use std::fs::File;
use std::io::{self, Write};

use crate::domain::formula::{defuse, runs_as_formula};

/// Bytes of lines gathered before they go to the file in one write.
const BLOCK: usize = 1 << 16;

/// Where the lines go, and those not written yet.
pub(super) struct Lines {
    file: File,
    block: Vec<u8>,
}

impl Lines {
    pub(super) fn new(file: File) -> Lines {
        Lines {
            file,
            block: Vec::with_capacity(BLOCK + 1024),
        }
    }

    /// Writes `cells`, each made text where a spreadsheet would run it ([`defuse`]), as one
    /// CSV line, as `csv::Writer::write_record` would.
    pub(super) fn write(&mut self, cells: &[&str]) -> io::Result<()> {
        // A single empty cell is quoted by csv (`""`), so an empty line is never a record.
        if cells.len() < 2 || !plain_line(&mut self.block, cells) {
            return self.quoted(cells);
        }
        self.block.push(b'\n');
        self.flush_if_full()
    }

    /// Writes the line made of `head` and then `tail` ([`Lines::tail`] of the other cells),
    /// and says true; or, when a cell of `head` needs quoting, writes nothing and says false.
    pub(super) fn write_with_tail(&mut self, head: &[&str], tail: &[u8]) -> io::Result<bool> {
        if !plain_line(&mut self.block, head) {
            return Ok(false);
        }
        self.block.extend_from_slice(tail);
        self.flush_if_full().map(|()| true)
    }

    /// The end of a line whose last cells are `cells`, made once for many lines: the
    /// delimiter before them, the cells, the line's end. Cells that need quoting have none.
    pub(super) fn tail(cells: &[&str]) -> Vec<u8> {
        let mut tail = vec![b','];
        match plain_line(&mut tail, cells) {
            true => tail.push(b'\n'),
            false => tail.clear(),
        }
        tail
    }

    fn flush_if_full(&mut self) -> io::Result<()> {
        match self.block.len() >= BLOCK {
            true => self.flush(),
            false => Ok(()),
        }
    }

    /// A line with a cell to quote, through the csv crate. A writer of its own: such lines
    /// are few, and csv's writer cannot be emptied.
    fn quoted(&mut self, cells: &[&str]) -> io::Result<()> {
        let mut quoted = csv::Writer::from_writer(&mut self.block);
        quoted.write_record(cells.iter().map(|cell| defuse(cell).into_owned()))?;
        quoted.flush()
    }

    /// Writes the lines gathered so far to the file.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        let written = self.file.write_all(&self.block);
        self.block.clear();
        written
    }
}

/// Lines gathered are written when the report is dropped unfinished too (a run that
/// returned early), as a `BufWriter` would; whoever must know that they were calls `flush`.
impl Drop for Lines {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Adds `cells`, each made text where a spreadsheet would run it, to `into` as a line without
/// its end, when the csv crate would write each as it is; otherwise leaves `into` as it was
/// and says false.
fn plain_line(into: &mut Vec<u8>, cells: &[&str]) -> bool {
    let start = into.len();
    for (at, cell) in cells.iter().enumerate() {
        if at > 0 {
            into.push(b',');
        }
        // The apostrophe `defuse` adds is no reason to quote.
        if runs_as_formula(cell) {
            into.push(b'\'');
        }
        into.extend_from_slice(cell.as_bytes());
    }
    let plain = plain(&into[start..], cells.len().saturating_sub(1));
    if !plain {
        into.truncate(start);
    }
    plain
}

/// Whether the csv crate writes each cell of `line` as it is (its default
/// `QuoteStyle::Necessary`): no quote or line end anywhere, and no delimiter but the
/// `delimiters` between the cells. Two vector searches of the whole line, cheaper than
/// looking at each byte of each cell.
fn plain(line: &[u8], delimiters: usize) -> bool {
    memchr::memchr3(b'"', b'\n', b'\r', line).is_none()
        && memchr::memchr_iter(b',', line).count() == delimiters
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the csv crate itself writes for `cells`, defused.
    fn by_csv(cells: &[&str]) -> Vec<u8> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(cells.iter().map(|c| defuse(c).into_owned()))
            .unwrap();
        out.into_inner().unwrap()
    }

    #[test]
    fn every_line_is_what_the_csv_crate_writes_of_the_defused_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines.csv");
        let mut lines = Lines::new(File::create(&path).unwrap());
        let mut expected = Vec::new();
        // Every ASCII byte, and a few others, first, inside and last in a cell.
        let mut samples: Vec<String> = (0u8..128)
            .map(char::from)
            .chain(['é', '郑', '\u{feff}'])
            .flat_map(|c| [format!("{c}"), format!("a{c}b"), format!("ab{c}")])
            .collect();
        samples.extend(["", " ", "#x", "'=1+1", "=1,2", "''-3", "'Tis", "a  b"].map(String::from));
        for sample in &samples {
            for cells in [
                vec![sample.as_str()],
                vec![sample.as_str(), "1001"],
                vec!["2", sample.as_str(), ""],
                vec!["", ""],
            ] {
                lines.write(&cells).unwrap();
                expected.extend(by_csv(&cells));
            }
        }
        lines.flush().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), expected);
    }
}
