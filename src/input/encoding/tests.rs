//! Unit tests of `input/encoding.rs` (kept beside it, in their own file, so the code reads in one screen).
use super::*;
use encoding_rs::{BIG5, GBK, SHIFT_JIS, WINDOWS_1252};

fn decide_bytes(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> Result<Decision, EncodingError> {
    let told = Told {
        named: forced,
        ..Told::default()
    };
    decide(|| Ok(bytes), told)
}

fn decoded(bytes: &[u8], d: Decision) -> String {
    let mut s = String::new();
    Utf8Reader::new(bytes, d).read_to_string(&mut s).unwrap();
    s
}

const CSV: &str = "number,username\n1001,郑伟\n1002,王芳\n1003,李娜\n1004,张敏\n";

/// `names` as rows of a file, repeated to `rows` rows.
fn rows_of(names: &[&str], rows: usize) -> String {
    let mut text = "number,username\n".to_string();
    for (i, name) in names.iter().cycle().take(rows).enumerate() {
        text.push_str(&format!("{},{name}\n", 1000 + i));
    }
    text
}

#[test]
fn legacy_code_pages_are_detected_from_the_whole_file() {
    for (encoding, text) in [
        (
            GBK,
            rows_of(&["郑伟", "王芳", "李娜", "张敏", "刘洋", "陈静"], 24),
        ),
        (BIG5, rows_of(&["陳大文", "林美玲", "黃志明", "張家豪"], 24)),
        (
            SHIFT_JIS,
            rows_of(&["佐藤太郎", "鈴木花子", "高橋健一"], 24),
        ),
        (
            WINDOWS_1252,
            rows_of(&["José Müller", "François Œuvre", "Zoë Brontë"], 24),
        ),
    ] {
        let bytes = encoding.encode(&text).0;
        let d = decide_bytes(&bytes, None).unwrap();
        assert_eq!(d.encoding.name(), encoding.name(), "{text}");
        assert_eq!(d.how, How::Detected);
        assert_eq!(decoded(&bytes, d), text);
    }
}

#[test]
fn utf8_with_and_without_bom() {
    let d = decide_bytes(CSV.as_bytes(), None).unwrap();
    assert!(d.is_utf8() && d.how == How::Detected && d.bom == 0);
    let with = [b"\xEF\xBB\xBF", CSV.as_bytes()].concat();
    let d = decide_bytes(&with, None).unwrap();
    assert_eq!((d.encoding, d.how, d.bom), (UTF_8, How::Bom, 3));
    assert_eq!(decoded(&with, d), CSV);
}

#[test]
fn utf16_with_bom_or_recognised_without() {
    for (encoding, bom) in [
        (UTF_16LE, true),
        (UTF_16BE, true),
        (UTF_16LE, false),
        (UTF_16BE, false),
    ] {
        let body = encode(encoding, CSV);
        let bytes = if bom {
            [super::bom(encoding), &body].concat()
        } else {
            body
        };
        let d = decide_bytes(&bytes, None).unwrap();
        assert_eq!(d.encoding, encoding);
        assert_eq!(d.how, if bom { How::Bom } else { How::Detected });
        assert_eq!(decoded(&bytes, d), CSV);
    }
}

#[test]
fn forced_encoding_wins_and_is_checked() {
    let bytes = GBK.encode(CSV).0;
    let d = decide_bytes(&bytes, Some(by_name("cp936").unwrap())).unwrap();
    assert_eq!((d.encoding, d.how), (GBK, How::Forced));
    // 郑伟 in GBK (D6 A3 CE B0) happens to be valid UTF-8: the first bad byte is on line 3.
    let err = decide_bytes(&bytes, Some(UTF_8)).unwrap_err().to_string();
    assert!(err.contains("not valid UTF-8 text at line 3"), "{err}");
    assert!(matches!(by_name("klingon"), Err(EncodingError::Unknown(_))));
}

#[test]
fn damaged_utf8_is_refused_not_guessed() {
    let mut bytes = "number,username\n".to_string().into_bytes();
    for i in 0..20 {
        bytes.extend(format!("{},郑伟\n", 1000 + i).as_bytes());
    }
    bytes.extend(b"1100,\xE9\x83\n");
    let err = decide_bytes(&bytes, None).unwrap_err().to_string();
    assert!(err.contains("line 22") && err.contains("damaged"), "{err}");
}

#[test]
fn undecodable_bom_file_is_one_error() {
    let bytes = b"\xEF\xBB\xBFnumber,username\n1001,\xFF\xFE\xFD\n";
    let err = decide_bytes(bytes, None).unwrap_err().to_string();
    assert!(err.contains("UTF-8") && err.contains("line 2"), "{err}");
    // Counted from the start of the file, the mark included.
    assert!(err.contains("(byte 24)"), "{err}");
}

#[test]
fn encode_round_trips_what_was_decoded() {
    for e in [
        GBK,
        BIG5,
        SHIFT_JIS,
        WINDOWS_1252,
        UTF_16LE,
        UTF_16BE,
        UTF_8,
    ] {
        let text = if e == WINDOWS_1252 {
            "1001,José"
        } else if e == BIG5 {
            "1001,陳大文"
        } else if e == SHIFT_JIS {
            "1001,佐藤"
        } else {
            CSV
        };
        let bytes = encode(e, text);
        let (back, bad) = e.decode_without_bom_handling(&bytes);
        assert!(!bad);
        assert_eq!(back, text);
    }
}

#[test]
fn a_guess_the_rows_do_not_bear_out_is_refused_with_its_readings() {
    let bytes = GBK.encode("number,username\n1001,黄敏\n").0;
    let err = decide_bytes(&bytes, None).unwrap_err().to_string();
    assert!(
        err.contains("one line of non-ASCII text is too little")
            && err.contains("GBK \"黄敏\"")
            && err.contains("--encoding (")
            && err.contains("gbk"),
        "{err}"
    );
    // Named, it reads.
    let d = decide_bytes(&bytes, Some(GBK)).unwrap();
    assert_eq!((d.encoding, d.how), (GBK, How::Forced));
}

#[test]
fn the_locale_settles_a_guess_and_says_so() {
    let bytes = GBK.encode("number,username\n1001,黄敏\n").0;
    let told = Told {
        locale: locale_hint("zh_CN.UTF-8"),
        ..Told::default()
    };
    let d = decide(|| Ok(&bytes[..]), told).unwrap();
    assert_eq!((d.encoding, d.how), (GBK, How::Locale(*b"CN")));
    assert!(
        d.describe().contains("territory CN settled it"),
        "{}",
        d.describe()
    );
}
