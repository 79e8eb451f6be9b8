//! Workbooks built byte by byte at test time, hostile ones included: an XLSX of inline
//! strings, an XLSB of BIFF12 records, an ODS of repeated rows and cells, each a ZIP archive
//! of the parts the format needs and no more. No fixture file in git, and a test says in its
//! own lines what the file holds.

use std::io::{Cursor, Write};

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

/// A ZIP archive of `parts` (name, bytes), deflated: what a hostile workbook may inflate from.
pub(crate) fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    // Fast deflate: the test binary is unoptimised, and the ratio is still about 1:1000.
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in parts {
        zip.start_file(*name, deflated).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const SHEET_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";

/// Where an OOXML package keeps its workbook.
const PACKAGE_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

/// An XLSX of one sheet, "Staff", whose `<worksheet>` holds `inside` (a `<dimension>`, the
/// `<sheetData>`), and `more` parts beside it (shared strings).
pub(crate) fn xlsx(inside: &str, more: &[(&str, &[u8])]) -> Vec<u8> {
    let workbook = format!(
        r#"<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let rels = format!(
        r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{SHEET_REL}" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(r#"<worksheet xmlns="{MAIN}">{inside}</worksheet>"#);
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", PACKAGE_RELS.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    parts.extend_from_slice(more);
    zipped(&parts)
}

/// An XLSX cell holding `text` as an inline string, at `at` (`A1`).
pub(crate) fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A cell of an XLSB sheet.
pub(crate) enum Bin<'a> {
    Text(&'a str),
    Number(f64),
    /// An index into the workbook's shared strings (this workbook has none).
    Shared(u32),
}

/// An XLSB of one sheet, "Staff": `rows` are (0-based row, [(0-based column, cell)]), and
/// the sheet says it spans `last` (0-based row, column) from A1.
pub(crate) fn xlsb(rows: &[(u32, Vec<(u32, Bin<'_>)>)], last: (u32, u32)) -> Vec<u8> {
    // BrtBeginBook; BrtBundleSh: visible, tab 1, relationship "rId1", name "Staff";
    // BrtEndBundleShs; BrtEndBook.
    let mut sheet_entry = [0u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    sheet_entry.extend(wide("rId1"));
    sheet_entry.extend(wide("Staff"));
    let workbook = [
        record(0x0083, &[]),
        record(0x009C, &sheet_entry),
        record(0x0090, &[]),
        record(0x0084, &[]),
    ]
    .concat();
    let rels = format!(
        r#"<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{SHEET_REL}" Target="worksheets/sheet1.bin"/></Relationships>"#
    );
    // BrtWsDim (first row, last row, first column, last column), BrtBeginSheetData.
    let dimension = [0, last.0, 0, last.1].map(u32::to_le_bytes).concat();
    let mut sheet = [record(0x0094, &dimension), record(0x0091, &[])].concat();
    for (row, cells) in rows {
        sheet.extend(record(0x0000, &[row.to_le_bytes(), [0; 4]].concat())); // BrtRowHdr
        for (column, cell) in cells {
            // A cell starts with its column and its style (0, the default).
            let mut body = [column.to_le_bytes(), [0; 4]].concat();
            let kind = match cell {
                Bin::Text(text) => {
                    body.extend(wide(text));
                    0x0006 // BrtCellSt
                }
                Bin::Number(n) => {
                    body.extend(n.to_le_bytes());
                    0x0005 // BrtCellReal
                }
                Bin::Shared(index) => {
                    body.extend(index.to_le_bytes());
                    0x0007 // BrtCellIsst
                }
            };
            sheet.extend(record(kind, &body));
        }
    }
    sheet.extend(record(0x0092, &[])); // BrtEndSheetData
    zipped(&[
        ("xl/workbook.bin", &workbook),
        ("xl/_rels/workbook.bin.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.bin", &sheet),
    ])
}

/// A BIFF12 record: its type and its size, each in 7-bit groups, then its body.
fn record(kind: u16, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 6);
    match kind {
        0..0x80 => out.push(kind as u8),
        _ => out.extend([(kind & 0x7F) as u8 | 0x80, (kind >> 7) as u8]),
    }
    let mut size = body.len();
    loop {
        let group = (size & 0x7F) as u8;
        size >>= 7;
        if size == 0 {
            out.push(group);
            break;
        }
        out.push(group | 0x80);
    }
    out.extend_from_slice(body);
    out
}

/// An XLWideString: its length in UTF-16 units, then the units.
fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut out = (units.len() as u32).to_le_bytes().to_vec();
    out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
    out
}

/// An ODS of one table, "Staff", whose `<table:table>` holds `rows` (`<table:table-row>`s).
pub(crate) fn ods(rows: &str) -> Vec<u8> {
    const MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Staff">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="{MIME}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#
    );
    zipped(&[
        ("mimetype", MIME.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// An ODS cell holding `text`, repeated `times` across.
pub(crate) fn ods_cell(text: &str, times: u32) -> String {
    format!(
        r#"<table:table-cell table:number-columns-repeated="{times}" office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}
