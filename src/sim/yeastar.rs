//! The simulated Yeastar S-Series API, v1.1.0 and v2.0.0.
//!
//! Documented behaviour: POST only (20001), JSON only (20000), errno as a string inside HTTP
//! 200, MD5 login, 10006 for an unknown extension, 10004 for a blank required parameter,
//! v1's `extid`/`extnumber` keys and its `moblie` spelling in query answers, v1's hashed
//! `loginpassword`. Inferred (reference §11): a duplicate add and a field that breaks a rule
//! answer 10017; an expired token answers 20006 once, then 20004 (the PBX erased it).

use std::net::IpAddr;

use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::{LoginProblem, Sim, Store, TokenProblem};
use crate::api::Record;
use crate::api::yeastar::{errno, md5_hex};
use crate::outcome::Code;

const V1_VERSIONS: &[&str] = &["v1.0.0", "v1.0.1", "v1.1.0", "v1.10"];
const V2_VERSIONS: &[&str] = &["v2.0.0"];
/// The transient errnos `--fail-rate` answers with.
const FAULTS: &[&str] = &[errno::APISRV_HANDOFF, errno::API_CODES, errno::APISRV_DOWN];

type Answer = Result<Value, &'static str>;

pub fn handle(sim: &Sim, ip: IpAddr, method: &Method, uri: &Uri, body: &[u8]) -> Response {
    let v1 = sim.table.rename.is_some();
    let answer = route(sim, v1, ip, method, uri, body);
    let value = match answer {
        Ok(mut value) => {
            value["status"] = json!("Success");
            value
        }
        Err(code) => json!({"status": "Failed", "errno": code}),
    };
    axum::Json(value).into_response()
}

fn route(sim: &Sim, v1: bool, ip: IpAddr, method: &Method, uri: &Uri, body: &[u8]) -> Answer {
    let path = uri.path().trim_start_matches("/api/");
    let (version, endpoint) = path.split_once('/').ok_or(errno::UNSUPPORTED)?;
    let versions = if v1 { V1_VERSIONS } else { V2_VERSIONS };
    if !uri.path().starts_with("/api/") || !versions.contains(&version) {
        return Err(errno::UNSUPPORTED);
    }
    if method != Method::POST {
        return Err(errno::NOT_POST);
    }
    let body = parse_body(body)?;
    if endpoint == "login" {
        return login(sim, ip, &body, v1);
    }
    let token = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="));
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
    match (endpoint, v1) {
        ("heartbeat", _) => {
            sim.with_state(|s| s.stats.heartbeats += 1);
            Ok(json!({}))
        }
        ("extension/list", false) | ("extensionlist/query", true) => Ok(list(sim, v1)),
        ("extension/query", _) => query(sim, v1, &body),
        ("extension/add", false) => write(sim, "add", &body, add),
        ("extension/update", _) => write(sim, "update", &body, |sim, body| update(sim, v1, body)),
        ("extension/delete", false) => write(sim, "delete", &body, delete),
        ("apply", true) => {
            sim.with_state(|s| s.stats.applies += 1);
            Ok(json!({}))
        }
        _ => Err(errno::UNSUPPORTED),
    }
}

fn parse_body(body: &[u8]) -> Result<Map<String, Value>, &'static str> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(errno::NOT_JSON),
    }
}

fn login(sim: &Sim, ip: IpAddr, body: &Map<String, Value>, v1: bool) -> Answer {
    let user = text(body.get("username"));
    let password = text(body.get("password"));
    if user.is_empty() || password.is_empty() || (v1 && text(body.get("port")).is_empty()) {
        return Err(errno::BLANK_PARAMETER);
    }
    match sim.login(ip, &user, &password) {
        Ok(token) if v1 => Ok(json!({ "token": token })),
        Ok(token) => Ok(json!({ "token": token, "transport": "TCP" })),
        Err(LoginProblem::Locked) => Err(errno::LOCKED_OUT),
        Err(LoginProblem::BadCredentials) => Err(errno::BAD_LOGIN),
    }
}

