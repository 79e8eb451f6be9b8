//! The spreadsheets users really have: files in legacy code pages and UTF-16, XLSX workbooks
//! with numeric cells, imported into the simulator and checked through the PBX's own API.

use std::collections::BTreeMap;

use encoding_rs::{BIG5, Encoding, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::support::*;

/// A v2 file adding `names` from `first` on, enough for an add.
fn staff(first: u32, names: &[&str]) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for (i, name) in (first..).zip(names) {
        csv.push_str(&format!("{i},{name},r{i},{STRONG}\n"));
    }
    csv
}

/// Enough names of one script for a detector to be sure of a legacy encoding: a few rows are
/// too few to tell one East Asian code page from another (a file of them is refused).
const HAN: [&str; 12] = [
    "郑伟", "王芳", "李娜", "张敏", "刘洋", "陈静", "杨磊", "黄强", "赵军", "周艳", "吴涛", "徐明",
];
const HAN_TRADITIONAL: [&str; 12] = [
    "陳大文",
    "林美玲",
    "黃志明",
    "張家豪",
    "李淑芬",
    "王俊傑",
    "吳雅婷",
    "劉建宏",
    "蔡怡君",
    "楊冠宇",
    "許佳穎",
    "鄭志偉",
];
const JAPANESE: [&str; 12] = [
    "佐藤太郎",
    "鈴木花子",
    "高橋健一",
    "田中美咲",
    "伊藤大輔",
    "渡辺さくら",
    "山本翔",
    "中村陽菜",
    "小林ひろし",
    "加藤ゆい",
    "吉田健太",
    "山田一郎",
];
const WESTERN: [&str; 12] = [
    "José Müller",
    "François Œuvre",
    "Zoë Brontë",
    "Björn Ångström",
    "Hélène Dubois",
    "Jürgen Groß",
    "Núñez García",
    "Renée Lefèvre",
    "Ana Muñoz",
    "Chloé Bézier",
    "Jörg Weiß",
    "Inês Conceição",
];

/// `text` in `encoding`, as Excel and HR systems save it (UTF-16 with its BOM, as Excel's
/// "Unicode Text" does, unless `bom` is false).
fn encoded(encoding: &'static Encoding, text: &str, bom: bool) -> Vec<u8> {
    let units = |be: bool| -> Vec<u8> {
        let mark: &[u8] = match (bom, be) {
            (false, _) => b"",
            (true, false) => b"\xFF\xFE",
            (true, true) => b"\xFE\xFF",
        };
        let body = text.encode_utf16().flat_map(|u| match be {
            true => u.to_be_bytes(),
            false => u.to_le_bytes(),
        });
        mark.iter().copied().chain(body).collect()
    };
    match encoding {
        e if e == UTF_16LE => units(false),
        e if e == UTF_16BE => units(true),
        e => {
            let (bytes, _, unmappable) = e.encode(text);
            assert!(!unmappable, "{text} fits {}", e.name());
            bytes.into_owned()
        }
    }
}

