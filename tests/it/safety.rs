//! Nothing lost, nothing leaked, whatever the PBX, the disk or the user does (issue 14): each
//! test is one way it broke before, shown from the outside.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fake_pbx::{FakePbx, answer, yeastar_session};
use crate::helpers::*;

/// The row of `templates/yeastar-v2.csv`, whose secrets are these.
const REGISTERPASSWORD: &str = "Kx7mQ2vRt9LpW4zA";
const LOGINPASSWORD: &str = "Bq8nT5wYe3";
const VMSECRET: &str = "4821";
const FAKE_TOKEN: &str = "fake-token-4f1c9d";

/// `n` valid yeastar-v2 rows (numbers 1001…), each carrying the template's secrets.
fn rows(dir: &Path, n: usize) -> PathBuf {
    let template = include_str!("../../templates/yeastar-v2.csv");
    let (header, row) = template.trim_end().split_once('\n').unwrap();
    let mut text = format!("{header}\n");
    for i in 0..n {
        let number = (1001 + i).to_string();
        text.push_str(&row.replace("1001", &number));
        text.push('\n');
    }
    write(dir, "staff.csv", &text)
}

fn import_args<'a>(url: &'a str, file: &'a Path, report: &'a Path) -> Vec<&'a str> {
    vec![
        "import",
        file.to_str().unwrap(),
        "--api",
        "yeastar-v2",
        "--url",
        url,
        "--user",
        USER,
        "--report",
        report.to_str().unwrap(),
        "--mode",
        "add",
        "--rate",
        "0",
    ]
}

fn import_at(url: &str, file: &Path, report: &Path, extra: &[&str]) -> Output {
    let args = [&import_args(url, file, report)[..], extra].concat();
    run(&args, &[("PBXBULK_PASSWORD", PASSWORD)])
}

