use super::*;

/// The secret fields of a Yeastar write and its session.
const FIELDS: [&str; 5] = [
    "password",
    "token",
    "registerpassword",
    "loginpassword",
    "vmsecret",
];

fn secrets(values: &[&str]) -> Secrets {
    Secrets::new(FIELDS, values.iter().copied())
}

#[test]
fn an_echoed_request_loses_every_secret_field_whatever_its_length() {
    let echoed =
        r#"bad request {"registerpassword":"Sip-Pass-123","vmsecret":"4821","token":"t0k"}"#;
    let clean = secrets(&["4821", "Sip-Pass-123", "t0k", ""]).scrub(echoed);
    assert_eq!(
        clean,
        r#"bad request {"registerpassword":"***","vmsecret":"***","token":"***"}"#
    );
    let xml = "<xml><vmsecret>4821</vmsecret><ns:password xsi:type=\"s\">or</ns:password></xml>";
    assert_eq!(
        secrets(&["4821", "or"]).scrub(xml),
        "<xml><vmsecret>***</vmsecret><ns:password xsi:type=\"s\">***</ns:password></xml>"
    );
    let query = "POST /api/v2.0.0/extension/add?token=a&type=json";
    assert_eq!(
        secrets(&["a"]).scrub(query),
        "POST /api/v2.0.0/extension/add?token=***&type=json"
    );
}

#[test]
fn a_secret_is_hidden_in_every_form_a_wire_gives_it() {
    let password = "Pa&ss<w0rd>42 \"x\"";
    let s = secrets(&[password]);
    for echo in [
        password.to_string(),
        "Pa&amp;ss&lt;w0rd&gt;42 &quot;x&quot;".to_string(),
        r#"Pa&ss<w0rd>42 \"x\""#.to_string(),
        "Pa%26ss%3Cw0rd%3E42%20%22x%22".to_string(),
        "Pa%26ss%3Cw0rd%3E42+%22x%22".to_string(),
        md5_hex(password),
        md5_hex(password).to_ascii_uppercase(),
    ] {
        let clean = s.scrub(&format!("fault: {echo} refused"));
        assert_eq!(clean, "fault: *** refused", "{echo}");
    }
}

#[test]
fn scrubbing_is_no_oracle_and_leaves_the_pbxs_words_alone() {
    let s = secrets(&["1001", "or", "e"]);
    // Short secrets are never looked for in free text.
    let words = "wrong API username or password; the PBX refused the request (10017)";
    assert_eq!(s.scrub(words), words);
    // A code is a code: neither cut into nor replaced unless it is a secret whole.
    assert_eq!(s.scrub_code("10017"), "10017");
    assert_eq!(s.scrub_code("1001"), "***");
    assert_eq!(
        s.scrub_code("ERROR_ILLEGAL_ARGUMENT"),
        "ERROR_ILLEGAL_ARGUMENT"
    );
    // A long secret is hidden only where it stands whole, not inside another word.
    let s = secrets(&["Secret9"]);
    assert_eq!(
        s.scrub("Secret9 and xSecret9 and Secret9x"),
        "*** and xSecret9 and Secret9x"
    );
}

#[test]
fn an_echo_in_the_error_code_is_scrubbed_and_kept_short() {
    let code =
        secrets(&["4821"]).scrub_code(&format!(r#"{{"vmsecret":"4821"{}}}"#, "x".repeat(80)));
    assert!(code.starts_with(r#"{"vmsecret":"***""#), "{code}");
    assert!(code.chars().count() < 70, "{code}");
}

#[test]
fn the_longer_form_wins_where_one_contains_another() {
    assert_eq!(secrets(&["123456", "abc123456"]).scrub("abc123456"), "***");
}

#[test]
fn long_echoes_are_cut_on_a_character_boundary() {
    let long = "é".repeat(MAX_ECHO + 5);
    let cut = secrets(&[]).scrub(&long);
    assert!(cut.starts_with(&"é".repeat(MAX_ECHO)));
    assert!(cut.ends_with("… (5 more characters)"), "{cut}");
    assert_eq!(secrets(&[]).scrub("short"), "short");
}

#[test]
fn control_characters_from_the_pbx_are_escaped() {
    let clean = secrets(&[]).scrub("bad\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{9b}31m value");
    assert_eq!(clean, "bad\\x1B[2J\\x1B]0;pwned\\x07\\x0D\\u{9B}31m value");
}
