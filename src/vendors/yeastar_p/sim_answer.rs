//! What the simulated OpenAPI's calls answer (the fields beside `errcode`, or a refusal), the
//! query string they read, and the request log's names: shared by the API and its token,
//! read and write calls, which depend on this file and not on one another.

use axum::http::Uri;
use serde_json::{Map, Value, json};

use super::errcode;

/// What a call answers: the fields beside `errcode` and `errmsg`, or a refusal.
pub(super) type Answer = Result<Map<String, Value>, Refusal>;

/// An `errcode` other than 0, with the lists that say why.
#[derive(Debug)]
pub(super) struct Refusal {
    pub(super) code: &'static str,
    pub(super) extra: Map<String, Value>,
}

impl Refusal {
    pub(super) fn plain(code: &'static str) -> Refusal {
        Refusal {
            code,
            extra: Map::new(),
        }
    }

    /// 40002 naming one field: its value, or that it is required.
    pub(super) fn field(field: &str, value: Option<&str>) -> Refusal {
        let item = match value {
            Some(v) => json!({ "field": field, "value": v }),
            None => json!({ "field": field, "validation_type": "required" }),
        };
        Refusal::list(errcode::PARAMETER, "invalid_param_list", vec![item])
    }

    pub(super) fn list(code: &'static str, name: &str, items: Vec<Value>) -> Refusal {
        Refusal {
            code,
            extra: Map::from_iter([(name.to_string(), Value::Array(items))]),
        }
    }
}

/// The query string's parameters.
pub(super) struct Params<'a>(pub(super) &'a Uri);

impl Params<'_> {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .query()?
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }

    /// A parameter percent-decoded.
    pub(super) fn text(&self, name: &str) -> Option<String> {
        let raw = self.get(name)?;
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1..i + 3)) {
                (b'%', Some(hex)) => {
                    let text = std::str::from_utf8(hex).ok()?;
                    out.push(u8::from_str_radix(text, 16).ok()?);
                    i += 3;
                }
                (b'+', _) => {
                    out.push(b' ');
                    i += 1;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).ok()
    }
}

/// The request log's name for an endpoint.
pub(super) fn log_name(endpoint: &str) -> &'static str {
    match endpoint {
        "extension/create" => "add",
        "extension/update" => "update",
        "extension/delete" => "delete",
        "extension/query" | "extension/get" => "query",
        "extension/list" => "list",
        "extension/search" => "find",
        "extension/send_welcome_email" => "welcome",
        _ => "other",
    }
}