/// Everything a user could see of a run: its terminal output and the files it wrote.
fn everything_shown(out: &Output, report: &Path) -> String {
    format!(
        "{}{}{}",
        stdout(out),
        stderr(out),
        std::fs::read_to_string(report).unwrap_or_default()
    )
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
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.csv");
    let out = import_at(&pbx.url, &rows(dir.path(), 2), &report, &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        trap.requests().is_empty(),
        "nothing may reach the redirect's target"
    );
    let rows = report_rows(&report);
    for row in &rows {
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
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.csv");
    let out = import_at(&pbx.url, &rows(dir.path(), 2), &report, &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains(&trap.url), "{}", stderr(&out));
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
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.csv");
    let out = import_at(&pbx.url, &rows(dir.path(), 2), &report, &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let seen = everything_shown(&out, &report);
    let rows = report_rows(&report);
    assert_eq!(rows[0]["status"], "failed");
    assert!(rows[0]["error_code"].contains("***"), "{:?}", rows[0]);
    assert_eq!(rows[1]["error_code"], "BAD_RESPONSE", "{:?}", rows[1]);

    // A login refused with an echo of its own request: the echo reaches the terminal.
    let echoing_login = FakePbx::start(|request, stream| {
        let echo = format!("{} {}", request.path, request.body);
        let body = serde_json::json!({"status": "Failed", "errno": echo}).to_string();
        answer(stream, "200 OK", &[], &body);
    });
    let refused = import_at(&echoing_login.url, &rows_file(&dir), &report, &[]);
    assert_eq!(code(&refused), 2);
    let seen = seen + &stderr(&refused) + &stdout(&refused);
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

fn rows_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("staff.csv")
}

/// Peak resident memory of a live process, in kB.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
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
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.csv");
    let file = rows(dir.path(), 4);
    let args = [
        &import_args(&pbx.url, &file, &report)[..],
        &["--concurrency", "4"],
    ]
    .concat();
    let child = Command::new(bin())
        .args(&args)
        .env("PBXBULK_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    pid.store(child.id(), Ordering::SeqCst);
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    for row in report_rows(&report) {
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
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.csv");
    let file = rows(dir.path(), 1);
    let args = [
        &import_args(&pbx.url, &file, &report)[..],
        &["--retries", "3"],
    ]
    .concat();
    let mut child = Command::new(bin())
        .args(&args)
        .env("PBXBULK_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Not a timing assertion: a guard, so that a run that obeys the PBX ends the test too.
    let guard = Instant::now() + Duration::from_secs(100);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > guard {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(
        pbx.count("/extension/add"),
        1,
        "no second try after a day's Retry-After"
    );
    let status = status.expect("the run ends instead of waiting for the PBX's day");
    assert_eq!(status.code(), Some(1));
    let row = &report_rows(&report)[0];
    assert_eq!(
        (row["status"].as_str(), row["attempts"].as_str()),
        ("failed", "1")
    );
    assert!(row["message"].contains("86400"), "{row:?}");
}

#[test]
fn a_ca_cert_file_without_a_certificate_is_an_error() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    let junk = write(dir.path(), "ca.pem", "this is not a certificate\n");
    let out = import(
        &sim,
        "yeastar-v2",
        &rows(dir.path(), 1),
        &dir.path().join("r.csv"),
        &["--ca-cert", junk.to_str().unwrap()],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("holds no certificate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.stat("logins"), 0);
}

#[test]
fn plain_http_and_insecure_each_print_one_warning() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    let file = rows(dir.path(), 1);
    let report = dir.path().join("r.csv");
    let warnings = |out: &Output| {
        stderr(out)
            .lines()
            .filter(|l| l.contains("warning:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let plain = import(&sim, "yeastar-v2", &file, &report, &[]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    let plain = warnings(&plain);
    assert_eq!(plain.len(), 1, "{plain:?}");
    assert!(plain[0].contains("http://"), "{plain:?}");
    let insecure = import(&sim, "yeastar-v2", &file, &report, &["--insecure"]);
    let insecure = warnings(&insecure);
    assert_eq!(insecure.len(), 2, "{insecure:?}");
    assert!(insecure[1].contains("--insecure"), "{insecure:?}");
}

/// `n` rows of one length each (numbers `first`…), in the sim's simplest columns.
fn simple_rows(first: u32, n: u32) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for number in first..first + n {
        csv.push_str(&format!(
            "{number},Staff {number},r{number},Kx7mQ2vRt9LpW4zA\n"
        ));
    }
    csv
}

fn sim_args<'a>(sim: &'a Sim, file: &'a str, report: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let base = [
        "import",
        file,
        "--api",
        "yeastar-v2",
        "--url",
        &sim.url,
        "--user",
        USER,
        "--mode",
        "add",
        "--report",
        report.to_str().unwrap(),
    ];
    [&base[..], extra].concat()
}

fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(bin())
        .args(args)
        .env("PBXBULK_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (at most a minute, a guard rather than a timing) until `ready`.
fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let guard = Instant::now() + Duration::from_secs(60);
    while !ready() {
        assert!(Instant::now() < guard, "never happened: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn resume_refuses_a_same_size_edit_and_a_resorted_copy_and_takes_the_same_bytes_on_stdin() {
    let sim = Sim::start("yeastar-v2", &["--latency-ms", "30"]);
    let dir = tempfile::tempdir().unwrap();
    let original = simple_rows(8001, 40);
    let file = write(dir.path(), "in.csv", &original);
    let report = dir.path().join("r.csv");
    let path = file.to_str().unwrap();
    let extra = ["--rate", "20", "--concurrency", "2"];
    let mut child = spawn(&sim_args(&sim, path, &report, &extra));
    wait_until("a few rows added", || sim.stat("extensions") >= 3);
    child.kill().unwrap();
    child.wait().unwrap();
    let journal = report.with_extension("journal");
    #[cfg(unix)]
    assert_eq!(mode(&journal), 0o600, "the journal holds personal data");
    #[cfg(unix)]
    assert_eq!(mode(&report), 0o600);

    let edited = original.replace("Staff 8030", "Staff 8O30");
    let mut lines: Vec<&str> = original.lines().collect();
    lines[1..].reverse();
    let resorted = lines.join("\n") + "\n";
    for other in [edited, resorted] {
        assert_eq!(other.len(), original.len());
        std::fs::write(&file, &other).unwrap();
        let (logins, writes) = (sim.stat("logins"), sim.stat("write_requests"));
        let out = run(
            &sim_args(&sim, path, &report, &["--resume"]),
            &[("PBXBULK_PASSWORD", PASSWORD)],
        );
        assert_eq!(code(&out), 2, "{}", stderr(&out));
        assert!(stderr(&out).contains("other input"), "{}", stderr(&out));
        assert_eq!(sim.stat("logins"), logins, "refused before logging in");
        assert_eq!(sim.stat("write_requests"), writes);
    }

    // The very bytes of the interrupted run, even through standard input, finish it.
    std::fs::remove_file(&file).unwrap();
    let mut resume = Command::new(bin())
        .args(sim_args(&sim, "-", &report, &["--resume"]))
        .env("PBXBULK_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    resume
        .stdin
        .take()
        .unwrap()
        .write_all(original.as_bytes())
        .unwrap();
    let out = resume.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sim.stat("extensions"), 40);
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|r| r["status"] == "ok"), "{rows:?}");
}

#[cfg(unix)]
#[test]
fn a_journal_that_cannot_be_written_stops_the_run_before_another_request() {
    let sim = Sim::start("yeastar-v2", &["--latency-ms", "5"]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &simple_rows(8001, 200));
    let report = dir.path().join("r.csv");
    // The journal is a pipe whose reader goes away after a few lines, as a disk that fills
    // up does: every write after that fails (even as root, unlike a read-only file).
    let journal = report.with_extension("journal");
    let made = Command::new("mkfifo").arg(&journal).status().unwrap();
    assert!(made.success());
    let reader_path = journal.clone();
    let reader = std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(std::fs::File::open(reader_path).unwrap());
        let mut line = String::new();
        for _ in 0..6 {
            line.clear();
            std::io::BufRead::read_line(&mut lines, &mut line).unwrap();
        }
    });
    let args = sim_args(
        &sim,
        file.to_str().unwrap(),
        &report,
        &["--rate", "0", "--concurrency", "1"],
    );
    let out = run(&args, &[("PBXBULK_PASSWORD", PASSWORD)]);
    reader.join().unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot write the journal"),
        "{}",
        stderr(&out)
    );
    let sent = sim.stat("write_requests");
    assert!(
        sent < 200,
        "the run went on without its journal ({sent} writes)"
    );
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 200, "every row still has its line");
    let aborted = rows.iter().filter(|r| r["error_code"] == "ABORTED").count();
    assert_eq!(aborted as u64, 200 - sent, "each row not sent says so");
}

#[test]
fn a_second_run_on_the_same_report_is_refused_and_a_killed_runs_lock_blocks_nothing() {
    let sim = Sim::start("yeastar-v2", &["--latency-ms", "20"]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &simple_rows(8001, 30));
    let other = write(dir.path(), "other.csv", &simple_rows(9001, 5));
    let report = dir.path().join("r.csv");
    let lock = report.with_extension("lock");
    let extra = ["--rate", "10"];
    let first = spawn(&sim_args(&sim, file.to_str().unwrap(), &report, &extra));
    wait_until("the first run writes", || sim.stat("writes") >= 2);
    let logins = sim.stat("logins");
    let second = run(
        &sim_args(&sim, other.to_str().unwrap(), &report, &[]),
        &[("PBXBULK_PASSWORD", PASSWORD)],
    );
    assert_eq!(code(&second), 2);
    let err = stderr(&second);
    assert!(
        err.contains("another pbxbulk run is using the report"),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| !l.contains("warning:")).count(),
        1,
        "{err}"
    );
    assert_eq!(sim.stat("logins"), logins, "the second run sent nothing");
    let first = first.wait_with_output().unwrap();
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let numbers: Vec<String> = report_rows(&report)
        .iter()
        .map(|r| r["number"].clone())
        .collect();
    let expected: Vec<String> = (8001..8031).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected, "the first run's report, whole and alone");
    assert!(!lock.exists(), "a finished run removes its lock");

    // A run killed while holding the lock leaves the file, but the OS dropped the lock.
    let report = dir.path().join("r2.csv");
    let third = write(dir.path(), "third.csv", &simple_rows(9101, 40));
    let args = sim_args(&sim, third.to_str().unwrap(), &report, &extra);
    let mut killed = spawn(&args);
    wait_until("the run writes", || sim.stat("extensions") >= 37);
    killed.kill().unwrap();
    killed.wait().unwrap();
    assert!(report.with_extension("lock").exists());
    let resumed = run(
        &[&args[..], &["--resume"]].concat(),
        &[("PBXBULK_PASSWORD", PASSWORD)],
    );
    assert_eq!(code(&resumed), 0, "{}", stderr(&resumed));
}

