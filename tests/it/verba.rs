//! Verba provisioning API v2 (SOAP): the seed's own request, read-merge-write, tokens, faults.

use crate::support::*;

const SEED: &str = "extension,eid,recordingmode,im,voice,video,screencapture,userid\nverbatestuser2@verbalabs.com,0000,ON_DEMAND,0,0,0,0,25\n";

fn soap(sim: &Sim, body: &str) -> (u16, String) {
    let (status, _, text) = http_full(sim.addr(), "POST", "/provisioning", body);
    (status, text)
}

fn token(sim: &Sim) -> String {
    verba_token(sim, "0000")
}

/// Names, namespaces and texts, without the whitespace between elements.
fn shape(e: &Element) -> String {
    let inner: Vec<String> = e.children.iter().map(shape).collect();
    let text = if e.children.is_empty() {
        e.text.trim().to_string()
    } else {
        inner.join("")
    };
    format!(
        "{{{}}}{}[{}]",
        e.ns.clone().unwrap_or_default(),
        e.name,
        text
    )
}

#[test]
fn seed_004s_request_as_written_gets_seed_004s_answer() {
    let sim = Sim::with(Api::Verba).seed(SEED).start();
    let token = token(&sim);
    // Seed 004's request byte for byte, comments included; only its example token is
    // replaced by one this simulator issued.
    let request = include_str!("../../docs/vendor/verba-update-extension-v2.txt");
    let start = request.find("<soapenv:Envelope").unwrap();
    let end = request.find("</soapenv:Envelope>").unwrap() + "</soapenv:Envelope>".len();
    let request = request[start..end].replace("FipASZ3Y336Kvmv7W1BV7aXY7hDFeMxq", &token);
    let (status, answer) = soap(&sim, &request);
    assert_eq!(status, 200, "{answer}");
    let seed_answer = r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">
   <S:Body>
      <ns2:updateExtensionResponse xmlns:ns2="http://v2.provisioning.ws.web.verba.com/">
         <return>
            <statusCode>OK</statusCode>
         </return>
      </ns2:updateExtensionResponse>
   </S:Body>
</S:Envelope>"#;
    assert_eq!(
        shape(&parse_xml(answer.as_bytes()).unwrap()),
        shape(&parse_xml(seed_answer.as_bytes()).unwrap())
    );
    let ext = verba_get(&sim, "verbatestuser2@verbalabs.com");
    assert_eq!(ext["recordingMode"], "CONTROLLED");
    assert_eq!(
        (ext["im"].as_str(), ext["screenCaptureEnabled"].as_str()),
        ("true", "true")
    );
    assert_eq!(ext["user.id"], "25");
}

#[test]
fn an_update_replaces_the_record_so_the_tool_reads_merges_and_writes() {
    let sim = Sim::with(Api::Verba)
        .seed("extension,eid,recordingmode,im,voice,video,screencapture,userid\n4001,0000,CONTROLLED,1,1,1,1,25\n4002,0000,FULL,1,1,0,0,26\n")
        .start();
    let token = token(&sim);
    // What the simulator does with a bare update: the user link and the booleans are gone.
    let (_, answer) = soap(
        &sim,
        &format!(
            r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v2="http://v2.provisioning.ws.web.verba.com/"><soapenv:Body><v2:updateExtension><token>{token}</token><extension><eid>0000</eid><extension>4002</extension><voice>0</voice></extension></v2:updateExtension></soapenv:Body></soapenv:Envelope>"#
        ),
    );
    assert!(answer.contains("<statusCode>OK</statusCode>"), "{answer}");
    let bare = verba_get(&sim, "4002");
    assert!(
        !bare.contains_key("user.id") && bare["im"] == "false",
        "{bare:?}"
    );

    // The tool changing one field keeps the user link and every other field.
    Run::import(&sim)
        .file("extension,voice\n4001,no\n")
        .args(&["--mode", "update"])
        .ok();
    let ext = verba_get(&sim, "4001");
    assert_eq!(ext["voice"], "false");
    assert_eq!(ext["user.id"], "25", "the user link survives");
    assert_eq!(
        (
            ext["im"].as_str(),
            ext["video"].as_str(),
            ext["recordingMode"].as_str()
        ),
        ("true", "true", "CONTROLLED")
    );
    assert_eq!(
        sim.stat("applies"),
        1,
        "applyExtensionConfiguration once at the end"
    );
    assert_eq!(sim.stat("logouts"), 1, "releaseToken at the end");
}

#[test]
fn an_expired_token_is_recovered_with_exactly_one_new_token() {
    let mut users = String::from("id,loginname,eid\n");
    let mut csv = String::from("extension,eid,recordingmode,voice,userid\n");
    for n in 5001..=5010 {
        users.push_str(&format!("{n},user{n},0000\n"));
        csv.push_str(&format!("{n},0000,FULL,1,{n}\n"));
    }
    let sim = Sim::with(Api::Verba)
        .seed(SEED)
        .args(&["--token-max-uses", "8"])
        .file_flag("--users", "users.csv", users)
        .start();
    Run::import(&sim)
        .file(&csv)
        .args(&["--concurrency", "4", "--rate", "0"])
        .ok();
    let stats = sim.stats();
    assert_eq!(stats["expired_tokens"], 1, "{stats}");
    assert_eq!(
        stats["logins"], 2,
        "one re-login for the one expiry: {stats}"
    );
    assert_eq!(stats["extensions"], 11);
}

