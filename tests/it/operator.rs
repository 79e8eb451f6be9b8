//! Running it like an operator: stopping by signal and finishing with `--resume`, the JSON
//! summary and its reason word, the start banner and progress lines, and the hints a person
//! needs.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::support::*;

fn adds(from: u32, to: u32) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for n in from..=to {
        csv.push_str(&format!("{n},Stop {n},s{n},{STRONG}\n"));
    }
    csv
}

/// The first cell of every row of a CSV file (its numbers).
fn numbers_in(path: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect()
}

/// Every add the simulator accepted, by number: a number added twice shows 2.
fn accepted_adds(sim: &Sim) -> BTreeMap<String, usize> {
    let mut adds = BTreeMap::new();
    for entry in sim.log() {
        if entry["op"] == "add" {
            assert_eq!(entry["error"], "", "an add was refused: {entry}");
            let number = entry["number"].as_str().unwrap_or_default().to_string();
            *adds.entry(number).or_insert(0) += 1;
        }
    }
    adds
}

#[test]
fn a_signal_stops_starting_rows_at_once_and_resume_sends_nothing_twice() {
    for name in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "in.csv", adds(8001, 8040));
        let sim = Sim::start(Api::YeastarV2);
        let import = Run::import(&sim)
            .input(&file)
            .report(&dir.path().join("r.csv"))
            .args(&["--mode", "add"]);
        let mut running = import.clone().args(&["--rate", "4"]).spawn();
        running.wait_for("two rows added", || sim.stat("extensions") >= 2);
        running.signal(name);
        let ran = running
            .ends_within(Duration::from_secs(20))
            .incomplete("interrupted");
        let err = &ran.stderr;
        assert!(
            err.contains("requests in flight; Ctrl-C again to abandon them"),
            "{name}: {err}"
        );
        let whole: Vec<String> = (2..=41).map(|n| n.to_string()).collect();
        assert_eq!(ran.column("row"), whole, "{name}: every row once, in order");
        let unattempted: Vec<&str> = ran
            .rows
            .iter()
            .filter(|r| r["status"] == "skipped" && r["error_code"] == "ABORTED")
            .map(|r| r["number"].as_str())
            .collect();
        // At 4 rows/s, a stop that took effect at once leaves most rows unattempted.
        assert!(unattempted.len() > 20, "{name}: {unattempted:?}");
        assert_eq!(
            numbers_in(&ran.beside("rejects.csv")),
            unattempted,
            "{name}: rejects hold them"
        );
        assert!(ran.beside("journal").exists(), "{name}: journal kept");
        let resume = err
            .lines()
            .find_map(|l| l.strip_prefix("resume with: "))
            .unwrap_or_else(|| panic!("{name}: no resume line: {err}"));
        assert!(
            resume.ends_with(" --mode add --rate 4 --resume") && resume.contains(" import "),
            "{resume}"
        );

        let ran = import.args(&["--rate", "0", "--resume"]).ok();
        let adds = accepted_adds(&sim);
        assert_eq!(adds.len(), 40, "{name}");
        assert!(adds.values().all(|n| *n == 1), "{name}: {adds:?}");
        assert!(!ran.beside("journal").exists());
    }
}

#[test]
fn requests_in_flight_get_the_timeout_and_a_second_signal_abandons_them() {
    // Every write is done at once but answered only after 20 s: three answers in flight.
    let slow = ["--slow-rate", "1", "--slow-ms", "20000"];
    for second_signal in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "in.csv", adds(8101, 8110));
        let sim = Sim::with(Api::YeastarV2).args(&slow).start();
        let timeout = if second_signal { "120" } else { "2" };
        let import = Run::import(&sim)
            .input(&file)
            .report(&dir.path().join("r.csv"))
            .args(&["--mode", "add"]);
        let mut running = import
            .clone()
            .args(&["--rate", "0", "--concurrency", "3", "--timeout", timeout])
            .spawn();
        running.wait_for("three adds sent", || sim.stat("extensions") >= 3);
        running.signal("INT");
        if second_signal {
            std::thread::sleep(Duration::from_millis(300));
            running.signal("INT");
        }
        // Well before the 20 s answers: the 2 s timeout, or the second signal, ended them.
        let ran = running
            .ends_within(Duration::from_secs(12))
            .incomplete("interrupted");
        assert!(
            ran.stderr.contains("stopping: 3 requests in flight"),
            "{}",
            ran.stderr
        );
        assert_eq!(ran.rows.len(), 10, "the report is whole");

        // The PBX recovers; the three that landed unanswered are found there, not re-sent.
        let (status, _) = http(sim.addr(), "POST", "/_sim/calm", "");
        assert_eq!(status, 200);
        let ran = import.args(&["--resume"]).ok();
        let adds = accepted_adds(&sim);
        assert_eq!(adds.len(), 10, "{adds:?}");
        assert!(adds.values().all(|n| *n == 1), "{adds:?}");
        assert!(
            ran.column("status").iter().all(|s| *s == "ok"),
            "{:?}",
            ran.rows
        );
    }
}

