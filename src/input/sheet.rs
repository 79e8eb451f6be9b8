//! Reading the input spreadsheet, one record at a time.
//!
//! Accepts what spreadsheet programs write: CSV in UTF-8 with or without a BOM, comma-,
//! semicolon- or tab-separated (detected from the header), CRLF or LF, quoted cells holding
//! delimiters, quotes and newlines. Header names match the rule table case-insensitively.
//! Records stream: only the current one is in memory, so a file of any size can be read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use std::sync::{Arc, Mutex};

use csv::ByteRecord;

use super::cut_short::{CutShort, Tail};
use super::mapping::{BindError, Bound, Mapped, Mapping};
use super::source::Input;
use crate::domain::Code;
use crate::domain::values::{list_some, shorten};
use crate::rules::{Cells, Problem, Table};

/// The file as a whole cannot be read: one clear line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SheetError {
    #[error("cannot read {path}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path} is empty: the first row must name the columns")]
    Empty { path: PathBuf },
    #[error("{path} is UTF-16 text; save it as \"CSV UTF-8 (comma delimited)\" and try again")]
    Utf16 { path: PathBuf },
    #[error("{path}: the header row is not valid UTF-8 text")]
    HeaderNotUtf8 { path: PathBuf },
    #[error("{path}: unknown column(s) {unknown}. Columns {api} accepts: {known}")]
    UnknownColumns {
        path: PathBuf,
        unknown: String,
        api: &'static str,
        known: String,
    },
    #[error("{path}: column {column} appears twice in the header")]
    DuplicateColumn { path: PathBuf, column: String },
    #[error("{path}: the column {key} is missing; it names the extension on every row")]
    MissingKey { path: PathBuf, key: &'static str },
    #[error("{origin}{}: {message}", at_line(*.line))]
    Mapping {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{path}: unknown column(s) {unknown}: map them in {origin}, or list them under ignore")]
    UnmappedColumns {
        path: PathBuf,
        unknown: String,
        origin: String,
    },
    #[error("{origin} fills no {key}: map the column that holds the extension's number to {key}")]
    MappedNoKey { origin: String, key: &'static str },
    #[error(
        "{path} changed while it was being read; the run stopped. Run again once it is complete"
    )]
    Changed { path: PathBuf },
}

/// Unknown columns named in the error line, and characters of each.
const UNKNOWN_LISTED: usize = 20;
const NAME_SHOWN: usize = 40;

fn at_line(line: usize) -> String {
    match line {
        0 => String::new(),
        n => format!(" line {n}"),
    }
}

impl RowCells<'_> {
    /// The allocation of the cells, for the next row's [`Sheet::row`].
    pub(crate) fn recycle<'b>(self) -> Vec<&'b str> {
        match self {
            RowCells::Cells { cells, .. } => cells.recycle(),
            _ => Vec::new(),
        }
    }
}

/// One record, ready to plan.
#[derive(Debug)]
pub(crate) enum RowCells<'a> {
    /// The cells in table order; `note` names values a conversion could not carry over.
    Cells {
        cells: Cells<'a>,
        note: Option<String>,
    },
    /// A skip condition of the mapping holds: the row's number (if the mapping found one) and
    /// why, for the report.
    Skipped { number: String, why: String },
    /// The record cannot be read or mapped; `number` is the key's cell where it was found.
    Invalid {
        number: String,
        problems: Vec<Problem>,
    },
}

/// An open spreadsheet with a validated header.
pub(crate) struct Sheet {
    path: PathBuf,
    reader: csv::Reader<Box<dyn Read + Send>>,
    table: &'static Table,
    header: ByteRecord,
    /// Column position → field index in the table; `None` for a column with a blank header
    /// (spreadsheet programs write trailing delimiters), whose cells must then stay blank.
    columns: Vec<Option<usize>>,
    /// With `--map` (or a conversion between APIs): the mapping bound to this header, which
    /// then stands in for `columns`.
    mapping: Option<Bound>,
    delimiter: u8,
    /// The spreadsheet row of the last record read (the header is row 1).
    row: u64,
    /// The reader's line after the last record read.
    line: u64,
    /// How the input ends, to tell a last row cut short.
    tail: Arc<Mutex<Tail>>,
    bom: u64,
    /// Why the record just read was cut short, if it was.
    cut_short: Option<String>,
    /// Says whether the file changed since it was opened.
    changed: Option<Box<dyn Fn() -> bool + Send>>,
}

