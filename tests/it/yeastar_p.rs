//! `--api yeastar-p`: the Yeastar P-Series OpenAPI v1.0 against its simulator, as the
//! documents show it (docs/vendor/yeastar-p-api.md).

use serde_json::json;

use crate::support::openapi::{OpenApi, call, raw};
use crate::support::{Api, PASSWORD, Run, Sim, USER};

const HEADER: &str = "number,first_name,last_name,email_addr,user_password,reg_name,reg_password\n";

fn rows(numbers: std::ops::Range<u32>) -> String {
    let mut csv = String::from(HEADER);
    for n in numbers {
        csv.push_str(&format!(
            "{n},First{n},Last{n},u{n}@example.com,Lx7mQwvRt5,{n},Kp3nW{n}zQ\n"
        ));
    }
    csv
}

/// The operations the simulator logged, in order.
fn ops(sim: &Sim) -> Vec<String> {
    sim.log()
        .iter()
        .map(|e| e["op"].as_str().unwrap().to_string())
        .collect()
}

fn writes(sim: &Sim) -> usize {
    ops(sim)
        .iter()
        .filter(|op| matches!(op.as_str(), "add" | "update" | "delete"))
        .count()
}

#[test]
fn the_documented_envelope_tokens_and_refusals() {
    let sim = Sim::start(Api::YeastarP);
    let addr = sim.addr();
    let get_token = |password: &str| {
        let body = json!({ "username": USER, "password": password }).to_string();
        call(addr, "POST", "/openapi/v1.0/get_token", &body)
    };
    // get-token: both tokens and their lives; the secret travels plain.
    let ok = get_token(PASSWORD);
    assert_eq!(
        (ok["errcode"].clone(), ok["errmsg"].clone()),
        (json!(0), json!("SUCCESS"))
    );
    assert_eq!(ok["access_token_expire_time"], 1800);
    assert_eq!(ok["refresh_token_expire_time"], 86400);
    assert_eq!(ok["access_token"].as_str().unwrap().len(), 32);
    // resp: the documented failure, word for word.
    assert_eq!(
        get_token("wrong"),
        json!({"errcode": -1, "errmsg": "FAILURE", "invalid_param_list": [{"field": "username or password", "value": "error"}]})
    );
    let token = ok["access_token"].as_str().unwrap();
    let path = |endpoint: &str| format!("/openapi/v1.0/{endpoint}?access_token={token}");
    // A User-Agent on every request (inferred answer: 10005).
    let (_, text) = raw(addr, "GET", &path("extension/list"), "", false);
    assert!(
        text.contains(r#""errcode":10005"#) && text.contains("ACCESS DENIED"),
        "{text}"
    );
    // The wrong method, an unknown endpoint, another version, a path outside the API.
    assert_eq!(
        call(addr, "POST", &path("extension/list"), "{}")["errcode"],
        10001
    );
    assert_eq!(
        call(addr, "GET", &path("extension/nothing"), "")["errcode"],
        10001
    );
    let other = format!("/openapi/v2.0/extension/list?access_token={token}");
    assert_eq!(call(addr, "GET", &other, "")["errcode"], 10003);
    assert_eq!(raw(addr, "GET", "/api/v2.0.0/login", "", true).0, 404);
    // A token in a header is no token: only ?access_token= counts (10004).
    assert_eq!(
        call(addr, "GET", "/openapi/v1.0/extension/list", "")["errcode"],
        10004
    );
    // get: an unknown id is 60001; a body that is not JSON is 40001.
    assert_eq!(
        call(
            addr,
            "GET",
            &path("extension/get").replace('?', "?id=99&"),
            ""
        )["errcode"],
        60001
    );
    assert_eq!(
        call(addr, "POST", &path("extension/create"), "[1]")["errcode"],
        40001
    );
}

#[test]
fn create_refusals_list_every_field_and_duplicates_name_their_owner() {
    let sim = Sim::start(Api::YeastarP);
    let api = OpenApi::login(&sim);
    // resp: required fields, and a rule broken (a secret's value is never echoed).
    let missing = api.post(
        "extension/create",
        &json!({"number": "1001", "reg_password": "short"}),
    );
    assert_eq!(missing["errcode"], 40002);
    let listed = missing["invalid_param_list"].as_array().unwrap();
    assert!(
        listed.contains(&json!({"field": "type", "validation_type": "required"})),
        "{missing}"
    );
    assert!(
        listed.contains(&json!({"field": "reg_password", "value": "error"})),
        "{missing}"
    );
    // concurrent_registrations is an Integer: the string "1" is refused.
    let typed = api.post(
        "extension/create",
        &json!({"number": "1001", "concurrent_registrations": "1"}),
    );
    assert_eq!(
        typed["invalid_param_list"][0]["field"],
        "concurrent_registrations"
    );
    let good = json!({"type": "SIP", "number": "1001", "user_password": "Lx7mQ1vRtw", "reg_name": "1001",
        "reg_password": "Kp3nW1zQ", "concurrent_registrations": 1, "presence_status": "available",
        "email_addr": "leo@example.com"});
    assert_eq!(api.post("extension/create", &good)["errcode"], 0);
    let mut again = good.clone();
    again["number"] = json!("1002");
    again["email_addr"] = json!("LEO@example.com");
    assert_eq!(
        api.post("extension/create", &again),
        json!({"errcode": 40003, "errmsg": "DUPLICATE KEY VALUE", "submsg": "Extension create fail for duplicate fields",
            "duplicate_field_list": [{"field": "email_addr", "value": "LEO@example.com", "external_source": "extension", "external_source_name": "1001"}]})
    );
    // No password in any read; getpassword hands the SIP one out in Base64.
    let read = api.extensions();
    assert!(read[0].get("user_password").is_none() && read[0].get("reg_password").is_none());
    assert_eq!(
        api.password(read[0]["id"].as_u64().unwrap(), "reg_password"),
        "Kp3nW1zQ"
    );
}

#[test]
fn import_adds_a_sync_of_the_export_writes_nothing_and_changes_go_by_id() {
    let sim = Sim::start(Api::YeastarP);
    let added = Run::import(&sim)
        .file(&rows(1000..1250))
        .args(&["--rate", "0"])
        .ok();
    assert_eq!(added.summary()["counts"]["add"]["ok"], 250);
    // The listing is read a page of 100 at a time: 3 pages for 250.
    let export = Run::export(&sim).ok();
    assert_eq!(export.rows.len(), 250);
    assert!(
        export
            .rows
            .iter()
            .all(|r| r["user_password"].is_empty() && r["reg_password"].is_empty())
    );
    let before = writes(&sim);
    let synced = Run::import(&sim)
        .input(&export.report)
        .args(&["--mode", "sync"])
        .ok();
    assert_eq!(synced.summary()["counts"]["none"]["unchanged"], 250);
    assert_eq!(writes(&sim), before, "an unchanged sheet sends 0 writes");
    // The sheet with its passwords: still nothing (they cannot be read back to compare).
    let again = Run::import(&sim)
        .file(&rows(1000..1250))
        .args(&["--mode", "sync"])
        .ok();
    assert_eq!(again.summary()["counts"]["none"]["unchanged"], 250);
    assert_eq!(writes(&sim), before);
    // A changed name is one update, named by its id; a prune deletes by id.
    let mut changed = rows(1000..1249).replace("First1001,", "Renamed,");
    changed.push_str("");
    let run = Run::import(&sim)
        .file(&changed)
        .args(&["--mode", "sync", "--prune", "--max-delete", "1"])
        .ok();
    assert_eq!(run.row("number", "1001")["changed"], "first_name");
    assert_eq!(run.summary()["counts"]["delete"]["ok"], 1);
    let api = OpenApi::login(&sim);
    let ids = api.ids();
    assert!(!ids.contains_key("1249"));
    let renamed = api.get("extension/get", &format!("id={}", ids["1001"]));
    assert_eq!(renamed["data"]["first_name"], "Renamed");
}

#[test]
fn an_unchanged_sync_reads_every_page_then_queries_each_extension_once_and_writes_nothing() {
    let sheet = rows(1000..1250);
    let sim = Sim::with(Api::YeastarP).seed(&sheet).start();
    let synced = Run::import(&sim)
        .file(&sheet)
        .args(&["--mode", "sync", "--concurrency", "1"])
        .ok();
    assert_eq!(synced.summary()["counts"]["none"]["unchanged"], 250);
    let reads: Vec<String> = ops(&sim).into_iter().filter(|op| op != "login").collect();
    // Each page read once, and each extension asked for once (the list lacks the names and
    // registration fields the sheet has). The pages go first, so the last page's hundred
    // numbers are not left to a round of their own at the end. No write.
    assert_eq!(reads, ["list", "list", "list", "query", "query", "query"]);
}

#[test]
fn the_first_round_guesses_pages_and_a_page_past_the_end_is_ignored_however_answered() {
    let sheet = rows(1000..1250);
    for past_the_end in ["empty", "refuse"] {
        let sim = Sim::with(Api::YeastarP)
            .seed(&sheet)
            .args(&[
                "--inferred",
                &format!("yeastar-p-past-the-end={past_the_end}"),
            ])
            .start();
        let synced = Run::import(&sim)
            .file(&sheet)
            .args(&["--mode", "sync", "--concurrency", "8"])
            .ok();
        assert_eq!(
            synced.summary()["counts"]["none"]["unchanged"],
            250,
            "{past_the_end}"
        );
        let reads: Vec<String> = ops(&sim).into_iter().filter(|op| op != "login").collect();
        // Eight pages at once before the size is known (three hold the 250; five are past
        // the end, their answers thrown away), then one query for each hundred.
        let count = |op: &str| reads.iter().filter(|r| r.as_str() == op).count();
        assert_eq!(
            (count("list"), count("query")),
            (8, 3),
            "{past_the_end}: {reads:?}"
        );
        assert_eq!(writes(&sim), 0);
        // The simulator does refuse such a page when told to: the test would see it.
        if past_the_end == "refuse" {
            let api = OpenApi::login(&sim);
            let page = api.get("extension/list", "page=9&page_size=100");
            assert_eq!(page["errcode"], 40002, "{page}");
        }
    }
}

#[test]
fn passwords_of_existing_extensions_go_only_with_update_secrets() {
    let sim = Sim::start(Api::YeastarP);
    Run::import(&sim).file(&rows(2000..2002)).ok();
    let new = rows(2000..2002).replace("Kp3nW2000zQ", "Nw8xRe2000Tq");
    let kept = Run::import(&sim).file(&new).ok();
    assert_eq!(kept.summary()["counts"]["none"]["unchanged"], 2);
    let api = OpenApi::login(&sim);
    let id = api.ids()["2000"];
    assert_eq!(api.password(id, "reg_password"), "Kp3nW2000zQ");
    let sent = Run::import(&sim)
        .file(&new)
        .args(&["--update-secrets"])
        .ok();
    assert_eq!(
        sent.summary()["counts"]["update"]["ok"],
        2,
        "both rows carry passwords"
    );
    assert!(sent.row("number", "2000")["changed"].contains("reg_password"));
    assert_eq!(api.password(id, "reg_password"), "Nw8xRe2000Tq");
    // The report never shows a secret.
    assert!(
        !std::fs::read_to_string(&sent.report)
            .unwrap()
            .contains("Nw8xRe2000Tq")
    );
}

#[test]
fn a_refused_secret_sends_one_get_token_and_a_blocked_address_says_who_lifts_it() {
    let sim = Sim::start(Api::YeastarP);
    let refused = Run::import(&sim)
        .file(&rows(3000..3001))
        .env("PBXBULK_PASSWORD", "Wrong-Secret")
        .incomplete("login_refused");
    assert_eq!(ops(&sim), ["login"], "exactly one get_token, never retried");
    assert!(
        refused.stderr.contains("will not retry"),
        "{}",
        refused.stderr
    );
    // Four more refusals block the address; then even the right secret is refused, 70004.
    for _ in 0..4 {
        Run::import(&sim)
            .file(&rows(3000..3001))
            .env("PBXBULK_PASSWORD", "Wrong-Secret")
            .incomplete("login_refused");
    }
    let blocked = Run::import(&sim)
        .file(&rows(3000..3001))
        .incomplete("login_refused");
    assert!(
        blocked.stderr.contains("70004") && blocked.stderr.contains("Blocked IPs"),
        "{}",
        blocked.stderr
    );
}

#[test]
fn a_token_that_expires_mid_run_is_renewed_with_the_refresh_token() {
    // Every access token is refused after 40 requests (10004).
    let sim = Sim::with(Api::YeastarP)
        .args(&["--token-max-uses", "40"])
        .start();
    let run = Run::import(&sim)
        .file(&rows(4000..4100))
        .args(&["--rate", "0"])
        .ok();
    assert_eq!(run.summary()["counts"]["add"]["ok"], 100);
    assert_eq!(sim.stat("logins"), 1, "one get_token");
    assert!(
        sim.stat("renewals") >= 2,
        "renewed with refresh_token: {}",
        sim.stats()
    );
    // A token that lives 2 s is renewed before it runs out, with no request refused.
    let short = Sim::with(Api::YeastarP)
        .args(&["--token-max-age-secs", "2", "--latency-ms", "30"])
        .start();
    Run::import(&short)
        .file(&rows(4100..4200))
        .args(&["--rate", "20"])
        .ok();
    assert_eq!(short.stat("expired_token_requests"), 0, "{}", short.stats());
    assert!(short.stat("renewals") >= 1);
    assert_eq!(short.stat("logouts"), 1, "del_token at the end");
}

#[test]
fn a_duplicate_on_the_pbx_is_a_row_error_naming_the_extension_that_has_it() {
    let sim = Sim::start(Api::YeastarP);
    Run::import(&sim).file(&rows(5000..5001)).ok();
    let csv = format!("{HEADER}5001,Ann,Lee,U5000@example.com,Lx7mQwvRt5,5001,Kp3nW51zQ\n");
    let run = Run::import(&sim).file(&csv).rows_failed();
    let row = run.row("number", "5001");
    assert_eq!(
        (row["status"].as_str(), row["error_code"].as_str()),
        ("failed", "40003")
    );
    assert!(
        row["message"]
            .contains("email_addr \"U5000@example.com\" is already used by extension 5000"),
        "{}",
        row["message"]
    );
    // An update of a number the PBX does not have: searched for, not found.
    let update = Run::import(&sim)
        .file(&rows(5900..5901))
        .args(&["--mode", "update"])
        .rows_failed();
    assert_eq!(update.row("number", "5900")["error_code"], "NOT_FOUND");
}

#[test]
fn the_welcome_email_goes_only_when_asked() {
    let sim = Sim::start(Api::YeastarP);
    Run::import(&sim).file(&rows(6000..6003)).ok();
    assert_eq!(sim.stat("welcome_emails"), 0);
    let run = Run::import(&sim)
        .file(&rows(6003..6005))
        .args(&["--welcome-email"])
        .ok();
    assert_eq!(sim.stat("welcome_emails"), 2);
    assert_eq!(run.row("number", "6003")["message"], "welcome e-mail sent");
    Run::import_at(Api::YeastarV2, "http://127.0.0.1:9")
        .file("number\n1\n")
        .args(&["--welcome-email"])
        .incomplete("bad_input");
}

#[test]
fn each_edition_has_its_rules_and_cloud_the_strictest_is_the_default() {
    let eight = format!("{HEADER}10000001,Ann,Lee,a@example.com,Lx7mQ1vRtw,1,Kp3nW1zQ\n");
    Run::validate(Api::YeastarP).file(&eight).rows_failed();
    Run::validate(Api::YeastarP)
        .file(&eight)
        .args(&["--edition", "software"])
        .ok();
    // Cloud: no four consecutive digits, not the number or a name.
    let run_of_digits = format!("{HEADER}1001,Ann,Lee,a@example.com,Abcd1234xyz,1001,Kp3nW1zQ\n");
    let cloud = Run::validate(Api::YeastarP)
        .file(&run_of_digits)
        .rows_failed();
    assert!(cloud.stderr.contains("sequential"), "{}", cloud.stderr);
    Run::validate(Api::YeastarP)
        .file(&run_of_digits)
        .args(&["--edition", "appliance"])
        .ok();
    let named = format!("{HEADER}1001,Ann,Lee,a@example.com,Xy1001AbcQ,1001,Kp3nW1zQ\n");
    Run::validate(Api::YeastarP).file(&named).rows_failed();
    let describe = Run::template(Api::YeastarP)
        .args(&["--describe", "--edition", "software"])
        .ok();
    assert!(
        describe.stdout.contains("edition software"),
        "{}",
        describe.stdout
    );
    Run::validate(Api::YeastarP)
        .file(&named)
        .args(&["--edition", "enterprise"])
        .incomplete("bad_input");
}

#[test]
fn a_yeastar_s_directory_moves_to_the_p_series_names_split_and_passwords_generated() {
    let v1 = Sim::with(Api::YeastarV1)
        .seed(
            "extid,username,email,registername,registerpassword,loginpassword\n\
               2001,Mary Ann Smith,mary@example.com,2001,Sip-Secret-1,Login-2001x\n\
               2002,Cher,cher@example.com,2002,Sip-Secret-2,Login-2002x\n",
        )
        .start();
    let p = Sim::start(Api::YeastarP);
    let run = Run::migrate(&v1, &p)
        .args(&["--generate-passwords", "--rate", "0"])
        .ok();
    assert_eq!(run.row_number_status(), ["2 2001 ok", "3 2002 ok"]);
    let message = &run.row("number", "2001")["message"];
    assert!(
        message.starts_with(
            "loginpassword not carried over: yeastar-v1 hands it out only hashed; a new \
             extension gets a generated one, an existing one keeps its own; new user_password, \
             vm_pin generated (in "
        ),
        "{message}"
    );
    let api = OpenApi::login(&p);
    let by_number = |n: &str| {
        api.extensions()
            .into_iter()
            .find(|e| e["number"] == n)
            .unwrap()
    };
    let mary = by_number("2001");
    assert_eq!(
        (mary["first_name"].as_str(), mary["last_name"].as_str()),
        (Some("Mary Ann"), Some("Smith"))
    );
    assert_eq!(by_number("2002")["first_name"], "Cher");
    assert_eq!(
        api.password(mary["id"].as_u64().unwrap(), "reg_password"),
        "Sip-Secret-1"
    );
    // And back: first and last names join into the display name.
    let v2 = Sim::start(Api::YeastarV2);
    Run::migrate(&p, &v2)
        .args(&["--generate-passwords", "--rate", "0"])
        .ok();
    assert_eq!(v2.field("username")["2001"], "Mary Ann Smith");
    assert_eq!(v2.field("username")["2002"], "Cher");
}
