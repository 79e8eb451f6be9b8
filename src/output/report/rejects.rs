//! The rejects file: the rows that failed, were invalid or were left unfinished, written as
//! the input was, so "fix and re-run" is one step.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use csv::ByteRecord;
use encoding_rs::UTF_8;

use crate::input::{Layout, LineEnd, bom as input_bom, encode};
use crate::output::files::private_file;
use crate::output::sheet_writer::SheetWriter;

/// The rejects file is written as the input was (a workbook, or text in the input's
/// encoding, byte-order mark and delimiter), so it opens in the same program the same way.
pub(super) struct Rejects {
    path: PathBuf,
    header: ByteRecord,
    layout: Layout,
    out: Option<RejectsOut>,
}

enum RejectsOut {
    /// Flushed line by line while the report's lines are, so a killed run leaves every reject
    /// written so far.
    Text(BufWriter<File>),
    /// A workbook is whole only once saved, when the run ends (`--resume` writes it again).
    Book(Box<SheetWriter>),
}

impl Rejects {
    pub(super) fn new(path: PathBuf, header: ByteRecord, layout: Layout) -> Rejects {
        Rejects {
            path,
            header,
            layout,
            out: None,
        }
    }

    /// Where it is, once a row went into it.
    pub(super) fn written(&self) -> Option<&Path> {
        self.out.as_ref().map(|_| self.path.as_path())
    }

    /// Closes it (a workbook is saved only now).
    pub(super) fn finish(self) -> io::Result<()> {
        match self.out {
            Some(RejectsOut::Text(mut out)) => out.flush(),
            Some(RejectsOut::Book(out)) => out.finish(),
            None => Ok(()),
        }
    }

    pub(super) fn write(&mut self, raw: &ByteRecord, flush: bool) -> io::Result<()> {
        let cells = |record: &ByteRecord| -> Vec<String> {
            record
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect()
        };
        if self.out.is_none() {
            self.out = Some(if self.layout.workbook {
                let header = cells(&self.header);
                let header: Vec<&str> = header.iter().map(String::as_str).collect();
                RejectsOut::Book(Box::new(SheetWriter::create(&self.path, &header)?))
            } else {
                let mut file = private_file(&self.path, bom(self.layout))?;
                file.write_all(&self.encoded(&self.header)?)?;
                RejectsOut::Text(BufWriter::new(file))
            });
        }
        let line = match &self.out {
            Some(RejectsOut::Text(_)) => self.encoded(raw)?,
            _ => Vec::new(),
        };
        match self.out.as_mut().expect("opened above") {
            RejectsOut::Text(out) => {
                out.write_all(&line)?;
                if flush { out.flush() } else { Ok(()) }
            }
            RejectsOut::Book(out) => {
                let row = cells(raw);
                out.row(&row.iter().map(String::as_str).collect::<Vec<_>>())
            }
        }
    }

    /// One record as a CSV line in the input's encoding.
    fn encoded(&self, record: &ByteRecord) -> io::Result<Vec<u8>> {
        let terminator = match self.layout.line_end {
            LineEnd::CrLf => csv::Terminator::CRLF,
            end => csv::Terminator::Any(end.bytes()[0]),
        };
        let mut line = csv::WriterBuilder::new()
            .delimiter(self.layout.delimiter)
            .terminator(terminator)
            .flexible(true)
            .from_writer(Vec::new());
        line.write_byte_record(record)?;
        let utf8 = line.into_inner().map_err(csv::IntoInnerError::into_error)?;
        Ok(if self.layout.encoding == UTF_8 {
            utf8
        } else {
            // Records come from text decoded from this encoding, so they encode back whole.
            encode(self.layout.encoding, &String::from_utf8_lossy(&utf8))
        })
    }
}

/// The byte-order mark the rejects file starts with: the input's, if it had one (a file
/// re-imported must read as the input did, byte for byte where the row is unchanged).
fn bom(layout: Layout) -> &'static [u8] {
    if layout.bom {
        input_bom(layout.encoding)
    } else {
        b""
    }
}