#[test]
fn names_in_every_encoding_arrive_on_the_pbx_exactly() {
    let sim = Sim::start(Api::YeastarV2);
    let cases: &[(&'static Encoding, bool, &[&str], &str)] = &[
        (GBK, false, &HAN, "GBK (detected)"),
        (BIG5, false, &HAN_TRADITIONAL, "Big5 (detected)"),
        (SHIFT_JIS, false, &JAPANESE, "Shift_JIS (detected)"),
        (WINDOWS_1252, false, &WESTERN, "windows-1252 (detected)"),
        (
            UTF_16LE,
            true,
            &["郑伟 Zheng", "Renée"],
            "UTF-16LE (byte-order mark)",
        ),
        (
            UTF_16BE,
            true,
            &["Ørsted", "Κώστας"],
            "UTF-16BE (byte-order mark)",
        ),
        (
            UTF_16LE,
            false,
            &["Łukasz", "Дмитрий"],
            "UTF-16LE (detected)",
        ),
    ];
    let mut expected = BTreeMap::new();
    for (i, (encoding, bom, names, said)) in cases.iter().enumerate() {
        let first = 1000 * (i as u32 + 1) + 1;
        let mut text = staff(first, names);
        if encoding.name().starts_with("UTF-16") {
            // Excel's "Unicode Text" is tab-separated.
            text = text.replace(',', "\t");
        }
        let ran = Run::import(&sim)
            .file_named(&format!("staff{i}.csv"), encoded(encoding, &text, *bom))
            .args(&["--mode", "add"])
            .ok();
        assert!(
            ran.stderr.contains(&format!("read as {said}")),
            "the terminal says the encoding: {}",
            ran.stderr
        );
        for (n, name) in (first..).zip(names.iter()) {
            expected.insert(n.to_string(), name.to_string());
        }
        let note = format!("text read as {}", encoding.name());
        assert!(
            ran.column("message").iter().all(|m| *m == note),
            "{:?}",
            ran.rows
        );
    }
    assert_eq!(sim.field("username"), expected);
}

#[test]
fn rejects_are_written_in_the_inputs_own_encoding_and_layout() {
    let sim = Sim::start(Api::YeastarV2);
    for (encoding, bom, delimiter) in [(GBK, false, ","), (UTF_16LE, true, "\t")] {
        let mut text = format!(
            "number,username,registername,registerpassword,email\n\
             3001,郑伟,r3001,{STRONG},not-an-email\n"
        );
        // Enough rows to tell GBK by.
        for (n, name) in (3002..).zip(&HAN[1..]) {
            text.push_str(&format!("{n},{name},r{n},{STRONG},u{n}@example.com\n"));
        }
        let text = text.replace(',', delimiter);
        let ran = Run::import(&sim)
            .file_named(
                &format!("in-{}.csv", encoding.name()),
                encoded(encoding, &text, bom),
            )
            .args(&["--mode", "upsert"])
            .rows_failed();
        let rejects = std::fs::read(ran.beside("rejects.csv")).unwrap();
        let wanted: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
        assert_eq!(
            rejects,
            encoded(encoding, &wanted, bom),
            "the rejects file re-opens as the input did ({})",
            encoding.name()
        );
    }
}

#[test]
fn a_file_that_cannot_be_decoded_is_one_error_and_nothing_is_sent() {
    let sim = Sim::start(Api::YeastarV2);
    let import = Run::import(&sim).file_named("gbk.csv", encoded(GBK, &staff(1001, &HAN), false));
    let ran = import
        .clone()
        .args(&["--encoding", "utf-8"])
        .incomplete("bad_input");
    let err = &ran.stderr;
    // One line about the file (beside the warning about plain http://).
    let errors = err.lines().filter(|l| !l.starts_with("pbxbulk: warning"));
    assert_eq!(errors.count(), 1, "{err}");
    assert!(err.contains("is not valid UTF-8 text at line 3"), "{err}");
    assert_eq!(sim.stat("logins"), 0, "refused before logging in");
    assert!(!ran.report.exists());
    // Forcing the right one reads it.
    import.clone().args(&["--encoding", "cp936"]).ok();
    assert_eq!(sim.field("username")["1001"], "郑伟");
    let ran = import
        .args(&["--encoding", "klingon"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("unknown encoding \"klingon\""));
}

/// A workbook as Excel users keep it: numbers stored as numbers, blank rows above the header.
fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "read me").unwrap();
    let sheet = book.add_worksheet().set_name("Staff").unwrap();
    let header = [
        "number",
        "username",
        "registername",
        "registerpassword",
        "mobile",
    ];
    for (col, name) in (0u16..).zip(header) {
        sheet.write_string(2, col, name).unwrap();
    }
    for (row, n, name, mobile) in [
        (3, 1001.0, "郑伟", 13800138000.0),
        (5, 1002.0, "Ana", 15550100001.0),
    ] {
        sheet.write_number(row, 0, n).unwrap();
        sheet.write_string(row, 1, name).unwrap();
        sheet.write_number(row, 2, n).unwrap();
        sheet.write_string(row, 3, STRONG).unwrap();
        sheet.write_number(row, 4, mobile).unwrap();
    }
    sheet.write_number(6, 0, 1003.0).unwrap();
    sheet.write_string(6, 1, "Bad!").unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn xlsx_numbers_arrive_as_typed_with_the_workbooks_row_numbers() {
    let sim = Sim::start(Api::YeastarV2);
    let import = Run::import(&sim).file_named("staff.xlsx", workbook());
    let ran = import.clone().args(&["--sheet", "staff"]).rows_failed();
    assert!(ran.stderr.contains("sheet \"Staff\""), "{}", ran.stderr);
    assert_eq!(
        ran.row_number_status(),
        ["4 1001 ok", "6 1002 ok", "7 1003 invalid",]
    );
    assert!(
        ran.rows[2]["message"].contains(r#"username "Bad!""#),
        "{:?}",
        ran.rows[2]
    );
    assert_eq!(
        sim.field("mobile"),
        BTreeMap::from([
            ("1001".into(), "13800138000".into()),
            ("1002".into(), "15550100001".into())
        ])
    );
    assert_eq!(sim.field("username")["1001"], "郑伟");
    assert_eq!(sim.field("registername")["1002"], "1002");
    // The invalid row goes to a workbook beside the report, as it was, every cell text.
    use calamine::{Data, Reader};
    let rejects = ran.beside("rejects.xlsx");
    assert!(
        ran.stdout.contains(rejects.to_str().unwrap()),
        "{}",
        ran.stdout
    );
    let mut book = calamine::open_workbook_auto(&rejects).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let text = |r, c| match range.get((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    };
    assert_eq!(
        (text(0, 0), text(0, 1), range.height()),
        ("number".into(), "username".into(), 2)
    );
    assert_eq!((text(1, 0), text(1, 1)), ("1003".into(), "Bad!".into()));

    let ran = import
        .clone()
        .args(&["--sheet", "Nope"])
        .incomplete("bad_input");
    assert!(
        ran.stderr
            .contains("has no sheet \"Nope\"; its sheets are: Notes, Staff"),
        "{}",
        ran.stderr
    );
    // The flags of one format on the other are refused, not ignored.
    let ran = import.args(&["--encoding", "gbk"]).incomplete("bad_input");
    assert!(ran.stderr.contains("is a workbook; --encoding is for text"));
    let ran = Run::import(&sim)
        .file("number\n1001\n")
        .args(&["--sheet", "Staff"])
        .incomplete("bad_input");
    assert!(
        ran.stderr
            .contains("is a text file; --sheet is for workbooks")
    );
}

#[test]
fn an_xlsx_export_is_text_throughout_private_and_reimports_with_no_write() {
    let mut seed = String::from("number,username,registername,registerpassword,mobile,vmsecret\n");
    for n in 1001..=1020 {
        seed.push_str(&format!("{n},郑伟 {n},0{n},{STRONG},013800{n}000,0042\n"));
    }
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("directory.xlsx");
    Run::export(&sim).to(&exported).ok();
    #[cfg(unix)]
    assert_eq!(mode(&exported), 0o600);
    use calamine::{Data, Reader};
    let mut book = calamine::open_workbook_auto(&exported).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(range.height(), 21);
    assert!(
        range
            .used_cells()
            .all(|(_, _, c)| matches!(c, Data::String(_))),
        "every cell is text, so Excel keeps leading zeros"
    );
    let column = |name: &str| {
        (0..range.width())
            .find(|&c| range.get((0, c)) == Some(&Data::String(name.into())))
            .unwrap()
    };
    let cell = |name: &str| range.get((1, column(name))).cloned();
    assert_eq!(cell("number"), Some(Data::String("1001".into())));
    assert_eq!(cell("registername"), Some(Data::String("01001".into())));
    assert_eq!(cell("mobile"), Some(Data::String("0138001001000".into())));

    let writes = sim.stat("write_requests");
    let ran = Run::import(&sim)
        .input(&exported)
        .args(&["--mode", "sync"])
        .ok();
    assert!(ran.column("status").iter().all(|s| *s == "unchanged"));
    assert_eq!(
        sim.stat("write_requests"),
        writes,
        "no write for an unchanged directory"
    );
}

#[test]
fn the_simulator_seeds_from_the_same_formats() {
    let gbk = encoded(GBK, &staff(1001, &HAN), false);
    let sim = Sim::with(Api::YeastarV2)
        .file_flag("--seed", "seed-gbk.csv", gbk)
        .start();
    assert_eq!(sim.field("username")["1001"], "郑伟");
    drop(sim);
    let sim = Sim::with(Api::YeastarV2)
        .file_flag("--seed", "seed.xlsx", workbook())
        .args(&["--sheet", "Staff"])
        .start();
    assert_eq!(sim.field("mobile")["1001"], "13800138000");
    assert_eq!(sim.field("username")["1001"], "郑伟");
}

#[test]
fn export_writes_what_report_format_and_encoding_ask_and_refuses_what_it_cannot_write() {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n5001,Zoë 陈静,5001,{STRONG}\n"
        ))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("directory.dat");
    Run::export(&sim)
        .to(&book)
        .args(&["--report-format", "xlsx"])
        .ok();
    assert!(
        std::fs::read(&book).unwrap().starts_with(b"PK"),
        "a workbook"
    );

    let csv = dir.path().join("directory.csv");
    Run::export(&sim)
        .to(&csv)
        .args(&["--encoding", "utf-16le"])
        .ok();
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.starts_with(b"\xFF\xFE"),
        "UTF-16 has its byte-order mark"
    );
    let (text, _) = UTF_16LE.decode_without_bom_handling(&bytes[2..]);
    assert!(text.contains("5001,Zoë 陈静,"), "{text}");

    // windows-1252 has no 陈静: refused, and the last good export stays.
    let ran = Run::export(&sim)
        .to(&csv)
        .args(&["--encoding", "windows-1252"])
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("windows-1252 cannot write"),
        "{}",
        ran.stderr
    );
    assert_eq!(std::fs::read(&csv).unwrap(), bytes);
}

