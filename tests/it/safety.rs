//! Nothing lost, nothing leaked, whatever the PBX does (issue 14): each test is one way it
//! broke before, shown from the outside. (What the disk or the user does is in `disk.rs`.)

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::fake_pbx::{FakePbx, answer, yeastar_session};
use crate::support::*;

/// The row of `templates/yeastar-v2.csv`, whose secrets are these.
const REGISTERPASSWORD: &str = "Kx7mQ2vRt9LpW4zA";
const LOGINPASSWORD: &str = "Bq8nT5wYe3";
const VMSECRET: &str = "4821";
const FAKE_TOKEN: &str = "fake-token-4f1c9d";

/// `n` valid yeastar-v2 rows (numbers 1001…), each carrying the template's secrets.
fn rows(n: usize) -> String {
    let template = include_str!("../../templates/yeastar-v2.csv");
    let (header, row) = template.trim_end().split_once('\n').unwrap();
    let mut text = format!("{header}\n");
    for i in 0..n {
        let number = (1001 + i).to_string();
        text.push_str(&row.replace("1001", &number));
        text.push('\n');
    }
    text
}

/// Adds of `n` rows to the PBX at `url`, unthrottled.
fn import_to(url: &str, n: usize) -> Run {
    Run::import_at(Api::YeastarV2, url)
        .file_named("staff.csv", rows(n))
        .args(&["--mode", "add", "--rate", "0"])
}

#[test]
fn a_redirect_is_never_followed_it_fails_the_row_naming_the_target() {
    let trap = FakePbx::trap();
    let target = format!("{}/api/v2.0.0/extension/add?token={FAKE_TOKEN}", trap.url);
    let location = target.clone();
    let pbx = FakePbx::start(move |request, stream| {
        if !yeastar_session(request, stream) {
            answer(
                stream,
                "307 Temporary Redirect",
                &[("Location", &location)],
                "",
            );
        }
    });
    let ran = import_to(&pbx.url, 2).rows_failed();
    assert!(
        trap.requests().is_empty(),
        "nothing may reach the redirect's target"
    );
    for row in &ran.rows {
        assert_eq!(row["status"], "failed");
        assert_eq!(row["error_code"], "REDIRECT");
        assert!(row["message"].contains(&trap.url), "{}", row["message"]);
        assert!(!row["message"].contains(FAKE_TOKEN), "{}", row["message"]);
    }
}

#[test]
fn a_redirected_login_stops_at_once_and_sends_nothing_elsewhere() {
    let trap = FakePbx::trap();
    let location = format!("{}/api/v2.0.0/login", trap.url);
    let pbx = FakePbx::start(move |_, stream| {
        answer(
            stream,
            "308 Permanent Redirect",
            &[("Location", &location)],
            "",
        );
    });
    let ran = import_to(&pbx.url, 2).incomplete("bad_input");
    assert!(ran.stderr.contains(&trap.url), "{}", ran.stderr);
    assert_eq!(pbx.count("/login"), 1, "one login, not retried");
    assert_eq!(pbx.count("/extension/"), 0);
    assert!(
        trap.requests().is_empty(),
        "the password hash never left for the target"
    );
}

#[test]
fn secrets_the_pbx_echoes_are_scrubbed_and_an_empty_answer_gets_our_code() {
    let pbx = FakePbx::start(|request, stream| {
        if yeastar_session(request, stream) {
            return;
        }
        // Row 1002 is answered `{}`; every other row with its own request echoed back.
        let body = if request.body.contains("\"1002\"") {
            "{}".to_string()
        } else {
            let echo = format!("{} {}", request.path, request.body);
            serde_json::json!({"status": "Failed", "errno": echo}).to_string()
        };
        answer(stream, "200 OK", &[], &body);
    });
    let ran = import_to(&pbx.url, 2).rows_failed();
    let seen = ran.shown();
    assert_eq!(ran.rows[0]["status"], "failed");
    assert!(
        ran.rows[0]["error_code"].contains("***"),
        "{:?}",
        ran.rows[0]
    );
    assert_eq!(
        ran.rows[1]["error_code"], "BAD_RESPONSE",
        "{:?}",
        ran.rows[1]
    );

    // A login refused with an echo of its own request: the echo reaches the terminal.
    let echoing_login = FakePbx::start(|request, stream| {
        let echo = format!("{} {}", request.path, request.body);
        let body = serde_json::json!({"status": "Failed", "errno": echo}).to_string();
        answer(stream, "200 OK", &[], &body);
    });
    let refused = import_to(&echoing_login.url, 2).incomplete("bad_input");
    let seen = seen + &refused.stderr + &refused.stdout;
    assert!(
        echoing_login.requests()[0]
            .body
            .contains(&md5_hex(PASSWORD))
    );
    for secret in [
        REGISTERPASSWORD,
        LOGINPASSWORD,
        VMSECRET,
        FAKE_TOKEN,
        PASSWORD,
        &md5_hex(PASSWORD),
    ] {
        assert!(!seen.contains(secret), "{secret} leaked:\n{seen}");
    }
}

