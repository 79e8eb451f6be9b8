//! Yeastar S-Series API v1.1.0 and v2.0.0: JSON over HTTP(S), token in the query string,
//! errors as `{"status":"Failed","errno":"10006"}` inside HTTP 200.
//!
//! The two versions differ in the key (`extid`/`extnumber` vs `number`), in the listing
//! endpoint, in v1's `moblie` spelling in query answers, and in v1 having no add.

use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use super::{ApiError, ApiKind, ErrorClass, HttpRequest, Op, Protocol, Record, Reply};

/// The documented error numbers (reference §6.2) that matter for extensions and sessions.
pub mod errno {
    pub const NOT_JSON: &str = "20000";
    pub const NOT_POST: &str = "20001";
    pub const LOCKED_OUT: &str = "20002";
    pub const BAD_LOGIN: &str = "20003";
    pub const NO_SUCH_TOKEN: &str = "20004";
    pub const BLANK_TOKEN: &str = "20005";
    pub const TOKEN_TIMEOUT: &str = "20006";
    pub const UNSUPPORTED: &str = "10003";
    pub const BLANK_PARAMETER: &str = "10004";
    pub const NO_SUCH_EXTENSION: &str = "10006";
    pub const CONFIG_FAILED: &str = "10017";
    pub const TOO_FREQUENT: &str = "10025";
    pub const APISRV_HANDOFF: &str = "20010";
    pub const API_CODES: &str = "30001";
    pub const APISRV_DOWN: &str = "30003";
}

const MEANINGS: &[(&str, &str)] = &[
    ("10002", "unsupported XML data packet format"),
    ("10003", "unsupported API request"),
    ("10004", "a required parameter is blank"),
    ("10006", "the extension does not exist"),
    ("10007", "the call does not exist"),
    ("10017", "the extension configuration failed"),
    ("10025", "the PBX is applying configuration too often"),
    ("10028", "the number cannot be blank"),
    ("20000", "the PBX only accepts JSON"),
    ("20001", "the PBX only accepts POST"),
    (
        "20002",
        "this address is locked out after 5 failed logins (for 10 minutes)",
    ),
    ("20003", "wrong API username or password"),
    ("20004", "no such token"),
    ("20005", "the token is blank"),
    ("20006", "the token timed out"),
    (
        "20010",
        "the PBX failed to hand the request to its API server",
    ),
    ("30001", "the PBX's API server failed"),
    ("30003", "the PBX's API server is not running"),
];

/// What an errno means, in words for the report.
pub fn meaning(code: &str) -> &'static str {
    MEANINGS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("the PBX refused the request", |(_, m)| m)
}

/// How the client treats an errno (reference §6.3).
pub fn class(code: &str) -> ErrorClass {
    use errno::*;
    match code {
        NO_SUCH_TOKEN | BLANK_TOKEN | TOKEN_TIMEOUT => ErrorClass::TokenExpired,
        LOCKED_OUT | BAD_LOGIN => ErrorClass::LoginRefused,
        TOO_FREQUENT | APISRV_HANDOFF | API_CODES | APISRV_DOWN => ErrorClass::Transient,
        _ => ErrorClass::Permanent,
    }
}