impl Sheet {
    /// Opens `path` (`-` for standard input) and checks its header against `table`.
    pub(crate) fn open(path: &Path, table: &'static Table) -> Result<Sheet, SheetError> {
        Sheet::open_mapped(path, table, None)
    }

    /// Opens `path`; with a mapping, its header is checked through the mapping instead.
    pub(crate) fn open_mapped(
        path: &Path,
        table: &'static Table,
        mapping: Option<&Mapping>,
    ) -> Result<Sheet, SheetError> {
        let input: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(io::stdin())
        } else {
            Box::new(File::open(path).map_err(|source| SheetError::Io {
                path: path.to_owned(),
                source,
            })?)
        };
        Sheet::from_reader(path, input, table, mapping)
    }

    /// Reads a pinned input; a read after the file changed is an error.
    pub(crate) fn from_input(
        input: &Input,
        table: &'static Table,
        mapping: Option<&Mapping>,
    ) -> Result<Sheet, SheetError> {
        let reader = Box::new(input.reader());
        let mut sheet = Sheet::from_reader(input.path(), reader, table, mapping)?;
        sheet.changed = Some(Box::new(input.watch()));
        Ok(sheet)
    }

    fn from_reader(
        path: &Path,
        input: Box<dyn Read + Send>,
        table: &'static Table,
        mapping: Option<&Mapping>,
    ) -> Result<Sheet, SheetError> {
        let io_err = |source| SheetError::Io {
            path: path.to_owned(),
            source,
        };
        let (input, tail) = CutShort::new(input);
        let mut input = BufReader::with_capacity(256 * 1024, input);
        let head = input.fill_buf().map_err(io_err)?;
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(SheetError::Utf16 {
                path: path.to_owned(),
            });
        }
        let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let delimiter = detect_delimiter(&head[bom..]);
        tail.lock()
            .expect("tail lock")
            .start(delimiter, &head[bom..]);
        input.consume(bom);

        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(Box::new(input) as Box<dyn Read + Send>);
        let mut header = ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| csv_err(path, e))?
        {
            return Err(SheetError::Empty {
                path: path.to_owned(),
            });
        }
        let (columns, mapping) = match mapping {
            None => (map_header(path, &header, table)?, None),
            Some(mapping) => (Vec::new(), Some(bind(path, &header, table, mapping)?)),
        };
        let line = reader.position().line();
        Ok(Sheet {
            path: path.to_owned(),
            reader,
            table,
            header,
            columns,
            mapping,
            delimiter,
            row: 1,
            line,
            tail,
            bom: bom as u64,
            cut_short: None,
            changed: None,
        })
    }

    pub(crate) fn header(&self) -> &ByteRecord {
        &self.header
    }

    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Whether the file has the column `name`.
    pub(crate) fn has_column(&self, name: &str) -> bool {
        self.table.index(name).is_some_and(|i| match &self.mapping {
            Some(mapping) => mapping.fills(i),
            None => self.columns.contains(&Some(i)),
        })
    }

    pub(crate) fn table(&self) -> &'static Table {
        self.table
    }

    /// Bytes of the file read so far.
    pub(crate) fn offset(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Reads the next record into `record` and returns its spreadsheet row number.
    pub(crate) fn read(&mut self, record: &mut ByteRecord) -> Result<Option<u64>, SheetError> {
        if !self
            .reader
            .read_byte_record(record)
            .map_err(|e| csv_err(&self.path, e))?
        {
            return Ok(None);
        }
        // The csv crate skips blank lines; a spreadsheet shows each as a row, so count them:
        // the lines this record used beyond its own are blank lines before it.
        if self.changed.as_ref().is_some_and(|changed| changed()) {
            return Err(SheetError::Changed {
                path: self.path.clone(),
            });
        }
        let line = self.reader.position().line();
        // One line is the common case: no newline inside a cell and no blank line before it.
        let blank = match line - self.line {
            0 | 1 => 0,
            lines => lines.saturating_sub(1 + newlines(record)),
        };
        self.row += 1 + blank;
        self.line = line;
        self.cut_short = self.cut_short(record);
        Ok(Some(self.row))
    }

    /// Why `record`, the last of the input, looks cut short (an interrupted download).
    fn cut_short(&self, record: &ByteRecord) -> Option<String> {
        let ending = self.tail.lock().expect("tail lock").ending()?;
        if ending.len != self.bom + self.reader.position().byte() {
            return None; // not the last record
        }
        let cells = (record.len(), self.header.len());
        if ending.open_quote {
            Some("the file ends inside a quoted cell of this row".into())
        } else if !ending.line_end && cells.0 < cells.1 {
            Some(format!(
                "the file ends in this row without a line end, after {} of {} cells",
                cells.0, cells.1
            ))
        } else {
            None
        }
    }

    /// The problem of a record cut short, if it was.
    fn cut_short_problem(&self) -> Option<Problem> {
        let why = self.cut_short.as_ref()?;
        Some(Problem {
            field: "",
            code: Code::TruncatedRow,
            message: format!(
                "{why}: the file looks cut short (an interrupted download?); the row is not \
                 imported. Check the file's end"
            ),
        })
    }

    /// The record as cells in table order, through the mapping if there is one; `buf` holds
    /// what a mapping made, and the cells go into the allocation of `spare` (see
    /// [`RowCells::recycle`]), so that reading a file allocates nothing per row.
    pub(crate) fn row<'a>(
        &self,
        record: &'a ByteRecord,
        buf: &'a mut Vec<String>,
        spare: Vec<&'a str>,
    ) -> RowCells<'a> {
        if let Some(problem) = self.cut_short_problem() {
            return RowCells::Invalid {
                number: String::new(),
                problems: vec![problem],
            };
        }
        let Some(mapping) = &self.mapping else {
            return match self.cells_in(record, spare) {
                Ok(cells) => RowCells::Cells { cells, note: None },
                Err(problem) => RowCells::Invalid {
                    number: String::new(),
                    problems: vec![problem],
                },
            };
        };
        let mut text = Vec::with_capacity(record.len());
        for (i, raw) in record.iter().enumerate() {
            let column = self.header.get(i).map(|h| String::from_utf8_lossy(h));
            let Some(column) = column.filter(|c| !c.trim().is_empty()) else {
                if raw.iter().all(u8::is_ascii_whitespace) {
                    text.push("");
                    continue;
                }
                return RowCells::Invalid {
                    number: String::new(),
                    problems: vec![extra_cell(i)],
                };
            };
            let Ok(cell) = std::str::from_utf8(raw) else {
                return RowCells::Invalid {
                    number: String::new(),
                    problems: vec![Problem {
                        field: "",
                        code: Code::NotUtf8,
                        message: format!(
                            "{} is not valid UTF-8 text; save the file as \"CSV UTF-8\"",
                            column.trim()
                        ),
                    }],
                };
            };
            text.push(cell.trim());
        }
        // A blank line stays blank: constants must not turn it into a row.
        if text.iter().all(|c| c.is_empty()) {
            return RowCells::Cells {
                cells: Cells::blank(self.table),
                note: None,
            };
        }
        let key = |buf: &[String]| buf.get(self.table.key_index()).cloned().unwrap_or_default();
        match mapping.apply(&text, buf) {
            Mapped::Row { note } => RowCells::Cells {
                cells: Cells {
                    values: buf.iter().map(String::as_str).collect(),
                },
                note,
            },
            Mapped::Skipped(why) => RowCells::Skipped {
                number: key(buf),
                why,
            },
            Mapped::Failed(problems) => RowCells::Invalid {
                number: key(buf),
                problems,
            },
        }
    }

    /// The record's cells in table order, or the problem that makes the record unreadable.
    pub(crate) fn cells<'a>(&self, record: &'a ByteRecord) -> Result<Cells<'a>, Problem> {
        self.cells_in(record, Vec::new())
    }

    /// [`Sheet::cells`] in the allocation of `spare`.
    fn cells_in<'a>(
        &self,
        record: &'a ByteRecord,
        spare: Vec<&'a str>,
    ) -> Result<Cells<'a>, Problem> {
        if let Some(problem) = self.cut_short_problem() {
            return Err(problem);
        }
        let mut cells = Cells::blank_in(self.table, spare);
        // Checked once for the whole record; a cell is then a slice of it, unless a cell
        // boundary splits a character, which the cell's own check below then reports.
        let whole = std::str::from_utf8(record.as_slice()).ok();
        let mut start = 0;
        for (i, raw) in record.iter().enumerate() {
            // The cells lie end to end in the record's bytes.
            let (at, end) = (start, start + raw.len());
            start = end;
            let Some(&Some(field)) = self.columns.get(i) else {
                if raw.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Err(extra_cell(i));
            };
            let text = match whole.and_then(|w| w.get(at..end)) {
                Some(text) => text,
                None => std::str::from_utf8(raw).map_err(|_| {
                    let name = self.table.fields[field].name;
                    Problem {
                        field: name,
                        code: Code::NotUtf8,
                        message: format!(
                            "{name} is not valid UTF-8 text; save the file as \"CSV UTF-8\""
                        ),
                    }
                })?,
            };
            cells.values[field] = trim(text);
        }
        Ok(cells)
    }
}

