//! Whatever a PBX answers, the run goes on and memory stays bounded (issue 27: deep XML,
//! huge listings, tokens that never last, records nobody asked for). Each test is one way it
//! broke before, shown from the outside, against a PBX the test plays itself.

use std::net::TcpStream;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use crate::support::fake_pbx::{FakePbx, Request, answer, yeastar_session};
use crate::support::*;

/// Answers an OpenVox login, logout or heartbeat in XML; false for anything else.
fn openvox_xml_session(request: &Request, stream: &mut TcpStream) -> bool {
    let body = if request.path.contains("/login") {
        "<?xml version=\"1.0\"?><xml><status>Success</status><token>tok-9d1e</token></xml>"
    } else if request.path.contains("/logout") || request.path.contains("/heartbeat") {
        "<?xml version=\"1.0\"?><xml><status>Success</status></xml>"
    } else {
        return false;
    };
    answer(stream, "200 OK", &[], body);
    true
}

#[test]
fn an_answer_nested_5000_deep_is_that_rows_bad_response_and_the_run_goes_on() {
    let pbx = FakePbx::start(|request, stream| {
        if openvox_xml_session(request, stream) {
            return;
        }
        let body = if request.body.contains("3002") {
            format!(
                "<?xml version=\"1.0\"?><xml>{}{}</xml>",
                "<a>".repeat(5_000),
                "</a>".repeat(5_000)
            )
        } else {
            "<?xml version=\"1.0\"?><xml><status>Success</status></xml>".to_string()
        };
        answer(stream, "200 OK", &[], &body);
    });
    let ran = Run::import_at(Api::Openvox, &pbx.url)
        .file("number,username,registerpassword\n3001,Ana,Sip-pw-3001\n3002,Bo,Sip-pw-3002\n3003,Cy,Sip-pw-3003\n")
        .args(&["--body", "xml", "--mode", "add", "--rate", "0"])
        .rows_failed();
    assert_eq!(ran.column("status"), ["ok", "failed", "ok"]);
    let row = ran.row("number", "3002");
    assert_eq!(row["error_code"], "BAD_RESPONSE", "{row:?}");
    assert!(row["message"].contains("nested deeper than"), "{row:?}");
}

#[test]
fn a_pbx_whose_tokens_never_last_stops_the_run_as_unreachable_within_a_login_budget() {
    // Every request: "no such token".
    let pbx = FakePbx::yeastar_answering(r#"{"status":"Failed","errno":"20004"}"#);
    let mut file = String::from("number,username,registername,registerpassword\n");
    for n in 2001..2201 {
        file.push_str(&format!("{n},Staff {n},r{n},{STRONG}\n"));
    }
    let ran = Run::import_at(Api::YeastarV2, &pbx.url)
        .file(&file)
        .args(&["--mode", "add", "--rate", "0", "--concurrency", "4"])
        .incomplete("pbx_unreachable");
    let logins = pbx.count("/login");
    assert!(logins <= 12, "{logins} logins");
    assert!(ran.stderr.contains("a new login"), "{}", ran.stderr);
    assert!(ran.stderr.contains("resume with: "), "{}", ran.stderr);
    assert_eq!(ran.rows.len(), 200, "every row has its line");
}

#[test]
fn records_nobody_asked_for_are_left_out_warned_about_and_never_deleted() {
    let pbx = FakePbx::yeastar(|request, stream| {
        let body = if request.path.contains("/extension/list") {
            r#"{"status":"Success","extlist":[{"number":"1001"}]}"#
        } else if request.path.contains("/extension/query") {
            // Asked for 1001; it also names 9999, which its listing never did.
            r#"{"status":"Success","extinfos":[{"number":"1001","username":"Ana"},{"number":"9999","username":"Stranger"}]}"#
        } else {
            r#"{"status":"Success"}"#
        };
        answer(stream, "200 OK", &[], body);
    });
    let export = Run::export_at(Api::YeastarV2, &pbx.url).ok();
    assert_eq!(export.column("number"), ["1001"]);
    assert!(export.stderr.contains("9999"), "{}", export.stderr);
    assert!(export.stderr.contains("never named"), "{}", export.stderr);

    let ran = Run::import_at(Api::YeastarV2, &pbx.url)
        .file("number,username\n1001,Ana\n")
        .args(&["--mode", "sync", "--prune", "--max-delete", "5"])
        .ok();
    assert_eq!(ran.column("number"), ["1001"]);
    assert_eq!(pbx.count("/extension/delete"), 0, "nothing deleted");
}

#[test]
fn a_listing_far_larger_than_any_pbx_is_refused_before_a_single_query() {
    let numbers: Vec<String> = (0..150_000)
        .map(|n| format!(r#"{{"number":"{}"}}"#, 100_000 + n))
        .collect();
    let listing = format!(
        r#"{{"status":"Success","extlist":[{}]}}"#,
        numbers.join(",")
    );
    let pbx = FakePbx::yeastar(move |request, stream| {
        let body = match request.path.contains("/extension/list") {
            true => listing.as_str(),
            false => r#"{"status":"Success","extinfos":[]}"#,
        };
        answer(stream, "200 OK", &[], body);
    });
    let ran = Run::export_at(Api::YeastarV2, &pbx.url).incomplete("bad_input");
    assert!(
        ran.stderr.contains("lists 150000 extensions"),
        "{}",
        ran.stderr
    );
    let ran = Run::import_at(Api::YeastarV2, &pbx.url)
        .file("number,username\n1001,Ana\n")
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("more than the 100000"),
        "{}",
        ran.stderr
    );
    assert_eq!(pbx.count("/extension/query"), 0, "nothing queried");
}

#[test]
fn a_4_mib_query_answer_of_empty_records_stays_within_64_mb() {
    let pid = Arc::new(AtomicU32::new(0));
    let peak = Arc::new(Mutex::new(None));
    let (pid_seen, peak_seen) = (pid.clone(), peak.clone());
    let records = format!(
        r#"{{"status":"Success","extinfos":[{}{{}}]}}"#,
        "{},".repeat((4 << 20) / 3 - 20)
    );
    let pbx = FakePbx::start(move |request, stream| {
        if request.path.contains("/logout") {
            // The run's last request: its peak memory so far is the run's peak.
            *peak_seen.lock().unwrap() = peak_rss_kb(pid_seen.load(Ordering::SeqCst));
        }
        if yeastar_session(request, stream) {
            return;
        }
        let body = match request.path.contains("/extension/list") {
            true => r#"{"status":"Success","extlist":[{"number":"1001"}]}"#,
            false => records.as_str(),
        };
        answer(stream, "200 OK", &[], body);
    });
    let running = Run::import_at(Api::YeastarV2, &pbx.url)
        .file(&format!(
            "number,username,registername,registerpassword\n1001,Ana,r1001,{STRONG}\n"
        ))
        .args(&["--mode", "upsert"])
        .spawn();
    pid.store(running.pid(), Ordering::SeqCst);
    running.wait().any_exit();
    let peak_kb = peak.lock().unwrap().expect("peak memory read at logout");
    assert!(
        peak_kb < 64 * 1024,
        "a 4 MiB answer took the peak to {peak_kb} kB"
    );
}
