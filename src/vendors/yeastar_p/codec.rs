//! Yeastar P-Series OpenAPI v1.0: JSON under `/openapi/v1.0/`, the token only in
//! `?access_token=`, GET for queries and deletes, POST for the rest, every answer HTTP 200
//! with an integer `errcode` (docs/vendor/yeastar-p-api.md).
//!
//! The API names extensions by a numeric `id`, not by their number: the listing, a search
//! and the query answers tell which id a number has, and the session keeps what it learnt
//! (`ids.rs`), so an update, a delete or a query of a number it has not seen searches first.

use futures::future::BoxFuture;
use serde_json::{Map, Value, json};

use super::errcode::{self, class, meaning};
use super::ids::{Ids, query_known, resolve};
use crate::domain::{Code, Record};
use crate::pbx::{
    ApiError, ErrorClass, HttpRequest, Method, Op, Protocol, Reply, Session, SessionToken,
    value_text,
};

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
const CREATE_DEFAULTS: [(&str, &str); 3] = [
    ("type", "SIP"),
    ("concurrent_registrations", "1"),
    ("presence_status", "available"),
];

pub(super) struct YeastarP {
    /// Send the Linkus welcome e-mail to each extension added (`--welcome-email`).
    pub(super) welcome: bool,
    pub(super) ids: Ids,
}

fn get(path: &str, query: &[(&str, String)], token: Option<&str>) -> HttpRequest {
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

fn post(path: &str, body: &Value, token: Option<&str>) -> HttpRequest {
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
fn typed(name: &str, value: &str) -> Value {
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

impl YeastarP {
    fn request(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        Ok(match op {
            Op::Login { user, password } => post(
                "get_token",
                &json!({ "username": user, "password": password.expose() }),
                None,
            ),
            Op::Refresh { token: refresh } => {
                post("refresh_token", &json!({ "refresh_token": refresh }), None)
            }
            Op::Logout => get("del_token", &[], token),
            // A small read keeps nothing alive (tokens live 30 minutes however used), but it
            // tells a quiet run that the PBX still answers.
            Op::Heartbeat => get(
                "extension/list",
                &[("page", "1".into()), ("page_size", "1".into())],
                token,
            ),
            Op::ListPage { page, size } => get(
                "extension/list",
                &[
                    ("page", page.to_string()),
                    ("page_size", size.to_string()),
                    ("sort_by", "number".into()),
                    ("order_by", "asc".into()),
                ],
                token,
            ),
            Op::Find(number) => get(
                "extension/search",
                &[
                    ("search_value", (*number).to_string()),
                    ("page", "1".into()),
                    ("page_size", PAGE_SIZE.to_string()),
                ],
                token,
            ),
            Op::Query(numbers) => get(
                "extension/query",
                &[("ids", self.ids.of(numbers).join(","))],
                token,
            ),
            Op::Add(record) => {
                let mut body = to_wire(record, &[]);
                for (field, default) in CREATE_DEFAULTS {
                    body.entry(field).or_insert_with(|| typed(field, default));
                }
                post("extension/create", &Value::Object(body), token)
            }
            Op::Update(record) => {
                // A number cannot be changed: the extension is named by its id alone.
                let mut body = to_wire(record, &["number"]);
                body.insert(
                    "id".into(),
                    json!(
                        self.ids
                            .require(record.get("number").map_or("", String::as_str))?
                    ),
                );
                post("extension/update", &Value::Object(body), token)
            }
            Op::Delete([number]) => get(
                "extension/delete",
                &[("id", self.ids.require(number)?.to_string())],
                token,
            ),
            Op::Welcome(numbers) => {
                let ids: Vec<u64> = numbers.iter().filter_map(|n| self.ids.get(n)).collect();
                post(
                    "extension/send_welcome_email",
                    &json!({ "id_list": ids }),
                    token,
                )
            }
            Op::Delete(_) | Op::List | Op::Apply | Op::FindUser { .. } => {
                return Err(ApiError::NotSupported(format!(
                    "yeastar-p has no {} operation",
                    op.name()
                )));
            }
        })
    }
}

/// The body of an answer, or the refusal it carries.
fn envelope(op: &Op<'_>, status: u16, body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if status != 200 {
        return Err(ApiError::Http {
            status,
            retry_after: None,
        });
    }
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::BadResponse("not a JSON object".into()));
    };
    let code = match map.get("errcode") {
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(ApiError::BadResponse("the answer has no errcode".into())),
    };
    if code == "0" {
        return Ok(map);
    }
    let login = matches!(op, Op::Login { .. } | Op::Refresh { .. });
    Err(ApiError::Refused {
        meaning: details(meaning(&code), &map),
        class: class(&code, login),
        code,
    })
}