fn list(sim: &Sim, v1: bool) -> Value {
    let key = if v1 { "extnumber" } else { "number" };
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

fn query(sim: &Sim, v1: bool, body: &Map<String, Value>) -> Answer {
    let wanted = text(body.get(sim.table.key));
    // v2 requires the parameter; v1 answers every extension when there is no body.
    if wanted.is_empty() && !v1 {
        return Err(errno::BLANK_PARAMETER);
    }
    let infos: Vec<Value> = sim.with_state(|s| {
        let all = wanted.is_empty() || wanted == "all";
        s.extensions
            .values()
            .filter(|e| {
                all || wanted
                    .split(',')
                    .any(|n| e.get(sim.table.key).is_some_and(|k| k == n.trim()))
            })
            .map(|e| view(e, v1))
            .collect()
    });
    if infos.is_empty() && !wanted.is_empty() && wanted != "all" {
        return Err(errno::NO_SUCH_EXTENSION);
    }
    Ok(json!({ "extinfos": infos }))
}

/// A stored extension as the query answer shows it.
fn view(ext: &Record, v1: bool) -> Value {
    let mut out = Map::new();
    for (name, value) in ext {
        let (name, value) = match (name.as_str(), v1) {
            ("extid", true) => ("extnumber", value.clone()),
            ("mobile", true) => ("moblie", value.clone()),
            ("loginpassword", true) => ("loginpassword", md5_hex(value)),
            (other, _) => (other, value.clone()),
        };
        out.insert(name.to_string(), Value::String(value));
    }
    out.insert("status".into(), json!("Unavailable"));
    out.insert("type".into(), json!("SIP"));
    Value::Object(out)
}

/// Runs a write through the rate ceiling, logs it, and counts it when it changed the store.
fn write(
    sim: &Sim,
    op: &'static str,
    body: &Map<String, Value>,
    apply: impl FnOnce(&Sim, &Map<String, Value>) -> Answer,
) -> Answer {
    let number = text(body.get(sim.table.key));
    let answer = if sim.admit_write() {
        apply(sim, body)
    } else {
        Err(errno::TOO_FREQUENT)
    };
    match &answer {
        Ok(_) => {
            sim.with_state(|s| s.stats.writes += 1);
            sim.log(op, &number, "");
        }
        Err(code) => sim.log(op, &number, code),
    }
    answer
}

/// The body's fields that the rule table knows, as text; unknown keys are ignored, as the
/// real PBX appears to do (reference §5.1).
fn fields(sim: &Sim, body: &Map<String, Value>) -> Record {
    sim.table
        .fields
        .iter()
        .filter_map(|f| {
            body.get(f.name)
                .map(|v| (f.name.to_string(), text(Some(v))))
        })
        .collect()
}

/// 10004 when a required field is blank, 10017 when a field breaks its rule.
fn refuse_invalid(sim: &Sim, record: &Record, adding: bool) -> Result<(), &'static str> {
    match sim.problems(record, adding).first() {
        None => Ok(()),
        Some(p) if p.code == Code::MissingField => Err(errno::BLANK_PARAMETER),
        Some(_) => Err(errno::CONFIG_FAILED),
    }
}

fn add(sim: &Sim, body: &Map<String, Value>) -> Answer {
    let mut record = fields(sim, body);
    record.retain(|_, v| !v.is_empty());
    refuse_invalid(sim, &record, true)?;
    let number = record[sim.table.key].clone();
    sim.with_state(|s| {
        if s.extensions.contains_key(&number) || forwards_nowhere(sim, s, &record) {
            return Err(errno::CONFIG_FAILED);
        }
        s.extensions.insert(number, record);
        Ok(json!({}))
    })
}

fn update(sim: &Sim, v1: bool, body: &Map<String, Value>) -> Answer {
    let changes = fields(sim, body);
    let number = changes.get(sim.table.key).cloned().unwrap_or_default();
    if number.is_empty() {
        return Err(errno::BLANK_PARAMETER);
    }
    let mut record = sim
        .with_state(|s| s.extensions.get(&number).cloned())
        .ok_or(errno::NO_SUCH_EXTENSION)?;
    for (name, value) in changes {
        if value.is_empty() {
            record.remove(&name);
        } else {
            record.insert(name, value);
        }
    }
    // v1 renames through extnumber; the stored record keeps the number in its key field.
    let new_number = match record.remove("extnumber") {
        Some(new) if v1 && new != number => new,
        _ => number.clone(),
    };
    record.insert(sim.table.key.to_string(), new_number.clone());
    refuse_invalid(sim, &record, false)?;
    sim.with_state(|s| {
        let taken = new_number != number && s.extensions.contains_key(&new_number);
        if taken || forwards_nowhere(sim, s, &record) {
            return Err(errno::CONFIG_FAILED);
        }
        s.extensions.remove(&number);
        s.extensions.insert(new_number, record);
        Ok(json!({}))
    })
}

/// A forward to an extension the PBX does not have (inferred: the web UI offers only existing
/// extensions as destinations, so the API is taken to refuse others with 10017).
fn forwards_nowhere(sim: &Sim, store: &Store, record: &Record) -> bool {
    let own = record.get(sim.table.key);
    sim.table
        .links
        .iter()
        .filter_map(|link| record.get(*link))
        .any(|target| {
            !target.is_empty() && Some(target) != own && !store.extensions.contains_key(target)
        })
}

fn delete(sim: &Sim, body: &Map<String, Value>) -> Answer {
    let wanted = text(body.get("number"));
    if wanted.is_empty() {
        return Err(errno::BLANK_PARAMETER);
    }
    sim.with_state(|s| {
        if wanted == "all" {
            s.extensions.clear();
            return Ok(json!({}));
        }
        let numbers: Vec<&str> = wanted.split(',').map(str::trim).collect();
        if numbers.iter().any(|n| !s.extensions.contains_key(*n)) {
            return Err(errno::NO_SUCH_EXTENSION);
        }
        for n in numbers {
            s.extensions.remove(n);
        }
        Ok(json!({}))
    })
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

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}
