//! Nothing leaked, nothing garbled (issue 27.6, 28.6): a secret is hidden in every form a
//! PBX may echo it in, never found where it is not (an oracle), and never taken from a URL,
//! a config file's error or a byte-order mark. Each test is one way it broke before.

use std::net::TcpStream;

use crate::support::fake_pbx::{FakePbx, Request, answer, yeastar_session};
use crate::support::*;

/// `text` as XML character data.
fn xml_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A SOAP 1.1 fault whose faultstring is `text`.
fn soap_fault(stream: &mut TcpStream, text: &str) {
    let body = format!(
        "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>{}</faultstring>\
         </soap:Fault></soap:Body></soap:Envelope>",
        xml_escaped(text)
    );
    answer(
        stream,
        "500 Internal Server Error",
        &[("Content-Type", "text/xml")],
        &body,
    );
}

#[test]
fn a_verba_password_echoed_xml_escaped_in_a_fault_is_hidden() {
    const VERBA_PASSWORD: &str = "Pa&ss<w0rd>42";
    let escaped = xml_escaped(VERBA_PASSWORD);
    let pbx = FakePbx::start(move |request: &Request, stream: &mut TcpStream| {
        // The request as it came (the password in it XML-escaped), and the escaped form again
        // in words of the fault's own.
        soap_fault(
            stream,
            &format!(
                "password {escaped} refused; the request was {}",
                request.body
            ),
        );
    });
    let ran = Run::import_at(Api::Verba, &format!("{}/provisioning", pbx.url))
        .env("PBXBULK_PASSWORD", VERBA_PASSWORD)
        .file("extension,eid,recordingmode\nana@example.com,0000,CONTROLLED\n")
        .any_exit();
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        pbx.requests()[0]
            .body
            .contains(&xml_escaped(VERBA_PASSWORD))
    );
    let shown = format!("{}{}", ran.shown(), ran.summary());
    assert!(shown.contains("refused"), "{shown}");
    for form in [
        VERBA_PASSWORD.to_string(),
        xml_escaped(VERBA_PASSWORD),
        "Pa&amp;ss".into(),
    ] {
        assert!(!shown.contains(&form), "{form} leaked: {shown}");
    }
}

#[test]
fn short_secrets_are_no_oracle_and_the_pbxs_words_stay_whole() {
    // The row's vmsecret is 1001; the PBX refuses the add with its errno 10017.
    let pbx = FakePbx::yeastar_answering(r#"{"status":"Failed","errno":"10017"}"#);
    let ran = Run::import_at(Api::YeastarV2, &pbx.url)
        .file(&format!(
            "number,username,registername,registerpassword,vmsecret\n2001,Ana,r2001,{STRONG},1001\n"
        ))
        .args(&["--mode", "add", "--rate", "0"])
        .rows_failed();
    assert_eq!(ran.rows[0]["error_code"], "10017", "{:?}", ran.rows[0]);

    // The API password is "or", and the PBX refuses it in its own words.
    let sim = Sim::start(Api::YeastarV2);
    let ran = Run::import(&sim)
        .env("PBXBULK_PASSWORD", "or")
        .file("number,username\n2001,Ana\n")
        .incomplete("login_refused");
    assert!(
        ran.stderr.contains("wrong API username or password"),
        "{}",
        ran.stderr
    );

    // The token is one letter; the PBX's meaning for an unknown errno still reads whole.
    let pbx = FakePbx::start(|request, stream| {
        if request.path.ends_with("/login") {
            answer(stream, "200 OK", &[], r#"{"status":"Success","token":"e"}"#);
        } else if !yeastar_session(request, stream) {
            answer(
                stream,
                "200 OK",
                &[],
                r#"{"status":"Failed","errno":"99999"}"#,
            );
        }
    });
    let ran = Run::import_at(Api::YeastarV2, &pbx.url)
        .file(&format!(
            "number,username,registername,registerpassword\n2001,Ana,r2001,{STRONG}\n"
        ))
        .args(&["--mode", "add", "--rate", "0"])
        .rows_failed();
    assert!(
        ran.rows[0]["message"].contains("the PBX refused the request"),
        "{:?}",
        ran.rows[0]
    );
}

#[test]
fn credentials_in_the_url_are_refused_and_shown_nowhere() {
    let sim = Sim::start(Api::YeastarV2);
    let url = sim.url.replace("http://", "http://api:Url-Secret-77@");
    let ran = Run::import_at(Api::YeastarV2, &url)
        .file("number,username\n2001,Ana\n")
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("may not hold a user or password"),
        "{}",
        ran.stderr
    );
    let shown = format!("{}{}", ran.shown(), ran.summary());
    assert!(!shown.contains("Url-Secret-77"), "{shown}");
    assert_eq!(sim.stat("logins"), 0);

    let show = Run::new(Command::Config)
        .args(&["show", "--url", &url])
        .any_exit();
    let shown = show.stdout + &show.stderr;
    assert!(!shown.contains("Url-Secret-77"), "{shown}");
}

#[test]
fn a_bare_number_as_the_configs_password_is_never_shown() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "config.toml",
        "[profile.hq]\napi = \"yeastar-v2\"\npassword = 73519046\n",
    );
    #[cfg(unix)]
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let ran = Run::config_show(&config, "hq").ok();
    // A number is taken as the text a flag would be given; it shows nowhere.
    assert!(ran.stdout.contains("(hidden)"), "{}", ran.stdout);
    for out in [&ran.stdout, &ran.stderr] {
        assert!(!out.contains("73519046"), "{out}");
    }
}

