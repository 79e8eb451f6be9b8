//! Yeastar S-Series API v1.1.0 and v2.0.0: JSON over HTTP(S), token in the query string,
//! errors as `{"status":"Failed","errno":"10006"}` inside HTTP 200.
//!
//! The family (v1, v2, and OpenVox's derived v0.0.1) differs in keys, endpoints and quirks;
//! those differences are the [`Dialect`] tables below, read by the client and the simulator.

use serde_json::{Map, Value, json};

use super::answer::{self, Answer, Kept, Want};
use super::{API_OPENVOX, API_V1, API_V2};
use crate::domain::values::md5_hex;
use crate::domain::{Api, Record};
use crate::pbx::{ApiError, ErrorClass, HttpRequest, Op, Protocol, Reply, value_text, xml};

/// The documented error numbers (docs/vendor/yeastar-api.md §6.2) that matter for extensions and sessions.
pub(crate) mod errno {
    pub(crate) const BAD_XML: &str = "10002";
    pub(crate) const NOT_JSON: &str = "20000";
    pub(crate) const NOT_POST: &str = "20001";
    pub(crate) const LOCKED_OUT: &str = "20002";
    pub(crate) const BAD_LOGIN: &str = "20003";
    pub(crate) const NO_SUCH_TOKEN: &str = "20004";
    pub(crate) const BLANK_TOKEN: &str = "20005";
    pub(crate) const TOKEN_TIMEOUT: &str = "20006";
    pub(crate) const UNSUPPORTED: &str = "10003";
    pub(crate) const BLANK_PARAMETER: &str = "10004";
    pub(crate) const NO_SUCH_EXTENSION: &str = "10006";
    pub(crate) const CONFIG_FAILED: &str = "10017";
    pub(crate) const TOO_FREQUENT: &str = "10025";
    pub(crate) const APISRV_HANDOFF: &str = "20010";
    pub(crate) const API_CODES: &str = "30001";
    pub(crate) const APISRV_DOWN: &str = "30003";
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
pub(crate) fn meaning(code: &str) -> &'static str {
    MEANINGS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("the PBX refused the request", |(_, m)| m)
}

/// How the client treats an errno (docs/vendor/yeastar-api.md §6.3).
pub(crate) fn class(code: &str) -> ErrorClass {
    use errno::*;
    match code {
        NO_SUCH_TOKEN | BLANK_TOKEN | TOKEN_TIMEOUT => ErrorClass::TokenExpired,
        LOCKED_OUT | BAD_LOGIN => ErrorClass::LoginRefused,
        TOO_FREQUENT => ErrorClass::SlowDown,
        APISRV_HANDOFF | API_CODES | APISRV_DOWN => ErrorClass::Transient,
        _ => ErrorClass::Permanent,
    }
}

/// What differs between the members of the Yeastar family, as data that the client and the
/// simulator both read.
#[derive(Debug)]
pub(crate) struct Dialect {
    pub(crate) api: &'static Api,
    /// The path below the base URL, e.g. `/api/v2.0.0/`.
    pub(crate) prefix: &'static str,
    /// The versions the simulator accepts in the path.
    pub(crate) versions: &'static [&'static str],
    /// The listing endpoint.
    pub(crate) list: &'static str,
    /// The key of this tool's records (the rule table's key column).
    pub(crate) table_key: &'static str,
    /// The key `extension/add` takes; `None` where the API cannot add.
    pub(crate) add_key: Option<&'static str>,
    /// The key of `extension/update` and `extension/query`.
    pub(crate) update_key: &'static str,
    /// The key in listing and query answers.
    pub(crate) answer_key: &'static str,
    /// The login needs the event-report `port`.
    pub(crate) login_port: bool,
    /// Query answers hand out `loginpassword` hashed (v1).
    pub(crate) hashed_login_password: bool,
    /// Keys the query answer spells otherwise than the update takes them, as (answer key,
    /// column): v1's and OpenVox's `moblie`, OpenVox's `userpassword`. The simulator answers
    /// with them; the client reads every spelling of the family.
    pub(crate) answer_names: &'static [(&'static str, &'static str)],
    /// The keys every query answer holds, set or not, in the documents' order (the simulator's
    /// shape); empty where no answer example or table was seen in full (v2).
    pub(crate) answer_keys: &'static [&'static str],
    /// The login answer also names the transport (v2's example: `"transport":"TCP"`).
    pub(crate) login_transport: bool,
    /// `extension/query` without its key is refused (v2); v1 answers every extension.
    pub(crate) query_needs_key: bool,
    /// Values the query answer spells otherwise than requests do, as (field, stored,
    /// answered): OpenVox's example answers `"monitormode":"disable"`.
    pub(crate) answer_values: &'static [(&'static str, &'static str, &'static str)],
    /// The simulator's choice (`--inferred KEY=md5`) that hands the login password out hashed,
    /// where the documents do not say whether it is.
    pub(crate) login_password_choice: Option<&'static str>,
    /// What to try when the login is answered 10003 (unsupported: another version).
    pub(crate) wrong_version_hint: &'static str,
}