/// `str::trim`, skipped when the cell starts and ends with a printable ASCII character (which
/// `trim` would leave alone): most cells.
fn trim(text: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if printable(text.as_bytes().first()) && printable(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

fn extra_cell(i: usize) -> Problem {
    Problem {
        field: "",
        code: Code::ExtraCells,
        message: format!(
            "cell {} has a value but its column has no name in the header",
            i + 1
        ),
    }
}

/// Binds `mapping` to the header: the header check of a mapped file.
fn bind(
    path: &Path,
    header: &ByteRecord,
    table: &'static Table,
    mapping: &Mapping,
) -> Result<Bound, SheetError> {
    let names = header
        .iter()
        .map(std::str::from_utf8)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| SheetError::HeaderNotUtf8 {
            path: path.to_owned(),
        })?;
    mapping.bind(&names, table).map_err(|e| match e {
        BindError::At(at) => SheetError::Mapping {
            origin: mapping.origin.clone(),
            line: at.line,
            message: at.message,
        },
        BindError::Unknown(unknown) => SheetError::UnmappedColumns {
            path: path.to_owned(),
            unknown: list_some(&unknown, UNKNOWN_LISTED),
            origin: mapping.origin.clone(),
        },
        BindError::NoKey => SheetError::MappedNoKey {
            origin: mapping.origin.clone(),
            key: table.key,
        },
    })
}

fn csv_err(path: &Path, e: csv::Error) -> SheetError {
    let source = match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::new(io::ErrorKind::InvalidData, format!("{other:?}")),
    };
    SheetError::Io {
        path: path.to_owned(),
        source,
    }
}

