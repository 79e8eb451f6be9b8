//! Yeastar S-Series API v1.1.0 and v2.0.0: JSON over HTTP(S), token in the query string,
//! errors as `{"status":"Failed","errno":"10006"}` inside HTTP 200.
//!
//! The family (v1, v2, and OpenVox's derived v0.0.1) differs in keys, endpoints and quirks;
//! those differences are the [`Flavor`] tables below, read by the client and the simulator.

use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use super::{
    ApiError, ApiKind, ErrorClass, HttpRequest, Op, Protocol, Record, Reply, value_text, xml,
};

/// The documented error numbers (reference §6.2) that matter for extensions and sessions.
pub mod errno {
    pub const BAD_XML: &str = "10002";
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

/// What differs between the members of the Yeastar family, as data that the client and the
/// simulator both read.
#[derive(Debug)]
pub struct Flavor {
    pub kind: ApiKind,
    /// The path below the base URL, e.g. `/api/v2.0.0/`.
    pub prefix: &'static str,
    /// The versions the simulator accepts in the path.
    pub versions: &'static [&'static str],
    /// The listing endpoint.
    pub list: &'static str,
    /// The key of this tool's records (the rule table's key column).
    pub table_key: &'static str,
    /// The key `extension/add` takes; `None` where the API cannot add.
    pub add_key: Option<&'static str>,
    /// The key of `extension/update` and `extension/query`.
    pub update_key: &'static str,
    /// The key in listing and query answers.
    pub answer_key: &'static str,
    pub can_delete: bool,
    pub has_apply: bool,
    /// The login needs the event-report `port`.
    pub login_port: bool,
    /// Query answers spell `mobile` as `moblie` and hand out `loginpassword` hashed (v1).
    pub v1_answers: bool,
    /// Requests carry `&type=json|xml` and may use XML bodies (OpenVox).
    pub typed: bool,
}

pub static V2: Flavor = Flavor {
    kind: ApiKind::YeastarV2,
    prefix: "/api/v2.0.0/",
    versions: &["v2.0.0"],
    list: "extension/list",
    table_key: "number",
    add_key: Some("number"),
    update_key: "number",
    answer_key: "number",
    can_delete: true,
    has_apply: false,
    login_port: false,
    v1_answers: false,
    typed: false,
};

pub static V1: Flavor = Flavor {
    kind: ApiKind::YeastarV1,
    prefix: "/api/v1.1.0/",
    // v1.10 is the typo on Yeastar's own login pages, which servers apparently accept.
    versions: &["v1.0.0", "v1.0.1", "v1.1.0", "v1.10"],
    list: "extensionlist/query",
    table_key: "extid",
    add_key: None,
    update_key: "extid",
    answer_key: "extnumber",
    can_delete: false,
    has_apply: true,
    login_port: true,
    v1_answers: true,
    typed: false,
};

/// OpenVox UC-Series v0.0.1 (seeds 000, 001): Yeastar v1's shape plus add, and XML bodies.
pub static OPENVOX: Flavor = Flavor {
    kind: ApiKind::Openvox,
    prefix: "/api/v0.0.1/",
    versions: &["v0.0.1"],
    list: "extensionlist/query",
    table_key: "number",
    add_key: Some("number"),
    update_key: "extid",
    answer_key: "extnumber",
    can_delete: false,
    has_apply: false,
    login_port: true,
    v1_answers: false,
    typed: true,
};

/// A Yeastar-family protocol: the flavour, and whether bodies are XML.
#[derive(Debug, Clone, Copy)]
pub struct Yeastar {
    pub flavor: &'static Flavor,
    pub xml: bool,
}