/// Issue 28.1: a new hire's one-row GBK file read as EUC-KR (黄敏 → 뼝츌), windows-1251,
/// EUC-JP or ISO-8859-5, and was imported so, exit 0. One row is too little to tell: the file
/// is refused before anything is sent, its readings side by side, unless named or settled.
#[test]
fn a_one_row_legacy_file_is_refused_with_its_readings_unless_named_or_the_locale_settles_it() {
    let sim = Sim::start(Api::YeastarV2);
    for (i, name) in ["黄敏", "王芳", "李娜", "刘洋", "陈静"]
        .into_iter()
        .enumerate()
    {
        let number = 7001 + i as u32;
        let file = encoded(GBK, &staff(number, &[name]), false);
        let import = Run::import(&sim)
            .file_named("new-hire.csv", file)
            .args(&["--mode", "add"]);
        let logins = sim.stat("logins");
        let ran = import.clone().incomplete("bad_input");
        let err = &ran.stderr;
        assert!(
            err.contains("too little to tell its encoding")
                && err.contains(&format!("GBK \"{name}\""))
                && err.contains("--encoding (")
                && err.contains("gbk"),
            "{name}: {err}"
        );
        assert_eq!(
            sim.stat("logins"),
            logins,
            "{name}: refused before logging in"
        );
        // The locale of a Chinese desktop settles it, and says so.
        let ran = import.clone().env("LANG", "zh_CN.UTF-8").ok();
        assert!(
            ran.stderr.contains("read as GBK (the rows alone were too few to tell; the locale's territory CN settled it"),
            "{}",
            ran.stderr
        );
        assert_eq!(sim.field("username")[&number.to_string()], name);
    }
    // Named, it reads without a guess (a Western locale settles nothing).
    let file = encoded(GBK, &staff(7101, &["黄敏"]), false);
    let ran = Run::import(&sim)
        .file_named("new-hire.csv", file)
        .env("LANG", "en_US.UTF-8")
        .args(&["--mode", "add", "--encoding", "gbk"])
        .ok();
    assert!(
        ran.stderr.contains("read as GBK (--encoding)"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.field("username")["7101"], "黄敏");
}

/// `ssconvert staff.csv gnumeric.ods` (Gnumeric 1.12): an ODS whose content.xml is indented,
/// which calamine alone refuses ("Expecting 'table-cell', found 'Text(...)'").
const GNUMERIC_ODS: &[u8] = include_bytes!("fixtures/gnumeric.ods");

#[test]
fn an_ods_saved_by_gnumeric_arrives_cell_for_cell() {
    let sim = Sim::start(Api::YeastarV2);
    let ran = Run::import(&sim).file_named("staff.ods", GNUMERIC_ODS).ok();
    assert_eq!(
        ran.row_number_status(),
        ["2 1000000 ok", "3 1000001 ok", "4 1000002 ok"]
    );
    assert_eq!(sim.field("username")["1000001"], "Tariq Nakamura");
    assert_eq!(sim.field("ringtimeout")["1000001"], "60");
    assert_eq!(
        sim.field("email")["1000002"],
        "daniel.muller.1000002@example.com"
    );
}