fn newlines(record: &ByteRecord) -> u64 {
    record
        .iter()
        .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
        .sum()
}

/// The delimiter used most often outside quotes in the first line: `,`, `;` or tab.
fn detect_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn map_header(
    path: &Path,
    header: &ByteRecord,
    table: &Table,
) -> Result<Vec<Option<usize>>, SheetError> {
    let mut columns = Vec::with_capacity(header.len());
    let mut unknown = Vec::new();
    for raw in header {
        let name = std::str::from_utf8(raw).map_err(|_| SheetError::HeaderNotUtf8 {
            path: path.to_owned(),
        })?;
        if name.trim().is_empty() {
            columns.push(None);
            continue;
        }
        match table.column_for(name) {
            Some(i) if columns.contains(&Some(i)) => {
                return Err(SheetError::DuplicateColumn {
                    path: path.to_owned(),
                    column: table.fields[i].name.to_string(),
                });
            }
            Some(i) => columns.push(Some(i)),
            None => unknown.push(format!("{:?}", shorten(name.trim(), NAME_SHOWN))),
        }
    }
    if !unknown.is_empty() {
        return Err(SheetError::UnknownColumns {
            path: path.to_owned(),
            unknown: list_some(&unknown, UNKNOWN_LISTED),
            api: table.api.name(),
            known: table
                .fields
                .iter()
                .map(|f| f.name)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    if !columns.contains(&Some(table.key_index())) {
        return Err(SheetError::MissingKey {
            path: path.to_owned(),
            key: table.key,
        });
    }
    Ok(columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ApiKind;
    use crate::rules;

    fn open(dir: &tempfile::TempDir, bytes: &[u8]) -> Result<Sheet, SheetError> {
        let path = dir.path().join("in.csv");
        std::fs::write(&path, bytes).unwrap();
        Sheet::open(&path, rules::table(ApiKind::YeastarV2))
    }

    #[test]
    fn row_numbers_count_blank_lines_and_quoted_newlines_as_a_spreadsheet_does() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = b"\xEF\xBB\xBFNumber;UserName\r\n1001;Ana\r\n\r\n1002;\"Bo\r\nLine two\"\r\n1003;Cy\r\n";
        let mut sheet = open(&dir, bytes).unwrap();
        assert_eq!(sheet.delimiter(), b';');
        assert!(
            sheet.has_column("username"),
            "header matched case-insensitively, BOM dropped"
        );
        let mut record = ByteRecord::new();
        let mut rows = Vec::new();
        while let Some(row) = sheet.read(&mut record).unwrap() {
            let cells = sheet.cells(&record).unwrap();
            let table = sheet.table();
            rows.push((row, cells.get(table, "number").to_string()));
        }
        // Row 3 is the blank line; the quoted newline keeps 1002 on one row (4).
        let expected = [(2, "1001"), (4, "1002"), (5, "1003")].map(|(r, n)| (r, n.to_string()));
        assert_eq!(rows, expected);
    }

    #[test]
    fn a_broken_header_is_one_error_naming_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(open(&dir, b""), Err(SheetError::Empty { .. })));
        assert!(matches!(
            open(&dir, b"\xFF\xFEn\0"),
            Err(SheetError::Utf16 { .. })
        ));
        assert!(matches!(
            open(&dir, b"number,username,Number\n"),
            Err(SheetError::DuplicateColumn { column, .. }) if column == "number"
        ));
        assert!(matches!(
            open(&dir, b"username,email\n"),
            Err(SheetError::MissingKey { key: "number", .. })
        ));
        match open(&dir, b"number,colour\n") {
            Err(e @ SheetError::UnknownColumns { .. }) => {
                assert!(e.to_string().contains("\"colour\""), "{e}");
            }
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn a_cell_under_a_nameless_column_must_stay_blank() {
        let dir = tempfile::tempdir().unwrap();
        let mut sheet = open(&dir, b"number,username,\n1001,Ana, \n1002,Bo,x\n").unwrap();
        let mut record = ByteRecord::new();
        sheet.read(&mut record).unwrap();
        assert!(
            sheet.cells(&record).is_ok(),
            "a blank trailing cell is fine"
        );
        sheet.read(&mut record).unwrap();
        let problem = sheet.cells(&record).err().unwrap();
        assert_eq!(problem.code, Code::ExtraCells);
        assert!(problem.message.contains("cell 3"), "{}", problem.message);
    }

    #[test]
    fn the_delimiter_is_the_one_used_most_in_the_header() {
        assert_eq!(detect_delimiter(b"number,username,email\n1,a,b\n"), b',');
        assert_eq!(
            detect_delimiter(b"number;username;email\r\n1;a;b\r\n"),
            b';'
        );
        assert_eq!(detect_delimiter(b"number\tusername\temail\n"), b'\t');
        // A name with a comma in it does not outvote the semicolons that separate columns.
        assert_eq!(detect_delimiter(b"number;username, full;email\n"), b';');
    }

    #[test]
    fn delimiters_inside_quotes_do_not_count() {
        assert_eq!(detect_delimiter(b"\"a;b;c;d\",number,username\n"), b',');
        assert_eq!(detect_delimiter(b"\"x,y,z\";number\n"), b';');
        // A quoted newline does not end the header: the tabs after it still count.
        assert_eq!(
            detect_delimiter(b"\"note\nwith,commas,here\"\tnumber\tusername\tmobile\n"),
            b'\t'
        );
    }

    #[test]
    fn only_the_first_line_counts() {
        // The header is a single column; the data rows below use commas in their text.
        assert_eq!(detect_delimiter(b"number;username\n1,2,3,4,5\n"), b';');
        assert_eq!(detect_delimiter(b"number\tname\n;;;;;;\n"), b'\t');
    }

    #[test]
    fn without_any_delimiter_or_on_a_tie_it_is_a_comma() {
        assert_eq!(detect_delimiter(b""), b',');
        assert_eq!(detect_delimiter(b"number\n1001\n"), b',');
        assert_eq!(detect_delimiter(b"a,b;c\n"), b',');
        // Between semicolon and tab, the semicolon (Excel's choice in many locales).
        assert_eq!(detect_delimiter(b"a;b\tc\n"), b';');
    }
}
