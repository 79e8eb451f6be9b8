//! The simulated Yeastar family: S-Series v1.1.0 and v2.0.0, and OpenVox v0.0.1, driven by
//! the same [`Dialect`] tables as the client. OpenVox requests say `&type=json|xml`; the answer
//! comes in the type asked for, whatever the Content-Type (docs/vendor/openvox-extension-update.txt
//! sends XML labelled JSON).
//!
//! Documented behaviour (docs/vendor/yeastar-api.md §2-§6, openvox-extension-*.txt|md): POST
//! only (20001), JSON only (20000), an XML body must be `<xml>…</xml>` (10002), errno as a
//! string inside HTTP 200, the login password as its 32 lower-case hex MD5 (anything else is a
//! wrong password, 20003), 10006 for an unknown extension, 10004 for a blank required
//! parameter, a register password that "cannot be blank" (10004 on add, 10017 on update),
//! v1's `extid`/`extnumber` keys, the query answers' own spellings (`moblie`; OpenVox's
//! `userpassword` and `disable`), v1's hashed `loginpassword`, values spelt only as the
//! documents spell them. Inferred (docs/vendor/yeastar-api.md §11): a duplicate add and a field that breaks
//! a rule answer 10017; an expired token answers 20006 once, then 20004 (the PBX erased it);
//! OpenVox hands `userpassword` out plain (`--inferred openvox-userpassword=md5` hashes it).

use std::collections::BTreeSet;
use std::net::IpAddr;

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use axum::http::header;

use super::codec::{Dialect, errno};
use super::sim_answer::{Answer, text};
use super::sim_writes::write;
use crate::domain::Record;
use crate::domain::values::md5_hex;
use crate::pbx::xml::{parse, to_xml};
use crate::sim::{LoginProblem, Request, Sim, TokenProblem, Wire};

/// The transient errnos `--fail-rate` answers with.
const FAULTS: &[&str] = &[errno::APISRV_HANDOFF, errno::API_CODES, errno::APISRV_DOWN];

/// The simulated member of the family that `dialect` describes.
pub(super) struct Family {
    pub(super) dialect: &'static Dialect,
}

impl Wire for Family {
    fn handle(&self, sim: &Sim, r: &Request<'_>) -> Response {
        handle(sim, self.dialect, r.peer, r.method, r.uri, r.body)
    }
}

fn handle(
    sim: &Sim,
    dialect: &Dialect,
    ip: IpAddr,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Response {
    let xml = dialect.typed() && param(uri, "type") == Some("xml");
    let answer = route(sim, dialect, xml, ip, method, uri, body);
    let mut map = match answer {
        Ok(Value::Object(map)) => map,
        Ok(_) => Map::new(),
        Err(code) => Map::from_iter([("errno".to_string(), json!(code))]),
    };
    let ok = !map.contains_key("errno");
    map.insert(
        "status".into(),
        json!(if ok { "Success" } else { "Failed" }),
    );
    if xml {
        (
            [(header::CONTENT_TYPE, "application/xml")],
            to_xml("xml", &map),
        )
            .into_response()
    } else {
        axum::Json(Value::Object(map)).into_response()
    }
}

fn param<'a>(uri: &'a Uri, name: &str) -> Option<&'a str> {
    uri.query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

fn route(
    sim: &Sim,
    dialect: &Dialect,
    xml: bool,
    ip: IpAddr,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Answer {
    let caps = dialect.api.caps;
    let path = uri.path().trim_start_matches("/api/");
    let (version, endpoint) = path.split_once('/').ok_or(errno::UNSUPPORTED)?;
    if !uri.path().starts_with("/api/") || !dialect.versions.contains(&version) {
        return Err(errno::UNSUPPORTED);
    }
    if method != Method::POST {
        return Err(errno::NOT_POST);
    }
    let body = parse_body(body, xml)?;
    if endpoint == "login" {
        return login(sim, dialect, ip, &body);
    }
    let token = param(uri, "token");
    sim.check_token(token).map_err(|p| match p {
        TokenProblem::Blank => errno::BLANK_TOKEN,
        TokenProblem::Unknown => errno::NO_SUCH_TOKEN,
        TokenProblem::Expired => errno::TOKEN_TIMEOUT,
    })?;
    if endpoint == "logout" {
        sim.logout(token.unwrap_or_default());
        return Ok(json!({}));
    }
    if sim.inject_fault() {
        let code = sim.pick(FAULTS);
        sim.log(op_name(endpoint), "", code);
        return Err(code);
    }
    match endpoint {
        "heartbeat" => {
            sim.with_state(|s| s.stats.heartbeats += 1);
            Ok(json!({}))
        }
        e if e == dialect.list => Ok(list(sim, dialect)),
        "extension/query" => query(sim, dialect, &body),
        "extension/add" if caps.add => write(sim, dialect, "add", &body),
        "extension/update" => write(sim, dialect, "update", &body),
        "extension/delete" if caps.delete => write(sim, dialect, "delete", &body),
        "apply" if caps.apply_at_end => {
            sim.with_state(|s| s.stats.applies += 1);
            Ok(json!({}))
        }
        _ => Err(errno::UNSUPPORTED),
    }
}

fn parse_body(body: &[u8], xml: bool) -> Result<Map<String, Value>, &'static str> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let parsed = if xml {
        // The documents' bodies are `<xml>…</xml>`; another root is not their format.
        parse(body)
            .ok()
            .filter(|root| root.name == "xml")
            .map(|root| root.to_value())
    } else {
        serde_json::from_slice::<Value>(body).ok()
    };
    match parsed {
        Some(Value::Object(map)) => Ok(map),
        _ if xml => Err(errno::BAD_XML),
        _ => Err(errno::NOT_JSON),
    }
}

