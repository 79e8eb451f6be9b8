//! OpenVox UC-Series v0.0.1: the same directory through JSON and XML bodies, and the seeds'
//! own requests.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::*;

/// A name that breaks naive XML or JSON building: ampersand, angle bracket, quotes, Chinese.
const TRICKY: &str = "Zhang \"Wei\" & <Co> 张伟";

fn directory(sim: &Sim) -> BTreeMap<String, Value> {
    let token = sim.login("v0.0.1");
    let answer = sim.post(
        &format!("/api/v0.0.1/extension/query?token={token}&type=json"),
        "",
    );
    answer["extinfos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["extnumber"].as_str().unwrap().to_string(), e.clone()))
        .collect()
}

fn sheet() -> String {
    let mut csv = String::from(
        "number,username,registerpassword,email,mobile,noanswerforward,ntransferto,ntransferext,monitormode,nat\n",
    );
    csv.push_str(&format!(
        "3001,\"{}\",Sip#pw-3001,a@example.com,1555001,off,,,Disable,yes\n",
        TRICKY.replace('"', "\"\"")
    ));
    for n in 3002..=3012 {
        csv.push_str(&format!(
            "{n},Staff {n} 李,Sip-pw-{n},s{n}@example.com,1555{n},on,Extension,3001,Listen,no\n"
        ));
    }
    csv
}

#[test]
fn json_and_xml_bodies_leave_the_same_pbx_and_tricky_names_survive_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &sheet());
    let mut states = Vec::new();
    for body in ["json", "xml"] {
        let sim = Sim::start("openvox", &[]);
        let report = dir.path().join(format!("{body}.csv"));
        let out = import(
            &sim,
            "openvox",
            &file,
            &report,
            &["--body", body, "--rate", "0"],
        );
        assert_eq!(code(&out), 0, "{body}: {}{}", stdout(&out), stderr(&out));
        let state = directory(&sim);
        assert_eq!(state.len(), 12, "{body}");
        assert_eq!(state["3001"]["username"], TRICKY, "{body}");

        // Export through the same body type, then the file reads back exactly.
        let exported = dir.path().join(format!("export-{body}.csv"));
        let out = export(&sim, "openvox", &exported, &["--body", body]);
        assert_eq!(code(&out), 0, "{body}: {}", stderr(&out));
        let rows = report_rows(&exported);
        let row = rows.iter().find(|r| r["number"] == "3001").unwrap();
        assert_eq!(row["username"], TRICKY, "{body} export");
        assert_eq!(row["registerpassword"], "Sip#pw-3001", "{body} export");
        // And a sync of that export changes nothing.
        let out = import(
            &sim,
            "openvox",
            &exported,
            &report,
            &["--body", body, "--mode", "sync"],
        );
        assert_eq!(code(&out), 0, "{body}: {}", stderr(&out));
        assert!(
            report_rows(&report)
                .iter()
                .all(|r| r["status"] == "unchanged"),
            "{body}"
        );
        states.push(state);
    }
    assert_eq!(
        states[0], states[1],
        "JSON and XML leave identical PBX state"
    );
}

#[test]
fn the_seed_examples_sent_as_written_succeed_and_show_up_in_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded(
        "openvox",
        dir.path(),
        "number,username\n101,Old Name\n",
        &[],
    );
    let token = sim.login("v0.0.1");
    // Seed 001's add body. The published copy shows typographic quotes and an e-mail address
    // hidden by its web host ("[email protected]"); those two rendering artefacts are undone,
    // every other byte is as the seed writes it.
    let add = "{\n\"number\":\"2002\",\n\"username\":\"xiaoshao_api2\",\n\"callerid\":\"\",\n\"registerpassword\":\"12345133333323123qW@\",\n\"maxregistrations\":\"3\",\n\"loginpassword\":\"12345678qW@\",\n\"email\":\"xiaoshao@example.com\",\n\"mobile\":\"18088861612\",\n\"hasvoicemail\":\"on\",\n\"vmsecret\":\"888888\",\n\"enablevmtoemail\":\"on\",\n\"noanswerforward\":\"off\",\n\"ntransferto\":\"Extension\",\n\"ntransferext\":\"6000\",\n\"ntransferprefix\":\"\",\n\"busyforward\":\"off\",\n\"btransferto\":\"Extension\",\n\"btransferext\":\"110\",\n\"btransferprefix\":\"\",\n\"btransfernum\":\"\",\n\"enablemobile\":\"off\",\n\"ringsimultaneous\":\"off\",\n\"mobileprefix\":\"\",\n\"allowbeingmonitored\":\"off\",\n\"monitormode\":\"Disable\",\n\"ringtimeout\":\"15\",\n\"maxduration\":\"Follow System\",\n\"dnd\":\"off\"\n}";
    let answer = sim.post(
        &format!("/api/v0.0.1/extension/add?token={token}&type=json"),
        add,
    );
    assert_eq!(answer, serde_json::json!({"status": "Success"}));

    // Seed 000's XML update, labelled application/json as in the seed; the answer is XML.
    let xml_update = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<xml>\n<extid>101</extid>\n<username>xiaoshao</username>\n</xml>";
    let (status, head, body) = http_full(
        sim.addr(),
        "POST",
        &format!("/api/v0.0.1/extension/update?token={token}&type=xml"),
        xml_update,
    );
    assert_eq!(status, 200);
    assert!(head.to_lowercase().contains("application/xml"), "{head}");
    assert!(
        body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{body}"
    );
    assert!(
        body.contains("<xml><status>Success</status></xml>"),
        "{body}"
    );
    assert_eq!(directory(&sim)["101"]["username"], "xiaoshao");

    // Seed 000's JSON update: 101 becomes Tony, the rest unchanged.
    let answer = sim.post(
        &format!("/api/v0.0.1/extension/update?token={token}&type=json"),
        "{\n\"extid\": \"101\",\n\"username\": \"Tony\"\n}",
    );
    assert_eq!(answer["status"], "Success");

    let exported = dir.path().join("export.csv");
    let out = export(&sim, "openvox", &exported, &["--body", "xml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rows: BTreeMap<String, _> = report_rows(&exported)
        .into_iter()
        .map(|r| (r["number"].clone(), r))
        .collect();
    assert_eq!(rows["101"]["username"], "Tony");
    assert_eq!(rows["2002"]["username"], "xiaoshao_api2");
    assert_eq!(rows["2002"]["monitormode"], "Disable");
    assert_eq!(rows["2002"]["maxduration"], "Follow System");
}

#[test]
fn openvox_rules_and_body_flag() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "in.csv",
        "number,registerpassword,nat,monitormode,btransferprefix\n1,pass word,maybe,Off,12345678\n2,ok-pw,no,Disable,1234567\n",
    );
    let report = dir.path().join("r.csv");
    let out = run(
        &[
            "validate",
            file.to_str().unwrap(),
            "--api",
            "openvox",
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code(&out), 1);
    let rows = report_rows(&report);
    assert_eq!(
        rows[0]["field"],
        "registerpassword,btransferprefix,monitormode,nat"
    );
    assert_eq!(rows[1]["status"], "ok");
    let out = run(
        &[
            "import",
            file.to_str().unwrap(),
            "--api",
            "yeastar-v2",
            "--body",
            "xml",
            "--url",
            "http://127.0.0.1:9",
            "--user",
            "u",
        ],
        &[("PBXBULK_PASSWORD", "x")],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("--body xml is for --api openvox"),
        "{}",
        stderr(&out)
    );
}
