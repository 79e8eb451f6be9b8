//! Export, diff, sync and prune: the PBX as the other side of the spreadsheet.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::*;

/// A v2 file of extensions `numbers` with the given e-mail domain.
fn directory_csv(numbers: &[u32], domain: &str) -> String {
    let mut csv = String::from("number,username,registername,registerpassword,email\n");
    for n in numbers {
        csv.push_str(&format!("{n},User {n},r{n},{STRONG},u{n}@{domain}\n"));
    }
    csv
}

#[test]
fn export_then_sync_of_the_same_file_changes_nothing_and_sends_no_write() {
    let sim = Sim::start(Api::YeastarV2);
    Run::import(&sim)
        .input(sample())
        .args(&["--rate", "0"])
        .rows_failed();
    let exported = Run::export(&sim).ok();
    assert!(
        exported.stdout.contains("exported 190 extensions"),
        "{}",
        exported.stdout
    );
    let bytes = std::fs::read(&exported.report).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFnumber,username,"),
        "UTF-8 with a BOM, import's columns"
    );
    #[cfg(unix)]
    assert_eq!(mode(&exported.report), 0o600);

    let writes_before = sim.stat("write_requests");
    let ran = Run::import(&sim)
        .input(&exported.report)
        .args(&["--mode", "sync", "--prune"])
        .ok();
    assert_eq!(ran.rows.len(), 190);
    assert!(
        ran.rows
            .iter()
            .all(|r| r["status"] == "unchanged" && r["action"] == "none"),
        "{:?}",
        ran.rows[0]
    );
    assert_eq!(
        sim.stat("write_requests"),
        writes_before,
        "not one write request"
    );
}