/// Lower-case hex MD5, as the login expects the password.
pub fn md5_hex(text: &str) -> String {
    hex::encode(Md5::digest(text.as_bytes()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yeastar {
    V1,
    V2,
}

impl Yeastar {
    fn prefix(self) -> &'static str {
        match self {
            Yeastar::V1 => "/api/v1.1.0/",
            Yeastar::V2 => "/api/v2.0.0/",
        }
    }

    /// The key field in requests and in this tool's records.
    pub fn key(self) -> &'static str {
        match self {
            Yeastar::V1 => "extid",
            Yeastar::V2 => "number",
        }
    }

    fn endpoint(self, op: &Op<'_>) -> &'static str {
        match (op, self) {
            (Op::Login { .. }, _) => "login",
            (Op::Logout, _) => "logout",
            (Op::Heartbeat, _) => "heartbeat",
            (Op::List, Yeastar::V1) => "extensionlist/query",
            (Op::List, Yeastar::V2) => "extension/list",
            (Op::Query(_), _) => "extension/query",
            (Op::Add(_), _) => "extension/add",
            (Op::Update(_), _) => "extension/update",
            (Op::Delete(_), _) => "extension/delete",
            (Op::Apply, _) => "apply",
        }
    }
}

impl Protocol for Yeastar {
    fn kind(&self) -> ApiKind {
        match self {
            Yeastar::V1 => ApiKind::YeastarV1,
            Yeastar::V2 => ApiKind::YeastarV2,
        }
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> HttpRequest {
        let mut path = format!("{}{}", self.prefix(), self.endpoint(op));
        if let Some(token) = token {
            path.push_str("?token=");
            path.push_str(token);
        }
        let body = match op {
            Op::Login { user, password } => {
                let mut body = json!({"username": user, "password": md5_hex(password.expose())});
                if *self == Yeastar::V1 {
                    // v1 requires the event-report port; 8260 is the documented default.
                    body["port"] = json!("8260");
                }
                Some(body)
            }
            Op::Query(numbers) => Some(json!({ self.key(): numbers.join(",") })),
            Op::Delete(numbers) => {
                // `all` deletes every extension; only real numbers ever reach this point.
                assert!(
                    numbers
                        .iter()
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                );
                Some(json!({ self.key(): numbers.join(",") }))
            }
            Op::Add(record) | Op::Update(record) => Some(Value::Object(
                record
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )),
            Op::Logout | Op::Heartbeat | Op::List | Op::Apply => None,
        };
        HttpRequest {
            path,
            content_type: "application/json; charset=utf-8",
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        }
    }

    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError> {
        if status != 200 {
            return Err(ApiError::Http {
                status,
                retry_after: None,
            });
        }
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::BadResponse(format!("not JSON ({e})")))?;
        if value["status"] != "Success" {
            let code = text(&value["errno"]);
            return Err(ApiError::Refused {
                meaning: meaning(&code).to_string(),
                class: class(&code),
                code,
            });
        }
        match op {
            Op::Login { .. } => match value["token"].as_str() {
                Some(token) if !token.is_empty() => Ok(Reply::Token(token.to_string())),
                _ => Err(ApiError::BadResponse("login answer has no token".into())),
            },
            Op::List => {
                let list = value["extlist"]
                    .as_array()
                    .ok_or_else(|| missing("extlist"))?;
                let numbers = list
                    .iter()
                    .map(|e| {
                        text(
                            e.get("number")
                                .or_else(|| e.get("extnumber"))
                                .unwrap_or(&Value::Null),
                        )
                    })
                    .filter(|n| !n.is_empty())
                    .collect();
                Ok(Reply::Numbers(numbers))
            }
            Op::Query(_) => {
                let infos = value["extinfos"]
                    .as_array()
                    .ok_or_else(|| missing("extinfos"))?;
                Ok(Reply::Records(
                    infos
                        .iter()
                        .filter_map(|i| i.as_object())
                        .map(|i| self.record(i))
                        .collect(),
                ))
            }
            _ => Ok(Reply::Done),
        }
    }
}

impl Yeastar {
    /// A query answer's extension in this tool's column names.
    fn record(self, info: &Map<String, Value>) -> Record {
        info.iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, v)| {
                let name = match (self, k.as_str()) {
                    (Yeastar::V1, "extnumber") => "extid",
                    (_, "moblie") => "mobile",
                    (_, other) => other,
                };
                (name.to_string(), text(v))
            })
            .collect()
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::BadResponse(format!("answer has no {what}"))
}

/// A JSON value as the text the PBX means: strings as they are, numbers written out.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
