//! HR feeds: an export in an HR system's columns, through the documented example mapping, with
//! new hires that have no SIP credentials and leavers the prune removes.

use std::path::{Path, PathBuf};

use crate::support::*;

/// The mapping docs/SPREADSHEETS.md shows for an HR export, taken from the page itself so the
/// two cannot drift apart; written into `dir`.
fn readme_mapping(dir: &Path) -> PathBuf {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SPREADSHEETS.md");
    let readme = std::fs::read_to_string(page).unwrap();
    let start = readme
        .find("```toml\n# hr-to-yeastar.toml")
        .expect("the documented example mapping");
    let body = &readme[start + "```toml\n".len()..];
    let toml = &body[..body.find("```").unwrap()];
    write(dir, "hr-to-yeastar.toml", toml)
}

/// An HR export as HR systems name their columns: two active staff (one already on the PBX,
/// one new hire), a leaver, an intern and a contractor (skipped by the mapping).
const HR: &str = "\
Employee ID,First Name,Last Name,Work Email,Mobile Phone,Desk Extension,Status,Employment Type,Department,Voicemail
E100,Ann,Lee,ann.lee@example.com,15550100001,1001,Active,Employee,Sales,Yes
E101,Bob,Ray,bob.ray@example.com,,1002,Terminated,Employee,Sales,No
E102,Cleo,Park,cleo.park@example.com,15550100003,1004,Active,Employee,Support,Yes
E103,Dan,Wu,dan.wu@example.com,,1005,Active,Intern,Support,No
E104,Eve,Ng,eve.ng@example.com,,1006,Active,Employee,Support,No
";

/// The PBX before the sync: Ann (an old e-mail), Bob (who left), 1003 (nobody's any more).
fn seed() -> String {
    let mut csv = String::from("number,username,registername,registerpassword,email\n");
    for (n, name, email) in [
        (1001, "Ann Lee", "ann@old.example.com"),
        (1002, "Bob Ray", "bob.ray@example.com"),
        (1003, "Old Phone", "old@example.com"),
    ] {
        csv.push_str(&format!("{n},{name},{n},{STRONG},{email}\n"));
    }
    csv
}