/// The words for a refusal, with the fields its lists name: `invalid_param_list` (each field,
/// and its value where the PBX gives one) and `duplicate_field_list` (the field, the value,
/// and the extension that has it).
fn details(words: &str, map: &Map<String, Value>) -> String {
    let list = |name: &str| {
        map.get(name)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut parts = Vec::new();
    for item in list("invalid_param_list") {
        let field = value_text(&item["field"]);
        match (
            item["validation_type"].as_str(),
            item.get("value").map(value_text),
        ) {
            (Some("required"), _) => parts.push(format!("{field} is required")),
            (_, Some(value)) if value != "error" && !value.is_empty() => {
                parts.push(format!("{field} {value:?} is not accepted"));
            }
            _ => parts.push(format!("{field} is not accepted")),
        }
    }
    for item in list("duplicate_field_list") {
        let owner = value_text(&item["external_source_name"]);
        parts.push(format!(
            "{} {:?} is already used{}",
            value_text(&item["field"]),
            value_text(&item["value"]),
            if owner.is_empty() {
                String::new()
            } else {
                format!(" by extension {owner}")
            }
        ));
    }
    match parts.is_empty() {
        true => words.to_string(),
        false => format!("{words}: {}", parts.join("; ")),
    }
}

impl Protocol for YeastarP {
    fn api(&self) -> &'static str {
        super::API.name
    }

    fn record_key(&self) -> &'static str {
        "number"
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        self.request(op, token)
    }

    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError> {
        let map = envelope(op, status, body)?;
        let data = |name: &str| {
            map.get(name)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let records = |items: &[Value]| -> Vec<Record> {
            let records: Vec<Record> = items
                .iter()
                .filter_map(Value::as_object)
                .map(from_wire)
                .collect();
            self.ids.learn(&records);
            records
        };
        match op {
            Op::Login { .. } | Op::Refresh { .. } => session(&map),
            Op::ListPage { .. } => {
                let found = records(data("data"));
                let total = map.get("total_number").and_then(Value::as_u64).unwrap_or(0);
                Ok(Reply::Page {
                    numbers: found
                        .into_iter()
                        .filter_map(|r| r.get("number").cloned())
                        .collect(),
                    total: usize::try_from(total).unwrap_or(usize::MAX),
                })
            }
            Op::Find(number) => {
                let found = records(data("data"));
                Ok(Reply::Records(
                    found
                        .into_iter()
                        .filter(|r| r.get("number").is_some_and(|n| n == number))
                        .collect(),
                ))
            }
            Op::Query(_) => Ok(Reply::Records(records(data("data")))),
            _ => Ok(Reply::Done),
        }
    }

    fn login_hint(&self, e: &ApiError) -> Option<&'static str> {
        match e {
            ApiError::Http { status: 404, .. } => Some(
                "the P-Series API answers under /openapi/v1.0 on the PBX's web port: give --url https://HOST:8088, and enable the API (Integrations → API)",
            ),
            ApiError::Refused { code, .. }
                if code == errcode::VERSION_UNSUPPORTED || code == errcode::NO_INTERFACE =>
            {
                Some(
                    "this PBX does not speak the P-Series OpenAPI v1.0 (an S-Series? try --api yeastar-v2)",
                )
            }
            _ => None,
        }
    }

    fn may_already_exist(&self, e: &ApiError) -> bool {
        matches!(e, ApiError::Refused { code, meaning, .. } if code == errcode::DUPLICATE && meaning.contains("number \""))
    }

    fn list_page_size(&self) -> Option<usize> {
        Some(PAGE_SIZE)
    }

    fn query<'a>(
        &'a self,
        session: &'a dyn Session,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(query_known(&self.ids, session, numbers))
    }

    fn write<'a>(
        &'a self,
        session: &'a dyn Session,
        op: &'a Op<'a>,
        _create_if_missing: bool,
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(async move {
            match op {
                Op::Update(record) => {
                    resolve(
                        &self.ids,
                        session,
                        record.get("number").map_or("", String::as_str),
                    )
                    .await?;
                    session.call(op).await
                }
                Op::Delete(numbers) => {
                    for number in *numbers {
                        resolve(&self.ids, session, number).await?;
                    }
                    session.call(op).await
                }
                Op::Add(record) => {
                    session.call(op).await?;
                    match self.welcome {
                        true => Ok(welcome(&self.ids, session, record).await),
                        false => Ok(Reply::Done),
                    }
                }
                _ => session.call(op).await,
            }
        })
    }
}

/// After an add: the Linkus welcome e-mail to the new extension. The add has landed either
/// way, so a failure here is said in the row's message, not a failed row.
async fn welcome(ids: &Ids, session: &dyn Session, record: &Record) -> Reply {
    let number = record.get("number").cloned().unwrap_or_default();
    let sent = async {
        resolve(ids, session, &number).await?;
        session
            .call(&Op::Welcome(std::slice::from_ref(&number)))
            .await
    };
    match sent.await {
        Ok(_) => Reply::Noted("welcome e-mail sent".into()),
        Err(e) => Reply::Noted(format!("added, but the welcome e-mail was not sent: {e}")),
    }
}

/// A login's or renewal's answer: the access token, the refresh token and their lifetimes.
fn session(map: &Map<String, Value>) -> Result<Reply, ApiError> {
    let text = |name: &str| {
        map.get(name)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let token = text("access_token")
        .ok_or_else(|| ApiError::BadResponse("the answer has no access_token".into()))?;
    Ok(Reply::Session(SessionToken {
        token,
        refresh: text("refresh_token"),
        lifetime: map
            .get("access_token_expire_time")
            .and_then(Value::as_u64)
            .map(std::time::Duration::from_secs),
    }))
}

/// The refusal for a number the PBX does not have (no id to name it by).
pub(super) fn not_found(number: &str) -> ApiError {
    ApiError::Refused {
        code: Code::NotFound.to_string(),
        meaning: format!("extension {number} is not on the PBX (a search for it found nothing)"),
        class: ErrorClass::Permanent,
    }
}

#[cfg(test)]
mod tests;
