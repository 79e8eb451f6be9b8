//! The simulator's documented behaviour, over raw HTTP (no pbxbulk client involved).

use crate::support::*;

#[test]
fn yeastar_v2_envelope_errors_and_headers() {
    let sim = Sim::start(Api::YeastarV2);
    let (status, head, body) = http_full(sim.addr(), "GET", "/api/v2.0.0/extension/list", "");
    assert_eq!(status, 200, "errors come inside HTTP 200");
    assert!(head.to_lowercase().contains("connection: close"), "{head}");
    assert_eq!(body, r#"{"errno":"20001","status":"Failed"}"#);
    assert_eq!(sim.post("/api/v2.0.0/login", "<xml/>")["errno"], "20000");
    let bad = sim.post(
        "/api/v2.0.0/login",
        r#"{"username":"api","password":"123"}"#,
    );
    assert_eq!(bad["errno"], "20003");
    let login = sim.post(
        "/api/v2.0.0/login",
        &format!(r#"{{"username":"api","password":"{}"}}"#, md5_hex(PASSWORD)),
    );
    assert_eq!(
        (login["status"].as_str(), login["transport"].as_str()),
        (Some("Success"), Some("TCP"))
    );
    let token = login["token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert_eq!(sim.post("/api/v2.0.0/extension/list", "")["errno"], "20005");
    assert_eq!(
        sim.post("/api/v2.0.0/extension/list?token=0123", "")["errno"],
        "20004"
    );
    let path = |e: &str| format!("/api/v2.0.0/{e}?token={token}");
    assert_eq!(
        sim.post(
            &path("extension/update"),
            r#"{"number":"4040","username":"x"}"#
        )["errno"],
        "10006"
    );
    assert_eq!(sim.post(&path("extension/nothing"), "{}")["errno"], "10003");
    // Server-side rules come from the same table as the client's.
    let add = |extra: &str| {
        sim.post(
            &path("extension/add"),
            &format!(r#"{{"number":"1001","username":"Ana","registername":"1001","registerpassword":"Kx7mQ2vRt9LpW4zA"{extra}}}"#),
        )
    };
    assert_eq!(add(r#","ringtimeout":"45""#)["errno"], "10017");
    assert_eq!(
        sim.post(
            &path("extension/add"),
            r#"{"number":"1001","username":"Ana"}"#
        )["errno"],
        "10004"
    );
    assert_eq!(add("")["status"], "Success");
    assert_eq!(add("")["errno"], "10017", "a duplicate add is refused");
    let list = sim.post(&path("extension/list"), "");
    assert_eq!(list["extlist"][0]["number"], "1001");
    assert_eq!(
        sim.post(&path("extension/query"), "{}")["errno"],
        "10004",
        "v2 query needs number"
    );
    assert_eq!(
        sim.post(&path("extension/delete"), r#"{"number":"1001"}"#)["status"],
        "Success"
    );
    assert_eq!(sim.stat("extensions"), 0);
}

#[test]
fn yeastar_v1_speaks_extid_extnumber_and_moblie_and_has_no_add() {
    let sim = Sim::with(Api::YeastarV1)
        .seed("extid,username,mobile,loginpassword\n1001,Ana,15550001,Login-pw1\n")
        .start();
    let token = sim.login();
    let path = |e: &str| format!("/api/v1.1.0/{e}?token={token}");
    assert_eq!(
        sim.post(&path("extension/add"), r#"{"extid":"1002"}"#)["errno"],
        "10003"
    );
    let info = &sim.post(&path("extension/query"), "")["extinfos"][0];
    assert_eq!(info["extnumber"], "1001");
    assert_eq!(info["moblie"], "15550001");
    assert_eq!(
        info["loginpassword"],
        md5_hex("Login-pw1"),
        "v1 hands out only the hash"
    );
    let list = sim.post(&path("extensionlist/query"), "");
    assert_eq!(list["extlist"][0]["extnumber"], "1001");
    assert_eq!(
        sim.post(
            &path("extension/update"),
            r#"{"extid":"1001","extnumber":"1005"}"#
        )["status"],
        "Success"
    );
    assert_eq!(
        sim.post(&path("extension/query"), r#"{"extid":"1005"}"#)["extinfos"][0]["username"],
        "Ana"
    );
    assert_eq!(sim.post(&path("apply"), "")["status"], "Success");
    assert_eq!(
        sim.post("/api/v1.1.0/login", r#"{"username":"api","password":"x"}"#)["errno"],
        "10004",
        "v1 login needs port"
    );
}

#[test]
fn the_write_ceiling_answers_10025_and_faults_are_counted() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--max-writes-per-sec", "2"])
        .start();
    let token = sim.login();
    let path = format!("/api/v2.0.0/extension/update?token={token}");
    let errnos: Vec<String> = (0..4)
        .map(|_| {
            sim.post(&path, r#"{"number":"1","username":"x"}"#)["errno"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    // Two writes pass the ceiling (and find no extension); the rest in the same second are throttled.
    assert_eq!(errnos, ["10006", "10006", "10025", "10025"]);
    assert_eq!(sim.stat("throttled"), 2);

    let faulty = Sim::with(Api::YeastarV2)
        .args(&["--fail-rate", "1"])
        .start();
    let token = faulty.login();
    let answer = faulty.post(&format!("/api/v2.0.0/extension/list?token={token}"), "");
    assert!(
        ["20010", "30001", "30003"].contains(&answer["errno"].as_str().unwrap()),
        "{answer}"
    );
    assert_eq!(faulty.stat("injected_faults"), 1);
}

#[test]
fn an_idle_token_expires_and_is_then_unknown() {
    // Idle expiry is about time itself, so this one test waits; the first heartbeat has a
    // whole second to arrive, however loaded the machine.
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--token-ttl-secs", "1"])
        .start();
    let token = sim.login();
    let path = format!("/api/v2.0.0/heartbeat?token={token}");
    assert_eq!(sim.post(&path, "")["status"], "Success");
    std::thread::sleep(std::time::Duration::from_millis(1300));
    assert_eq!(sim.post(&path, "")["errno"], "20006");
    assert_eq!(sim.post(&path, "")["errno"], "20004", "the PBX erased it");
}

/// The simulator's start-up lines on stderr, up to the one about what it accepts.
fn banner(env_password: Option<&str>) -> String {
    use std::io::BufRead;
    let mut sim = run::pbxbulk();
    sim.args(["sim", "--api", "yeastar-v2", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    if let Some(password) = env_password {
        sim.env("PBXBULK_PASSWORD", password);
    }
    let mut child = sim.spawn().unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        stderr
            .lines()
            .map_while(Result::ok)
            .try_for_each(|l| tx.send(l))
    });
    let mut said = String::new();
    // A guard, not a timing: the banner comes at once, or not at all.
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(10)) {
        said.push_str(&line);
        said.push('\n');
        if line.starts_with("accepts") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    said
}

#[test]
fn the_banner_names_the_user_and_where_the_password_comes_from_never_a_secret_one() {
    let said = banner(Some(PASSWORD));
    assert!(
        said.contains("accepts user \"api\" with the password in $PBXBULK_PASSWORD"),
        "{said}"
    );
    assert!(!said.contains(PASSWORD), "{said}");
    let said = banner(None);
    assert!(
        said.contains("with the built-in password \"Sim-Passw0rd\""),
        "{said}"
    );
}
