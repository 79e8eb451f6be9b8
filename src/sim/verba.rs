//! The simulated Verba provisioning API v2: SOAP 1.1 at `/provisioning`, its WSDL at
//! `/provisioning?wsdl`.
//!
//! Documented behaviour (seed 004, verba-api.md): the operation element in the v2 namespace
//! with unqualified children (qualified ones are treated as missing, as JAXB does), status
//! codes inside HTTP 200, a bad password answered `ERROR_GENERAL` with
//! `UserNotFoundException`, an expired token `ERROR_UNAUTHORIZED`, a duplicate create
//! `ERROR_ALREADY_EXISTS`, and `updateExtension` replacing the whole record: no `<user>`
//! deletes the user link. Inferred: booleans left out become false; an unknown operation or
//! malformed XML is an `S:Client` fault with HTTP 500; an unknown extension on update is
//! `ERROR_GENERAL`, on get `ERROR_NOT_FOUND`.

use std::net::IpAddr;

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::Sim;
use crate::domain::Record;
use crate::domain::values::md5_hex;
use crate::pbx::soap;
use crate::pbx::verba::{BOOLEANS, FIELDS, NS, from_wire, to_wire};
use crate::pbx::xml::Element;

const UNAUTHORIZED: &str = "This token is expired or never got authenticated.";

/// What a call answers: its `<return>`, or a fault.
enum Answer {
    /// A bare status (write calls): `<return><statusCode>…`.
    Status(&'static str, String),
    /// Data with a nested status: `<return><status>…</status>…data`.
    Data(&'static str, String, Map<String, Value>),
    Fault(StatusCode, &'static str, String),
}

pub(crate) fn handle(sim: &Sim, ip: IpAddr, method: &Method, uri: &Uri, body: &[u8]) -> Response {
    if uri.path() != "/provisioning" {
        return (
            StatusCode::NOT_FOUND,
            "no service here; the endpoint is /provisioning",
        )
            .into_response();
    }
    if method == Method::GET && uri.query() == Some("wsdl") {
        let address = format!("http://{}/provisioning", sim.addr);
        let wsdl =
            include_str!("verba.wsdl").replace("ADDRESS", &quick_xml::escape::escape(&address));
        return ([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], wsdl).into_response();
    }
    if method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "POST a SOAP envelope").into_response();
    }
    let (op, answer) = match soap::body(body) {
        Err(e) => (
            String::new(),
            Answer::Fault(StatusCode::INTERNAL_SERVER_ERROR, "Client", e),
        ),
        Ok(element) if element.ns.as_deref() != Some(NS) => (
            String::new(),
            Answer::Fault(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Client",
                format!(
                    "Cannot find dispatch method for {{{}}}{}",
                    element.ns.unwrap_or_default(),
                    element.name
                ),
            ),
        ),
        Ok(element) => (element.name.clone(), call(sim, ip, &element)),
    };
    let (status, bytes) = match answer {
        Answer::Status(code, message) => (
            StatusCode::OK,
            soap::response(NS, &op, &[("return", status_of(code, &message))]),
        ),
        Answer::Data(code, message, mut data) => {
            data.insert("status".into(), status_of(code, &message));
            (
                StatusCode::OK,
                soap::response(NS, &op, &[("return", Value::Object(data))]),
            )
        }
        Answer::Fault(status, code, message) => (status, soap::fault(code, &message)),
    };
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        bytes,
    )
        .into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    response
}

fn status_of(code: &str, message: &str) -> Value {
    let mut status = Map::new();
    if !message.is_empty() {
        status.insert("message".into(), json!(message));
    }
    status.insert("statusCode".into(), json!(code));
    Value::Object(status)
}

/// The unqualified child `name` (qualified children count as missing, as JAXB reads them).
fn arg<'a>(op: &'a Element, name: &str) -> Option<&'a Element> {
    op.children
        .iter()
        .find(|c| c.name == name && c.ns.is_none())
}

fn text(op: &Element, name: &str) -> String {
    arg(op, name)
        .map(|e| e.text.trim().to_string())
        .unwrap_or_default()
}