#[test]
fn a_50_mb_answer_is_a_row_error_and_memory_stays_bounded() {
    const ANSWER_MB: usize = 50;
    let pid = Arc::new(AtomicU32::new(0));
    let peak = Arc::new(Mutex::new(None));
    let (pid_seen, peak_seen) = (pid.clone(), peak.clone());
    let pbx = FakePbx::start(move |request, stream| {
        if request.path.contains("/logout") {
            // The run's last request: its peak memory so far is the run's peak.
            *peak_seen.lock().unwrap() = peak_rss_kb(pid_seen.load(Ordering::SeqCst));
        }
        if yeastar_session(request, stream) {
            return;
        }
        // No Content-Length: the body runs until the connection closes, as a runaway
        // PBX would send it, so only reading it can find out how big it is.
        let head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"status\":\"Success\",\"pad\":\"";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![b'a'; 1 << 16];
        for _ in 0..(ANSWER_MB << 4) {
            if stream.write_all(&chunk).is_err() {
                return; // the client stopped reading
            }
        }
        let _ = stream.write_all(b"\"}");
    });
    let running = import_to(&pbx.url, 4).args(&["--concurrency", "4"]).spawn();
    pid.store(running.pid(), Ordering::SeqCst);
    let ran = running.wait().rows_failed();
    for row in &ran.rows {
        assert_eq!(row["error_code"], "BAD_RESPONSE", "{row:?}");
        assert!(row["message"].contains("larger than"), "{row:?}");
    }
    let peak_kb = peak.lock().unwrap().expect("peak memory read at logout");
    eprintln!("peak RSS with four {ANSWER_MB} MB answers in flight: {peak_kb} kB");
    assert!(
        peak_kb < 100 * 1024,
        "four {ANSWER_MB} MB answers took the peak to {peak_kb} kB"
    );
}

#[test]
fn a_retry_after_of_a_day_is_not_waited_for() {
    let pbx = FakePbx::start(|request, stream| {
        if !yeastar_session(request, stream) {
            answer(
                stream,
                "503 Service Unavailable",
                &[("Retry-After", "86400")],
                "",
            );
        }
    });
    let running = import_to(&pbx.url, 1).args(&["--retries", "3"]).spawn();
    // Not a timing assertion: a guard, so that a run that obeys the PBX ends the test too.
    let ran = running.ends_within(Duration::from_secs(100)).rows_failed();
    assert_eq!(
        pbx.count("/extension/add"),
        1,
        "no second try after a day's Retry-After"
    );
    let row = &ran.rows[0];
    assert_eq!(
        (row["status"].as_str(), row["attempts"].as_str()),
        ("failed", "1")
    );
    assert!(row["message"].contains("86400"), "{row:?}");
}

#[test]
fn a_ca_cert_file_without_a_certificate_is_an_error() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let junk = write(dir.path(), "ca.pem", "this is not a certificate\n");
    let ran = Run::import(&sim)
        .file(&rows(1))
        .args(&["--ca-cert", junk.to_str().unwrap()])
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("holds no certificate"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("logins"), 0);
}

#[test]
fn plain_http_and_insecure_each_print_one_warning() {
    let sim = Sim::start(Api::YeastarV2);
    let import = Run::import(&sim).file(&rows(1));
    let warnings = |ran: &Ran| {
        ran.stderr
            .lines()
            .filter(|l| l.contains("warning:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let plain = warnings(&import.clone().ok());
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert!(plain[0].contains("http://"), "{plain:?}");
    let insecure = warnings(&import.args(&["--insecure"]).ok());
    assert_eq!(insecure.len(), 2, "{insecure:?}");
    assert!(insecure[1].contains("--insecure"), "{insecure:?}");
}

#[test]
fn numbers_the_pbx_lists_outside_the_key_rule_are_reported_and_skipped_under_prune() {
    let sim = Sim::with(Api::YeastarV2)
        .seed("number,username\n1001,Ana\n1002,Ben\n1003,Cy\n12a,Odd\nall,Odder\n")
        .start();
    let ran = Run::import(&sim)
        .file("number,username\n1001,Ana\n1002,Ben\n")
        .args(&["--mode", "sync", "--prune", "--max-delete", "5"])
        .ok();
    assert!(!ran.stderr.contains("internal error"), "{}", ran.stderr);
    let line = |number: &str| ran.row("number", number);
    assert_eq!(
        (
            line("1003")["action"].as_str(),
            line("1003")["status"].as_str()
        ),
        ("delete", "ok")
    );
    for odd in ["12a", "all"] {
        assert_eq!(line(odd)["status"], "skipped", "{:?}", line(odd));
        assert_eq!(line(odd)["error_code"], "BAD_NUMBER");
    }
    assert_eq!(sim.stat("extensions"), 4, "only 1003 was deleted");
}
