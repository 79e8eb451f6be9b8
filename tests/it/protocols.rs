//! The documented protocols, not our own simulator's: the simulator answers with the vendor
//! examples' own bodies and refuses what the documents refuse, and the client reads every
//! spelling the documents show, so an export synced back sends nothing.

use serde_json::{Value, json};

use crate::helpers::*;

/// OpenVox's query example (docs/vendor/openvox-extension-query.md), as the test reads it.
fn openvox_query_example() -> Value {
    let doc = include_str!("../../docs/vendor/openvox-extension-query.md");
    let start = doc.find("```json\n").expect("the example") + "```json\n".len();
    let end = start + doc[start..].find("\n```").unwrap();
    serde_json::from_str(&doc[start..end]).unwrap()
}

/// The example's extension as a sheet in pbxbulk's columns (the PBX's own spellings kept).
const OPENVOX_SHEET: &str = "number,username,callerid,registerpassword,maxregistrations,loginpassword,email,mobile,hasvoicemail,vmsecret,enablevmtoemail,alwaysforward,noanswerforward,ntransferto,busyforward,btransferto,enablemobile,ringsimultaneous,allowbeingmonitored,monitormode,ringtimeout,maxduration,dnd\n\
1000,Li Lei,1000,Reg-Pass-1000,1,Login-1000x,li.lei@example.com,13800138000,on,1000,off,off,on,Voicemail,on,Voicemail,off,off,off,disable,30,10800,off\n";

fn query_all(sim: &Sim, version: &str, kind: &str) -> Value {
    let token = sim.login(version);
    sim.post(
        &format!("/api/{version}/extension/query?token={token}&type={kind}"),
        "",
    )
}

