//! The report's lines, as a user reads them back.

use super::*;

#[test]
fn the_verify_column_is_filled_line_by_line_and_the_rest_kept_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let mut report = Report::create(&path, ByteRecord::new(), Layout::default()).unwrap();
    for (row, message) in [(2, "a, b"), (3, "=1+1"), (4, "")] {
        let line = RowResult::new(Some(row), format!("100{row}"), Action::Add, Status::Ok)
            .with_error("", message);
        report.write(&line, None, false).unwrap();
    }
    report.finish().1.unwrap();
    let verdicts = HashMap::from([(0, "verified".to_string()), (2, "mismatch: x".to_string())]);
    fill_verify(&path, &verdicts).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], COLUMNS.join(","));
    assert_eq!(lines[1], "2,1002,add,ok,,\"a, b\",,,0,0,verified");
    assert_eq!(lines[2], "3,1003,add,ok,,'=1+1,,,0,0,");
    assert_eq!(lines[3], "4,1004,add,ok,,,,,0,0,mismatch: x");
}

#[test]
fn a_change_reaches_the_disk_at_once_and_unchanged_lines_in_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.csv");
    let mut report = Report::create(&path, ByteRecord::new(), Layout::default()).unwrap();
    let line = |row: u64, action, status| {
        RowResult::new(Some(row), format!("{}", 1000 + row), action, status)
    };
    let on_disk = || std::fs::read_to_string(&path).unwrap();
    for row in 2..100 {
        let unchanged = line(row, Action::None, Status::Unchanged);
        report.write(&unchanged, None, false).unwrap();
    }
    assert!(
        !on_disk().contains("1099"),
        "unchanged lines wait for a block"
    );
    let added = line(100, Action::Add, Status::Ok);
    report.write(&added, None, false).unwrap();
    // What a killed run leaves: every line up to the last change, in order.
    let text = on_disk();
    assert!(text.ends_with("100,1100,add,ok,,,,,0,0,\n"), "{text}");
    assert_eq!(text.lines().count(), 1 + 99);
}

#[test]
fn a_valid_rows_line_is_the_line_of_its_result() {
    let dir = tempfile::tempdir().unwrap();
    let (by_result, direct) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
    let mut one = Report::create(&by_result, ByteRecord::new(), Layout::default()).unwrap();
    let mut two = Report::create(&direct, ByteRecord::new(), Layout::default()).unwrap();
    let rows = [
        (Some(2), "1001", Action::Add, ""),
        (Some(3), "=1002", Action::None, ""),
        (Some(4), "1,003", Action::Update, ""),
        (None, "", Action::Add, "the number was read as 1004"),
    ];
    for (row, number, action, note) in rows {
        one.write(&RowResult::valid(row, number, action, note), None, false)
            .unwrap();
        two.write_valid(row, number, action, note).unwrap();
    }
    let (counted, written) = (one.finish(), two.finish());
    counted.1.unwrap();
    written.1.unwrap();
    assert_eq!(counted.0.ok, written.0.ok);
    assert_eq!(counted.0.count(Action::Add, Status::Ok), 2);
    let (a, b) = (
        std::fs::read(&by_result).unwrap(),
        std::fs::read(&direct).unwrap(),
    );
    assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
}