/// docs/vendor/yeastar-api.md §4.1: the v1 query example's keys (the example omits the
/// bracketed, optional ones when they are unset: port, atransfer*, ntransferext/num, …).
const V1_ANSWER_KEYS: &[&str] = &[
    "extnumber",
    "username",
    "status",
    "type",
    "callerid",
    "registername",
    "registerpassword",
    "maxregistrations",
    "loginpassword",
    "email",
    "moblie",
    "language",
    "hasvoicemail",
    "enablevmtoemail",
    "vmsecret",
    "alwaysforward",
    "noanswerforward",
    "ntransferto",
    "ntransferprefix",
    "busyforward",
    "btransferto",
    "btransferprefix",
    "ringsimultaneous",
    "mobileprefix",
    "enablemobile",
    "allowbeingmonitored",
    "monitormode",
    "ringtimeout",
    "maxduration",
    "dnd",
    "callrestriction",
    "agentid",
];
/// docs/vendor/openvox-extension-query.md: its response table (`port` only for FXS), with the
/// example's `userpassword` for the table's `loginpassword`.
const OPENVOX_ANSWER_KEYS: &[&str] = &[
    "extnumber",
    "username",
    "status",
    "type",
    "callerid",
    "registerpassword",
    "maxregistrations",
    "userpassword",
    "email",
    "moblie",
    "language",
    "hasvoicemail",
    "vmsecret",
    "enablevmtoemail",
    "alwaysforward",
    "atransferto",
    "atransferext",
    "atransferprefix",
    "atransfernum",
    "noanswerforward",
    "ntransferto",
    "ntransferext",
    "ntransferprefix",
    "ntransfernum",
    "busyforward",
    "btransferto",
    "btransferext",
    "btransferprefix",
    "btransfernum",
    "enablemobile",
    "ringsimultaneous",
    "mobileprefix",
    "allowbeingmonitored",
    "monitormode",
    "ringtimeout",
    "maxduration",
    "dnd",
];

/// docs/vendor/yeastar-api.md §4.1 (v1's query example) and openvox-extension-query.md.
const MOBLIE: (&str, &str) = ("moblie", "mobile");
const USERPASSWORD: (&str, &str) = ("userpassword", "loginpassword");
/// Every answer spelling of the family, read whichever dialect answers.
const ANSWER_NAMES: [(&str, &str); 2] = [MOBLIE, USERPASSWORD];

pub(crate) static V2: Dialect = Dialect {
    api: &API_V2,
    prefix: "/api/v2.0.0/",
    versions: &["v2.0.0"],
    list: "extension/list",
    table_key: "number",
    add_key: Some("number"),
    update_key: "number",
    answer_key: "number",
    login_port: false,
    hashed_login_password: false,
    answer_names: &[],
    answer_keys: &[],
    login_transport: true,
    query_needs_key: true,
    answer_values: &[],
    login_password_choice: None,
    wrong_version_hint: "this PBX speaks yeastar-v1? (try --api yeastar-v1)",
};

pub(crate) static V1: Dialect = Dialect {
    api: &API_V1,
    prefix: "/api/v1.1.0/",
    // v1.10 is the typo on Yeastar's own login pages, which servers apparently accept.
    versions: &["v1.0.0", "v1.0.1", "v1.1.0", "v1.10"],
    list: "extensionlist/query",
    table_key: "extid",
    add_key: None,
    update_key: "extid",
    answer_key: "extnumber",
    login_port: true,
    hashed_login_password: true,
    answer_names: &[MOBLIE],
    answer_keys: V1_ANSWER_KEYS,
    login_transport: false,
    query_needs_key: false,
    answer_values: &[],
    login_password_choice: None,
    wrong_version_hint: "this PBX speaks yeastar-v2? (try --api yeastar-v2)",
};