#[test]
fn the_report_may_not_be_the_input_nor_the_journal() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    let content = simple_rows(8001, 3);
    let file = write(dir.path(), "in.csv", &content);
    let path = file.to_str().unwrap();
    let journal_named = dir.path().join("out.journal");
    for report in [file.clone(), journal_named] {
        let out = run(
            &sim_args(&sim, path, &report, &[]),
            &[("PBXBULK_PASSWORD", PASSWORD)],
        );
        assert_eq!(code(&out), 2);
        assert!(
            stderr(&out).contains("would be the same file"),
            "{}",
            stderr(&out)
        );
    }
    let out = run(
        &["validate", path, "--api", "yeastar-v2", "--report", path],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        content,
        "the input is untouched"
    );
    assert_eq!(sim.stat("logins"), 0);
}

#[test]
fn an_input_rewritten_during_the_run_stops_it() {
    let sim = Sim::start("yeastar-v2", &["--latency-ms", "5"]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &simple_rows(10_001, 3000));
    let report = dir.path().join("r.csv");
    let extra = ["--rate", "200", "--concurrency", "2"];
    let child = spawn(&sim_args(&sim, file.to_str().unwrap(), &report, &extra));
    wait_until("the run writes", || sim.stat("writes") >= 20);
    std::fs::write(&file, simple_rows(20_001, 3500)).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("changed while it was being read"),
        "{}",
        stderr(&out)
    );
    let added = sim.extensions("v2.0.0");
    assert!(
        added.len() < 3000,
        "the run stopped ({} added)",
        added.len()
    );
    assert!(
        added
            .iter()
            .all(|e| e["number"].as_str().unwrap().starts_with('1')),
        "no row of the new file was sent"
    );
}

