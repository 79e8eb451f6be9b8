//! Migration: two simulators at once, one the source PBX and one the target, through the real
//! binary; the target's state is checked through its own API.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::helpers::*;

const STRONG: [&str; 3] = ["Kx7mQ2vRt9LpW4zA", "Qw8nT5wYe3Lp7zAb", "Zr4kM8vNq2Wx6tHc"];

/// `migrate --from … --to … --report REPORT`, each side's URL as its API takes it.
fn migrate_args(from: (&str, &Sim), to: (&str, &Sim), report: &Path) -> Vec<String> {
    let url = |api: &str, sim: &Sim| match api {
        "verba" => format!("{}/provisioning", sim.url),
        _ => sim.url.clone(),
    };
    [
        "migrate",
        "--from",
        from.0,
        "--from-url",
        &url(from.0, from.1),
        "--from-user",
        USER,
        "--to",
        to.0,
        "--to-url",
        &url(to.0, to.1),
        "--to-user",
        USER,
        "--report",
        report.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

const PASSWORDS: [(&str, &str); 2] = [
    ("PBXBULK_FROM_PASSWORD", PASSWORD),
    ("PBXBULK_TO_PASSWORD", PASSWORD),
];

/// `pbxbulk migrate` from one simulator to the other, unthrottled, both passwords from the
/// environment.
fn migrate(from: (&str, &Sim), to: (&str, &Sim), report: &Path, extra: &[&str]) -> Output {
    let mut args = migrate_args(from, to, report);
    args.extend(
        ["--rate", "0"]
            .iter()
            .chain(extra)
            .map(|a| (*a).to_string()),
    );
    run(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &PASSWORDS,
    )
}

fn v1_seed() -> String {
    let mut csv = String::from(
        "extid,username,callerid,registername,registerpassword,maxregistrations,loginpassword,email,mobile,hasvoicemail,vmsecret,noanswerforward,ntransferto,ringtimeout,dnd\n",
    );
    for (i, n) in [1001, 1002, 1003].iter().enumerate() {
        csv.push_str(&format!(
            "{n},User {n},{n},sip{n},{},{},Login-{n}x,u{n}@example.com,1555010{n},on,48{i}7,on,Mobile Number,60,off\n",
            STRONG[i],
            i + 1
        ));
    }
    csv
}

/// Asserts that every field of `old` (a source's query answer) the target's answer `new` also
/// has holds the same value, but for `skip`; returns how many were compared. The Yeastar
/// family's answers name the number `extnumber` and v1 spells mobile `moblie`.
fn assert_carried(old: &Value, new: &Value, skip: &[&str]) -> usize {
    let mut compared = 0;
    for (field, value) in old.as_object().unwrap() {
        let name = match field.as_str() {
            "extnumber" => "number",
            "moblie" => "mobile",
            other => other,
        };
        if skip.contains(&name) || value.as_str() == Some("") {
            continue;
        }
        if let Some(moved) = new.get(name) {
            assert_eq!(moved, value, "{field}");
            compared += 1;
        }
    }
    compared
}

fn by(records: &[Value], key: &str) -> BTreeMap<String, Value> {
    records
        .iter()
        .map(|r| (r[key].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

#[test]
fn a_v1_directory_moves_into_an_empty_v2_field_for_field_and_a_second_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = Sim::seeded("yeastar-v1", dir.path(), &v1_seed(), &[]);
    let target = Sim::start("yeastar-v2", &[]);
    let report = dir.path().join("move.csv");
    let out = migrate(
        ("yeastar-v1", &source),
        ("yeastar-v2", &target),
        &report,
        &["--generate-passwords"],
    );
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("read 3 extensions"),
        "{}",
        stdout(&out)
    );
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(
            (row["action"].as_str(), row["status"].as_str()),
            ("add", "ok"),
            "{row:?}"
        );
        // The one value v1 cannot hand over says so, and what was done instead.
        assert!(
            row["message"]
                .contains("loginpassword not carried over: yeastar-v1 hands it out only hashed"),
            "{row:?}"
        );
        assert!(
            row["message"].contains("new loginpassword generated"),
            "{row:?}"
        );
    }

    // Every field both APIs have is equal afterwards, read back through each one's own API.
    let old = by(&source.extensions("v1.1.0"), "extnumber");
    let new = by(&target.extensions("v2.0.0"), "number");
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    for (number, record) in &old {
        let compared = assert_carried(record, &new[number], &["loginpassword"]);
        assert!(
            compared >= 12,
            "only {compared} fields compared for {number}"
        );
    }
    // The generated login passwords are the ones the target has, and only in that file.
    let credentials = std::fs::read_to_string(dir.path().join("move.credentials.csv")).unwrap();
    let lines: Vec<&str> = credentials
        .trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .collect();
    assert_eq!(lines.len(), 3);
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[1], "loginpassword");
        assert_eq!(new[cells[0]]["loginpassword"], cells[2]);
        assert!(
            !stdout(&out).contains(cells[2])
                && !std::fs::read_to_string(&report).unwrap().contains(cells[2])
        );
    }

    let writes = target.stat("write_requests");
    let again = dir.path().join("again.csv");
    let out = migrate(
        ("yeastar-v1", &source),
        ("yeastar-v2", &target),
        &again,
        &["--generate-passwords"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        report_rows(&again)
            .iter()
            .all(|r| r["status"] == "unchanged")
    );
    assert_eq!(
        target.stat("write_requests"),
        writes,
        "a second migrate sends no write"
    );
}

#[test]
fn a_dry_run_shows_old_and_new_per_field_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let source = Sim::seeded("yeastar-v1", dir.path(), &v1_seed(), &[]);
    let existing = format!(
        "number,username,registername,registerpassword,email\n1001,User 1001,sip1001,{},old@example.com\n",
        STRONG[0]
    );
    let target_dir = tempfile::tempdir().unwrap();
    let target = Sim::seeded("yeastar-v2", target_dir.path(), &existing, &[]);
    let report = dir.path().join("rehearsal.csv");
    let out = migrate(
        ("yeastar-v1", &source),
        ("yeastar-v2", &target),
        &report,
        &["--dry-run"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = report_rows(&report);
    assert_eq!(rows[0]["action"], "update");
    assert!(
        rows[0]["message"].contains(r#"email "old@example.com" → "u1001@example.com""#),
        "{:?}",
        rows[0]
    );
    assert!(
        rows[1]["message"].starts_with(r#"dry run: would add username "" → "User 1002""#),
        "{:?}",
        rows[1]
    );
    assert_eq!(target.stat("write_requests"), 0);
}

#[test]
fn openvox_over_xml_moves_into_yeastar_v2_and_values_without_a_home_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!(
        "number,username,registerpassword,email,hasvoicemail,vmsecret,nat\n2001,Zhang Wei 张伟,{},zw@example.com,on,888888,yes\n2002,Li Na,{},ln@example.com,off,,no\n",
        STRONG[0], STRONG[1]
    );
    let source = Sim::seeded("openvox", dir.path(), &seed, &[]);
    let target_dir = tempfile::tempdir().unwrap();
    let there = format!(
        "number,username,registername,registerpassword,email\n2002,Li Na,2002,{},li@old.example.com\n",
        STRONG[1]
    );
    let target = Sim::seeded("yeastar-v2", target_dir.path(), &there, &[]);
    let report = dir.path().join("ov.csv");
    let out = migrate(
        ("openvox", &source),
        ("yeastar-v2", &target),
        &report,
        &["--from-body", "xml", "--dry-run"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = report_rows(&report);
    assert!(
        rows[1]["message"].contains(r#"email "li@old.example.com" → "ln@example.com""#),
        "{:?}",
        rows[1]
    );
    assert_eq!(target.stat("write_requests"), 0);
    let out = migrate(
        ("openvox", &source),
        ("yeastar-v2", &target),
        &report,
        &["--from-body", "xml"],
    );
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let rows = report_rows(&report);
    assert!(
        rows[0]["message"]
            .contains(r#"not carried over: nat "yes" (yeastar-v2 has no such field)"#),
        "{:?}",
        rows[0]
    );
    let new = by(&target.extensions("v2.0.0"), "number");
    // Every field both have is equal, read back through each one's own API.
    let token = source.login("v0.0.1");
    let answer = source.post(
        &format!("/api/v0.0.1/extension/query?token={token}&type=json"),
        "",
    );
    let old = by(answer["extinfos"].as_array().unwrap(), "extnumber");
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    for (number, record) in &old {
        let compared = assert_carried(record, &new[number], &[]);
        assert!(
            compared >= 5,
            "only {compared} fields compared for {number}"
        );
    }
    assert_eq!(new["2001"]["username"], "Zhang Wei 张伟");
    assert_eq!(
        new["2001"]["registername"], "2001",
        "OpenVox registers with the number"
    );
    assert_eq!(new["2001"]["registerpassword"], STRONG[0]);
    assert_eq!(new["2001"]["vmsecret"], "888888");
    assert_eq!(new["2002"]["hasvoicemail"], "off");
}

#[test]
fn a_yeastar_directory_becomes_the_recorders_extension_list() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!(
        "number,username,registername,registerpassword,email\n3001,Ann Lee,3001,{},ann@example.com\n3002,Bob Ray,3002,{},bob@example.com\n",
        STRONG[0], STRONG[1]
    );
    let source = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let target = Sim::start("verba", &[]);
    let report = dir.path().join("rec.csv");
    let out = migrate(
        ("yeastar-v2", &source),
        ("verba", &target),
        &report,
        &["--to-eid", "0000"],
    );
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let recorded = crate::verba::get(&target, "3001");
    assert_eq!(
        recorded.get("extension").map(String::as_str),
        Some("3001"),
        "{recorded:?}"
    );
    let rows = report_rows(&report);
    let message = &rows[0]["message"];
    assert!(
        message.contains(r#"username "Ann Lee" (verba has no such field)"#),
        "{message}"
    );
    assert!(
        message.contains("registerpassword (a secret; verba has no such field)"),
        "{message}"
    );
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(
        !text.contains(STRONG[0])
            && !stdout(&out).contains(STRONG[0])
            && !stderr(&out).contains(STRONG[0])
    );
}

#[test]
fn pairs_that_make_no_sense_are_refused_before_any_login() {
    let dir = tempfile::tempdir().unwrap();
    let v2 = Sim::start("yeastar-v2", &[]);
    let v1 = Sim::start("yeastar-v1", &[]);
    let verba = Sim::start("verba", &[]);
    let report = dir.path().join("r.csv");
    let out = migrate(("yeastar-v2", &v2), ("yeastar-v1", &v1), &report, &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("yeastar-v1 cannot add extensions"),
        "{}",
        stderr(&out)
    );
    let out = migrate(("verba", &verba), ("yeastar-v2", &v2), &report, &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("recording settings"),
        "{}",
        stderr(&out)
    );
    for sim in [&v2, &v1, &verba] {
        assert_eq!(sim.stat("logins"), 0);
    }
    assert!(!report.exists());
}

#[test]
fn a_file_exported_from_another_api_imports_through_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let source = Sim::seeded("yeastar-v1", dir.path(), &v1_seed(), &[]);
    let target = Sim::start("yeastar-v2", &[]);
    let exported = dir.path().join("old.csv");
    assert_eq!(code(&export(&source, "yeastar-v1", &exported, &[])), 0);
    // What a new user tried first: the v1 columns are not v2's.
    let report = dir.path().join("r.csv");
    let out = import(&target, "yeastar-v2", &exported, &report, &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("unknown column(s) \"extid\""),
        "{}",
        stderr(&out)
    );
    let out = import(
        &target,
        "yeastar-v2",
        &exported,
        &report,
        &["--from-api", "yeastar-v1", "--rate", "0"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let new = by(&target.extensions("v2.0.0"), "number");
    assert_eq!(new.len(), 3);
    assert_eq!(new["1002"]["email"], "u1002@example.com");
    // The same refusals as migrate's, before any login.
    let logins = target.stat("logins");
    let out = import(
        &target,
        "yeastar-v2",
        &exported,
        &report,
        &["--from-api", "verba"],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("recording settings"),
        "{}",
        stderr(&out)
    );
    assert_eq!(target.stat("logins"), logins);
}

#[test]
fn a_sync_migration_prunes_what_the_source_does_not_have_within_its_safeguards() {
    let dir = tempfile::tempdir().unwrap();
    let source = Sim::seeded("yeastar-v1", dir.path(), &v1_seed(), &[]);
    let target_dir = tempfile::tempdir().unwrap();
    let stale = format!(
        "number,username,registername,registerpassword\n9001,Gone,9001,{}\n9002,Gone Too,9002,{}\n",
        STRONG[0], STRONG[1]
    );
    let target = Sim::seeded("yeastar-v2", target_dir.path(), &stale, &[]);
    let report = dir.path().join("sync.csv");
    let sync = ["--mode", "sync", "--prune", "--max-delete", "1"];
    let out = migrate(
        ("yeastar-v1", &source),
        ("yeastar-v2", &target),
        &report,
        &sync,
    );
    assert_eq!(code(&out), 2, "two deletes exceed --max-delete 1");
    assert_eq!(target.stat("write_requests"), 0);
    let sync = [
        "--mode",
        "sync",
        "--prune",
        "--max-delete",
        "2",
        "--generate-passwords",
    ];
    let out = migrate(
        ("yeastar-v1", &source),
        ("yeastar-v2", &target),
        &report,
        &sync,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let numbers: Vec<_> = by(&target.extensions("v2.0.0"), "number")
        .into_keys()
        .collect();
    assert_eq!(numbers, ["1001", "1002", "1003"]);
}

#[test]
fn a_killed_migration_is_finished_by_resume_without_reading_the_source_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 5001..=5060 {
        seed.push_str(&format!("{n},Staff {n},{n},{}\n", STRONG[2]));
    }
    let source = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let target = Sim::start("yeastar-v2", &["--latency-ms", "30"]);
    let report = dir.path().join("move.csv");
    let mut args = migrate_args(("yeastar-v2", &source), ("yeastar-v2", &target), &report);
    args.extend(["--rate", "60", "--concurrency", "4", "--generate-passwords"].map(String::from));
    let mut child = std::process::Command::new(bin())
        .args(&args)
        .envs(PASSWORDS)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the target holds 20 of the 60: the simulator's count says when.
    while target.stat("extensions") < 20 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(target.stat("extensions") < 60, "killed mid-run");
    args.push("--resume".into());
    let out = run(
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &PASSWORDS,
    );
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("resuming with the extensions read before"),
        "{}",
        stdout(&out)
    );
    assert_eq!(source.stat("logins"), 1, "the source was read once");
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 60);
    // A row whose add landed unanswered is on the PBX now, as the file has it: unchanged.
    assert!(
        rows.iter()
            .all(|r| r["status"] == "ok" || r["status"] == "unchanged"),
        "{rows:?}"
    );
    let refused: Vec<_> = target
        .log()
        .into_iter()
        .filter(|e| e["op"] == "add" && e["error"] != "")
        .collect();
    assert!(refused.is_empty(), "an add went out twice: {refused:?}");
    // Every secret in the credentials file is the one the target has, and every new extension
    // has its line, but for an add that landed unanswered when the run was killed: that row
    // says so.
    let on_pbx = by(&target.extensions("v2.0.0"), "number");
    let credentials = std::fs::read_to_string(dir.path().join("move.credentials.csv")).unwrap();
    let mut written = std::collections::BTreeSet::new();
    for line in credentials.trim_start_matches('\u{feff}').lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(
            on_pbx[cells[0]][cells[1]], cells[2],
            "{} {}",
            cells[0], cells[1]
        );
        written.insert(cells[0].to_string());
    }
    for row in &rows {
        if !row["message"].contains("in flight when the interrupted run stopped") {
            assert!(written.contains(&row["number"]), "{row:?}");
        }
    }
}

#[test]
fn each_side_reads_its_own_password_file_and_there_is_no_password_flag() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!(
        "number,username,registername,registerpassword\n6001,Ann Lee,6001,{}\n",
        STRONG[0]
    );
    let source = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let target = Sim::start("yeastar-v2", &[]);
    let (from_pw, to_pw) = (
        write(dir.path(), "from.pw", &format!("{PASSWORD}\n")),
        write(dir.path(), "to.pw", PASSWORD),
    );
    let report = dir.path().join("r.csv");
    let mut args = migrate_args(("yeastar-v2", &source), ("yeastar-v2", &target), &report);
    args.extend(["--from-password-file", from_pw.to_str().unwrap()].map(String::from));
    args.extend(["--to-password-file", to_pw.to_str().unwrap()].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    // The environment's passwords are wrong: the files win.
    let wrong = [
        ("PBXBULK_FROM_PASSWORD", "wrong"),
        ("PBXBULK_TO_PASSWORD", "wrong"),
    ];
    let out = run(&args, &wrong);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(target.stat("extensions"), 1);
    let out = run(&[&args[..], &["--to-password", PASSWORD]].concat(), &[]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        target.stat("failed_logins") + source.stat("failed_logins"),
        0
    );
}