/// OpenVox UC-Series v0.0.1 (docs/vendor/openvox-extension-*): Yeastar v1's shape plus add,
/// and XML bodies.
pub(crate) static OPENVOX: Dialect = Dialect {
    api: &API_OPENVOX,
    prefix: "/api/v0.0.1/",
    versions: &["v0.0.1"],
    list: "extensionlist/query",
    table_key: "number",
    add_key: Some("number"),
    update_key: "extid",
    answer_key: "extnumber",
    login_port: true,
    hashed_login_password: false,
    answer_names: &[MOBLIE, USERPASSWORD],
    answer_keys: OPENVOX_ANSWER_KEYS,
    login_transport: false,
    query_needs_key: false,
    answer_values: &[("monitormode", "Disable", "disable")],
    login_password_choice: Some(OPENVOX_USERPASSWORD),
    wrong_version_hint: "this PBX does not speak openvox: a Yeastar one? (try --api yeastar-v2 or yeastar-v1)",
};

/// docs/vendor/openvox-extension-query.md does not say whether `userpassword` is handed out
/// plain or as its MD5; the simulator answers plain unless `--inferred openvox-userpassword=md5`.
pub(crate) const OPENVOX_USERPASSWORD: &str = "openvox-userpassword";

/// A Yeastar-family protocol: the dialect, and whether bodies are XML.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Yeastar {
    dialect: &'static Dialect,
    xml: bool,
}

impl Dialect {
    /// Requests carry `&type=json|xml` and may use XML bodies (OpenVox).
    pub(crate) fn typed(&self) -> bool {
        self.api.caps.xml
    }
}

impl Yeastar {
    /// `xml` is honoured only by the flavours that take XML bodies.
    pub(crate) fn new(dialect: &'static Dialect, xml: bool) -> Yeastar {
        Yeastar {
            dialect,
            xml: xml && dialect.typed(),
        }
    }

