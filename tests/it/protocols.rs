//! The documented protocols, not our own simulator's: the simulator answers with the vendor
//! examples' own bodies and refuses what the documents refuse, and the client reads every
//! spelling the documents show, so an export synced back sends nothing.

use serde_json::{Value, json};

use crate::support::*;

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

/// Every extension through `extension/query`, the answer in `kind` (`&type=json`).
fn query_all(sim: &Sim, kind: &str) -> Value {
    let token = sim.login();
    sim.post(&format!("{}&type={kind}", sim.query_path(&token)), "")
}

#[test]
fn openvox_answers_with_its_query_examples_body_and_an_export_synced_back_writes_nothing() {
    let sim = Sim::with(Api::Openvox).seed(OPENVOX_SHEET).start();
    let mut answer = query_all(&sim, "json");
    let mut example = openvox_query_example();
    // Registration is live state, not configuration: the simulated phone is not registered.
    for body in [&mut answer, &mut example] {
        body["extinfos"][0]["status"] = json!("-");
    }
    assert_eq!(answer, example, "the example's own body");

    // Export reads userpassword, moblie, disable and 10800 back as the values they are.
    let exported = Run::export(&sim).ok();
    assert!(
        !exported.stdout.contains("Login-1000x"),
        "a secret is never printed"
    );
    let row = &exported.rows[0];
    assert_eq!(row["loginpassword"], "Login-1000x");
    assert_eq!(row["mobile"], "13800138000");
    assert_eq!(
        (row["monitormode"].as_str(), row["maxduration"].as_str()),
        ("Disable", "10800")
    );

    // The export, and the sheet the PBX was filled from, both sync back with zero writes.
    let sync = Run::import(&sim).args(&["--mode", "sync"]);
    for import in [
        sync.clone().input(&exported.report),
        sync.file(OPENVOX_SHEET),
    ] {
        let ran = import.ok();
        assert_eq!(ran.rows[0]["status"], "unchanged", "{:?}", ran.rows[0]);
    }
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn a_login_password_handed_out_hashed_is_compared_through_the_hash_and_not_exported() {
    let sim = Sim::with(Api::Openvox)
        .seed(OPENVOX_SHEET)
        .args(&["--inferred", "openvox-userpassword=md5"])
        .start();
    let answer = query_all(&sim, "json");
    assert_eq!(
        answer["extinfos"][0]["userpassword"],
        md5_hex("Login-1000x")
    );
    let exported = Run::export(&sim).ok();
    assert_eq!(
        exported.rows[0]["loginpassword"], "",
        "a hash is not a password"
    );
    let ran = Run::import(&sim)
        .file(OPENVOX_SHEET)
        .args(&["--mode", "sync"])
        .ok();
    assert_eq!(ran.rows[0]["status"], "unchanged");
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn values_as_people_and_pbxs_write_them_are_sent_in_the_one_documented_spelling() {
    let sim = Sim::with(Api::Openvox).seed(OPENVOX_SHEET).start();
    Run::import(&sim)
        .file(
            "number,registerpassword,hasvoicemail,dnd,enablevmtoemail,noanswerforward,ntransferto,busyforward,btransferto,mobile,monitormode,maxduration\n\
             2001,Reg-Pass-2001,On,TRUE,yes,ON,voicemail,1,Mobile number,1555,Disabled,follow system\n",
        )
        .ok();
    let answer = query_all(&sim, "json");
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
    let sim = Sim::with(Api::Openvox).seed(OPENVOX_SHEET).start();
    let token = sim.login();
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
    let answer = query_all(&sim, "json");
    assert_eq!(answer["extinfos"][0]["username"], "Li Lei");
}

#[test]
fn yeastar_v1_answers_every_documented_key_with_moblie_and_a_hashed_login_password() {
    let sim = Sim::with(Api::YeastarV1)
        .seed("extid,username,loginpassword,mobile,monitormode\n1000,Li Lei,Login-1000x,1380,Disable\n")
        .start();
    let answer = query_all(&sim, "json");
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

/// A Verba simulator with those users and `seed`, to start once set up.
fn verba_sim(seed: &str) -> SimSetup {
    Sim::with(Api::Verba)
        .file_flag("--users", "users.csv", VERBA_USERS)
        .seed(seed)
}

#[test]
fn verba_an_ok_answer_without_an_extension_is_not_found_and_no_partial_update_is_sent() {
    let sim = verba_sim(VERBA_SEED).start();
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

    let file = "extension,recordingmode\n9999,FULL\n4001,ON_DEMAND\n";
    let ran = Run::import(&sim)
        .file(file)
        .args(&["--mode", "update"])
        .rows_failed();
    let rows = &ran.rows;
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
    let other = verba_sim(VERBA_SEED)
        .args(&["--inferred", "verba-get-missing=ERROR_GENERAL"])
        .start();
    let ran = Run::import(&other)
        .file(file)
        .args(&["--mode", "update"])
        .rows_failed();
    assert_eq!(ran.rows[0]["error_code"], "ERROR_GENERAL");
}

#[test]
fn verba_names_a_user_by_login_name_looked_up_once_per_name() {
    let sim = verba_sim(VERBA_SEED).start();
    let ran = Run::import(&sim)
        .file(
            "extension,eid,recordingmode,userloginname,userid\n\
             5001,0000,FULL,alice@example.com,\n5002,0000,FULL,alice@example.com,\n\
             5003,0000,FULL,alice@example.com,\n5004,0000,FULL,bob,\n5005,0000,FULL,nobody,\n\
             5006,0000,FULL,bob,31\n4001,,,bob,\n",
        )
        .args(&["--concurrency", "4"])
        .rows_failed();
    let rows = &ran.rows;
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
    let exported = Run::export(&sim).ok();
    let row = |ext: &str| exported.row("extension", ext);
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
    Run::import(&sim)
        .input(&exported.report)
        .args(&["--mode", "sync"])
        .ok();
    assert_eq!(
        sim.stat("write_requests"),
        writes,
        "an export syncs back with no write"
    );
}

#[test]
fn verba_tenants_hold_their_own_extensions_and_unknown_tenants_and_users_are_refused() {
    let seed = "extension,eid,recordingmode,userid\n4001,0000,FULL,25\n4001,0001,CONTROLLED,\n";
    let sim = verba_sim(seed).args(&["--tenant", "0001=Acme"]).start();
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
    let import = Run::import(&sim).file("extension,recordingmode\n4001,ON_DEMAND\n");
    import
        .clone()
        .args(&["--eid", "0001", "--mode", "update"])
        .ok();
    let exported = Run::export(&sim).args(&["--eid", "all"]).ok();
    let mut rows: Vec<(&str, &str, &str)> = exported
        .rows
        .iter()
        .map(|r| {
            (
                r["eid"].as_str(),
                r["extension"].as_str(),
                r["recordingmode"].as_str(),
            )
        })
        .collect();
    rows.sort_unstable();
    assert_eq!(
        rows,
        [("0000", "4001", "FULL"), ("0001", "4001", "ON_DEMAND"),]
    );
    let exported = Run::export(&sim).args(&["--eid", "0001"]).ok();
    assert_eq!(
        exported.rows.len(),
        1,
        "one tenant's export holds one tenant"
    );
    // An import writes into one tenant.
    import.args(&["--eid", "all"]).incomplete("bad_input");

    // A user id or a tenant the service does not have is refused, and nothing is stored.
    let ran = Run::import(&sim)
        .file("extension,eid,recordingmode,userid\n4100,0000,FULL,999\n4101,0002,FULL,25\n4102,0000,FULL,25\n")
        .args(&["--mode", "add"])
        .rows_failed();
    assert_eq!(
        ran.column("error_code"),
        ["ERROR_ILLEGAL_ARGUMENT", "ERROR_ILLEGAL_ARGUMENT", ""]
    );
    assert_eq!(sim.stat("extensions"), 3);
}