#[test]
fn numbers_the_pbx_lists_outside_the_key_rule_are_reported_and_skipped_under_prune() {
    let dir = tempfile::tempdir().unwrap();
    let seed = "number,username\n1001,Ana\n1002,Ben\n1003,Cy\n12a,Odd\nall,Odder\n";
    let sim = Sim::seeded("yeastar-v2", dir.path(), seed, &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "number,username\n1001,Ana\n1002,Ben\n",
    );
    let report = dir.path().join("r.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &["--mode", "sync", "--prune", "--max-delete", "5"],
    );
    assert!(!stderr(&out).contains("internal error"), "{}", stderr(&out));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = report_rows(&report);
    let line = |number: &str| rows.iter().find(|r| r["number"] == number).unwrap();
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

#[test]
fn a_last_row_cut_short_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let template = include_str!("../../templates/yeastar-v2.csv");
    let whole = template.trim_end();
    let open_quote = format!("{whole}\n1002,Bob,1002,1002,\"Kx7mQ2vRt9L");
    let few_cells = format!("{whole}\n1002,Bob,1002,1002,Kx7mQ2vRt9L");
    for (name, text) in [("quote.csv", open_quote), ("cells.csv", few_cells)] {
        let file = write(dir.path(), name, &text);
        let report = dir.path().join(format!("{name}.report.csv"));
        let out = run(
            &[
                "validate",
                file.to_str().unwrap(),
                "--api",
                "yeastar-v2",
                "--report",
                report.to_str().unwrap(),
            ],
            &[],
        );
        assert_eq!(code(&out), 1, "{name}: {}", stderr(&out));
        let rows = report_rows(&report);
        assert_eq!(rows[0]["status"], "ok", "{name}");
        assert_eq!(
            rows[1]["error_code"], "TRUNCATED_ROW",
            "{name}: {:?}",
            rows[1]
        );
    }
    // A whole last row without its line end is fine.
    let file = write(dir.path(), "whole.csv", whole);
    let out = run(
        &["validate", file.to_str().unwrap(), "--api", "yeastar-v2"],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn an_error_line_names_20_unknown_columns_then_counts() {
    let dir = tempfile::tempdir().unwrap();
    let unknown: Vec<String> = (0..30).map(|i| format!("junk{i}")).collect();
    let header = format!("number,{},{}\n", unknown.join(","), "x".repeat(100_000));
    let file = write(dir.path(), "in.csv", &header);
    let out = run(
        &["validate", file.to_str().unwrap(), "--api", "yeastar-v2"],
        &[],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("\"junk19\" and 11 more"), "{err}");
    assert!(err.len() < 2_000, "{} bytes", err.len());
}

#[cfg(unix)]
#[test]
fn an_export_over_an_open_file_becomes_private() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("directory.csv");
    std::fs::write(&out_path, "old\n").unwrap();
    std::fs::set_permissions(
        &out_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    let out = export(&sim, "yeastar-v2", &out_path, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(mode(&out_path), 0o600);
}

#[test]
fn adds_that_landed_before_a_kill_are_ok_adds_after_an_upsert_resume() {
    // Every write lands at once and is answered only 1.5 s later, so a kill leaves rows
    // that are on the PBX although the run never heard so.
    let sim = Sim::start("yeastar-v2", &["--slow-rate", "1", "--slow-ms", "1500"]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &simple_rows(8001, 12));
    let report = dir.path().join("r.csv");
    let path = file.to_str().unwrap();
    let args = sim_args(&sim, path, &report, &["--concurrency", "6", "--rate", "0"]);
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "add" { "upsert" } else { a })
        .collect();
    let mut child = spawn(&args);
    wait_until("adds landed", || sim.stat("extensions") >= 6);
    child.kill().unwrap();
    child.wait().unwrap();
    let out = run(
        &[&args[..], &["--resume"]].concat(),
        &[("PBXBULK_PASSWORD", PASSWORD)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 12);
    for row in &rows {
        assert_eq!(
            (row["action"].as_str(), row["status"].as_str()),
            ("add", "ok"),
            "{row:?}"
        );
    }
}
