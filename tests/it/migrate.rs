//! Migration: two simulators at once, one the source PBX and one the target, through the real
//! binary; the target's state is checked through its own API.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::*;

const STRONG: [&str; 3] = ["Kx7mQ2vRt9LpW4zA", "Qw8nT5wYe3Lp7zAb", "Zr4kM8vNq2Wx6tHc"];

/// `pbxbulk migrate` from one simulator to the other, unthrottled.
fn migrate(from: &Sim, to: &Sim) -> Run {
    Run::migrate(from, to).args(&["--rate", "0"])
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

/// The `number,field,secret` lines of a credentials file, split into cells.
fn credential_lines(text: &str) -> Vec<Vec<&str>> {
    let lines = text.trim_start_matches('\u{feff}').lines().skip(1);
    lines.map(|l| l.split(',').collect()).collect()
}

#[test]
fn a_v1_directory_moves_into_an_empty_v2_field_for_field_and_a_second_run_writes_nothing() {
    let source = Sim::with(Api::YeastarV1).seed(&v1_seed()).start();
    let target = Sim::start(Api::YeastarV2);
    let ran = migrate(&source, &target)
        .args(&["--generate-passwords"])
        .ok();
    assert!(ran.stdout.contains("read 3 extensions"), "{}", ran.stdout);
    assert_eq!(ran.rows.len(), 3);
    for row in &ran.rows {
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
    let old = source.directory();
    let new = target.directory();
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
    let credentials = std::fs::read_to_string(ran.beside("credentials.csv")).unwrap();
    let lines = credential_lines(&credentials);
    assert_eq!(lines.len(), 3);
    let report = std::fs::read_to_string(&ran.report).unwrap();
    for cells in lines {
        assert_eq!(cells[1], "loginpassword");
        assert_eq!(new[cells[0]]["loginpassword"], cells[2]);
        assert!(!ran.stdout.contains(cells[2]) && !report.contains(cells[2]));
    }

    let writes = target.stat("write_requests");
    let ran = migrate(&source, &target)
        .args(&["--generate-passwords"])
        .ok();
    assert!(ran.column("status").iter().all(|s| *s == "unchanged"));
    assert_eq!(
        target.stat("write_requests"),
        writes,
        "a second migrate sends no write"
    );
}

#[test]
fn a_dry_run_shows_old_and_new_per_field_and_writes_nothing() {
    let source = Sim::with(Api::YeastarV1).seed(&v1_seed()).start();
    let target = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword,email\n1001,User 1001,sip1001,{},old@example.com\n",
            STRONG[0]
        ))
        .start();
    let ran = migrate(&source, &target).args(&["--dry-run"]).ok();
    let rows = &ran.rows;
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
    let source = Sim::with(Api::Openvox)
        .seed(&format!(
            "number,username,registerpassword,email,hasvoicemail,vmsecret,nat\n2001,Zhang Wei 张伟,{},zw@example.com,on,888888,yes\n2002,Li Na,{},ln@example.com,off,,no\n",
            STRONG[0], STRONG[1]
        ))
        .start();
    let target = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword,email\n2002,Li Na,2002,{},li@old.example.com\n",
            STRONG[1]
        ))
        .start();
    let over_xml = migrate(&source, &target).args(&["--from-body", "xml"]);
    let ran = over_xml.clone().args(&["--dry-run"]).ok();
    assert!(
        ran.rows[1]["message"].contains(r#"email "li@old.example.com" → "ln@example.com""#),
        "{:?}",
        ran.rows[1]
    );
    assert_eq!(target.stat("write_requests"), 0);
    let ran = over_xml.ok();
    assert!(
        ran.rows[0]["message"]
            .contains(r#"not carried over: nat "yes" (yeastar-v2 has no such field)"#),
        "{:?}",
        ran.rows[0]
    );
    let new = target.directory();
    // Every field both have is equal, read back through each one's own API.
    let old = source.directory();
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
    let source = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword,email\n3001,Ann Lee,3001,{},ann@example.com\n3002,Bob Ray,3002,{},bob@example.com\n",
            STRONG[0], STRONG[1]
        ))
        .start();
    let target = Sim::start(Api::Verba);
    let ran = migrate(&source, &target).args(&["--to-eid", "0000"]).ok();
    let recorded = verba_get(&target, "3001");
    assert_eq!(
        recorded.get("extension").map(String::as_str),
        Some("3001"),
        "{recorded:?}"
    );
    let message = &ran.rows[0]["message"];
    assert!(
        message.contains(r#"username "Ann Lee" (verba has no such field)"#),
        "{message}"
    );
    assert!(
        message.contains("registerpassword (a secret; verba has no such field)"),
        "{message}"
    );
    assert!(!ran.shown().contains(STRONG[0]));
}

