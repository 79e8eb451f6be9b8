use super::*;
use crate::input::ReadSettings;
use sha2::Digest;

fn open_as(
    dir: &tempfile::TempDir,
    bytes: &[u8],
    read: &ReadSettings,
) -> Result<(Source, Sheet), String> {
    let path = dir.path().join("in.csv");
    std::fs::write(&path, bytes).unwrap();
    let source = Source::open(&path, read).map_err(|e| e.to_string())?;
    let sheet = Sheet::open(&source, crate::vendors::table("yeastar-v2"), None);
    Ok((source, sheet.map_err(|e| e.to_string())?))
}

fn open(dir: &tempfile::TempDir, bytes: &[u8]) -> Result<(Source, Sheet), String> {
    open_as(dir, bytes, &ReadSettings::default())
}

/// A record as reading gives it: its row number, its cells (or its problems), its note.
type Read = (u64, Result<Vec<String>, Vec<Code>>, Option<String>);

fn read_all(sheet: &mut Sheet) -> Vec<Read> {
    let (mut raw, mut buf, mut rows) = (RawRow::default(), Vec::new(), Vec::new());
    while let Some(row) = sheet.read(&mut raw).unwrap() {
        rows.push(match sheet.row(&raw, &mut buf, Vec::new()) {
            RowCells::Cells {
                cells,
                note,
                problems,
                ..
            } if problems.is_empty() => {
                let values = cells.values.iter().map(ToString::to_string).collect();
                (row, Ok(values), note)
            }
            RowCells::Cells { problems, note, .. } => {
                (row, Err(problems.iter().map(|p| p.code).collect()), note)
            }
            other => panic!("{other:?}"),
        });
    }
    rows
}

#[test]
fn row_numbers_count_blank_lines_and_quoted_newlines_as_a_spreadsheet_does() {
    let dir = tempfile::tempdir().unwrap();
    let bytes =
        b"\xEF\xBB\xBFNumber;UserName\r\n1001;Ana\r\n\r\n1002;\"Bo\r\nLine two\"\r\n1003;Cy\r\n";
    let (_source, mut sheet) = open(&dir, bytes).unwrap();
    assert_eq!(sheet.layout().delimiter, b';');
    assert!(
        sheet.has_column("username"),
        "header matched case-insensitively, BOM dropped"
    );
    let rows: Vec<(u64, String)> = read_all(&mut sheet)
        .into_iter()
        .map(|(row, cells, _)| (row, cells.unwrap()[0].clone()))
        .collect();
    // Row 3 is the blank line; the quoted newline keeps 1002 on one row (4).
    let expected = [(2, "1001"), (4, "1002"), (5, "1003")].map(|(r, n)| (r, n.to_string()));
    assert_eq!(rows, expected);
}

#[test]
fn a_broken_header_is_one_error_naming_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let err = |bytes: &[u8]| open(&dir, bytes).err().unwrap();
    assert!(err(b"").contains("is empty"));
    assert!(err(b"number,username,Number\n").contains("column number appears twice"));
    assert!(err(b"username,email\n").contains("the column number is missing"));
    assert!(err(b"number,colour\n").contains("unknown column(s) \"colour\""));
    // A lone surrogate: UTF-16 that cannot be decoded as a whole.
    let utf16 = [0xFF, 0xFE, b'n', 0, 0x00, 0xD8, b'x', 0];
    assert!(err(&utf16).contains("not valid UTF-16LE text at line 1"));
}

#[test]
fn a_cell_under_a_nameless_column_must_stay_blank() {
    let dir = tempfile::tempdir().unwrap();
    let (_source, mut sheet) = open(&dir, b"number,username,\n1001,Ana, \n1002,Bo,x\n").unwrap();
    let rows = read_all(&mut sheet);
    assert!(rows[0].1.is_ok(), "a blank trailing cell is fine");
    assert_eq!(rows[1].1, Err(vec![Code::ExtraCells]));
}