#[test]
fn openvox_answers_with_its_query_examples_body_and_an_export_synced_back_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded("openvox", dir.path(), OPENVOX_SHEET, &[]);
    let mut answer = query_all(&sim, "v0.0.1", "json");
    let mut example = openvox_query_example();
    // Registration is live state, not configuration: the simulated phone is not registered.
    for body in [&mut answer, &mut example] {
        body["extinfos"][0]["status"] = json!("-");
    }
    assert_eq!(answer, example, "the example's own body");

    // Export reads userpassword, moblie, disable and 10800 back as the values they are.
    let exported = dir.path().join("export.csv");
    let out = export(&sim, "openvox", &exported, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("Login-1000x"),
        "a secret is never printed"
    );
    let row = &report_rows(&exported)[0];
    assert_eq!(row["loginpassword"], "Login-1000x");
    assert_eq!(row["mobile"], "13800138000");
    assert_eq!(
        (row["monitormode"].as_str(), row["maxduration"].as_str()),
        ("Disable", "10800")
    );

    // The export, and the sheet the PBX was filled from, both sync back with zero writes.
    let sheet = write(dir.path(), "sheet.csv", OPENVOX_SHEET);
    for file in [&exported, &sheet] {
        let report = dir.path().join("report.csv");
        let out = import(&sim, "openvox", file, &report, &["--mode", "sync"]);
        assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
        let rows = report_rows(&report);
        assert_eq!(rows[0]["status"], "unchanged", "{:?}", rows[0]);
    }
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn a_login_password_handed_out_hashed_is_compared_through_the_hash_and_not_exported() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded(
        "openvox",
        dir.path(),
        OPENVOX_SHEET,
        &["--inferred", "openvox-userpassword=md5"],
    );
    let answer = query_all(&sim, "v0.0.1", "json");
    assert_eq!(
        answer["extinfos"][0]["userpassword"],
        md5_hex("Login-1000x")
    );
    let exported = dir.path().join("export.csv");
    assert_eq!(code(&export(&sim, "openvox", &exported, &[])), 0);
    assert_eq!(
        report_rows(&exported)[0]["loginpassword"],
        "",
        "a hash is not a password"
    );
    let sheet = write(dir.path(), "sheet.csv", OPENVOX_SHEET);
    let report = dir.path().join("report.csv");
    assert_eq!(
        code(&import(
            &sim,
            "openvox",
            &sheet,
            &report,
            &["--mode", "sync"]
        )),
        0
    );
    assert_eq!(report_rows(&report)[0]["status"], "unchanged");
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn values_as_people_and_pbxs_write_them_are_sent_in_the_one_documented_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded("openvox", dir.path(), OPENVOX_SHEET, &[]);
    let sheet = write(
        dir.path(),
        "in.csv",
        "number,registerpassword,hasvoicemail,dnd,enablevmtoemail,noanswerforward,ntransferto,busyforward,btransferto,mobile,monitormode,maxduration\n\
         2001,Reg-Pass-2001,On,TRUE,yes,ON,voicemail,1,Mobile number,1555,Disabled,follow system\n",
    );
    let report = dir.path().join("report.csv");
    let out = import(&sim, "openvox", &sheet, &report, &[]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let answer = query_all(&sim, "v0.0.1", "json");
    let ext = answer["extinfos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["extnumber"] == "2001")
        .unwrap();
    for (field, sent) in [
        ("hasvoicemail", "on"),
        ("dnd", "on"),
        ("enablevmtoemail", "on"),
        ("noanswerforward", "on"),
        ("ntransferto", "Voicemail"),
        ("busyforward", "on"),
        ("btransferto", "Mobile Number"),
        ("monitormode", "disable"),
        ("maxduration", "Follow System"),
    ] {
        assert_eq!(ext[field], sent, "{field}");
    }
}

#[test]
fn the_simulator_refuses_what_the_yeastar_family_documents_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded("openvox", dir.path(), OPENVOX_SHEET, &[]);
    let token = sim.login("v0.0.1");
    let at =
        |endpoint: &str, kind: &str| format!("/api/v0.0.1/{endpoint}?token={token}&type={kind}");
    // "Cannot be blank": a register password left out of an add, or blanked by an update.
    for body in [
        r#"{"number":"2002","username":"x"}"#,
        r#"{"number":"2002","username":"x","registerpassword":""}"#,
    ] {
        let answer = sim.post(&at("extension/add", "json"), body);
        assert_eq!(
            (answer["status"].as_str(), answer["errno"].as_str()),
            (Some("Failed"), Some("10004")),
            "{body}"
        );
    }
    let answer = sim.post(
        &at("extension/update", "json"),
        r#"{"extid":"1000","registerpassword":""}"#,
    );
    assert_eq!(answer["errno"], "10017");
    // An XML body is `<xml>…</xml>`; another root is not the documented format.
    let (status, text) = http(
        sim.addr(),
        "POST",
        &at("extension/update", "xml"),
        "<?xml version=\"1.0\"?><request><extid>1000</extid><username>y</username></request>",
    );
    assert_eq!(status, 200);
    assert!(text.contains("<errno>10002</errno>"), "{text}");
    // The login password is its 32 lower-case hex MD5; upper-case hex is a wrong password.
    let body = format!(
        r#"{{"username":"{USER}","password":"{}","port":"8260"}}"#,
        md5_hex(PASSWORD).to_uppercase()
    );
    let answer = sim.post("/api/v0.0.1/login", &body);
    assert_eq!(answer["errno"], "20003");
    assert_eq!(sim.stat("writes"), 0, "nothing refused was stored");
    let answer = query_all(&sim, "v0.0.1", "json");
    assert_eq!(answer["extinfos"][0]["username"], "Li Lei");
}

#[test]
fn yeastar_v1_answers_every_documented_key_with_moblie_and_a_hashed_login_password() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded(
        "yeastar-v1",
        dir.path(),
        "extid,username,loginpassword,mobile,monitormode\n1000,Li Lei,Login-1000x,1380,Disable\n",
        &[],
    );
    let answer = query_all(&sim, "v1.1.0", "json");
    let ext = &answer["extinfos"][0];
    assert_eq!(ext["moblie"], "1380");
    assert!(ext.get("mobile").is_none());
    assert_eq!(ext["loginpassword"], md5_hex("Login-1000x"));
    assert_eq!(ext["monitormode"], "Disabled", "v1's own spelling");
    assert_eq!(
        (ext["email"].as_str(), ext["language"].as_str()),
        (Some(""), Some("System Default"))
    );
}

