//! Export, diff, sync and prune: the PBX as the other side of the spreadsheet.

use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::*;

const STRONG: &str = "Kx7mQ2vRt9LpW4zA";

/// A v2 file of extensions 1001..=1000+n with the given e-mail domain.
fn directory_csv(numbers: &[u32], domain: &str) -> String {
    let mut csv = String::from("number,username,registername,registerpassword,email\n");
    for n in numbers {
        csv.push_str(&format!("{n},User {n},r{n},{STRONG},u{n}@{domain}\n"));
    }
    csv
}

#[test]
fn export_then_sync_of_the_same_file_changes_nothing_and_sends_no_write() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&import(
            &sim,
            "yeastar-v2",
            &sample(),
            &dir.path().join("r.csv"),
            &["--rate", "0"]
        )),
        1
    );
    let exported = dir.path().join("export.csv");
    let out = export(&sim, "yeastar-v2", &exported, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("exported 190 extensions"),
        "{}",
        stdout(&out)
    );
    let bytes = std::fs::read(&exported).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFnumber,username,"),
        "UTF-8 with a BOM, import's columns"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&exported).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    let writes_before = sim.stat("write_requests");
    let report = dir.path().join("sync.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &exported,
        &report,
        &["--mode", "sync", "--prune"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 190);
    assert!(
        rows.iter()
            .all(|r| r["status"] == "unchanged" && r["action"] == "none"),
        "{:?}",
        rows[0]
    );
    assert_eq!(
        sim.stat("write_requests"),
        writes_before,
        "not one write request"
    );
}

#[test]
fn v1_export_leaves_the_hashed_password_blank_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded(
        "yeastar-v1",
        dir.path(),
        "extid,username,mobile,loginpassword\n1001,Ana,1555001,Login-pw1\n1002,Bo,,\n",
        &[],
    );
    let exported = dir.path().join("export.csv");
    let out = export(&sim, "yeastar-v1", &exported, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("loginpassword"),
        "says what was left blank: {}",
        stdout(&out)
    );
    let rows = report_rows(&exported);
    assert_eq!(rows[0]["extid"], "1001");
    assert_eq!(rows[0]["mobile"], "1555001", "moblie comes back as mobile");
    assert_eq!(rows[0]["loginpassword"], "");
    let report = dir.path().join("r.csv");
    let out = import(&sim, "yeastar-v1", &exported, &report, &["--mode", "sync"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sim.stat("write_requests"), 0);
    // A v1 password is compared through its hash: the same password is unchanged too.
    let same = write(
        dir.path(),
        "same.csv",
        "extid,loginpassword\n1001,Login-pw1\n",
    );
    assert_eq!(
        code(&import(
            &sim,
            "yeastar-v1",
            &same,
            &report,
            &["--mode", "sync"]
        )),
        0
    );
    assert_eq!(report_rows(&report)[0]["status"], "unchanged");
    assert_eq!(sim.stat("write_requests"), 0);
    let out = import(
        &sim,
        "yeastar-v1",
        &exported,
        &report,
        &["--mode", "sync", "--prune"],
    );
    assert_eq!(
        code(&out),
        2,
        "v1 cannot delete: refused before anything is sent"
    );
    assert!(stderr(&out).contains("cannot delete"), "{}", stderr(&out));
}