#[test]
fn cells_are_normalised_by_their_fields_rule_and_say_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let bytes =
        "number,username,mobile,ringtimeout\n6002.0,Zhang\u{a0}Wei,+86 138-0013-8000,30.0\n";
    let plus = ReadSettings {
        plus_prefix: Some("00".into()),
        ..ReadSettings::default()
    };
    let (_source, mut sheet) = open_as(&dir, bytes.as_bytes(), &plus).unwrap();
    let table = sheet.table();
    let rows = read_all(&mut sheet);
    let cells = rows[0].1.as_ref().unwrap();
    let at = |name: &str| cells[table.index(name).unwrap()].as_str();
    assert_eq!(
        (
            at("number"),
            at("username"),
            at("mobile"),
            at("ringtimeout")
        ),
        ("6002", "Zhang Wei", "008613800138000", "30")
    );
    assert_eq!(
        rows[0].2.as_deref(),
        Some(
            "username: removed a non-breaking space (invisible); mobile: +86 138-0013-8000 \
             written as 008613800138000 (--plus-prefix 00)"
        )
    );
}

#[test]
fn a_legacy_code_page_is_decoded_and_its_rows_say_so() {
    let dir = tempfile::tempdir().unwrap();
    // Enough rows of names for the detector to be sure (a row or two is refused as a guess).
    let names = [
        "郑伟", "王芳", "李娜", "刘洋", "陈静", "张强", "杨磊", "黄敏",
    ];
    let mut text = "number,username\n".to_string();
    for (i, name) in names.iter().enumerate() {
        text.push_str(&format!("{},{name}\n", 1001 + i));
    }
    text.push_str("1009,Ann\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (_source, mut sheet) = open(&dir, &gbk).unwrap();
    assert!(sheet.notices()[0].ends_with("in.csv: read as GBK (detected)"));
    let rows = read_all(&mut sheet);
    assert_eq!(rows[0].1.as_ref().unwrap()[1], "郑伟");
    assert_eq!(rows[0].2.as_deref(), Some("text read as GBK"));
    assert_eq!(
        rows[8].2, None,
        "an ASCII row did not depend on the encoding"
    );
}

/// A file rewritten while its first rows are being read: reading stops with one error
/// before any row of the new content, even where the 50 ms watch has not come round yet
/// (the rows past the parser's first buffer are read only after the change).
#[test]
fn no_row_of_a_file_rewritten_under_the_reader_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let rows = |first: u32| {
        let mut text = String::from("number,username\n");
        for n in first..first + 40_000 {
            text.push_str(&format!("{n},Name {n}\n"));
        }
        text
    };
    let (_source, mut sheet) = open(&dir, rows(1_000_000).as_bytes()).unwrap();
    let mut raw = RawRow::default();
    assert_eq!(sheet.read(&mut raw).unwrap(), Some(2));
    std::fs::write(dir.path().join("in.csv"), rows(2_000_000)).unwrap();
    let error = loop {
        match sheet.read(&mut raw) {
            Ok(Some(_)) => assert!(raw.cells[0].starts_with(b"1"), "a row of the new content"),
            Ok(None) => panic!("read to the end of a changed file"),
            Err(e) => break e,
        }
    };
    assert!(matches!(error, SheetError::Changed { .. }), "{error}");
}

#[test]
fn the_fingerprint_is_the_sources_the_file_s_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = b"number,username\n1001,Ana\n";
    let expected = hex::encode(sha2::Sha256::digest(bytes));
    let (_, sheet) = open(&dir, bytes).unwrap();
    let fingerprint = sheet.fingerprint().unwrap();
    let size = bytes.len() as u64;
    assert_eq!(
        (fingerprint.sha256.as_str(), fingerprint.size),
        (&*expected, size)
    );
    // Asked for only once the rows were read, read ahead or in place: the same.
    let (_, mut sheet) = open(&dir, bytes).unwrap();
    assert_eq!(read_all(&mut sheet).len(), 1);
    assert_eq!(sheet.fingerprint().unwrap().sha256, expected);
}
