//! `pbxbulk import` against the simulator: what lands on the PBX, faults, tokens, limits.

use crate::support::*;

#[test]
fn the_sample_lands_on_the_pbx_exactly_as_written() {
    let sim = Sim::start(Api::YeastarV2);
    // Some sample rows are invalid on purpose.
    let ran = Run::import(&sim)
        .input(sample())
        .args(&["--rate", "0", "--concurrency", "8"])
        .rows_failed();
    let input = csv_rows(&sample());
    assert_eq!(ran.rows.len(), input.len());
    let valid: Vec<&Row> = input
        .iter()
        .zip(&ran.rows)
        .filter(|(_, r)| r["status"] == "ok")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(valid.len(), 190);
    assert_eq!(
        ran.column("status")
            .iter()
            .filter(|s| **s == "invalid")
            .count(),
        10
    );

    assert_eq!((sim.stat("logins"), sim.stat("logouts")), (1, 1));
    // Checked through the PBX's own API, not the tool's memory.
    let on_pbx = sim.directory();
    assert_eq!(
        on_pbx.len(),
        valid.len(),
        "exactly the valid rows, nothing else"
    );
    for row in valid {
        let ext = &on_pbx[&row["number"]];
        for (field, value) in row.iter().filter(|(_, v)| !v.is_empty()) {
            assert_eq!(
                ext[field].as_str(),
                Some(value.as_str()),
                "{}: {field}",
                row["number"]
            );
        }
    }
}

#[test]
fn failed_and_invalid_rows_go_to_a_private_reimportable_file_and_secrets_stay_out() {
    let sim = Sim::start(Api::YeastarV2);
    let ran = Run::import(&sim)
        .input(sample())
        .args(&["--rate", "0"])
        .rows_failed();
    let rejects = ran.beside("rejects.csv");
    let rejected = csv_rows(&rejects);
    let invalid: Vec<&str> = ran
        .rows
        .iter()
        .filter(|r| r["status"] == "invalid")
        .map(|r| r["number"].as_str())
        .collect();
    assert_eq!(
        rejected
            .iter()
            .map(|r| r["number"].as_str())
            .collect::<Vec<_>>(),
        invalid
    );
    // Unchanged: every cell as in the input.
    let input = csv_rows(&sample());
    for r in &rejected {
        assert!(input.contains(r), "{r:?} is not an input row as written");
    }
    #[cfg(unix)]
    assert_eq!(mode(&rejects), 0o600);
    let text = ran.shown();
    for row in &input {
        for secret in ["registerpassword", "loginpassword"] {
            assert!(
                !text.contains(row[secret].as_str()),
                "{secret} of {} leaked",
                row["number"]
            );
        }
    }
    assert!(!text.contains(PASSWORD));
    for r in &ran.rows {
        for row in &input {
            assert!(
                r.values().all(|cell| cell != &row["vmsecret"]),
                "vmsecret leaked"
            );
        }
    }
}

#[test]
fn passing_faults_and_expiring_tokens_lose_no_row_and_cost_one_login_per_expiry() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--fail-rate", "0.2", "--token-ttl-secs", "1"])
        .args(&["--token-max-age-secs", "1", "--random-seed", "7"])
        .start();
    let ran = Run::import(&sim)
        .input(sample())
        .args(&["--rate", "60", "--retries", "8"])
        .rows_failed();
    let statuses = ran.column("status");
    assert_eq!(statuses.iter().filter(|s| **s == "ok").count(), 190);
    assert_eq!(statuses.iter().filter(|s| **s == "failed").count(), 0);
    assert!(
        ran.column("attempts").iter().any(|a| *a != "1"),
        "some rows needed a retry"
    );
    let stats = sim.stats();
    let expired = stats["expired_tokens"].as_u64().unwrap();
    let logins = stats["logins"].as_u64().unwrap();
    assert!(stats["injected_faults"].as_u64().unwrap() > 10, "{stats}");
    assert!(expired >= 2, "tokens did expire during the run: {stats}");
    assert!(
        logins <= expired + 1,
        "one login per expiry, not one per request: {stats}"
    );
    assert_eq!(sim.stat("extensions"), 190);
}

#[test]
fn a_wrong_password_stops_after_one_login_and_is_never_shown() {
    let sim = Sim::start(Api::YeastarV2);
    let wrong = "Wrong-Passw0rd-Guess";
    let ran = Run::import(&sim)
        .input(sample())
        .env("PBXBULK_PASSWORD", wrong)
        .incomplete("login_refused");
    let err = &ran.stderr;
    assert!(
        err.contains("wrong API username or password") && err.contains("Nothing was sent"),
        "{err}"
    );
    assert!(!err.contains(wrong) && !ran.stdout.contains(wrong));
    assert!(!err.contains(&md5_hex(wrong)));
    let stats = sim.stats();
    assert_eq!(
        (stats["failed_logins"].as_u64(), stats["logins"].as_u64()),
        (Some(1), Some(0)),
        "{stats}"
    );
    assert_eq!(stats["write_requests"], 0);
    assert!(!ran.report.exists(), "nothing attempted, no report");
    assert!(!ran.beside("journal").exists(), "nor a journal");
}