#[test]
fn a_password_file_saved_with_a_byte_order_mark_logs_in() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "pw", format!("\u{feff}{PASSWORD}\r\n"));
    #[cfg(unix)]
    std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    Run::import(&sim)
        .without_password()
        .args(&["--password-file", file.to_str().unwrap()])
        .file(&format!(
            "number,username,registername,registerpassword\n2001,Ana,r2001,{STRONG}\n"
        ))
        .ok();
    assert_eq!(sim.stat("extensions"), 1);
}

#[test]
fn an_exports_formulas_are_text_and_come_back_exactly_with_no_write() {
    let sim = Sim::start(Api::Openvox);
    // SIP passwords a spreadsheet would run as formulas.
    let held = [
        "=Sip-pw-3001",
        "+Sip-pw-3002",
        "-Sip-pw-3003",
        "@Sip-pw-3004",
    ];
    let mut file = String::from("number,username,registerpassword\n");
    for (i, password) in held.iter().enumerate() {
        file.push_str(&format!("{},Staff {i},{password}\n", 3001 + i));
    }
    Run::import(&sim).file(&file).args(&["--mode", "add"]).ok();
    let on_pbx = || -> Vec<String> { sim.field("registerpassword").into_values().collect() };
    assert_eq!(on_pbx(), held, "the PBX holds the passwords as typed");

    let export = Run::export(&sim).ok();
    let column = export.column("registerpassword");
    assert_eq!(column.len(), 4);
    for cell in &column {
        assert!(cell.starts_with('\''), "{cell:?} would run as a formula");
    }
    let writes = sim.stat("write_requests");
    Run::import(&sim)
        .input(&export.report)
        .args(&["--mode", "sync"])
        .ok();
    assert_eq!(
        sim.stat("write_requests"),
        writes,
        "the export re-imports unchanged"
    );
    assert_eq!(on_pbx(), held);
}

#[test]
fn control_characters_from_the_pbx_reach_neither_terminal_nor_report_raw() {
    let pbx = FakePbx::yeastar_answering(
        r#"{"status":"Failed","errno":"\u001b[2J\u001b]0;owned\u0007 bad"}"#,
    );
    let ran = Run::import_at(Api::YeastarV2, &pbx.url)
        .file(&format!(
            "number,username,registername,registerpassword\n2001,Ana,r2001,{STRONG}\n"
        ))
        .args(&["--mode", "add", "--rate", "0"])
        .rows_failed();
    let shown = ran.shown();
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    assert!(
        ran.rows[0]["error_code"].contains("\\x1B[2J"),
        "{:?}",
        ran.rows[0]
    );
}