#[test]
fn v1_export_leaves_the_hashed_password_blank_and_round_trips() {
    let sim = Sim::with(Api::YeastarV1)
        .seed("extid,username,mobile,loginpassword\n1001,Ana,1555001,Login-pw1\n1002,Bo,,\n")
        .start();
    let exported = Run::export(&sim).ok();
    assert!(
        exported.stdout.contains("loginpassword"),
        "says what was left blank: {}",
        exported.stdout
    );
    let rows = &exported.rows;
    assert_eq!(rows[0]["extid"], "1001");
    assert_eq!(rows[0]["mobile"], "1555001", "moblie comes back as mobile");
    assert_eq!(rows[0]["loginpassword"], "");
    let sync = Run::import(&sim).args(&["--mode", "sync"]);
    sync.clone().input(&exported.report).ok();
    assert_eq!(sim.stat("write_requests"), 0);
    // A v1 password is compared through its hash: the same password is unchanged too.
    let ran = sync
        .clone()
        .file_named("same.csv", "extid,loginpassword\n1001,Login-pw1\n")
        .ok();
    assert_eq!(ran.rows[0]["status"], "unchanged");
    assert_eq!(sim.stat("write_requests"), 0);
    // v1 cannot delete: refused before anything is sent.
    let ran = sync
        .input(&exported.report)
        .args(&["--prune"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("cannot delete"), "{}", ran.stderr);
}

#[test]
fn an_edited_hr_file_gives_exactly_the_expected_adds_updates_and_deletes() {
    let before: Vec<u32> = (1001..=1010).collect();
    let sim = Sim::with(Api::YeastarV2)
        .seed(&directory_csv(&before, "old.example.com"))
        .start();
    // 1009 and 1010 left; 1011 and 1012 joined; 1001 and 1002 changed e-mail.
    let mut hr = directory_csv(
        &[1003, 1004, 1005, 1006, 1007, 1008, 1011, 1012],
        "old.example.com",
    );
    hr.push_str(&format!(
        "1001,User 1001,r1001,{STRONG},u1001@new.example.com\n"
    ));
    hr.push_str(&format!(
        "1002,User 1002,r1002,{STRONG},u1002@new.example.com\n"
    ));
    let sync = Run::import(&sim).file_named("hr.csv", &hr).args(&[
        "--mode",
        "sync",
        "--prune",
        "--max-delete",
        "2",
    ]);

    let dry = sync.clone().args(&["--dry-run"]).ok();
    assert_eq!(sim.stat("write_requests"), 0, "a dry run writes nothing");
    let update = dry.row("number", "1001");
    assert_eq!(update["action"], "update");
    assert!(
        update["message"].contains(r#"email "u1001@old.example.com" → "u1001@new.example.com""#),
        "{update:?}"
    );

    let ran = sync.ok();
    let mut by_action: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for r in &ran.rows {
        by_action
            .entry(format!("{}/{}", r["action"], r["status"]))
            .or_default()
            .insert(r["number"].as_str());
    }
    assert_eq!(by_action["add/ok"], BTreeSet::from(["1011", "1012"]));
    assert_eq!(by_action["update/ok"], BTreeSet::from(["1001", "1002"]));
    assert_eq!(by_action["delete/ok"], BTreeSet::from(["1009", "1010"]));
    assert_eq!(by_action["none/unchanged"].len(), 6);
    assert!(
        ran.rows
            .iter()
            .filter(|r| r["action"] == "delete")
            .all(|r| r["row"].is_empty())
    );
    assert!(
        ran.rows
            .iter()
            .filter(|r| r["action"] == "update")
            .all(|r| r["changed"] == "email"),
        "only what differs"
    );
    assert_eq!(sim.stat("write_requests"), 6);

    // Afterwards the PBX equals the file.
    let in_file: BTreeMap<String, String> = csv_rows(&ran.dir.join("hr.csv"))
        .into_iter()
        .map(|r| (r["number"].clone(), r["email"].clone()))
        .collect();
    assert_eq!(sim.field("email"), in_file);
}

#[test]
fn the_delete_safeguards_trip_before_anything_is_written() {
    let all: Vec<u32> = (1001..=1020).collect();
    let sim = Sim::with(Api::YeastarV2)
        .seed(&directory_csv(&all, "example.com"))
        .start();
    // A file that lost most of its rows, plus one change that must not be sent either.
    let mut csv = directory_csv(&[1001, 1002, 1003], "example.com");
    csv.push_str(&format!("1004,Changed,r1004,{STRONG},new@example.com\n"));
    let prune = Run::import(&sim)
        .file_named("short.csv", &csv)
        .args(&["--mode", "sync", "--prune"]);
    let ran = prune.clone().incomplete("safeguard");
    let err = &ran.stderr;
    assert!(
        err.contains("refusing to delete 16 of the 20") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(sim.stat("write_requests"), 0);
    assert_eq!(sim.stat("extensions"), 20);

    // Limited to a range, the same file deletes only inside it, and within the limit.
    let ran = prune
        .args(&["--prune-range", "1019-1020", "--prune-range", "1005-1005"])
        .args(&["--max-delete", "3"])
        .ok();
    let deleted: BTreeSet<&str> = ran
        .rows
        .iter()
        .filter(|r| r["action"] == "delete")
        .map(|r| r["number"].as_str())
        .collect();
    assert_eq!(deleted, BTreeSet::from(["1005", "1019", "1020"]));
    assert_eq!(sim.stat("extensions"), 17);
    assert!(!sim.log().iter().any(|e| e["number"] == "all"));
}

#[test]
fn rows_forwarding_to_an_extension_added_in_the_same_run_succeed_at_any_concurrency() {
    let header =
        "number,username,registername,registerpassword,noanswerforward,ntransferto,ntransferext\n";
    let reception = format!("2000,Reception,r2000,{STRONG},,,\n");
    let staff: String = (2001..=2040)
        .map(|n| format!("{n},Staff {n},r{n},{STRONG},on,Extension,2000\n"))
        .collect();
    // The extension they forward to comes first in one file and last in the other.
    let first = format!("{header}{reception}{staff}");
    let last = format!("{header}{staff}{reception}");
    for (name, file) in [("first.csv", &first), ("last.csv", &last)] {
        for concurrency in ["1", "16", "64"] {
            let sim = Sim::with(Api::YeastarV2)
                .args(&["--latency-ms", "20"])
                .start();
            let ran = Run::import(&sim)
                .file_named(name, file)
                .args(&["--rate", "0", "--concurrency", concurrency])
                .ok();
            assert_eq!(
                sim.stat("extensions"),
                41,
                "{name} at concurrency {concurrency}"
            );
            let rows: Vec<String> = (2..=42).map(|n| n.to_string()).collect();
            assert_eq!(ran.column("row"), rows, "the report stays in input order");
        }
    }
    // The simulator does refuse a forward to an extension it lacks (what the ordering prevents).
    let sim = Sim::start(Api::YeastarV2);
    let ran = Run::import(&sim)
        .file_named(
            "orphan.csv",
            format!("{header}3001,Orphan,r3001,{STRONG},on,Extension,3999\n"),
        )
        .rows_failed();
    assert_eq!(ran.rows[0]["error_code"], "10017");
}
