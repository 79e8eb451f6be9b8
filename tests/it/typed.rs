//! Values and headers as people type them, and standard input in every mode, through the
//! real binary into the simulator and checked through the PBX's API.

use std::collections::HashMap;
use std::path::Path;

use crate::support::*;

/// Each report row's status and message, by number.
fn rows_by_number(ran: &Ran) -> HashMap<String, (String, String)> {
    ran.rows
        .iter()
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
    let sim = Sim::start(Api::YeastarV2);
    let import = Run::import(&sim).file_named(
        "hr.csv",
        format!(
            "number,username,registername,registerpassword,mobile,ringtimeout,ntransfernum\n\
             6001,Ana,r6001,{STRONG},138 0013 8000,30.0,(555) 010-0001\n\
             6002.0,Zhang\u{a0}Wei\u{200b},r6002,{STRONG},555.010.0002,,\n\
             6003,Cy,r6003,{STRONG},1.38001E+10,,\n\
             6004,Di,r6004,{STRONG},+86 138-0013-8000,,\n\
             \u{200b}6005,Ed,r6005,{STRONG},,,\n"
        ),
    );
    let rows = rows_by_number(&import.clone().args(&["--mode", "add"]).rows_failed());
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

    let mobile = sim.field("mobile");
    assert_eq!(mobile["6001"], "13800138000");
    assert_eq!(mobile["6002"], "5550100002");
    assert_eq!(sim.field("ntransfernum")["6001"], "5550100001");
    assert_eq!(sim.field("ringtimeout")["6001"], "30");
    assert_eq!(sim.field("username")["6002"], "Zhang Wei");
    assert!(!mobile.contains_key("6003") && !mobile.contains_key("6004"));

    // With --plus-prefix 00 the + becomes 00, and the report says so.
    let rows = rows_by_number(&import.clone().args(&["--plus-prefix", "00"]).rows_failed());
    assert_eq!(rows["6004"].0, "ok");
    assert_eq!(
        rows["6004"].1,
        "mobile: +86 138-0013-8000 written as 008613800138000 (--plus-prefix 00)"
    );
    assert_eq!(sim.field("mobile")["6004"], "008613800138000");
    import.args(&["--plus-prefix", "+"]).incomplete("bad_input");
}

#[test]
fn unknown_headers_get_a_did_you_mean_and_a_short_list() {
    let ran = Run::validate(Api::YeastarV2)
        .file("number,User Name,E-mail\n1001,Ana,a@example.com\n")
        .incomplete("bad_input");
    let err = &ran.stderr;
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
    let sim = Sim::start(Api::YeastarV2);
    let ran = Run::import(&sim)
        .file_named(
            "webui.csv",
            format!(
                "type,username,registername,registerpassword,fullname\n\
             SIP,7001,r7001,{STRONG},Alice Martin\nIAX,7002,r7002,{STRONG},Bob Stone\n"
            ),
        )
        .args(&["--mode", "add"])
        .rows_failed();
    assert!(
        ran.stderr.contains("Yeastar web-UI import layout"),
        "{}",
        ran.stderr
    );
    let rows = rows_by_number(&ran);
    assert_eq!(rows["7001"].0, "ok");
    assert!(
        rows["7002"].1.contains("SIP extensions only"),
        "{:?}",
        rows["7002"]
    );
    assert_eq!(
        sim.field("username"),
        [("7001".to_string(), "Alice Martin".to_string())].into()
    );

    let ran = Run::validate(Api::YeastarV2)
        .file_named("mixed.csv", "number,username,fullname\n7003,Cy,Cy Young\n")
        .incomplete("bad_input");
    assert!(
        ran.stderr
            .contains("rename username to number and fullname to username"),
        "{}",
        ran.stderr
    );
}

/// `pbxbulk import - …` with `input` on standard input, unthrottled.
fn import_stdin(sim: &Sim, input: impl AsRef<[u8]>) -> Run {
    Run::import(sim)
        .input("-")
        .stdin(input)
        .args(&["--rate", "0"])
}

#[test]
fn standard_input_works_in_every_mode_like_a_file() {
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1010 {
        seed.push_str(&format!("{n},User {n},r{n},{STRONG}\n"));
    }
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();

    // add, with a forward to an extension a later row adds (the ordering pass reads the
    // input a second time).
    let add = format!(
        "number,username,registername,registerpassword,alwaysforward,atransferto,atransferext\n\
         2001,Fwd,r2001,{STRONG},on,Extension,2002\n2002,Target,r2002,{STRONG},,,\n"
    );
    import_stdin(&sim, add).args(&["--mode", "add"]).ok();
    assert_eq!(sim.field("atransferext")["2001"], "2002");

    import_stdin(&sim, "number,username\n1001,Renamed\n")
        .args(&["--mode", "update"])
        .ok();
    assert_eq!(sim.field("username")["1001"], "Renamed");

    // upsert from a GBK file on standard input: detected the same way.
    let (gbk, _, _) = encoding_rs::GBK.encode("number,username\n1002,郑伟\n1003,王芳\n");
    let ran = import_stdin(&sim, gbk).args(&["--mode", "upsert"]).ok();
    assert!(
        ran.stderr.contains("standard input: read as GBK"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.field("username")["1002"], "郑伟");

    // sync --prune: the prune list is the file's numbers, read in a second pass.
    let mut keep = String::from("number,username\n");
    for n in (1001..=1009).chain(2001..=2002) {
        keep.push_str(&format!("{n},Kept {n}\n"));
    }
    import_stdin(&sim, keep)
        .args(&["--mode", "sync", "--prune", "--max-delete", "1"])
        .ok();
    let names = sim.field("username");
    assert!(
        !names.contains_key("1010"),
        "the one number not listed was deleted"
    );
    assert_eq!(names.len(), 11);
    assert_eq!(names["1005"], "Kept 1005");

    // An XLSX workbook on standard input is recognised by its bytes.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "number").unwrap();
    sheet.write_string(0, 1, "mobile").unwrap();
    sheet.write_number(1, 0, 1004.0).unwrap();
    sheet.write_number(1, 1, 13800138000.0).unwrap();
    import_stdin(&sim, book.save_to_buffer().unwrap()).ok();
    assert_eq!(sim.field("mobile")["1004"], "13800138000");
}

#[test]
fn export_to_standard_output_is_the_csv_itself() {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n1001,郑伟,r1001,{STRONG}\n"
        ))
        .start();
    let ran = Run::export(&sim).to(Path::new("-")).ok();
    let csv = &ran.stdout;
    assert!(csv.starts_with("number,username,"), "{csv}");
    assert!(
        csv.lines().nth(1).unwrap().starts_with("1001,郑伟,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 2);
    assert!(
        ran.stderr
            .contains("exported 1 extension to standard output")
    );
    assert!(!ran.dir.join("-").exists() && !Path::new("-").exists());
}
