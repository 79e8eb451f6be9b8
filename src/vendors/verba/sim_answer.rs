//! What the simulated service's operations answer, and how they read their arguments: shared
//! by the service and its reads and writes, which depend on this file and not on one another.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::pbx::xml::Element;

/// What a call answers: its `<return>`, or a fault.
pub(super) enum Answer {
    /// A bare status (write calls): `<return><statusCode>…`.
    Status(String, String),
    /// Data with a nested status: `<return><status>…</status>…data`.
    Data(String, String, Map<String, Value>),
    Fault(StatusCode, &'static str, String),
}

/// The unqualified child `name` (qualified children count as missing, as JAXB reads them).
pub(super) fn arg<'a>(op: &'a Element, name: &str) -> Option<&'a Element> {
    op.children
        .iter()
        .find(|c| c.name == name && c.ns.is_none())
}

/// The trimmed text of the unqualified child `name`, `""` when it is absent.
pub(super) fn text(op: &Element, name: &str) -> String {
    arg(op, name)
        .map(|e| e.text.trim().to_string())
        .unwrap_or_default()
}

/// An OK answer carrying one piece of data.
pub(super) fn ok_data(name: &str, value: Value) -> Answer {
    Answer::Data(
        "OK".into(),
        String::new(),
        Map::from_iter([(name.to_string(), value)]),
    )
}

/// The text of `filter`'s child `name`, `""` when either is absent.
pub(super) fn sub(filter: Option<&Element>, name: &str) -> String {
    filter.map(|f| text(f, name)).unwrap_or_default()
}

/// The request log's name for an operation.
pub(super) fn op_name(operation: &str) -> &'static str {
    match operation {
        "createExtension" => "add",
        "updateExtension" => "update",
        "getExtension" => "query",
        _ => "other",
    }
}