fn call(sim: &Sim, ip: IpAddr, op: &Element) -> Answer {
    let data_call = matches!(
        op.name.as_str(),
        "getExtension" | "listExtensions" | "listEnvironments" | "applyExtensionConfiguration"
    );
    let refuse = |code: &'static str, message: &str| {
        if data_call {
            Answer::Data(code, message.to_string(), Map::new())
        } else {
            Answer::Status(code, message.to_string())
        }
    };
    if op.name == "requestToken" {
        return match sim.login(ip, &text(op, "loginName"), &md5_hex(&text(op, "password"))) {
            Ok(token) => Answer::Data(
                "OK",
                String::new(),
                Map::from_iter([("token".into(), json!(token))]),
            ),
            Err(_) => Answer::Data(
                "ERROR_GENERAL",
                "com.verba.web.user.UserNotFoundException".into(),
                Map::new(),
            ),
        };
    }
    let token = text(op, "token");
    if sim.check_token(Some(&token)).is_err() {
        return refuse("ERROR_UNAUTHORIZED", UNAUTHORIZED);
    }
    if sim.inject_fault() {
        sim.log(op_name(&op.name), "", "SOAP_FAULT");
        return Answer::Fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Server",
            "injected fault: the service failed".into(),
        );
    }
    match op.name.as_str() {
        "releaseToken" => {
            sim.logout(&token);
            Answer::Status("OK", String::new())
        }
        "listEnvironments" => {
            sim.with_state(|s| s.stats.heartbeats += 1);
            let environments =
                json!({"eid": "0000", "shortName": "Ref.", "displayName": "Reference"});
            Answer::Data(
                "OK",
                String::new(),
                Map::from_iter([("environments".into(), environments)]),
            )
        }
        "listExtensions" => {
            sim.log("list", "", "");
            let all: Vec<Value> = sim.with_state(|s| s.extensions.values().map(view).collect());
            // Repeated <extensions> elements: one object per extension under the same name.
            let mut data = Map::new();
            data.insert("extensions".into(), Value::Array(all));
            Answer::Data("OK", String::new(), data)
        }
        "getExtension" => {
            let wanted = text(op, "extension");
            let found = sim.with_state(|s| s.extensions.get(&wanted).map(view));
            sim.log(
                "query",
                &wanted,
                if found.is_some() {
                    ""
                } else {
                    "ERROR_NOT_FOUND"
                },
            );
            match found {
                Some(extension) => Answer::Data(
                    "OK",
                    String::new(),
                    Map::from_iter([("extension".into(), extension)]),
                ),
                None => refuse("ERROR_NOT_FOUND", &format!("extension {wanted} not found")),
            }
        }
        "createExtension" | "updateExtension" => write(sim, op),
        "applyExtensionConfiguration" => {
            sim.with_state(|s| s.stats.applies += 1);
            let statuses = json!({"location": "recorder-1", "statusCode": "OK"});
            Answer::Data(
                "OK",
                String::new(),
                Map::from_iter([("statuses".into(), statuses)]),
            )
        }
        other => Answer::Fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Client",
            format!("Cannot find dispatch method for {{{NS}}}{other}"),
        ),
    }
}

fn write(sim: &Sim, op: &Element) -> Answer {
    let creating = op.name == "createExtension";
    let name = op_name(&op.name);
    let Some(extension) = arg(op, "extension") else {
        return Answer::Status("ERROR_ILLEGAL_ARGUMENT", "extension is required".into());
    };
    let mut record = from_wire(&Element {
        children: extension
            .children
            .iter()
            .filter(|c| c.ns.is_none())
            .cloned()
            .collect(),
        ..extension.clone()
    });
    let number = record.get("extension").cloned().unwrap_or_default();
    if !sim.admit_write() {
        sim.log(name, &number, "THROTTLED");
        return Answer::Fault(
            StatusCode::SERVICE_UNAVAILABLE,
            "Server",
            "too many requests".into(),
        );
    }
    if !creating {
        // A whole-record replace: what the request leaves out is gone (booleans false).
        for (column, element) in FIELDS {
            if BOOLEANS.contains(&element) {
                record
                    .entry(column.to_string())
                    .or_insert_with(|| "0".into());
            }
        }
    }
    let answer = store(sim, creating, &number, record);
    let code = match &answer {
        Answer::Status(code, _) => *code,
        _ => "",
    };
    sim.log(name, &number, if code == "OK" { "" } else { code });
    if code == "OK" {
        sim.with_state(|s| s.stats.writes += 1);
    }
    answer
}

fn store(sim: &Sim, creating: bool, number: &str, record: Record) -> Answer {
    if number.is_empty() {
        return Answer::Status("ERROR_ILLEGAL_ARGUMENT", "extension is required".into());
    }
    if let Some(problem) = sim.problems(&record, creating).first() {
        return Answer::Status("ERROR_ILLEGAL_ARGUMENT", problem.message.clone());
    }
    sim.with_state(|s| {
        let existing = s.extensions.get(number).map(|e| e.get("id").cloned());
        match (creating, existing) {
            (true, Some(_)) => Answer::Status(
                "ERROR_ALREADY_EXISTS",
                format!("extension {number} already exists"),
            ),
            (false, None) => {
                Answer::Status("ERROR_GENERAL", format!("extension {number} not found"))
            }
            (_, existing) => {
                let mut record = record;
                let id = existing
                    .flatten()
                    .unwrap_or_else(|| (s.extensions.len() + 1).to_string());
                record.insert("id".into(), id);
                s.extensions.insert(number.to_string(), record);
                Answer::Status("OK", String::new())
            }
        }
    })
}

/// A stored extension as getExtension answers it: booleans as true/false, the user as an
/// object, the internal id, elements in alphabetical order.
fn view(record: &Record) -> Value {
    let mut wire = to_wire(record);
    for element in BOOLEANS {
        if let Some(Value::String(v)) = wire.get_mut(element) {
            *v = if v == "1" {
                "true".into()
            } else {
                "false".into()
            };
        }
    }
    if let Some(id) = record.get("userid") {
        wire.insert(
            "user".into(),
            json!({ "id": id, "loginName": format!("user{id}") }),
        );
    }
    if let Some(id) = record.get("id") {
        wire.insert("id".into(), json!(id));
    }
    Value::Object(wire)
}

fn op_name(operation: &str) -> &'static str {
    match operation {
        "createExtension" => "add",
        "updateExtension" => "update",
        "getExtension" => "query",
        _ => "other",
    }
}
