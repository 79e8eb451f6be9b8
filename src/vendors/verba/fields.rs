//! The Extension element of the provisioning API, in this tool's column names: which column
//! is which element, booleans as `1`/`0`, and the status a `<return>` carries.

use serde_json::{Map, Value, json};

use crate::domain::Record;
use crate::domain::values::bool_canonical;
use crate::pbx::xml::Element;

/// Column name ↔ element name of the Extension type; `userid` is `<user><id>`.
pub(crate) const FIELDS: [(&str, &str); 8] = [
    ("extension", "extension"),
    ("eid", "eid"),
    ("environment", "environmentShortName"),
    ("recordingmode", "recordingMode"),
    ("im", "im"),
    ("voice", "voice"),
    ("video", "video"),
    ("screencapture", "screenCaptureEnabled"),
];
pub(crate) const BOOLEANS: [&str; 4] = ["im", "voice", "video", "screenCaptureEnabled"];

/// A record as the Extension element: unused optional tags left out, booleans as `1`/`0`.
pub(crate) fn to_wire(record: &Record) -> Map<String, Value> {
    let mut out = Map::new();
    for (column, element) in FIELDS {
        let Some(value) = record.get(column).filter(|v| !v.is_empty()) else {
            continue;
        };
        out.insert(
            element.to_string(),
            Value::String(canonical(element, value)),
        );
    }
    if let Some(id) = record.get("userid").filter(|v| !v.is_empty()) {
        out.insert("user".into(), json!({ "id": id }));
    }
    out
}

/// An Extension element as a record in column names, booleans as `1`/`0`.
pub(crate) fn from_wire(extension: &Element) -> Record {
    let mut record = Record::new();
    for child in &extension.children {
        if child.name == "user" {
            // Answers hold the whole User (docs/vendor/verba-api.md §4.3): its login name too.
            for (element, column) in [("id", "userid"), ("loginName", "userloginname")] {
                if let Some(value) = child.child(element).filter(|e| !e.text.is_empty()) {
                    record.insert(column.into(), value.text.clone());
                }
            }
            continue;
        }
        let Some((column, element)) = FIELDS.iter().find(|(_, e)| *e == child.name) else {
            continue;
        };
        record.insert(column.to_string(), canonical(element, &child.text));
    }
    record
}

/// A value in its one spelling: booleans as `1`/`0`, however the service or the row wrote them.
fn canonical(element: &str, value: &str) -> String {
    if BOOLEANS.contains(&element) {
        bool_canonical(value).to_string()
    } else {
        value.to_string()
    }
}

/// The `statusCode` and `message` of a `<return>`, which holds them directly (write calls) or
/// inside `<status>` (calls that also return data).
pub(crate) fn status(ret: &Element) -> (String, String) {
    let holder = ret.child("status").unwrap_or(ret);
    let text = |name| {
        holder
            .child(name)
            .map(|e| e.text.clone())
            .unwrap_or_default()
    };
    (text("statusCode"), text("message"))
}
