//! Values and headers as people type them, and standard input in every mode, through the
//! real binary into the simulator and checked through the PBX's API.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::formats::{STRONG, on_pbx};
use crate::helpers::*;

fn rows_by_number(report: &Path) -> std::collections::HashMap<String, (String, String)> {
    report_rows(report)
        .into_iter()
        .map(|r| {
            (
                r["number"].clone(),
                (r["status"].clone(), r["message"].clone()),
            )
        })
        .collect()
}

#[test]
fn phone_numbers_integers_and_invisible_characters_are_normalised_or_refused_in_words() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "hr.csv",
        &format!(
            "number,username,registername,registerpassword,mobile,ringtimeout,ntransfernum\n\
             6001,Ana,r6001,{STRONG},138 0013 8000,30.0,(555) 010-0001\n\
             6002.0,Zhang\u{a0}Wei\u{200b},r6002,{STRONG},555.010.0002,,\n\
             6003,Cy,r6003,{STRONG},1.38001E+10,,\n\
             6004,Di,r6004,{STRONG},+86 138-0013-8000,,\n\
             \u{200b}6005,Ed,r6005,{STRONG},,,\n"
        ),
    );
    let report = dir.path().join("r.csv");
    let out = import(&sim, "yeastar-v2", &file, &report, &["--mode", "add"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = rows_by_number(&report);
    assert_eq!(rows["6001"].0, "ok");
    assert_eq!(rows["6002"].0, "ok", "6002.0 is 6002");
    assert_eq!(
        rows["6002"].1,
        "username: removed a non-breaking space and a zero-width space (invisible)"
    );
    assert_eq!(rows["6003"].0, "invalid");
    assert_eq!(
        rows["6003"].1,
        "mobile \"1.38001E+10\": Excel turned this number into scientific notation; format the \
         column as Text and type the number again (its last digits are lost)"
    );
    assert!(
        rows["6004"].1.contains("starts with +") && rows["6004"].1.contains("--plus-prefix 00"),
        "{:?}",
        rows["6004"]
    );
    // The invisible character is named in words, not shown as an escape.
    let (_, why) = &rows["\u{200b}6005"];
    assert!(
        why.starts_with("number \"6005\" contains a zero-width space (an invisible character)"),
        "{why}"
    );
    assert!(!why.contains("\\u{"), "{why}");

    let mobile = on_pbx(&sim, "mobile");
    assert_eq!(mobile["6001"], "13800138000");
    assert_eq!(mobile["6002"], "5550100002");
    assert_eq!(on_pbx(&sim, "ntransfernum")["6001"], "5550100001");
    assert_eq!(on_pbx(&sim, "ringtimeout")["6001"], "30");
    assert_eq!(on_pbx(&sim, "username")["6002"], "Zhang Wei");
    assert!(!mobile.contains_key("6003") && !mobile.contains_key("6004"));

    // With --plus-prefix 00 the + becomes 00, and the report says so.
    let out = import(&sim, "yeastar-v2", &file, &report, &["--plus-prefix", "00"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = rows_by_number(&report);
    assert_eq!(rows["6004"].0, "ok");
    assert_eq!(
        rows["6004"].1,
        "mobile: +86 138-0013-8000 written as 008613800138000 (--plus-prefix 00)"
    );
    assert_eq!(on_pbx(&sim, "mobile")["6004"], "008613800138000");
    let out = import(&sim, "yeastar-v2", &file, &report, &["--plus-prefix", "+"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn unknown_headers_get_a_did_you_mean_and_a_short_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "in.csv",
        "number,User Name,E-mail\n1001,Ana,a@example.com\n",
    );
    let out = run(
        &["validate", file.to_str().unwrap(), "--api", "yeastar-v2"],
        &[],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(r#""User Name" (did you mean username?), "E-mail" (did you mean email?)"#),
        "{err}"
    );
    assert!(
        err.contains(" and 17 more"),
        "at most 20 known columns: {err}"
    );
}

#[test]
fn the_yeastar_web_ui_import_file_is_read_with_username_as_the_number() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "webui.csv",
        &format!(
            "type,username,registername,registerpassword,fullname\n\
             SIP,7001,r7001,{STRONG},Alice Martin\nIAX,7002,r7002,{STRONG},Bob Stone\n"
        ),
    );
    let report = dir.path().join("r.csv");
    let out = import(&sim, "yeastar-v2", &file, &report, &["--mode", "add"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Yeastar web-UI import layout"),
        "{}",
        stderr(&out)
    );
    let rows = rows_by_number(&report);
    assert_eq!(rows["7001"].0, "ok");
    assert!(
        rows["7002"].1.contains("SIP extensions only"),
        "{:?}",
        rows["7002"]
    );
    assert_eq!(
        on_pbx(&sim, "username"),
        [("7001".to_string(), "Alice Martin".to_string())].into()
    );

    let mixed = write(
        dir.path(),
        "mixed.csv",
        "number,username,fullname\n7003,Cy,Cy Young\n",
    );
    let out = run(
        &["validate", mixed.to_str().unwrap(), "--api", "yeastar-v2"],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("rename username to number and fullname to username"),
        "{}",
        stderr(&out)
    );
}

/// `pbxbulk import - …` with `input` on standard input.
fn import_stdin(sim: &Sim, input: &[u8], report: &Path, extra: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .args([
            "import",
            "-",
            "--api",
            "yeastar-v2",
            "--url",
            &sim.url,
            "--user",
            USER,
        ])
        .args(["--report", report.to_str().unwrap(), "--rate", "0"])
        .args(extra)
        .env("PBXBULK_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn standard_input_works_in_every_mode_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1010 {
        seed.push_str(&format!("{n},User {n},r{n},{STRONG}\n"));
    }
    let sim = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let report = dir.path().join("r.csv");

    // add, with a forward to an extension a later row adds (the ordering pass reads the
    // input a second time).
    let add = format!(
        "number,username,registername,registerpassword,alwaysforward,atransferto,atransferext\n\
         2001,Fwd,r2001,{STRONG},on,Extension,2002\n2002,Target,r2002,{STRONG},,,\n"
    );
    let out = import_stdin(&sim, add.as_bytes(), &report, &["--mode", "add"]);
    assert_eq!(code(&out), 0, "add: {}", stderr(&out));
    assert_eq!(on_pbx(&sim, "atransferext")["2001"], "2002");

    let out = import_stdin(
        &sim,
        b"number,username\n1001,Renamed\n",
        &report,
        &["--mode", "update"],
    );
    assert_eq!(code(&out), 0, "update: {}", stderr(&out));
    assert_eq!(on_pbx(&sim, "username")["1001"], "Renamed");

    // upsert from a GBK file on standard input: detected the same way.
    let (gbk, _, _) = encoding_rs::GBK.encode("number,username\n1002,郑伟\n1003,王芳\n");
    let out = import_stdin(&sim, &gbk, &report, &["--mode", "upsert"]);
    assert_eq!(code(&out), 0, "upsert: {}", stderr(&out));
    assert!(
        stderr(&out).contains("standard input: read as GBK"),
        "{}",
        stderr(&out)
    );
    assert_eq!(on_pbx(&sim, "username")["1002"], "郑伟");

    // sync --prune: the prune list is the file's numbers, read in a second pass.
    let mut keep = String::from("number,username\n");
    for n in (1001..=1009).chain(2001..=2002) {
        keep.push_str(&format!("{n},Kept {n}\n"));
    }
    let out = import_stdin(
        &sim,
        keep.as_bytes(),
        &report,
        &["--mode", "sync", "--prune", "--max-delete", "1"],
    );
    assert_eq!(code(&out), 0, "sync: {}", stderr(&out));
    let names = on_pbx(&sim, "username");
    assert!(
        !names.contains_key("1010"),
        "the one number not listed was deleted"
    );
    assert_eq!(names.len(), 11);
    assert_eq!(names["1005"], "Kept 1005");

    // An XLSX workbook on standard input is recognised by its bytes.
    let xlsx = dir.path().join("in.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "number").unwrap();
    sheet.write_string(0, 1, "mobile").unwrap();
    sheet.write_number(1, 0, 1004.0).unwrap();
    sheet.write_number(1, 1, 13800138000.0).unwrap();
    book.save(&xlsx).unwrap();
    let out = import_stdin(&sim, &std::fs::read(&xlsx).unwrap(), &report, &[]);
    assert_eq!(code(&out), 0, "xlsx: {}", stderr(&out));
    assert_eq!(on_pbx(&sim, "mobile")["1004"], "13800138000");
}

#[test]
fn export_to_standard_output_is_the_csv_itself() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!("number,username,registername,registerpassword\n1001,郑伟,r1001,{STRONG}\n");
    let sim = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let out = export(&sim, "yeastar-v2", Path::new("-"), &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(csv.starts_with("number,username,"), "{csv}");
    assert!(
        csv.lines().nth(1).unwrap().starts_with("1001,郑伟,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2);
    assert!(stderr(&out).contains("exported 1 extensions to standard output"));
    assert!(!dir.path().join("-").exists() && !Path::new("-").exists());
}