#[test]
fn five_refused_logins_lock_the_address_and_the_tool_says_so() {
    let sim = Sim::start(Api::YeastarV2);
    let import = Run::import(&sim).file("number,username\n1001,Ana\n");
    for _ in 0..5 {
        import
            .clone()
            .env("PBXBULK_PASSWORD", "nope")
            .incomplete("login_refused");
    }
    let ran = import.incomplete("login_refused");
    assert!(ran.stderr.contains("locked out"), "{}", ran.stderr);
    assert_eq!(sim.stat("failed_logins"), 6);
}

#[test]
fn the_rate_limit_holds_in_every_second_of_the_simulators_clock() {
    let sim = Sim::start(Api::YeastarV2);
    Run::import(&sim)
        .input(sample())
        .args(&["--rate", "20", "--concurrency", "8"])
        .rows_failed();
    let writes: Vec<f64> = sim
        .log()
        .iter()
        .filter(|e| e["op"] == "add" || e["op"] == "update")
        .map(|e| e["t_ms"].as_f64().unwrap())
        .collect();
    assert_eq!(writes.len(), 190);
    // The limiter spaces requests 50 ms apart with a burst of one: a one-second window of
    // sending holds at most 21. One more is allowed for arrival jitter on a loaded machine (a
    // request delayed on its way lands next to the following one). A limiter that bursts (the
    // governor default, burst = rate) puts about 40 into the first second and fails here.
    let busiest = (0..writes.len())
        .map(|i| {
            writes[i..]
                .iter()
                .take_while(|t| **t < writes[i] + 1000.0)
                .count()
        })
        .max()
        .unwrap();
    assert!(busiest <= 22, "{busiest} writes within one second");
}

#[test]
fn a_heartbeat_keeps_the_token_alive_through_quiet_stretches() {
    let seed = format!(
        "number,username,registername,registerpassword\n1001,A,r1,{STRONG}\n1002,B,r2,{STRONG}\n1003,C,r3,{STRONG}\n"
    );
    for (heartbeat, expect_relogin) in [("0.2", false), ("100", true)] {
        let sim = Sim::with(Api::YeastarV2)
            .args(&["--token-ttl-secs", "1"])
            .seed(&seed)
            .start();
        Run::import(&sim)
            .file("number,username\n1001,Ana\n1002,Bo\n1003,Cy\n")
            .args(&["--rate", "0.6", "--heartbeat-secs", heartbeat])
            .ok();
        let stats = sim.stats();
        if expect_relogin {
            // Without heartbeats the token expires between rows and the client logs in again.
            assert!(stats["logins"].as_u64().unwrap() > 1, "{stats}");
        } else {
            assert_eq!(stats["logins"], 1, "{stats}");
            assert!(stats["heartbeats"].as_u64().unwrap() >= 1, "{stats}");
        }
    }
}

#[test]
fn yeastar_v1_updates_renames_and_applies_but_cannot_add() {
    let sim = Sim::with(Api::YeastarV1)
        .seed("extid,username,mobile\n1001,Ana,1555001\n1002,Bo,1555002\n")
        .start();
    let import = Run::import(&sim).file(
        "extid,extnumber,username,mobile,ringtimeout\n1001,,Ana Lima,1555999,60\n1002,2002,,,\n1003,,Cy,,\n",
    );
    let ran = import.clone().rows_failed();
    assert_eq!(ran.column("status"), ["ok", "ok", "invalid"]);
    assert_eq!(ran.rows[2]["error_code"], "NOT_SUPPORTED");
    let on_pbx = sim.directory();
    assert_eq!(
        on_pbx.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1001", "2002"]
    );
    assert_eq!(on_pbx["1001"]["username"], "Ana Lima");
    assert_eq!(
        on_pbx["1001"]["moblie"], "1555999",
        "v1 answers spell it moblie"
    );
    assert_eq!(on_pbx["1001"]["ringtimeout"], "60");
    assert_eq!(
        on_pbx["2002"]["username"], "Bo",
        "a rename keeps the other fields"
    );
    assert_eq!(sim.stat("applies"), 1, "one apply at the end");

    let ran = import.args(&["--mode", "add"]).incomplete("bad_input");
    assert!(
        ran.stderr.contains("cannot add extensions"),
        "{}",
        ran.stderr
    );
    assert!(!ran.report.exists(), "refused before anything was written");
}