/// Verba: users 25 and 26 of tenant 0000, user 31 `alice@example.com`, 32 `bob`.
const VERBA_USERS: &str = "id,loginname,eid\n31,alice@example.com,0000\n32,bob,0000\n";
const VERBA_SEED: &str =
    "extension,eid,recordingmode,im,voice,video,screencapture,userid\n4001,0000,FULL,1,1,0,0,25\n";

fn verba_sim(dir: &std::path::Path, seed: &str, extra: &[&str]) -> Sim {
    let users = write(dir, "users.csv", VERBA_USERS);
    let args = [&["--users", users.to_str().unwrap()][..], extra].concat();
    Sim::seeded("verba", dir, seed, &args)
}

#[test]
fn verba_an_ok_answer_without_an_extension_is_not_found_and_no_partial_update_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let sim = verba_sim(dir.path(), VERBA_SEED, &[]);
    let token = verba_token(&sim, "0000");
    let answer = soap_call(
        &sim,
        "getExtension",
        &format!(
            "<token>{token}</token><environmentFilter><eid>0000</eid></environmentFilter><extension>9999</extension>"
        ),
    );
    assert!(answer.contains("<statusCode>OK</statusCode>"), "{answer}");
    assert!(!answer.contains("<extension>"), "no record: {answer}");

    let file = write(
        dir.path(),
        "in.csv",
        "extension,recordingmode\n9999,FULL\n4001,ON_DEMAND\n",
    );
    let report = dir.path().join("r.csv");
    let out = import(&sim, "verba", &file, &report, &["--mode", "update"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = report_rows(&report);
    assert_eq!(
        (rows[0]["status"].as_str(), rows[0]["error_code"].as_str()),
        ("failed", "NOT_FOUND")
    );
    assert!(
        rows[0]["message"].contains("9999 is not on the PBX"),
        "{:?}",
        rows[0]
    );
    assert_eq!(rows[1]["status"], "ok");
    let updates: Vec<Value> = sim
        .log()
        .into_iter()
        .filter(|e| e["op"] == "update")
        .collect();
    assert_eq!(updates.len(), 1, "only 4001 was written: {updates:?}");

    // Where the service answers not-found with a status instead (inferred either way).
    let other = verba_sim(
        dir.path(),
        VERBA_SEED,
        &["--inferred", "verba-get-missing=ERROR_GENERAL"],
    );
    let out = import(&other, "verba", &file, &report, &["--mode", "update"]);
    assert_eq!(code(&out), 1);
    assert_eq!(report_rows(&report)[0]["error_code"], "ERROR_GENERAL");
}

#[test]
fn verba_names_a_user_by_login_name_looked_up_once_per_name() {
    let dir = tempfile::tempdir().unwrap();
    let sim = verba_sim(dir.path(), VERBA_SEED, &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "extension,eid,recordingmode,userloginname,userid\n\
         5001,0000,FULL,alice@example.com,\n5002,0000,FULL,alice@example.com,\n\
         5003,0000,FULL,alice@example.com,\n5004,0000,FULL,bob,\n5005,0000,FULL,nobody,\n\
         5006,0000,FULL,bob,31\n4001,,,bob,\n",
    );
    let report = dir.path().join("r.csv");
    let out = import(&sim, "verba", &file, &report, &["--concurrency", "4"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = report_rows(&report);
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["status"].as_str(), r["error_code"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("ok", ""),
            ("ok", ""),
            ("ok", ""),
            ("ok", ""),
            ("failed", "UNKNOWN_USER"),
            ("failed", "UNKNOWN_USER"),
            ("ok", ""),
        ]
    );
    assert!(
        rows[4]["message"].contains("no user has the login name nobody"),
        "{:?}",
        rows[4]
    );
    assert!(
        rows[5]["message"].contains("bob is user 32, not user 31"),
        "{:?}",
        rows[5]
    );
    let lookups: Vec<String> = sim
        .log()
        .into_iter()
        .filter(|e| e["op"] == "find user")
        .map(|e| e["number"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        lookups.len(),
        3,
        "alice, bob and nobody, once each: {lookups:?}"
    );

    // The PBX answers the user with its login name: an export carries it, and syncs back unchanged.
    let exported = dir.path().join("export.csv");
    assert_eq!(code(&export(&sim, "verba", &exported, &[])), 0);
    let rows = report_rows(&exported);
    let row = |ext: &str| rows.iter().find(|r| r["extension"] == ext).unwrap().clone();
    assert_eq!(
        (
            row("5001")["userid"].as_str(),
            row("5001")["userloginname"].as_str()
        ),
        ("31", "alice@example.com")
    );
    assert_eq!(
        row("4001")["userloginname"],
        "bob",
        "4001 moved to bob, its other fields kept"
    );
    assert_eq!(row("4001")["recordingmode"], "FULL");
    let writes = sim.stat("write_requests");
    let out = import(&sim, "verba", &exported, &report, &["--mode", "sync"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        sim.stat("write_requests"),
        writes,
        "an export syncs back with no write"
    );
}

#[test]
fn verba_tenants_hold_their_own_extensions_and_unknown_tenants_and_users_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let seed = "extension,eid,recordingmode,userid\n4001,0000,FULL,25\n4001,0001,CONTROLLED,\n";
    let sim = verba_sim(dir.path(), seed, &["--tenant", "0001=Acme"]);
    // requestToken's eid is mandatory, and must name a tenant.
    for children in [
        format!("<loginName>{USER}</loginName><password>{PASSWORD}</password>"),
        format!("<eid>9999</eid><loginName>{USER}</loginName><password>{PASSWORD}</password>"),
    ] {
        let answer = soap_call(&sim, "requestToken", &children);
        assert!(
            answer.contains("<statusCode>ERROR_ILLEGAL_ARGUMENT</statusCode>"),
            "{answer}"
        );
        assert!(!answer.contains("<token>"), "{answer}");
    }

    // Two tenants, one extension string: each keeps its own record.
    let file = write(
        dir.path(),
        "in.csv",
        "extension,recordingmode\n4001,ON_DEMAND\n",
    );
    let report = dir.path().join("r.csv");
    let out = import(
        &sim,
        "verba",
        &file,
        &report,
        &["--eid", "0001", "--mode", "update"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let exported = dir.path().join("all.csv");
    let out = export(&sim, "verba", &exported, &["--eid", "all"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let mut rows: Vec<(String, String, String)> = report_rows(&exported)
        .into_iter()
        .map(|r| {
            (
                r["eid"].clone(),
                r["extension"].clone(),
                r["recordingmode"].clone(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            ("0000".into(), "4001".into(), "FULL".into()),
            ("0001".into(), "4001".into(), "ON_DEMAND".into()),
        ]
    );
    let out = export(&sim, "verba", &exported, &["--eid", "0001"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        report_rows(&exported).len(),
        1,
        "one tenant's export holds one tenant"
    );
    let out = import(&sim, "verba", &file, &report, &["--eid", "all"]);
    assert_eq!(code(&out), 2, "an import writes into one tenant");

    // A user id or a tenant the service does not have is refused, and nothing is stored.
    let file = write(
        dir.path(),
        "in.csv",
        "extension,eid,recordingmode,userid\n4100,0000,FULL,999\n4101,0002,FULL,25\n4102,0000,FULL,25\n",
    );
    let out = import(&sim, "verba", &file, &report, &["--mode", "add"]);
    assert_eq!(code(&out), 1);
    let got: Vec<String> = report_rows(&report)
        .iter()
        .map(|r| r["error_code"].clone())
        .collect();
    assert_eq!(
        got,
        ["ERROR_ILLEGAL_ARGUMENT", "ERROR_ILLEGAL_ARGUMENT", ""]
    );
    assert_eq!(sim.stat("extensions"), 3);
}
