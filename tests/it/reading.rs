//! Reading spreadsheets as spreadsheet programs write them, through `pbxbulk validate`.

use crate::support::*;

/// `pbxbulk validate FILE --api yeastar-v2 --report …`, FILE holding `content`.
fn validate(content: impl AsRef<[u8]>) -> Run {
    Run::validate(Api::YeastarV2)
        .file_named("in.csv", content)
        .with_report()
}

#[test]
fn bom_semicolons_crlf_and_quoted_cells_are_read() {
    let content = "\u{feff}Number ; UserName;EMAIL\r\n\
                   1000;Plain;plain@example.com\r\n\
                   1001;\"Smith; Anna\";anna@example.com\r\n\
                   1002;\"Li \"\"Lee\"\" Wei\";lee@example.com\r\n\
                   1003;\"Multi\nLine\";multi@example.com\r\n\
                   1004;Ana;bad-email\r\n";
    let ran = validate(content).rows_failed();
    let rows = &ran.rows;
    // A delimiter, quotes or a newline inside quotes stay in one cell (and each breaks the
    // username rule, which shows the whole cell); the newline does not shift row numbers.
    assert_eq!(
        ran.row_number_status(),
        [
            "2 1000 ok",
            "3 1001 invalid",
            "4 1002 invalid",
            "5 1003 invalid",
            "6 1004 invalid",
        ]
    );
    assert!(
        rows[1]["message"].contains(r#"username "Smith; Anna""#),
        "{:?}",
        rows[1]
    );
    assert!(
        rows[2]["message"].contains(r#"username "Li \"Lee\" Wei""#),
        "{:?}",
        rows[2]
    );
    assert!(
        rows[3]["message"].contains(r#"username "Multi\nLine""#),
        "{:?}",
        rows[3]
    );
    assert_eq!(rows[4]["field"], "email");
}

#[test]
fn row_numbers_are_what_a_spreadsheet_shows() {
    // A blank line is a row in a spreadsheet; a quoted newline is not.
    let ran = validate("number,username\n1001,\"A\nB\"\n\n1002,Bo\n,\n1003,Cy\n").rows_failed();
    let got: Vec<(&str, &str)> = ran
        .rows
        .iter()
        .map(|r| (r["row"].as_str(), r["status"].as_str()))
        .collect();
    assert_eq!(
        got,
        [("2", "invalid"), ("4", "ok"), ("5", "skipped"), ("6", "ok")]
    );
}

#[test]
fn unknown_columns_are_one_clear_error() {
    let ran = validate("number,username,favourite colour,shoe\n1001,Ana,blue,42\n")
        .incomplete("bad_input");
    let err = &ran.stderr;
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("\"favourite colour\", \"shoe\""), "{err}");
    assert!(
        err.contains("registerpassword"),
        "lists the known columns: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn broken_files_are_one_line_and_exit_2() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", vec![], "is empty"),
        (
            "nokey.csv",
            b"username,email\nAna,a@example.com\n".to_vec(),
            "column number is missing",
        ),
        (
            "twice.csv",
            b"number,Number\n1,2\n".to_vec(),
            "appears twice",
        ),
        // A lone surrogate: the file cannot be decoded as a whole, so nothing of it is used.
        (
            "utf16.csv",
            vec![0xFF, 0xFE, b'n', 0, b'u', 0, 0x00, 0xD8, b'x', 0],
            "is not valid UTF-16LE text at line 1",
        ),
    ];
    for (name, bytes, expected) in cases {
        let ran = Run::validate(Api::YeastarV2)
            .file_named(name, bytes)
            .with_report()
            .incomplete("bad_input");
        let err = &ran.stderr;
        assert!(
            err.contains(expected) && err.lines().count() == 1,
            "{name}: {err}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let ran = Run::validate(Api::YeastarV2)
        .input(dir.path().join("missing.csv"))
        .with_report()
        .incomplete("bad_input");
    assert!(ran.stderr.contains("cannot read"), "{}", ran.stderr);
}

#[test]
fn a_latin1_file_is_read_whole_as_windows_1252_not_refused_cell_by_cell() {
    let ran = Run::validate(Api::YeastarV2)
        .file_named("latin1.csv", b"number,username\n1001,Jos\xe9\n1002,Ana\n")
        .with_report()
        .ok();
    assert!(
        ran.stderr.contains("read as windows-1252 (detected)"),
        "{}",
        ran.stderr
    );
    let rows = &ran.rows;
    assert_eq!(rows[0]["status"], "ok");
    // The row whose text depended on the encoding says which one was used.
    assert_eq!(rows[0]["message"], "valid; text read as windows-1252");
    assert_eq!(rows[1]["message"], "valid");
}

#[test]
fn extra_cells_and_trailing_delimiters() {
    // Spreadsheet programs write trailing delimiters; an unnamed column must stay empty.
    let ran = validate("number,username,\n1001,Ana,\n1002,Bo,oops\n1003,Cy,,x\n").rows_failed();
    assert_eq!(ran.column("error_code"), ["", "EXTRA_CELLS", "EXTRA_CELLS"]);
}

#[test]
fn a_report_has_one_row_per_input_row_in_order() {
    let ran = Run::validate(Api::YeastarV2)
        .input(sample())
        .with_report()
        .rows_failed();
    let input_rows = csv::Reader::from_path(sample()).unwrap().records().count();
    assert_eq!(ran.rows.len(), input_rows);
    for (i, r) in ran.rows.iter().enumerate() {
        assert_eq!(r["row"], (i + 2).to_string());
    }
}

#[test]
fn duplicates_and_colliding_renames_are_caught_across_rows() {
    let ran = Run::validate(Api::YeastarV1)
        .file_named(
            "v1.csv",
            "extid,extnumber,username\n1001,,Ana\n1002,1001,Bo\n1003,2000,Cy\n2000,,Di\n1001,,Ana again\n",
        )
        .with_report()
        .rows_failed();
    let rows = &ran.rows;
    assert_eq!(
        ran.column("error_code"),
        [
            "",
            "RENAME_CONFLICT",
            "",
            "RENAME_CONFLICT",
            "DUPLICATE_NUMBER"
        ]
    );
    assert!(rows[4]["message"].contains("row 2"), "{:?}", rows[4]);
}

#[test]
fn template_rows_pass_validation_and_describe_lists_every_rule() {
    each_api(|api| {
        let template = Run::template(api).ok().stdout;
        Run::validate(api).file(&template).ok();
        let describe = Run::template(api).args(&["--describe"]).ok().stdout;
        let columns = template.lines().next().unwrap().split(',');
        for column in columns {
            assert!(
                describe.contains(column),
                "{api}: --describe lacks {column}"
            );
        }
        assert!(
            describe.contains("Where the fields come from:"),
            "{describe}"
        );
        match api {
            Api::YeastarV2 | Api::YeastarV1 => {
                assert!(
                    describe.contains("one of: 15, 30, 60, 120, 300"),
                    "{describe}"
                );
                assert!(describe.contains("mobile is required when ntransferto is Mobile Number"));
            }
            Api::Openvox => assert!(
                describe.contains("registername: inferred:")
                    && describe.contains(
                        "alwaysforward: documented in docs/vendor/openvox-extension-query.md"
                    ),
                "{describe}"
            ),
            Api::Verba => {
                assert!(
                    describe.contains("one of: FULL (also Full), ON_DEMAND (also On-demand"),
                    "{describe}"
                );
                assert!(
                    describe.contains("eid or environment is required to add"),
                    "{describe}"
                );
            }
            Api::YeastarP => {
                assert!(
                    describe.contains("Rules of the edition cloud")
                        && describe.contains("vm_pin: inferred:"),
                    "{describe}"
                );
                assert!(
                    describe.contains("user_password must not contain the number"),
                    "{describe}"
                );
            }
        }
    });
}

#[test]
fn the_bundled_templates_and_samples_match_the_rule_tables() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    each_api(|api| {
        let generated = Run::template(api).ok().stdout;
        let shipped = std::fs::read_to_string(root.join(format!("templates/{api}.csv"))).unwrap();
        assert_eq!(
            shipped, generated,
            "templates/{api}.csv is stale: regenerate it with pbxbulk template"
        );
    });
    Run::validate(Api::Openvox)
        .input(root.join("samples/openvox-extensions.csv"))
        .ok();
}

/// A file of a megabyte or more is parsed ahead of the checks on a thread of its own: every
/// row still gets its own line in the report, in order, with the row number a spreadsheet
/// shows (blank lines counted), and the rows that break a rule are the ones named.
#[test]
fn a_big_file_is_reported_row_by_row_with_its_own_row_numbers() {
    let mut content = String::from("number,username,email,mobile\n");
    let mut bad = Vec::new();
    let (mut row, mut last) = (1, 0);
    for n in 0..40_000u32 {
        row += 1;
        last = row;
        // Bad rows where batches of records meet, and scattered; a blank line now and then.
        if [2047, 2048, 4095, 4096, 6143, 39_999].contains(&n) || n % 3001 == 5 {
            content.push_str(&format!(
                "{},Bad!Name,x{n}@example.com,1555{n:07}\n",
                100_000 + n
            ));
            bad.push(row);
        } else {
            content.push_str(&format!(
                "{},Name {n},x{n}@example.com,1555{n:07}\n",
                100_000 + n
            ));
        }
        if n % 9999 == 3 {
            content.push('\n');
            row += 1;
        }
    }
    assert!(content.len() > 1 << 20, "big enough to be read ahead");
    let ran = validate(&content).rows_failed();
    let rows = &ran.rows;
    assert_eq!(rows.len(), 40_000, "one line a row");
    let numbers: Vec<u64> = rows.iter().map(|r| r["row"].parse().unwrap()).collect();
    assert!(
        numbers.windows(2).all(|w| w[0] < w[1]),
        "rows in file order"
    );
    assert_eq!(*numbers.last().unwrap(), last);
    let invalid: Vec<u64> = (rows.iter().zip(&numbers))
        .filter(|(r, _)| r["status"] == "invalid")
        .map(|(r, n)| {
            assert_eq!(r["field"], "username", "{r:?}");
            *n
        })
        .collect();
    assert_eq!(invalid, bad);
    assert!(ran.stdout.contains("40000 rows:"), "{}", ran.stdout);
}
