//! The API's JSON: requests under `/openapi/v1.0/` (GET with a query string, POST with a
//! body), the token only in `?access_token=`, values typed as the API types them, and
//! answers' extensions back as records.

use serde_json::{Map, Value, json};

use crate::domain::Record;
use crate::pbx::{HttpRequest, Method, value_text};

pub(super) const PREFIX: &str = "/openapi/v1.0/";
/// Extensions per page of the listing (community clients use 100; the PBX's default is 20).
pub(super) const PAGE_SIZE: usize = 100;
/// Fields sent as JSON integers (create-sw: `concurrent_registrations` Integer, `role_id`
/// Integer; enb_vm and enb_vm_pin inferred).
pub(super) const INTEGERS: [&str; 4] = [
    "concurrent_registrations",
    "role_id",
    "enb_vm",
    "enb_vm_pin",
];
/// What `extension/create` requires that a row may leave blank, with the documented default
/// (create-sw: type SIP, concurrent_registrations "1 (default)"; presence inferred).
pub(super) const CREATE_DEFAULTS: [(&str, &str); 3] = [
    ("type", "SIP"),
    ("concurrent_registrations", "1"),
    ("presence_status", "available"),
];

pub(super) fn get(path: &str, query: &[(&str, String)], token: Option<&str>) -> HttpRequest {
    let mut pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    pairs.extend(token.map(|t| format!("access_token={t}")));
    HttpRequest {
        method: Method::Get,
        path: format!("{PREFIX}{path}?{}", pairs.join("&")),
        content_type: "application/json",
        headers: &[],
        body: Vec::new(),
    }
}

pub(super) fn post(path: &str, body: &Value, token: Option<&str>) -> HttpRequest {
    let query = token.map_or(String::new(), |t| format!("?access_token={t}"));
    HttpRequest {
        method: Method::Post,
        path: format!("{PREFIX}{path}{query}"),
        content_type: "application/json",
        headers: &[],
        body: body.to_string().into_bytes(),
    }
}

/// A query-string value, percent-encoded.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b',' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A record's fields as the API types them, leaving out `skip`.
pub(super) fn to_wire(record: &Record, skip: &[&str]) -> Map<String, Value> {
    record
        .iter()
        .filter(|(n, _)| !skip.contains(&n.as_str()))
        .map(|(name, value)| (name.clone(), typed(name, value)))
        .collect()
}

/// A value as the API types it: integers as numbers, organizations as a list of
/// `{"value": id}` (inferred), the rest as strings.
pub(super) fn typed(name: &str, value: &str) -> Value {
    match name {
        n if INTEGERS.contains(&n) => value
            .parse::<u64>()
            .map_or_else(|_| json!(value), |v| json!(v)),
        "organization_list" => Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| json!({ "value": v }))
                .collect(),
        ),
        _ => json!(value),
    }
}

/// An answer's extension as a record in column names (the id kept as `id`).
pub(super) fn from_wire(info: &Map<String, Value>) -> Record {
    let mut record = Record::new();
    for (key, value) in info {
        let text = match value {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.get("value").map(value_text))
                .collect::<Vec<_>>()
                .join(","),
            Value::Object(_) => continue,
            other => value_text(other),
        };
        record.insert(key.clone(), text);
    }
    record
}