#[test]
fn refusals_are_reported_with_the_apis_code_and_exit_1() {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n1001,Ana,r1,{STRONG}\n"
        ))
        .start();
    let ran = Run::import(&sim)
        .file("number,username\n1001,Ana Lima\n1009,Nobody\n")
        .args(&["--mode", "update"])
        .rows_failed();
    assert_eq!(ran.column("status"), ["ok", "failed"]);
    assert_eq!(ran.rows[1]["error_code"], "10006");
    assert!(
        ran.rows[1]["message"].contains("does not exist"),
        "{:?}",
        ran.rows[1]
    );
    assert_eq!(ran.rows[1]["attempts"], "1", "a refusal is not retried");

    let ran = Run::import(&sim)
        .file(&format!(
            "number,username,registername,registerpassword\n1001,Ana,r1,{STRONG}\n"
        ))
        .args(&["--mode", "add"])
        .rows_failed();
    assert_eq!(
        ran.column("error_code"),
        ["10017"],
        "a duplicate add is refused"
    );
}

#[test]
fn a_clean_file_exits_0_and_a_dry_run_writes_nothing() {
    let sim = Sim::start(Api::YeastarV2);
    let template = Run::template(Api::YeastarV2).ok().stdout;
    let dry = Run::import(&sim).file(&template).args(&["--dry-run"]).ok();
    assert_eq!(sim.stat("write_requests"), 0);
    assert_eq!(dry.summary()["dry_run"], true);
    assert_eq!(
        (dry.column("action"), dry.column("status")),
        (vec!["add"], vec!["skipped"])
    );
    assert!(dry.rows[0]["message"].contains("dry run"));

    let ran = Run::import(&sim).file(&template).ok();
    assert_eq!(ran.column("status"), ["ok"]);
    assert_eq!(ran.summary()["rows"], 1);
    assert_eq!(ran.summary()["counts"]["add"]["ok"], 1);
    assert!(!ran.beside("rejects.csv").exists());
}

#[test]
fn an_unreachable_pbx_says_each_retry_then_one_line_naming_timeout_and_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ran = Run::import_at(Api::YeastarV2, &format!("http://127.0.0.1:{port}"))
        .file("number,username\n1001,Ana\n")
        .args(&["--timeout", "3", "--retries", "2"])
        .incomplete("pbx_unreachable");
    let lines = ran.said();
    assert_eq!(lines.len(), 3, "{}", ran.stderr);
    assert!(
        lines[0].contains("try 1 of 3") && lines[1].contains("try 2 of 3"),
        "{lines:?}"
    );
    assert!(
        lines[..2].iter().all(|l| l.contains("trying again in ")),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("cannot reach")
            && lines[2].contains("--timeout (now 3.0s)")
            && lines[2].contains("--retries (now 2)"),
        "{lines:?}"
    );
}

