use super::seal::{Keys, SignKey};
use super::*;
use crate::domain::record_of;

fn sample(keys: &Keys) -> PlanFile {
    let plan = Plan {
        format: FORMAT.into(),
        version: VERSION,
        created_at: "2026-12-01T21:40:00Z".into(),
        created_by: "pbxbulk 0.1.0".into(),
        input: PlanInput {
            path: "/data/staff.csv".into(),
            sha256: "ab".repeat(32),
            bytes: 120,
        },
        target: PlanTarget {
            api: "yeastar-v2".into(),
            edition: None,
            url: "https://192.0.2.10:8088".into(),
            user: "api".into(),
        },
        settings: PlanSettings {
            mode: "sync".into(),
            prune: Some(PlanPrune {
                ranges: vec!["1000-1999".into()],
                max_delete: Some("1%".into()),
            }),
            columns: Some(PlanColumns::Map {
                path: "/data/hr.toml".into(),
                sha256: "cd".repeat(32),
            }),
            encoding: None,
            sheet: None,
            plus_prefix: None,
            body: "json".into(),
            eid: "0000".into(),
            welcome_email: false,
            generate_passwords: false,
            update_secrets: false,
            weak_passwords: false,
            strict: false,
            rate: "10".into(),
            read_rate: None,
            concurrency: 4,
            retries: 3,
            timeout_ms: 30_000,
            heartbeat_ms: 300_000,
            insecure: false,
            ca_cert: None,
            report: "/data/staff.report.csv".into(),
            report_format: "csv".into(),
        },
        secrets: "keyed".into(),
        counts: BTreeMap::from([("update".to_string(), 1)]),
        rows: vec![PlanRow {
            seq: 0,
            row: Some(2),
            number: "1001".into(),
            action: Action::Update,
            status: PlanStatus::Write,
            pbx: Some(keys.fingerprint(Some(&record_of(&[("number", "1001")])))),
            changes: vec![
                Change {
                    field: "email".into(),
                    old: Some("a@x.org".into()),
                    new: Some("b@x.org".into()),
                    secret: None,
                },
                Change {
                    field: "registerpassword".into(),
                    old: None,
                    new: None,
                    secret: Some(keys.secret("1001", "registerpassword", "Kx7mQ2vRt9Lp")),
                },
            ],
            message: String::new(),
        }],
    };
    let integrity = keys.integrity(&plan);
    PlanFile {
        plan,
        integrity,
        signature: None,
    }
}

fn keys(input: &str) -> Keys {
    Keys::of_input(input.as_bytes()).unwrap()
}

#[test]
fn a_plan_read_back_is_the_plan_written_and_its_seal_holds() {
    let keys = keys("number,email\n1001,b@x.org\n");
    let file = sample(&keys);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("night.plan");
    file.write(&path).unwrap();
    let read = PlanFile::read(&path).unwrap();
    assert_eq!(read, file);
    assert!(keys.intact(&read.plan, &read.integrity));
    // Readable in review: one field a line.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(
            "\n      {\"seq\": 0, \"row\": 2, \"number\": \"1001\", \"action\": \"update\""
        ),
        "{text}"
    );
}

#[test]
fn any_edit_breaks_the_seal_and_another_input_has_another_key() {
    let keys = keys("number,email\n1001,b@x.org\n");
    let mut file = sample(&keys);
    file.plan.rows[0].changes[0].new = Some("evil@x.org".into());
    assert!(!keys.intact(&file.plan, &file.integrity));
    let file = sample(&keys);
    let other = self::keys("number,email\n1001,c@x.org\n");
    assert!(!other.intact(&file.plan, &file.integrity));
    assert_ne!(
        keys.secret("1001", "vmsecret", "1234"),
        other.secret("1001", "vmsecret", "1234")
    );
    // One password on two extensions does not show as one hash.
    assert_ne!(
        keys.secret("1001", "vmsecret", "1234"),
        keys.secret("1002", "vmsecret", "1234")
    );
    assert!(!keys.intact(&file.plan, "hmac-sha256:zz"));
}

#[test]
fn a_signature_holds_only_with_its_key() {
    let keys = keys("number\n1001\n");
    let mut file = sample(&keys);
    let (key, other) = (
        SignKey::new(b"the approver's key".to_vec()),
        SignKey::new(b"another key".to_vec()),
    );
    file.signature = Some(key.sign(&file.plan));
    let seal = file.signature.clone().unwrap();
    assert!(key.signed(&file.plan, &seal));
    assert!(!other.signed(&file.plan, &seal));
    file.plan.counts.insert("delete".into(), 3);
    assert!(!key.signed(&file.plan, &seal));
    assert!(!format!("{key:?}").contains("approver"));
}

#[test]
fn unknown_fields_another_version_and_broken_json_are_refused() {
    let keys = keys("number\n1001\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let text = serde_json::to_string_pretty(&sample(&keys)).unwrap();
    let write = |text: &str| std::fs::write(&path, text).unwrap();

    write(&text.replacen("\"seq\": 0,", "\"seq\": 0, \"extra\": 1,", 1));
    let e = PlanFile::read(&path).unwrap_err().to_string();
    assert!(
        e.contains("unknown field `extra`") && e.contains("edited"),
        "{e}"
    );

    write(&text.replacen("\"version\": 1", "\"version\": 2", 1));
    let e = PlanFile::read(&path).unwrap_err().to_string();
    assert!(
        e.contains("version 2") && e.contains("reads version 1"),
        "{e}"
    );

    write(&text[..text.len() / 2]);
    assert!(matches!(
        PlanFile::read(&path),
        Err(PlanFileError::Altered { .. })
    ));
    write("number,email\n1001,a@x.org\n");
    assert!(matches!(
        PlanFile::read(&path),
        Err(PlanFileError::Altered { .. })
    ));
}