#[test]
fn a_signal_while_the_pbx_is_read_ends_the_run_before_anything_is_sent() {
    // The listing (like every request but the login) is answered only after 20 s.
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--slow-rate", "1", "--slow-ms", "20000"])
        .start();
    let mut running = Run::import(&sim)
        .file(&adds(8151, 8160))
        .args(&["--mode", "upsert"])
        .spawn();
    running.wait_for("logged in", || sim.stat("logins") >= 1);
    std::thread::sleep(Duration::from_millis(300));
    running.signal("TERM");
    let ran = running
        .ends_within(Duration::from_secs(12))
        .incomplete("interrupted");
    assert!(
        ran.stderr
            .contains("interrupted while reading the PBX; nothing was sent"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn the_json_summary_matches_the_report_line_by_line() {
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1005 {
        seed.push_str(&format!("{n},Old {n},r{n},{STRONG}\n"));
    }
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    let import = Run::import(&sim).file(&format!(
        "number,username,registername,registerpassword,ringtimeout,alwaysforward,atransferto,atransferext\n\
         2001,New One,n2001,{STRONG},,,,\n\
         2002,New Two,n2002,{STRONG},,,,\n\
         1001,Renamed 1001,,,,,,\n\
         1002,Old 1002,,,,,,\n\
         2003,Bad Register Name,n-2003,{STRONG},,,,\n\
         2004,Forwards Nowhere,n2004,{STRONG},,on,Extension,9999\n"
    ));
    let ran = import
        .clone()
        .args(&["--mode", "sync", "--prune", "--max-delete", "5"])
        .rows_failed();
    let summary = ran.summary();
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &ran.rows {
        *counted
            .entry((row["action"].clone(), row["status"].clone()))
            .or_insert(0) += 1;
    }
    for (action, by_status) in summary["counts"].as_object().unwrap() {
        for (status, n) in by_status.as_object().unwrap() {
            let key = (action.clone(), status.clone());
            assert_eq!(
                n.as_u64().unwrap(),
                counted.get(&key).copied().unwrap_or(0),
                "{key:?}"
            );
        }
    }
    for (key, expected) in [
        (("add", "ok"), 2),
        (("update", "ok"), 1),
        (("none", "unchanged"), 1),
        (("add", "invalid"), 1),
        (("add", "failed"), 1),
        (("delete", "ok"), 3),
    ] {
        let key = (key.0.to_string(), key.1.to_string());
        assert_eq!(
            counted.get(&key).copied(),
            Some(expected),
            "{key:?}: {counted:?}"
        );
    }
    assert_eq!(summary["rows"], ran.rows.len());
    assert_eq!(summary["exit_code"], 1);
    assert_eq!(summary["reason"], "rows_failed");
    assert_eq!(summary["mode"], "sync");
    assert_eq!(summary["url"], sim.url.as_str());
    assert_eq!(summary["report"], ran.report.to_str().unwrap());
    assert_eq!(
        summary["rejects"],
        ran.beside("rejects.csv").to_str().unwrap()
    );
    assert!(summary["journal"].is_null());
    assert!(summary["rate_achieved"].as_f64().unwrap() > 0.0);
    assert!(summary["started_at"].as_str().unwrap().ends_with('Z'));
    // The final line counts adds, updates and deletes apart.
    assert!(
        ran.stdout
            .contains("9 rows: 6 ok (2 added, 1 updated, 3 deleted)"),
        "{}",
        ran.stdout
    );
    // The report opens in Excel as UTF-8.
    assert!(
        std::fs::read(&ran.report)
            .unwrap()
            .starts_with(b"\xEF\xBB\xBF")
    );

    // To standard output, the JSON is all there is on it.
    let ran = import
        .args(&["--mode", "upsert", "--summary-json", "-"])
        .any_exit();
    let summary: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(summary["exit_code"], ran.code);
}

#[test]
fn a_run_that_cannot_start_says_why_in_a_word() {
    let file = adds(8401, 8401);
    let sim = Sim::start(Api::YeastarV2);
    Run::import(&sim)
        .file(&file)
        .env("PBXBULK_PASSWORD", "wrong")
        .incomplete("login_refused");
    let url = sim.url.clone();
    drop(sim);
    Run::import_at(Api::YeastarV2, &url)
        .file(&file)
        .args(&["--timeout", "2"])
        .incomplete("pbx_unreachable");
    Run::import_at(Api::YeastarV2, "127.0.0.1:1")
        .file(&file)
        .incomplete("bad_input");
}

#[test]
fn a_redirected_run_starts_with_a_banner_and_is_never_silent() {
    let sim = Sim::start(Api::YeastarV2);
    let ran = Run::import(&sim)
        .file(&adds(8501, 8508))
        .args(&["--mode", "add", "--rate", "4", "--progress-every", "0.5"])
        .ok();
    let err = &ran.stderr;
    let banner = err
        .lines()
        .find(|l| l.contains(" pbxbulk import "))
        .unwrap_or_default();
    assert!(
        banner.contains("pbxbulk import")
            && banner.contains("in.csv")
            && banner.contains("yeastar-v2")
            && banner.contains(&sim.url)
            && banner.contains("mode add"),
        "{banner}"
    );
    let progress: Vec<&str> = err.lines().filter(|l| l.contains("Z progress: ")).collect();
    assert!(!progress.is_empty(), "{err}");
    assert!(
        progress.iter().all(|l| l.contains(" rows: ")),
        "{progress:?}"
    );
}

#[test]
fn a_dry_run_says_what_it_would_do_and_lists_deletes_a_real_run_would_refuse() {
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1010 {
        seed.push_str(&format!("{n},Old {n},r{n},{STRONG}\n"));
    }
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    let prune = Run::import(&sim)
        .file(&format!(
            "number,username,registername,registerpassword\n1001,Changed,,\n2001,New,n2001,{STRONG}\n"
        ))
        .args(&["--mode", "sync", "--prune"]);
    // A tripped safeguard needs a human.
    let ran = prune.clone().args(&["--dry-run"]).incomplete("safeguard");
    let said = &ran.stdout;
    assert!(
        said.contains("dry run: would add 1, update 1, delete 9; nothing was sent"),
        "{said}"
    );
    assert!(
        said.contains("the real run would refuse: refusing to delete 9"),
        "{said}"
    );
    let deletes = ran
        .column("action")
        .iter()
        .filter(|a| **a == "delete")
        .count();
    assert_eq!(deletes, 9, "the deletes are listed");
    assert_eq!(sim.stat("write_requests"), 0);
    let ran = prune.incomplete("safeguard");
    assert!(
        ran.stderr.contains("refusing to delete 9"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn a_missing_file_is_said_once() {
    let ran = Run::validate(Api::YeastarV2)
        .input("/nonexistent/staff.csv")
        .incomplete("bad_input");
    assert_eq!(
        ran.stderr.matches("No such file").count(),
        1,
        "{}",
        ran.stderr
    );
}

#[test]
fn a_url_without_a_scheme_gets_one_suggested() {
    let ran = Run::import_at(Api::YeastarV2, "127.0.0.1:33069")
        .file(&adds(8601, 8601))
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("did you mean https://127.0.0.1:33069?"),
        "{}",
        ran.stderr
    );
}

#[test]
fn the_wrong_yeastar_version_is_named() {
    let sim = Sim::start(Api::YeastarV1);
    let ran = Run::import_at(Api::YeastarV2, &sim.url)
        .file(&adds(8701, 8701))
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("this PBX speaks yeastar-v1?"),
        "{}",
        ran.stderr
    );
}

#[test]
fn verba_without_its_endpoint_is_told_where_it_is() {
    let sim = Sim::start(Api::Verba);
    // The sim's base URL, without /provisioning.
    let ran = Run::import_at(Api::Verba, &sim.url)
        .file("extension,eid\nuser1@example.com,0000\n")
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("the URL must end in /provisioning"),
        "{}",
        ran.stderr
    );
}

#[test]
fn an_add_of_an_existing_number_is_told_to_upsert() {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n1001,Old,r1001,{STRONG}\n"
        ))
        .start();
    let ran = Run::import(&sim)
        .file(&format!(
            "number,username,registername,registerpassword,alwaysforward,atransferto,atransferext\n\
             1001,Again,r1001,{STRONG},,,\n\
             2001,Nowhere,n2001,{STRONG},on,Extension,9999\n"
        ))
        .args(&["--mode", "add"])
        .rows_failed();
    let rows = &ran.rows;
    assert_eq!(rows[0]["error_code"], "10017");
    assert!(
        rows[0]["message"].ends_with("already exists: use --mode upsert"),
        "{rows:?}"
    );
    // The same code for another reason gets no such hint.
    assert_eq!(rows[1]["error_code"], "10017");
    assert!(!rows[1]["message"].contains("upsert"), "{rows:?}");
}

#[test]
fn a_report_ending_in_xlsx_is_a_workbook_with_every_line() {
    use calamine::{Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(Api::YeastarV2);
    let report = dir.path().join("r.xlsx");
    let ran = Run::import(&sim)
        .file(&format!(
            "number,username,registername,registerpassword\n8801,Zoë → Ünal,z8801,{STRONG}\n8802,Bad,,\n"
        ))
        .report(&report)
        .args(&["--mode", "add"])
        .rows_failed();
    assert!(
        !dir.path().join("r.xlsx.partial.csv").exists(),
        "the lines became the workbook"
    );
    assert_eq!(numbers_in(&ran.beside("rejects.csv")), ["8802"]);
    let mut workbook: Xlsx<_> = open_workbook(&report).unwrap();
    let sheet = workbook.worksheet_range("report").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows[0][..4], ["row", "number", "action", "status"]);
    assert_eq!(rows[1][..4], ["2", "8801", "add", "ok"]);
    assert_eq!(rows[2][..4], ["3", "8802", "add", "invalid"]);
    assert_eq!(rows.len(), 3);
}

#[test]
fn the_pace_counts_the_rows_sent_not_those_a_stop_skipped() {
    let sim = Sim::start(Api::YeastarV2);
    let mut running = Run::import(&sim)
        .file(&adds(8601, 8640))
        .args(&["--mode", "add", "--rate", "4"])
        .spawn();
    running.wait_for("two rows added", || sim.stat("extensions") >= 2);
    running.signal("INT");
    let ran = running
        .ends_within(Duration::from_secs(20))
        .incomplete("interrupted");
    let out = format!("{}{}", ran.stdout, ran.stderr);
    // `… in 1.2s (2.5 rows sent/s)`: seconds and pace, whose product is the rows sent.
    let end = out
        .lines()
        .find(|l| l.contains(" skipped in "))
        .unwrap_or_default();
    let (secs, rate) = end
        .split_once(" in ")
        .and_then(|(_, t)| t.split_once("s ("))
        .and_then(|(secs, t)| {
            Some((
                secs.parse::<f64>().ok()?,
                t.split(' ').next()?.parse::<f64>().ok()?,
            ))
        })
        .unwrap_or_else(|| panic!("no pace in {end:?}"));
    let sent = ran
        .column("status")
        .iter()
        .filter(|s| **s == "ok" || **s == "failed")
        .count();
    assert!(sent < 40, "{end}");
    assert!(
        (rate * secs - sent as f64).abs() <= 1.0,
        "{sent} rows sent: {end}"
    );
}