    fn endpoint(&self, op: &Op<'_>) -> &'static str {
        match op {
            Op::Login { .. } => "login",
            Op::Logout => "logout",
            Op::Heartbeat => "heartbeat",
            Op::List => self.dialect.list,
            Op::Query(_) => "extension/query",
            Op::Add(_) => "extension/add",
            Op::Update(_) => "extension/update",
            Op::Delete(_) => "extension/delete",
            Op::Apply => "apply",
            // Refused by `can`: the family has no such endpoints.
            Op::FindUser { .. } => "",
        }
    }

    /// A record with its key under the name `key` takes on the wire.
    fn wire(&self, record: &Record, key: &str) -> Map<String, Value> {
        record
            .iter()
            .map(|(k, v)| {
                let k = if k == self.dialect.table_key {
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
    fn api(&self) -> &'static str {
        self.dialect.api.name
    }

    fn record_key(&self) -> &'static str {
        self.dialect.table_key
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        let dialect = self.dialect;
        if !self.can(op) {
            return Err(unsupported(dialect.api.name, op));
        }
        let mut path = format!("{}{}", dialect.prefix, self.endpoint(op));
        let mut query = Vec::new();
        if let Some(token) = token {
            query.push(format!("token={token}"));
        }
        if dialect.typed() {
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
                if dialect.login_port {
                    // The event-report port is required; 8260 is the documented default.
                    body.insert("port".into(), json!("8260"));
                }
                Some(body)
            }
            Op::Query(numbers) => Some(Map::from_iter([(
                dialect.update_key.to_string(),
                json!(numbers.join(",")),
            )])),
            Op::Delete(numbers) => {
                // `all` (or a list smuggled in one cell) would delete other extensions.
                if let Some(bad) = numbers
                    .iter()
                    .find(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(ApiError::NotSupported(format!(
                        "refusing to delete {bad:?}: only extension numbers (digits) are deleted"
                    )));
                }
                Some(Map::from_iter([(
                    dialect.update_key.to_string(),
                    json!(numbers.join(",")),
                )]))
            }
            Op::Add(record) => {
                Some(self.wire(record, dialect.add_key.unwrap_or(dialect.update_key)))
            }
            Op::Update(record) => Some(self.wire(record, dialect.update_key)),
            Op::Logout | Op::Heartbeat | Op::List | Op::Apply | Op::FindUser { .. } => None,
        };
        let (content_type, body) = match (body, self.xml) {
            (None, _) => ("application/json; charset=utf-8", Vec::new()),
            (Some(body), true) => ("application/xml; charset=utf-8", xml::to_xml("xml", &body)),
            (Some(body), false) => (
                "application/json; charset=utf-8",
                Value::Object(body).to_string().into_bytes(),
            ),
        };
        Ok(HttpRequest {
            path,
            content_type,
            headers: &[],
            body,
        })
    }

    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError> {
        if status != 200 {
            return Err(ApiError::Http {
                status,
                retry_after: None,
            });
        }
        let key = self.dialect.answer_key;
        let mut asked: Vec<String> = match op {
            Op::Query(numbers) => numbers.to_vec(),
            _ => Vec::new(),
        };
        asked.sort_unstable();
        let want = match op {
            Op::List => Want::Numbers {
                keys: [key, "number"],
            },
            Op::Query(_) => Want::Records { key, asked: &asked },
            _ => Want::Nothing,
        };
        let answer = match self.xml {
            true => answer::from_xml(body, want).map_err(|e| format!("not XML ({e})")),
            false => answer::from_json(body, want).map_err(|e| format!("not JSON ({e})")),
        }
        .map_err(ApiError::BadResponse)?;
        if answer.status != "Success" {
            let code = answer.errno;
            if code.is_empty() {
                // `{}` or a failure without its number: nothing of the API's to pass on.
                return Err(ApiError::BadResponse(
                    "the answer has neither \"status\":\"Success\" nor an errno".into(),
                ));
            }
            return Err(ApiError::Refused {
                meaning: meaning(&code).to_string(),
                class: class(&code),
                code,
            });
        }
        self.reply(op, answer)
    }

    /// The login sends the password as its MD5.
    fn wire_forms(&self, secret: &str) -> Vec<String> {
        vec![md5_hex(secret)]
    }

    fn login_hint(&self, e: &ApiError) -> Option<&'static str> {
        matches!(e, ApiError::Refused { code, .. } if code == errno::UNSUPPORTED)
            .then_some(self.dialect.wrong_version_hint)
    }

    /// The family answers a duplicate add with the generic 10017.
    fn may_already_exist(&self, e: &ApiError) -> bool {
        matches!(e, ApiError::Refused { code, .. } if code == errno::CONFIG_FAILED)
    }
}

impl Yeastar {
    /// What a successful answer carried, for `op`.
    fn reply(&self, op: &Op<'_>, answer: Answer) -> Result<Reply, ApiError> {
        match op {
            Op::Login { .. } => match answer.token {
                Some(token) if !token.is_empty() => Ok(Reply::Token(token)),
                _ => Err(ApiError::BadResponse("login answer has no token".into())),
            },
            Op::List => {
                let items = answer.list.ok_or_else(|| missing("extlist"))?;
                let numbers = items.into_iter().filter_map(|item| match item {
                    Kept::Number(number) => Some(number),
                    Kept::Record(_) => None,
                });
                Ok(Reply::Numbers(numbers.collect()))
            }
            Op::Query(_) => {
                let items = answer.list.ok_or_else(|| missing("extinfos"))?;
                let records = items.iter().filter_map(|item| match item {
                    Kept::Record(record) => Some(self.record(record)),
                    Kept::Number(_) => None,
                });
                Ok(Reply::Records(records.collect()))
            }
            _ => Ok(Reply::Done),
        }
    }
}

impl Yeastar {
    /// A query answer's extension in this tool's column names. Where an answer holds two
    /// spellings of one field (`loginpassword` and `userpassword`), a filled one wins.
    fn record(&self, info: &Map<String, Value>) -> Record {
        let mut record = Record::new();
        for (key, value) in info.iter().filter(|(_, v)| !v.is_object() && !v.is_array()) {
            let name = match key.as_str() {
                k if k == self.dialect.answer_key => self.dialect.table_key,
                k => ANSWER_NAMES
                    .iter()
                    .find(|(answer, _)| *answer == k)
                    .map_or(k, |(_, column)| column),
            };
            let value = value_text(value);
            if value.is_empty() && record.get(name).is_some_and(|v| !v.is_empty()) {
                continue;
            }
            record.insert(name.to_string(), value);
        }
        record
    }
}

impl Yeastar {
    /// Whether this dialect has the endpoint of `op`.
    fn can(&self, op: &Op<'_>) -> bool {
        let caps = self.dialect.api.caps;
        match op {
            Op::Add(_) => caps.add,
            Op::Delete(_) => caps.delete,
            Op::Apply => caps.apply_at_end,
            Op::FindUser { .. } => false,
            _ => true,
        }
    }
}

/// An operation the API does not have; the settings and the planner refuse these first.
fn unsupported(api: &str, op: &Op<'_>) -> ApiError {
    ApiError::NotSupported(format!("{api} has no {} operation", op.name()))
}

fn missing(what: &str) -> ApiError {
    ApiError::BadResponse(format!("answer has no {what}"))
}

#[cfg(test)]
mod tests;