#[test]
fn a_pbx_that_never_answers_says_each_retry_with_the_time_left() {
    // Accepts connections (the kernel's backlog) and never answers one.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let ran = Run::import_at(Api::YeastarV2, &url)
        .file("number,username\n1001,Ana\n")
        .args(&["--timeout", "0.5", "--retries", "1"])
        .incomplete("pbx_unreachable");
    let lines = ran.said();
    assert_eq!(lines.len(), 2, "{}", ran.stderr);
    // The one try left may take its whole timeout, after the pause said.
    assert!(
        lines[0].contains("logging in to")
            && lines[0].contains("try 1 of 2")
            && lines[0].contains("giving up within 0.")
            && !lines[0].contains("giving up within 0.0s"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains("--timeout") && lines[1].contains("--retries"),
        "{}",
        lines[1]
    );
    drop(silent);
}

#[test]
fn the_password_comes_from_a_file_or_the_environment_never_an_argument() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let pw = write(dir.path(), "pw", format!("{PASSWORD}\n"));
    let import = || Run::import(&sim).file("number,username\n1001,Ana Lima\n");
    let ran = import()
        .without_password()
        .args(&["--password-file", pw.to_str().unwrap(), "--mode", "update"])
        .rows_failed();
    // It logged in with the file's first line: the PBX answered the row itself.
    assert_eq!(sim.stat("logins"), 1);
    assert_eq!(ran.column("error_code"), ["10006"], "{:?}", ran.rows);

    let ran = import().without_password().incomplete("bad_input");
    assert!(ran.stderr.contains("PBXBULK_PASSWORD"), "{}", ran.stderr);
    // There is no --password flag; clap refuses it before anything is sent (and the summary
    // says so). A flag that existed would log in with "x" and fail differently.
    let requests = sim.stat("requests");
    let ran = import().args(&["--password", "x"]).incomplete("bad_input");
    assert!(
        ran.stderr.contains("unexpected argument '--password'"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("requests"), requests);
}

#[test]
fn https_certificates_are_checked_unless_trusted_or_waived() {
    let sim = Sim::with(Api::YeastarV2).args(&["--tls"]).start();
    assert!(sim.url.starts_with("https://"));
    let cert = sim.cert.clone().unwrap();
    let import = Run::import(&sim).file(&format!(
        "number,username,registername,registerpassword\n1001,Ana,r1001,{STRONG}\n"
    ));
    let ran = import.clone().incomplete("bad_input");
    let err = &ran.stderr;
    assert!(
        err.contains("certificate") && err.contains("--ca-cert"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    for trust in [&["--ca-cert", cert.as_str()][..], &["--insecure"][..]] {
        import.clone().args(trust).ok();
    }
}

#[test]
fn rate_auto_backs_off_where_no_limit_gets_throttled() {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for n in 7001..=7150 {
        csv.push_str(&format!("{n},Auto {n},r{n},{STRONG}\n"));
    }
    let mut throttled_share = Vec::new();
    for rate in ["0", "auto"] {
        let sim = Sim::with(Api::YeastarV2)
            .args(&["--max-writes-per-sec", "40"])
            .start();
        let ran = Run::import(&sim)
            .file(&csv)
            .args(&["--rate", rate, "--concurrency", "8", "--retries", "10"])
            .ok();
        if rate == "auto" {
            assert!(
                ran.stdout.contains("--rate auto settled at"),
                "{}",
                ran.stdout
            );
        }
        let stats = sim.stats();
        let share =
            stats["throttled"].as_f64().unwrap() / stats["write_requests"].as_f64().unwrap();
        throttled_share.push(share);
    }
    // Unlimited hammers the ceiling; auto finds it and stays under (the figures of a long run
    // against a 100/s ceiling are in docs/BENCHMARKS.md: scripts/rate_auto.py).
    assert!(throttled_share[0] > 0.2, "no limit: {throttled_share:?}");
    assert!(throttled_share[1] < 0.1, "auto: {throttled_share:?}");
}

#[test]
fn a_run_killed_at_any_moment_is_finished_by_resume_without_sending_a_row_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for n in 8001..=8120 {
        csv.push_str(&format!("{n},Resume {n},r{n},{STRONG}\n"));
    }
    csv.push_str(&format!("8999,Bad,,{STRONG}\n"));
    let file = write(dir.path(), "in.csv", &csv);
    // Killed once the PBX holds 1, 40 and 100 of the 120 extensions: the simulator's own
    // count says when, not a clock guessing how far a loaded machine got.
    for kill_after in [1, 40, 100] {
        let sim = Sim::with(Api::YeastarV2)
            .args(&["--latency-ms", "30"])
            .start();
        let import = Run::import(&sim)
            .input(&file)
            .report(&dir.path().join(format!("r{kill_after}.csv")))
            .args(&["--mode", "add", "--rate", "60", "--concurrency", "6"]);
        let mut running = import.clone().spawn();
        running.wait_for("added enough to be killed", || {
            sim.stat("extensions") >= kill_after
        });
        running.kill();
        let before = sim.stat("extensions");
        assert!(
            before >= kill_after && before < 120,
            "killed mid-run ({before} added)"
        );

        let ran = import.args(&["--resume"]).rows_failed();
        let order: Vec<String> = (2..=122).map(|n| n.to_string()).collect();
        assert_eq!(ran.column("row"), order, "whole and in order");
        assert_eq!(
            ran.column("status").iter().filter(|s| **s == "ok").count(),
            120,
            "killed after {kill_after}"
        );
        assert_eq!(ran.rows[120]["status"], "invalid");
        assert_eq!(sim.stat("extensions"), 120);
        // No add went out twice: a duplicate would have been refused with 10017.
        let refused: Vec<_> = sim
            .log()
            .into_iter()
            .filter(|e| e["op"] == "add" && e["error"] != "")
            .collect();
        assert!(refused.is_empty(), "killed after {kill_after}: {refused:?}");
        assert!(
            !ran.beside("journal").exists(),
            "a finished run leaves no journal"
        );
    }
    let ran = Run::import_at(Api::YeastarV2, "http://127.0.0.1:9")
        .input(&file)
        .args(&["--resume"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("nothing to resume"), "{}", ran.stderr);
}

#[test]
fn a_url_with_the_apis_own_path_is_taken_back_to_the_pbxs_address() {
    // A new user pasted the API's URL: every request would have gone to /api/v2.0.0/api/…
    let sim = Sim::start(Api::YeastarV2);
    let url = format!("{}/api/v2.0.0/", sim.url);
    let ran = Run::import_at(Api::YeastarV2, &url)
        .file(&format!(
            "number,username,registername,registerpassword\n1001,Ann,1001,{STRONG}\n"
        ))
        .ok();
    assert!(
        ran.stderr
            .contains("--url ends in /api/v2.0.0, the API's own path, which pbxbulk adds itself"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("extensions"), 1);
}