#[test]
fn an_edited_hr_file_gives_exactly_the_expected_adds_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let before: Vec<u32> = (1001..=1010).collect();
    let sim = Sim::seeded(
        "yeastar-v2",
        dir.path(),
        &directory_csv(&before, "old.example.com"),
        &[],
    );
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
    let file = write(dir.path(), "hr.csv", &hr);

    let report = dir.path().join("dry.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &[
            "--mode",
            "sync",
            "--prune",
            "--max-delete",
            "2",
            "--dry-run",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sim.stat("write_requests"), 0, "a dry run writes nothing");
    let dry = report_rows(&report);
    let update = dry.iter().find(|r| r["number"] == "1001").unwrap();
    assert_eq!(update["action"], "update");
    assert!(
        update["message"].contains(r#"email "u1001@old.example.com" → "u1001@new.example.com""#),
        "{update:?}"
    );

    let report = dir.path().join("sync.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &["--mode", "sync", "--prune", "--max-delete", "2"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows = report_rows(&report);
    let mut by_action: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &rows {
        by_action
            .entry(format!("{}/{}", r["action"], r["status"]))
            .or_default()
            .insert(r["number"].clone());
    }
    let set = |v: &[&str]| v.iter().map(ToString::to_string).collect::<BTreeSet<_>>();
    assert_eq!(by_action["add/ok"], set(&["1011", "1012"]));
    assert_eq!(by_action["update/ok"], set(&["1001", "1002"]));
    assert_eq!(by_action["delete/ok"], set(&["1009", "1010"]));
    assert_eq!(by_action["none/unchanged"].len(), 6);
    assert!(
        rows.iter()
            .filter(|r| r["action"] == "delete")
            .all(|r| r["row"].is_empty())
    );
    assert!(
        rows.iter()
            .filter(|r| r["action"] == "update")
            .all(|r| r["changed"] == "email"),
        "only what differs"
    );
    assert_eq!(sim.stat("write_requests"), 6);

    // Afterwards the PBX equals the file.
    let on_pbx: BTreeMap<String, String> = sim
        .extensions("v2.0.0")
        .iter()
        .map(|e| {
            (
                e["number"].as_str().unwrap().to_string(),
                e["email"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let in_file: BTreeMap<String, String> = report_rows(&file)
        .iter()
        .map(|r| (r["number"].clone(), r["email"].clone()))
        .collect();
    assert_eq!(on_pbx, in_file);
}

#[test]
fn the_delete_safeguards_trip_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<u32> = (1001..=1020).collect();
    let sim = Sim::seeded(
        "yeastar-v2",
        dir.path(),
        &directory_csv(&all, "example.com"),
        &[],
    );
    // A file that lost most of its rows, plus one change that must not be sent either.
    let mut csv = directory_csv(&[1001, 1002, 1003], "example.com");
    csv.push_str(&format!("1004,Changed,r1004,{STRONG},new@example.com\n"));
    let file = write(dir.path(), "short.csv", &csv);
    let report = dir.path().join("r.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &["--mode", "sync", "--prune"],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("refusing to delete 16 of the 20") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(sim.stat("write_requests"), 0);
    assert_eq!(sim.stat("extensions"), 20);

    // Limited to a range, the same file deletes only inside it, and within the limit.
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &[
            "--mode",
            "sync",
            "--prune",
            "--prune-range",
            "1019-1020",
            "--prune-range",
            "1005-1005",
            "--max-delete",
            "3",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let deleted: BTreeSet<String> = report_rows(&report)
        .into_iter()
        .filter(|r| r["action"] == "delete")
        .map(|r| r["number"].clone())
        .collect();
    assert_eq!(
        deleted,
        ["1005", "1019", "1020"]
            .iter()
            .map(ToString::to_string)
            .collect()
    );
    assert_eq!(sim.stat("extensions"), 17);
    assert!(!sim.log().iter().any(|e| e["number"] == "all"));
}

#[test]
fn rows_forwarding_to_an_extension_added_in_the_same_run_succeed_at_any_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let header =
        "number,username,registername,registerpassword,noanswerforward,ntransferto,ntransferext\n";
    let reception = format!("2000,Reception,r2000,{STRONG},,,\n");
    let staff: String = (2001..=2040)
        .map(|n| format!("{n},Staff {n},r{n},{STRONG},on,Extension,2000\n"))
        .collect();
    // The extension they forward to comes first in one file and last in the other.
    let first = write(
        dir.path(),
        "first.csv",
        &format!("{header}{reception}{staff}"),
    );
    let last = write(
        dir.path(),
        "last.csv",
        &format!("{header}{staff}{reception}"),
    );
    for file in [&first, &last] {
        for concurrency in ["1", "16", "64"] {
            let sim = Sim::start("yeastar-v2", &["--latency-ms", "20"]);
            let report = dir.path().join("r.csv");
            let out = import(
                &sim,
                "yeastar-v2",
                file,
                &report,
                &["--rate", "0", "--concurrency", concurrency],
            );
            assert_eq!(
                code(&out),
                0,
                "{file:?} at concurrency {concurrency}: {}",
                stderr(&out)
            );
            assert_eq!(sim.stat("extensions"), 41);
            let rows: Vec<String> = report_rows(&report)
                .into_iter()
                .map(|r| r["row"].clone())
                .collect();
            assert_eq!(
                rows,
                (2..=42).map(|n| n.to_string()).collect::<Vec<_>>(),
                "the report stays in input order"
            );
        }
    }
    // The simulator does refuse a forward to an extension it lacks (what the ordering prevents).
    let sim = Sim::start("yeastar-v2", &[]);
    let orphan = write(
        dir.path(),
        "orphan.csv",
        &format!(
            "number,username,registername,registerpassword,noanswerforward,ntransferto,ntransferext\n3001,Orphan,r3001,{STRONG},on,Extension,3999\n"
        ),
    );
    let report = dir.path().join("r.csv");
    assert_eq!(code(&import(&sim, "yeastar-v2", &orphan, &report, &[])), 1);
    assert_eq!(report_rows(&report)[0]["error_code"], "10017");
}
