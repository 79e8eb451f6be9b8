//! The simulated P-Series's writes: create, update by id, delete by id, through the
//! write-rate ceiling, logged. The rules are the table's (as the client checks them); the
//! answers are the documents' (see `sim_records.rs` for what is documented and inferred).

use serde_json::{Map, Value, json};

use super::errcode;
use super::json::{INTEGERS, from_wire};
use super::sim_answer::{Answer, Params, Refusal, log_name};
use super::sim_auth::{state, state_of};
use super::sim_records::{REQUIRED, SECRETS, by_id, email_key, file, id_of};
use crate::domain::{Code, Record};
use crate::sim::{Sim, Store};

/// Create, update or delete, through the write-rate ceiling, logged.
pub(super) fn write(
    sim: &Sim,
    endpoint: &str,
    params: &Params<'_>,
    body: &Map<String, Value>,
) -> Answer {
    let answer = match sim.admit_write() {
        false => Err(Refusal::plain(errcode::OVERLOAD)),
        true => match endpoint {
            "extension/create" => create(sim, body),
            "extension/update" => update(sim, body),
            _ => delete(sim, params.get("id")),
        },
    };
    let number = match (endpoint, &answer) {
        ("extension/create", _) => {
            crate::pbx::value_text(body.get("number").unwrap_or(&Value::Null))
        }
        (_, Ok(map)) => map
            .get("number")
            .map(crate::pbx::value_text)
            .unwrap_or_default(),
        _ => String::new(),
    };
    if answer.is_ok() {
        sim.with_state(|s| s.stats.writes += 1);
    }
    sim.log(
        log_name(endpoint),
        &number,
        answer.as_ref().err().map_or("", |r| r.code),
    );
    answer.map(|mut map| {
        map.remove("number");
        map
    })
}

/// A body's values checked for the types the API takes: numbers as strings, integers as
/// integers. The record of its fields that the table knows.
fn record_of(sim: &Sim, body: &Map<String, Value>) -> Result<Record, Refusal> {
    let mut problems = Vec::new();
    for (name, value) in body {
        let integer = INTEGERS.contains(&name.as_str());
        let wrong = match value {
            Value::Number(_) => !integer && name != "id",
            Value::String(_) => integer,
            Value::Array(_) => name != "organization_list",
            _ => false,
        };
        if wrong {
            problems.push(json!({ "field": name, "value": crate::pbx::value_text(value) }));
        }
    }
    if !problems.is_empty() {
        return Err(Refusal::list(
            errcode::PARAMETER,
            "invalid_param_list",
            problems,
        ));
    }
    let known = |n: &String| sim.table.field(n).is_some();
    let fields: Map<String, Value> = body
        .iter()
        .filter(|(n, _)| known(n))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    Ok(from_wire(&fields))
}

/// Every rule the record breaks, as `invalid_param_list` (a secret's value is never echoed).
fn rule_problems(
    sim: &Sim,
    record: &Record,
    adding: bool,
    required: &[&str],
) -> Result<(), Refusal> {
    let mut items: Vec<Value> = required
        .iter()
        .filter(|f| record.get(**f).is_none_or(String::is_empty))
        .map(|f| json!({ "field": f, "validation_type": "required" }))
        .collect();
    for p in sim.problems(record, adding) {
        let listed = items.iter().any(|i| i["field"] == p.field);
        if listed {
            continue;
        }
        items.push(match (p.code, SECRETS.contains(&p.field)) {
            (Code::MissingField, _) => json!({ "field": p.field, "validation_type": "required" }),
            (_, true) => json!({ "field": p.field, "value": "error" }),
            (_, false) => json!({ "field": p.field, "value": record.get(p.field).cloned().unwrap_or_default() }),
        });
    }
    match items.is_empty() {
        true => Ok(()),
        false => Err(Refusal::list(
            errcode::PARAMETER,
            "invalid_param_list",
            items,
        )),
    }
}

/// 40003 when the number, or the e-mail address (ignoring case), is another extension's.
fn duplicates(store: &Store, record: &Record, own_id: u64) -> Result<(), Refusal> {
    let mut items = Vec::new();
    for (field, fold) in [("number", false), ("email_addr", true)] {
        let Some(value) = record.get(field).filter(|v| !v.is_empty()) else {
            continue;
        };
        let same = |v: &String| {
            if fold {
                v.eq_ignore_ascii_case(value)
            } else {
                v == value
            }
        };
        // Both are one lookup: the store is keyed by number, and e-mails have an index.
        let owner = if fold {
            state_of(store).emails.get(&value.to_ascii_lowercase())
        } else {
            Some(value)
        };
        let other = owner
            .and_then(|number| store.extensions.get(number))
            .filter(|r| r.get(field).is_some_and(same) && id_of(r) != own_id);
        if let Some(other) = other {
            let owner = other.get("number").cloned().unwrap_or_default();
            items.push(json!({ "field": field, "value": value, "external_source": "extension", "external_source_name": owner }));
        }
    }
    if items.is_empty() {
        return Ok(());
    }
    let mut refusal = Refusal::list(errcode::DUPLICATE, "duplicate_field_list", items);
    refusal.extra.insert(
        "submsg".into(),
        json!("Extension create fail for duplicate fields"),
    );
    Err(refusal)
}

fn create(sim: &Sim, body: &Map<String, Value>) -> Answer {
    let mut record = record_of(sim, body)?;
    record.retain(|_, v| !v.is_empty());
    let number = record.get("number").cloned().unwrap_or_default();
    if !record.contains_key("first_name") && !record.contains_key("last_name") && !number.is_empty()
    {
        record.insert("first_name".into(), number.clone());
    }
    record
        .entry("caller_id".into())
        .or_insert_with(|| number.clone());
    rule_problems(sim, &record, true, &REQUIRED)?;
    sim.with_state(|s| {
        duplicates(s, &record, 0)?;
        let p = state(s);
        p.next_id += 1;
        p.numbers.insert(p.next_id, number.clone());
        record.insert("id".into(), p.next_id.to_string());
        file(s, number.clone(), record);
        Ok(Map::from_iter([("number".into(), json!(number))]))
    })
}

fn update(sim: &Sim, body: &Map<String, Value>) -> Answer {
    let id = match body.get("id") {
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => return Err(Refusal::field("id", Some(&crate::pbx::value_text(other)))),
        None => return Err(Refusal::field("id", None)),
    };
    let mut record = by_id(sim, Some(&id))?;
    let number = record.get("number").cloned().unwrap_or_default();
    let changes = record_of(sim, body)?;
    if let Some(new) = changes.get("number").filter(|n| **n != number) {
        return Err(Refusal::field("number", Some(new)));
    }
    for (name, value) in changes {
        record.insert(name, value);
    }
    record.retain(|_, v| !v.is_empty());
    rule_problems(sim, &record, false, &[])?;
    sim.with_state(|s| {
        duplicates(s, &record, id_of(&record))?;
        file(s, number.clone(), record);
        Ok(Map::from_iter([("number".into(), json!(number))]))
    })
}

fn delete(sim: &Sim, id: Option<&str>) -> Answer {
    let record = by_id(sim, id)?;
    let number = record.get("number").cloned().unwrap_or_default();
    sim.with_state(|s| {
        let email = s.extensions.remove(&number).as_ref().and_then(email_key);
        let p = state(s);
        p.numbers.remove(&id_of(&record));
        if let Some(email) = email {
            p.emails.remove(&email);
        }
    });
    Ok(Map::from_iter([("number".into(), json!(number))]))
}
