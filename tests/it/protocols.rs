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
