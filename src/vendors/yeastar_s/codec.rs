//! Yeastar S-Series API v1.1.0 and v2.0.0: JSON over HTTP(S), token in the query string,
//! errors as `{"status":"Failed","errno":"10006"}` inside HTTP 200.
//!
//! The family (v1, v2, and OpenVox's derived v0.0.1) differs in keys, endpoints and quirks;
//! those differences are the [`Dialect`] tables below, read by the client and the simulator.

use serde_json::{Map, Value, json};

use super::answer::{self, Answer, Kept, Want};
use super::dialect::ANSWER_NAMES;
pub(crate) use super::dialect::{Dialect, OPENVOX, OPENVOX_USERPASSWORD, V1, V2};
pub(crate) use super::errno::code as errno;
use super::errno::{class, meaning};
use crate::domain::Record;
use crate::domain::values::md5_hex;
use crate::pbx::{
    ApiError, HttpRequest, Method, Op, Protocol, Reply, SessionToken, value_text, xml,
};

/// A Yeastar-family protocol: the dialect, and whether bodies are XML.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Yeastar {
    dialect: &'static Dialect,
    xml: bool,
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
            Op::FindUser { .. }
            | Op::Refresh { .. }
            | Op::ListPage { .. }
            | Op::Find(_)
            | Op::Welcome(_) => "",
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
            Op::Logout
            | Op::Heartbeat
            | Op::List
            | Op::Apply
            | Op::FindUser { .. }
            | Op::Refresh { .. }
            | Op::ListPage { .. }
            | Op::Find(_)
            | Op::Welcome(_) => None,
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
            method: Method::Post,
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

    fn api_path(&self) -> Option<&'static str> {
        Some(self.dialect.prefix)
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
                Some(token) if !token.is_empty() => Ok(SessionToken::plain(token)),
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
            Op::FindUser { .. }
            | Op::Refresh { .. }
            | Op::ListPage { .. }
            | Op::Find(_)
            | Op::Welcome(_) => false,
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
