//! `--verify`: once the writes are done, every written extension is read back and each field
//! sent compared. A PBX that answers "ok" but keeps the old value (the simulator switched
//! with `--inferred drop-field=FIELD`, which every API's simulator honours) is caught: the
//! report's `verify` column names the field and both values, the run exits 1 with reason
//! `verify_mismatch`, and the page lists the row.

use crate::support::*;

/// The field each API's scenario changes, and its new value.
fn changed(api: Api) -> (&'static str, &'static str) {
    match api {
        Api::YeastarV2 | Api::YeastarV1 | Api::Openvox => ("email", "alice.new@example.com"),
        Api::YeastarP => ("email_addr", "alice.new@example.com"),
        Api::Verba => ("recordingmode", "FULL"),
    }
}

/// The API's template (header and a row that passes every rule), with `field` of the row
/// set to `value`; and the row's old value of `field`.
fn changing(template: &str, field: &str, value: &str) -> (String, String) {
    let mut reader = csv::Reader::from_reader(template.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = header.iter().position(|h| h == field).expect("a column");
    let mut row = reader.records().next().unwrap().unwrap();
    let old = row[column].to_string();
    let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
    cells[column] = value.to_string();
    row = csv::StringRecord::from(cells);
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header).unwrap();
    out.write_record(&row).unwrap();
    (String::from_utf8(out.into_inner().unwrap()).unwrap(), old)
}

#[test]
fn every_api_reads_its_writes_back_and_a_dropped_field_is_a_mismatch() {
    each_api(|api| {
        let template = Run::template(api).ok().stdout;
        let (field, value) = changed(api);
        let (file, old) = changing(&template, field, value);

        // A PBX that keeps what it is sent: verified.
        let sim = Sim::with(api).seed(&template).start();
        let ran = Run::import(&sim).file(&file).args(&["--verify"]).ok();
        assert_eq!(ran.column("status"), ["ok"], "{api}");
        assert_eq!(ran.column("changed"), [field], "{api}");
        assert_eq!(ran.column("verify"), ["verified"], "{api}");
        assert_eq!(ran.summary()["verify"]["verified"], 1, "{api}");

        // One that answers "ok" and keeps the old value: caught, with both values.
        let drop = format!("drop-field={field}");
        let sim = Sim::with(api)
            .seed(&template)
            .args(&["--inferred", &drop])
            .start();
        let ran = Run::import(&sim)
            .file(&file)
            .args(&["--verify"])
            .mismatched();
        assert_eq!(ran.column("status"), ["ok"], "{api}: the PBX did answer ok");
        assert_eq!(
            ran.column("verify"),
            [format!("mismatch: {field} sent {value:?}, PBX has {old:?}")],
            "{api}"
        );
        assert_eq!(ran.summary()["verify"]["mismatched"], 1, "{api}");
        assert!(
            ran.stdout.contains("read back: 0 verified, 1 mismatched"),
            "{api}: {}",
            ran.stdout
        );

        // Without --verify nothing is read back: the column stays blank, exit 0.
        let ran = Run::import(&sim).file(&file).ok();
        assert_eq!(ran.column("verify"), [""], "{api}");
        assert!(ran.summary()["verify"].is_null(), "{api}");
    });
}

#[test]
fn a_secret_the_pbx_never_hands_back_is_named_not_verifiable_and_the_page_lists_mismatches() {
    let sim = Sim::with(Api::YeastarP)
        .args(&["--inferred", "drop-field=first_name"])
        .start();
    let file = "number,first_name,last_name,email_addr,reg_name,reg_password,user_password\n\
                2001,Ana,Lima,ana@example.com,2001,Kx7mQ2vRt9Lp,Bq8nTw5Ye3xK\n\
                2002,Bo,Chen,bo@example.com,2002,Kx7mQ2vRt9Lq,Bq8nTw5Ye3xL\n";
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let ran = Run::import(&sim)
        .file(file)
        .args(&["--verify", "--report-html", page.to_str().unwrap()])
        .mismatched();
    let unverifiable =
        "not verifiable: reg_password, user_password (the PBX does not hand them back)";
    assert_eq!(
        ran.column("verify"),
        [
            format!(r#"mismatch: first_name sent "Ana", PBX has ""; {unverifiable}"#),
            format!(r#"mismatch: first_name sent "Bo", PBX has ""; {unverifiable}"#),
        ]
    );
    assert_eq!(ran.summary()["verify"]["with_unverifiable"], 2);
    // No secret in the report, the terminal or the summary.
    for secret in [
        "Kx7mQ2vRt9Lp",
        "Bq8nTw5Ye3xK",
        "Kx7mQ2vRt9Lq",
        "Bq8nTw5Ye3xL",
    ] {
        assert!(!ran.shown().contains(secret), "{secret}");
    }
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(
        page.contains("mismatch: first_name sent &quot;Bo&quot;"),
        "the page lists the mismatched rows"
    );
    assert!(page.contains("verify_mismatch"));
}

#[test]
fn a_migration_reads_back_what_it_wrote_and_its_page_lists_what_did_not_hold() {
    let template = Run::template(Api::YeastarV2).ok().stdout;
    let from = Sim::with(Api::YeastarV2).seed(&template).start();
    let to = Sim::with(Api::YeastarV2)
        .args(&["--inferred", "drop-field=email"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("move.html");
    let ran = Run::migrate(&from, &to)
        .args(&["--verify", "--report-html", page.to_str().unwrap()])
        .any_exit();
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    let verify = ran.column("verify");
    assert!(
        verify[0].starts_with(r#"mismatch: email sent "alice.martin@example.com", PBX has """#),
        "{verify:?}"
    );
    let page = std::fs::read_to_string(&page).unwrap();
    assert!(page.contains("migrate") && page.contains("verify_mismatch"));
    assert!(
        page.contains("mismatch: email sent"),
        "the page lists the row"
    );
}