impl Yeastar {
    fn endpoint(&self, op: &Op<'_>) -> &'static str {
        match op {
            Op::Login { .. } => "login",
            Op::Logout => "logout",
            Op::Heartbeat => "heartbeat",
            Op::List => self.flavor.list,
            Op::Query(_) => "extension/query",
            Op::Add(_) => "extension/add",
            Op::Update(_) => "extension/update",
            Op::Delete(_) => "extension/delete",
            Op::Apply => "apply",
        }
    }

    /// A record with its key under the name `key` takes on the wire.
    fn wire(&self, record: &Record, key: &str) -> Map<String, Value> {
        record
            .iter()
            .map(|(k, v)| {
                let k = if k == self.flavor.table_key {
                    key
                } else {
                    k.as_str()
                };
                (k.to_string(), Value::String(v.clone()))
            })
            .collect()
    }
}

impl Protocol for Yeastar {
    fn kind(&self) -> ApiKind {
        self.flavor.kind
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> HttpRequest {
        let flavor = self.flavor;
        let mut path = format!("{}{}", flavor.prefix, self.endpoint(op));
        let mut query = Vec::new();
        if let Some(token) = token {
            query.push(format!("token={token}"));
        }
        if flavor.typed {
            query.push(format!("type={}", if self.xml { "xml" } else { "json" }));
        }
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let body: Option<Map<String, Value>> = match op {
            Op::Login { user, password } => {
                let mut body = Map::new();
                body.insert("username".into(), json!(user));
                body.insert("password".into(), json!(md5_hex(password.expose())));
                if flavor.login_port {
                    // The event-report port is required; 8260 is the documented default.
                    body.insert("port".into(), json!("8260"));
                }
                Some(body)
            }
            Op::Query(numbers) => Some(Map::from_iter([(
                flavor.update_key.to_string(),
                json!(numbers.join(",")),
            )])),
            Op::Delete(numbers) => {
                // `all` deletes every extension; only real numbers ever reach this point.
                assert!(
                    numbers
                        .iter()
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                );
                Some(Map::from_iter([(
                    flavor.update_key.to_string(),
                    json!(numbers.join(",")),
                )]))
            }
            Op::Add(record) => Some(self.wire(record, flavor.add_key.unwrap_or(flavor.update_key))),
            Op::Update(record) => Some(self.wire(record, flavor.update_key)),
            Op::Logout | Op::Heartbeat | Op::List | Op::Apply => None,
        };
        let (content_type, body) = match (body, self.xml) {
            (None, _) => ("application/json; charset=utf-8", Vec::new()),
            (Some(body), true) => ("application/xml; charset=utf-8", xml::to_xml("xml", &body)),
            (Some(body), false) => (
                "application/json; charset=utf-8",
                Value::Object(body).to_string().into_bytes(),
            ),
        };
        HttpRequest {
            path,
            content_type,
            headers: &[],
            body,
        }
    }

    fn applies_at_end(&self) -> bool {
        self.flavor.has_apply
    }

    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError> {
        if status != 200 {
            return Err(ApiError::Http {
                status,
                retry_after: None,
            });
        }
        let value: Value = if self.xml {
            xml::from_xml(body).map_err(|e| ApiError::BadResponse(format!("not XML ({e})")))?
        } else {
            serde_json::from_slice(body)
                .map_err(|e| ApiError::BadResponse(format!("not JSON ({e})")))?
        };
        if value["status"] != "Success" {
            let code = value_text(&value["errno"]);
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
                let numbers = list(&value, "extlist")?
                    .iter()
                    .map(|e| {
                        value_text(
                            e.get(self.flavor.answer_key)
                                .or_else(|| e.get("number"))
                                .unwrap_or(&Value::Null),
                        )
                    })
                    .filter(|n| !n.is_empty())
                    .collect();
                Ok(Reply::Numbers(numbers))
            }
            Op::Query(_) => {
                let infos = list(&value, "extinfos")?;
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

/// An answer's list; XML writes an empty one as an empty element.
fn list<'a>(value: &'a Value, name: &str) -> Result<&'a [Value], ApiError> {
    match &value[name] {
        Value::Array(items) => Ok(items),
        Value::String(s) if s.trim().is_empty() => Ok(&[]),
        _ => Err(missing(name)),
    }
}

impl Yeastar {
    /// A query answer's extension in this tool's column names.
    fn record(&self, info: &Map<String, Value>) -> Record {
        info.iter()
            .filter(|(_, v)| !v.is_object() && !v.is_array())
            .map(|(k, v)| {
                let name = match k.as_str() {
                    k if k == self.flavor.answer_key => self.flavor.table_key,
                    "moblie" => "mobile",
                    other => other,
                };
                (name.to_string(), value_text(v))
            })
            .collect()
    }
}

fn missing(what: &str) -> ApiError {
    ApiError::BadResponse(format!("answer has no {what}"))
}