#[test]
fn unknown_recording_modes_are_row_errors_and_nothing_is_sent_for_them_while_any_case_is_read() {
    let sim = Sim::with(Api::Verba).seed(SEED).start();
    let ran = Run::import(&sim)
        .file("extension,eid,recordingmode,im\n6001,0000,FULL,1\n6002,0000,RECORD_ALL,1\n6003,0000,Controlled,1\n6004,0000,ON_DEMAND,maybe\n6005,0000,\"Controlled, Auto-start\",1\n")
        .rows_failed();
    let rows = &ran.rows;
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["status"].as_str(), r["field"].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("ok", ""),
            ("invalid", "recordingmode"),
            ("ok", ""),
            ("invalid", "im"),
            ("invalid", "recordingmode"),
        ]
    );
    assert!(
        rows[1]["message"]
            .contains("FULL (also Full), ON_DEMAND (also On-demand, On demand), CONTROLLED"),
        "{:?}",
        rows[1]
    );
    let mut sent: Vec<String> = sim
        .log()
        .iter()
        .filter(|e| e["op"] == "add")
        .map(|e| e["number"].as_str().unwrap().to_string())
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        ["6001", "6003"],
        "Controlled is CONTROLLED, in any case"
    );
}

#[test]
fn status_codes_and_soap_faults_reach_the_report_as_they_are() {
    let sim = Sim::with(Api::Verba).seed(SEED).start();
    let file = "extension,eid,recordingmode\nverbatestuser2@verbalabs.com,0000,FULL\n";
    let ran = Run::import(&sim)
        .file(file)
        .args(&["--mode", "add"])
        .rows_failed();
    assert_eq!(ran.rows[0]["error_code"], "ERROR_ALREADY_EXISTS");

    let faulty = Sim::with(Api::Verba)
        .seed(SEED)
        .args(&["--fail-rate", "1"])
        .start();
    let ran = Run::import(&faulty)
        .file(file)
        .args(&["--mode", "update", "--retries", "1"])
        .rows_failed();
    let row = &ran.rows[0];
    assert_eq!(row["error_code"], "SOAP_FAULT");
    assert!(
        row["message"].contains("injected fault: the service failed"),
        "{row:?}"
    );
    assert_eq!(row["attempts"], "2", "a server fault is retried");

    let (status, text) = soap(&sim, "<not-soap/>");
    assert_eq!(status, 500);
    assert!(text.contains("faultstring"), "{text}");
    // v2 has no deleteExtension.
    Run::import(&sim)
        .file(file)
        .args(&["--mode", "sync", "--prune"])
        .incomplete("bad_input");
}

#[test]
fn the_wsdl_describes_what_the_simulator_serves() {
    let sim = Sim::with(Api::Verba).seed(SEED).start();
    let (status, _, wsdl) = http_full(sim.addr(), "GET", "/provisioning?wsdl", "");
    assert_eq!(status, 200);
    let root = parse_xml(wsdl.as_bytes()).expect("well-formed XML");
    assert_eq!(root.name, "definitions");
    let port_type = root.child("portType").unwrap();
    let ops: Vec<String> = port_type
        .children
        .iter()
        .map(|o| o.text.clone() + &o.name)
        .collect();
    assert_eq!(ops.len(), 7);
    for op in [
        "requestToken",
        "releaseToken",
        "createExtension",
        "updateExtension",
        "getExtension",
        "listExtensions",
        "applyExtensionConfiguration",
    ] {
        assert!(wsdl.contains(&format!("<operation name=\"{op}\">")), "{op}");
    }
    assert!(wsdl.contains(&format!("location=\"{}/provisioning\"", sim.url)));
}

#[test]
fn the_documents_user_is_known_and_an_unknown_one_says_how_to_declare_users() {
    // The documented updateExtension names user 25; a rehearsal needs no --users for it.
    let sim = Sim::start(Api::Verba);
    let ran = Run::import(&sim)
        .file("extension,eid,recordingmode,userid\n4001,0000,FULL,25\n4002,0000,FULL,99\n")
        .rows_failed();
    assert_eq!(ran.row("number", "4001")["status"], "ok");
    let refused = ran.row("number", "4002");
    assert_eq!(refused["error_code"], "ERROR_ILLEGAL_ARGUMENT");
    assert!(
        refused["message"].contains(
            "no user has the id 99 (the simulator knows 25; declare users with --users FILE"
        ),
        "{refused:?}"
    );
}

#[test]
fn a_row_of_another_tenant_is_read_in_its_own_and_upsert_creates_it_there() {
    // 4001 is in tenant 0000, the session's; the row puts 4001 in tenant 0001. The listing
    // (of the session's tenant) has 4001, so the row is an update; the read before the write
    // finds nothing in 0001, so upsert creates it there and 0000's stays as it was.
    let sim = Sim::with(Api::Verba)
        .seed("extension,eid,recordingmode,userid\n4001,0000,CONTROLLED,25\n")
        .args(&["--tenant", "0001=Branch"])
        .start();
    let ran = Run::import(&sim)
        .file("extension,eid,recordingmode\n4001,0001,FULL\n")
        .ok();
    assert_eq!(ran.row("number", "4001")["action"], "update");
    assert_eq!(verba_get_in(&sim, "0001", "4001")["recordingMode"], "FULL");
    let home = verba_get(&sim, "4001");
    assert_eq!(
        (home["recordingMode"].as_str(), home["user.id"].as_str()),
        ("CONTROLLED", "25")
    );
}