#[test]
fn an_hr_export_syncs_through_the_readme_mapping_and_new_hires_get_generated_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with(Api::YeastarV2).seed(&seed()).start();
    let (map, file) = (readme_mapping(dir.path()), write(dir.path(), "hr.csv", HR));
    let sync = Run::import(&sim)
        .input(&file)
        .report(&dir.path().join("nightly.csv"))
        .args(&["--map", map.to_str().unwrap(), "--mode", "sync", "--prune"])
        .args(&["--max-delete", "5", "--generate-passwords", "--rate", "0"]);

    // The rehearsal: old → new per field, nothing written, no credentials made.
    let writes = sim.stat("write_requests");
    let ran = sync.clone().args(&["--dry-run"]).ok();
    let rows = &ran.rows;
    assert!(
        rows[0]["message"].contains(r#"email "ann@old.example.com" → "ann.lee@example.com""#),
        "{:?}",
        rows[0]
    );
    assert!(
        rows[2]["message"].contains(
            r#"would add username "" → "Cleo Park"; callerid "" → "1004"; registername "" → "1004""#
        ) && rows[2]["message"]
            .contains("; would generate registerpassword, loginpassword, vmsecret"),
        "{:?}",
        rows[2]
    );
    assert_eq!(sim.stat("write_requests"), writes);
    assert!(!ran.beside("credentials.csv").exists());

    let ran = sync.clone().ok();
    let rows = &ran.rows;
    let line = |i: usize| {
        (
            rows[i]["number"].as_str(),
            rows[i]["action"].as_str(),
            rows[i]["status"].as_str(),
        )
    };
    assert_eq!(line(0), ("1001", "update", "ok"));
    assert_eq!(
        rows[0]["changed"],
        "callerid,email,mobile,hasvoicemail,enablevmtoemail,ringtimeout"
    );
    assert_eq!(line(1), ("1002", "none", "skipped"));
    assert!(
        rows[1]["message"].contains(r#"Status != "Active""#),
        "{:?}",
        rows[1]
    );
    assert_eq!(line(2), ("1004", "add", "ok"));
    assert_eq!(line(3), ("1005", "none", "skipped"));
    assert!(
        rows[3]["message"].contains("Employment Type in"),
        "{:?}",
        rows[3]
    );
    assert_eq!(line(4), ("1006", "add", "ok"));
    // The leaver and the phone nobody has any more are deleted; both are off the file.
    let deleted: Vec<_> = (5..rows.len()).map(line).collect();
    assert_eq!(
        deleted,
        [("1002", "delete", "ok"), ("1003", "delete", "ok")]
    );

    let on_pbx = sim.directory();
    assert_eq!(on_pbx.keys().collect::<Vec<_>>(), ["1001", "1004", "1006"]);
    assert_eq!(on_pbx["1004"]["username"], "Cleo Park");
    assert_eq!(on_pbx["1004"]["registername"], "1004");
    assert_eq!(on_pbx["1004"]["hasvoicemail"], "on");
    assert_eq!(on_pbx["1006"]["hasvoicemail"], "off");
    assert_eq!(on_pbx["1001"]["email"], "ann.lee@example.com");
    assert_eq!(
        on_pbx["1001"]["registerpassword"], STRONG,
        "an update never regenerates"
    );

    // The credentials file holds exactly the generated secrets, as the PBX has them.
    let credentials = ran.beside("credentials.csv");
    assert!(credentials.ends_with("nightly.credentials.csv"));
    #[cfg(unix)]
    assert_eq!(mode(&credentials), 0o600);
    let text = std::fs::read_to_string(&credentials).unwrap();
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(lines.next(), Some("number,field,secret"));
    let secrets: Vec<(String, String, String)> = lines
        .map(|l| {
            let cells: Vec<_> = l.split(',').collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[2].to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = ["1004", "1006"]
        .iter()
        .flat_map(|n| {
            ["registerpassword", "loginpassword", "vmsecret"]
                .map(|f| (n.to_string(), f.to_string()))
        })
        .collect();
    // Written as each add is confirmed, so in the order the PBX answered.
    let mut got: Vec<(String, String)> = secrets
        .iter()
        .map(|(n, f, _)| (n.clone(), f.clone()))
        .collect();
    got.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(got, expected);
    for (number, field, secret) in &secrets {
        assert_eq!(on_pbx[number][field], secret.as_str(), "{number} {field}");
        assert!(secret.len() >= 8, "{field}");
    }
    let (p1, p2) = (&secrets[0].2, &secrets[3].2);
    assert_ne!(p1, p2, "every new hire gets their own");

    // … and nowhere else: not on the terminal, not in the report.
    let report_text = std::fs::read_to_string(&ran.report).unwrap();
    for (_, _, secret) in &secrets {
        for (what, text) in [
            ("stdout", &ran.stdout),
            ("stderr", &ran.stderr),
            ("report", &report_text),
        ] {
            assert!(
                !text.contains(secret.as_str()),
                "a generated secret in {what}"
            );
        }
    }
    assert!(
        ran.stdout.contains("nightly.credentials.csv"),
        "{}",
        ran.stdout
    );

    // The next night nothing changed: nothing is sent, nothing is generated again.
    let writes = sim.stat("write_requests");
    sync.ok();
    assert_eq!(sim.stat("write_requests"), writes);
    assert_eq!(std::fs::read_to_string(&credentials).unwrap(), text);
}

/// `pbxbulk validate FILE --api yeastar-v2 --map MAP`, FILE holding `csv`.
fn validate(csv: &str, map: &Path) -> Run {
    Run::validate(Api::YeastarV2)
        .file_named("hr.csv", csv)
        .args(&["--map", map.to_str().unwrap()])
}

#[test]
fn show_mapped_prints_what_rows_become_with_secrets_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let map = write(
        dir.path(),
        "m.toml",
        "[columns]\n\"Ext\" = \"number\"\n\"SIP Secret\" = \"registerpassword\"\n[templates]\nusername = \"{First} {Last}\"\n",
    );
    let hr = "Ext,First,Last,SIP Secret\n2001,Ann,Lee,Very-Secret-Pw9x\n2002,Bob,,\n";
    // The row the mapping cannot fill is a row error.
    let ran = validate(hr, &map)
        .args(&["--show-mapped", "5"])
        .rows_failed();
    let printed = &ran.stdout;
    assert!(
        printed.contains(r#"row 2: number="2001" username="Ann Lee" registerpassword=(secret)"#),
        "{printed}"
    );
    assert!(
        printed.contains("row 3: MAPPING: username: the template at"),
        "{printed}"
    );
    assert!(!printed.contains("Very-Secret") && !ran.stderr.contains("Very-Secret"));
    // Its rejects line is the HR row.
    let ran = validate(hr, &map).with_report().rows_failed();
    assert_eq!(
        (
            ran.rows[1]["number"].as_str(),
            ran.rows[1]["error_code"].as_str()
        ),
        ("2002", "MAPPING")
    );
    assert!(
        ran.rows[1]["message"].contains("needs Last, which is blank"),
        "{:?}",
        ran.rows[1]
    );
    let rejects = std::fs::read_to_string(ran.beside("rejects.csv")).unwrap();
    assert_eq!(
        rejects.trim_start_matches('\u{feff}'),
        "Ext,First,Last,SIP Secret\n2002,Bob,,\n"
    );
}

#[test]
fn a_broken_mapping_names_its_line_and_unknown_hr_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let validate = |map: &Path| validate("Desk Extension,Cost Centre\n1001,CC7\n", map);
    let map = write(
        dir.path(),
        "typo.toml",
        "# HR\n[columns]\n\"Desk Extension\" = \"nmber\"\n",
    );
    let err = validate(&map).incomplete("bad_input").stderr;
    assert!(
        err.contains("typo.toml line 3: yeastar-v2 has no field \"nmber\""),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let map = write(
        dir.path(),
        "syntax.toml",
        "[columns]\n\"Desk Extension\" = number\n",
    );
    let err = validate(&map).incomplete("bad_input").stderr;
    assert!(err.contains("syntax.toml line 2:"), "{err}");
    let map = write(
        dir.path(),
        "ok.toml",
        "[columns]\n\"Desk Extension\" = \"number\"\n",
    );
    let err = validate(&map).incomplete("bad_input").stderr;
    assert!(
        err.contains("unknown column(s) \"Cost Centre\": map them in"),
        "{err}"
    );
    let map = write(
        dir.path(),
        "ignore.toml",
        "ignore = [\"Cost Centre\"]\n[columns]\n\"Desk Extension\" = \"number\"\n",
    );
    validate(&map).ok();
}