fn login(sim: &Sim, dialect: &Dialect, ip: IpAddr, body: &Map<String, Value>) -> Answer {
    let user = text(body.get("username"));
    let password = text(body.get("password"));
    if user.is_empty()
        || password.is_empty()
        || (dialect.login_port && text(body.get("port")).is_empty())
    {
        return Err(errno::BLANK_PARAMETER);
    }
    // The login sends the password as its MD5 (docs/vendor/yeastar-api.md §3.2).
    let password_ok = password == md5_hex(sim.settings.password.expose());
    match sim.login(ip, &user, password_ok) {
        Ok(token) if dialect.login_transport => Ok(json!({ "token": token, "transport": "TCP" })),
        Ok(token) => Ok(json!({ "token": token })),
        Err(LoginProblem::Locked) => Err(errno::LOCKED_OUT),
        Err(LoginProblem::BadCredentials) => Err(errno::BAD_LOGIN),
    }
}

fn list(sim: &Sim, dialect: &Dialect) -> Value {
    sim.log("list", "", "");
    let key = dialect.answer_key;
    let list: Vec<Value> = sim.with_state(|s| {
        s.extensions
            .values()
            .map(|e| {
                json!({
                    key: e.get(sim.table.key).cloned().unwrap_or_default(),
                    "status": "Unavailable",
                    "type": "SIP",
                    "username": e.get("username").cloned().unwrap_or_default(),
                    "agentid": e.get("agentid").cloned().unwrap_or_default(),
                })
            })
            .collect()
    });
    json!({ "extlist": list })
}

fn query(sim: &Sim, dialect: &Dialect, body: &Map<String, Value>) -> Answer {
    let wanted = text(body.get(dialect.update_key));
    // v2 requires the parameter; v1 answers every extension when there is no body.
    if wanted.is_empty() && dialect.query_needs_key {
        return Err(errno::BLANK_PARAMETER);
    }
    let all = wanted.is_empty() || wanted == "all";
    // Looked up by number, in the store's (number) order: scanning all 10,000 extensions
    // for each of a chunk's 100 numbers made the simulator the slow side of a sync.
    let numbers: BTreeSet<&str> = wanted.split(',').map(str::trim).collect();
    let infos: Vec<Value> = sim.with_state(|s| match all {
        true => s
            .extensions
            .values()
            .map(|e| view(sim, e, dialect))
            .collect(),
        false => numbers
            .iter()
            .filter_map(|n| s.extensions.get(*n))
            .map(|e| view(sim, e, dialect))
            .collect(),
    });
    if infos.is_empty() && !all {
        sim.log("query", &wanted, errno::NO_SUCH_EXTENSION);
        return Err(errno::NO_SUCH_EXTENSION);
    }
    sim.log("query", &wanted, "");
    Ok(json!({ "extinfos": infos }))
}

/// A stored extension as the query answer shows it: the answer's own key spellings, v1's
/// hashed login password, OpenVox's value spellings.
fn view(sim: &Sim, ext: &Record, dialect: &Dialect) -> Value {
    let hash_login = dialect.hashed_login_password
        || dialect
            .login_password_choice
            .is_some_and(|key| sim.settings.inferred.is(key, "md5"));
    let mut out = Map::new();
    for (name, value) in ext {
        let key = if name == dialect.table_key {
            dialect.answer_key
        } else {
            dialect
                .answer_names
                .iter()
                .find(|(_, column)| column == name)
                .map_or(name.as_str(), |(answer, _)| answer)
        };
        let value = match name.as_str() {
            "loginpassword" if hash_login => md5_hex(value),
            _ => dialect
                .answer_values
                .iter()
                .find(|(field, stored, _)| field == name && stored == value)
                .map_or_else(|| value.clone(), |(_, _, answered)| (*answered).to_string()),
        };
        out.insert(key.to_string(), Value::String(value));
    }
    // The documented answer holds every key, set or not; a prompt language is always set
    // (inferred: the example's `System Default`, a field no request takes).
    for key in dialect.answer_keys {
        out.entry(*key).or_insert_with(|| json!(""));
    }
    if !dialect.answer_keys.is_empty() {
        out.insert("language".into(), json!("System Default"));
    }
    out.insert("status".into(), json!("Unavailable"));
    out.insert("type".into(), json!("SIP"));
    Value::Object(out)
}

fn op_name(endpoint: &str) -> &'static str {
    match endpoint {
        "extension/add" => "add",
        "extension/update" => "update",
        "extension/delete" => "delete",
        "extension/query" => "query",
        "heartbeat" => "heartbeat",
        _ => "other",
    }
}
