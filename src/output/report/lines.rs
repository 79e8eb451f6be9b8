//! The report's lines into a buffered file. Most lines need no quoting (numbers, fixed words,
//! plain names and messages without a comma), and those are copied cell by cell; a line with
//! a cell the csv crate would quote goes through the csv crate, so every line is exactly what
//! it would write. The csv crate looks at each byte of each cell through its writer's state
//! machine, which was most of what a report line cost.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use crate::domain::formula::{defuse, runs_as_formula};

/// Where the lines go, and the line being made (kept, so no line allocates).
pub(super) struct Lines {
    out: BufWriter<File>,
    line: Vec<u8>,
}

impl Lines {
    pub(super) fn new(file: File) -> Lines {
        Lines {
            out: BufWriter::with_capacity(1 << 16, file),
            line: Vec::new(),
        }
    }

    /// Writes `cells`, each made text where a spreadsheet would run it ([`defuse`]), as one
    /// CSV line, as `csv::Writer::write_record` would.
    pub(super) fn write(&mut self, cells: &[&str]) -> io::Result<()> {
        // A single empty cell is quoted by csv (`""`), so an empty line is never a record.
        if cells.len() < 2 {
            return self.quoted(cells);
        }
        self.line.clear();
        for (at, cell) in cells.iter().enumerate() {
            if !plain(cell.as_bytes()) {
                return self.quoted(cells);
            }
            if at > 0 {
                self.line.push(b',');
            }
            // The apostrophe `defuse` adds is no reason to quote.
            if runs_as_formula(cell) {
                self.line.push(b'\'');
            }
            self.line.extend_from_slice(cell.as_bytes());
        }
        self.line.push(b'\n');
        self.out.write_all(&self.line)
    }

    /// A line with a cell to quote, through the csv crate. A writer of its own: such lines
    /// are few, and csv's writer cannot be emptied.
    fn quoted(&mut self, cells: &[&str]) -> io::Result<()> {
        let mut quoted = csv::Writer::from_writer(Vec::new());
        quoted.write_record(cells.iter().map(|cell| defuse(cell).into_owned()))?;
        let line = quoted
            .into_inner()
            .map_err(csv::IntoInnerError::into_error)?;
        self.out.write_all(&line)
    }

    pub(super) fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Whether the csv crate writes `cell` as it is (its default `QuoteStyle::Necessary`): no
/// delimiter, quote or line end in it.
fn plain(cell: &[u8]) -> bool {
    !cell
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
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