#[test]
fn pairs_that_make_no_sense_are_refused_before_any_login() {
    let v2 = Sim::start(Api::YeastarV2);
    let v1 = Sim::start(Api::YeastarV1);
    let verba = Sim::start(Api::Verba);
    let ran = migrate(&v2, &v1).incomplete("bad_input");
    assert!(
        ran.stderr.contains("yeastar-v1 cannot add extensions"),
        "{}",
        ran.stderr
    );
    assert!(!ran.report.exists());
    let ran = migrate(&verba, &v2).incomplete("bad_input");
    assert!(ran.stderr.contains("recording settings"), "{}", ran.stderr);
    assert!(!ran.report.exists());
    for sim in [&v2, &v1, &verba] {
        assert_eq!(sim.stat("logins"), 0);
    }
}

#[test]
fn a_file_exported_from_another_api_imports_through_the_same_table() {
    let source = Sim::with(Api::YeastarV1).seed(&v1_seed()).start();
    let target = Sim::start(Api::YeastarV2);
    let exported = Run::export(&source).ok();
    let import = Run::import(&target).input(&exported.report);
    // What a new user tried first: the v1 columns are not v2's.
    let ran = import.clone().incomplete("bad_input");
    assert!(
        ran.stderr.contains("unknown column(s) \"extid\""),
        "{}",
        ran.stderr
    );
    import
        .clone()
        .args(&["--from-api", "yeastar-v1", "--rate", "0"])
        .ok();
    let new = target.directory();
    assert_eq!(new.len(), 3);
    assert_eq!(new["1002"]["email"], "u1002@example.com");
    // The same refusals as migrate's, before any login.
    let logins = target.stat("logins");
    let ran = import
        .args(&["--from-api", "verba"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("recording settings"), "{}", ran.stderr);
    assert_eq!(target.stat("logins"), logins);
}

#[test]
fn a_sync_migration_prunes_what_the_source_does_not_have_within_its_safeguards() {
    let source = Sim::with(Api::YeastarV1).seed(&v1_seed()).start();
    let target = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n9001,Gone,9001,{}\n9002,Gone Too,9002,{}\n",
            STRONG[0], STRONG[1]
        ))
        .start();
    let sync = migrate(&source, &target).args(&["--mode", "sync", "--prune"]);
    // Two deletes exceed --max-delete 1.
    sync.clone()
        .args(&["--max-delete", "1"])
        .incomplete("safeguard");
    assert_eq!(target.stat("write_requests"), 0);
    sync.args(&["--max-delete", "2", "--generate-passwords"])
        .ok();
    let numbers: Vec<_> = target.directory().into_keys().collect();
    assert_eq!(numbers, ["1001", "1002", "1003"]);
}

