//! An answer's envelope: `errcode` 0, or a refusal in words that name what the PBX's lists
//! name (`invalid_param_list`, `duplicate_field_list`).

use serde_json::{Map, Value};

use super::errcode::{class, meaning};
use crate::pbx::{ApiError, Op, value_text};

/// The body of an answer, or the refusal it carries.
pub(super) fn envelope(
    op: &Op<'_>,
    status: u16,
    body: &[u8],
) -> Result<Map<String, Value>, ApiError> {
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