#[test]
fn a_killed_migration_is_finished_by_resume_without_reading_the_source_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 5001..=5060 {
        seed.push_str(&format!("{n},Staff {n},{n},{}\n", STRONG[2]));
    }
    let source = Sim::with(Api::YeastarV2).seed(&seed).start();
    let target = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "30"])
        .start();
    let run = Run::migrate(&source, &target)
        .report(&dir.path().join("move.csv"))
        .args(&["--rate", "60", "--concurrency", "4", "--generate-passwords"]);
    let mut running = run.clone().spawn();
    // Killed once the target holds 20 of the 60: the simulator's count says when.
    running.wait_for("20 of 60 on the target", || target.stat("extensions") >= 20);
    running.kill();
    assert!(target.stat("extensions") < 60, "killed mid-run");
    let ran = run.args(&["--resume"]).ok();
    assert!(
        ran.stdout
            .contains("resuming with the extensions read before"),
        "{}",
        ran.stdout
    );
    assert_eq!(source.stat("logins"), 1, "the source was read once");
    assert_eq!(ran.rows.len(), 60);
    // A row whose add landed unanswered is on the PBX now, as the file has it: unchanged.
    assert!(
        ran.column("status")
            .iter()
            .all(|s| *s == "ok" || *s == "unchanged"),
        "{:?}",
        ran.rows
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
    let on_pbx = target.directory();
    let credentials = std::fs::read_to_string(ran.beside("credentials.csv")).unwrap();
    let mut written = BTreeSet::new();
    for cells in credential_lines(&credentials) {
        assert_eq!(
            on_pbx[cells[0]][cells[1]], cells[2],
            "{} {}",
            cells[0], cells[1]
        );
        written.insert(cells[0].to_string());
    }
    for row in &ran.rows {
        if !row["message"].contains("in flight when the interrupted run stopped") {
            assert!(written.contains(&row["number"]), "{row:?}");
        }
    }
}

#[test]
fn each_side_reads_its_own_password_file_and_there_is_no_password_flag() {
    let dir = tempfile::tempdir().unwrap();
    let source = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n6001,Ann Lee,6001,{}\n",
            STRONG[0]
        ))
        .start();
    let target = Sim::start(Api::YeastarV2);
    let (from_pw, to_pw) = (
        write(dir.path(), "from.pw", format!("{PASSWORD}\n")),
        write(dir.path(), "to.pw", PASSWORD),
    );
    let with_files = Run::migrate(&source, &target)
        .args(&["--from-password-file", from_pw.to_str().unwrap()])
        .args(&["--to-password-file", to_pw.to_str().unwrap()]);
    // The environment's passwords are wrong: the files win.
    with_files
        .clone()
        .env("PBXBULK_FROM_PASSWORD", "wrong")
        .env("PBXBULK_TO_PASSWORD", "wrong")
        .ok();
    assert_eq!(target.stat("extensions"), 1);
    with_files
        .without_password()
        .args(&["--to-password", PASSWORD])
        .incomplete("bad_input");
    assert_eq!(
        target.stat("failed_logins") + source.stat("failed_logins"),
        0
    );
}

#[test]
fn a_login_password_is_said_not_carried_only_on_rows_whose_source_hid_it() {
    // OpenVox hands its userpassword out plain (the simulator's default) or as its MD5
    // (inferred, switchable): only a hashed one is left behind, and only then said so.
    let seed = format!(
        "number,username,registerpassword,loginpassword\n2001,Ann,{},Login-7788x\n",
        STRONG[0]
    );
    for (md5, carried) in [("plain", true), ("md5", false)] {
        let source = Sim::with(Api::Openvox)
            .seed(&seed)
            .args(&["--inferred", &format!("openvox-userpassword={md5}")])
            .start();
        let target = Sim::start(Api::YeastarV2);
        let ran = migrate(&source, &target).ok();
        let row = ran.row("number", "2001");
        assert_eq!(
            row["changed"].split(',').any(|f| f == "loginpassword"),
            carried,
            "{md5}: {row:?}"
        );
        assert_eq!(
            row["message"].contains("loginpassword not carried over"),
            !carried,
            "{md5}: {row:?}"
        );
        let on_pbx = target.field("loginpassword");
        assert_eq!(on_pbx["2001"] == "Login-7788x", carried, "{md5}");
    }
}
