//! The simulated P-Series's extensions (docs/vendor/yeastar-p-api.md, "Extension endpoints"
//! and "Create fields"): the paged list and search, get and query by id, getpassword,
//! create, update by id, delete by id, and the welcome e-mail.
//!
//! Documented: create's required fields (`{"field": f, "validation_type": "required"}`), a
//! field that breaks its rule (`{"field": f, "value": v}`), duplicates as 40003 with their
//! `duplicate_field_list`, 60001 for an unknown id, no passwords in list, get or query
//! answers, integers as JSON integers. Inferred: every problem is listed in one answer, rule
//! problems before duplicates; an e-mail address is unique ignoring case; both names blank
//! make the number the first name, and a blank caller ID is the number (as the web import
//! does); a number change in an update is 40002 on `number`; ids are never reused.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::codec::{INTEGERS, from_wire, to_wire};
use super::errcode;
use super::sim::{Answer, Params, Refusal, log_name};
use super::sim_auth::state;
use crate::domain::{Code, Record};
use crate::rules::Table;
use crate::sim::{Sim, Store};

/// What `extension/create` requires (create-sw).
const REQUIRED: [&str; 7] = [
    "type",
    "user_password",
    "number",
    "reg_name",
    "reg_password",
    "concurrent_registrations",
    "presence_status",
];
/// Never in a list, get or query answer.
const SECRETS: [&str; 3] = ["user_password", "reg_password", "vm_pin"];
const PRESENCES: [&str; 6] = [
    "available",
    "away",
    "business_trip",
    "do_not_disturb",
    "lunch",
    "off_work",
];

pub(super) fn call(
    sim: &Sim,
    endpoint: &str,
    params: &Params<'_>,
    body: &Map<String, Value>,
) -> Answer {
    let answer = match endpoint {
        "extension/list" => page(sim, params, None),
        "extension/search" => match params.text("search_value") {
            Some(wanted) if !wanted.is_empty() => page(sim, params, Some(&wanted)),
            _ => Err(Refusal::field("search_value", None)),
        },
        "extension/get" => by_id(sim, params.get("id")).map(|r| data(detail(&r))),
        "extension/query" => Ok(query(sim, &params.text("ids").unwrap_or_default())),
        "extension/getpassword" => password(sim, params),
        "extension/create" | "extension/update" | "extension/delete" => {
            return write(sim, endpoint, params, body);
        }
        _ => welcome(sim, body),
    };
    let error = answer.as_ref().err().map_or("", |r| r.code);
    let number = params.get("search_value").unwrap_or_default();
    sim.log(log_name(endpoint), number, error);
    answer
}

fn data(value: Value) -> Map<String, Value> {
    Map::from_iter([("data".into(), value)])
}

/// Files a seed row under its number with a new id.
pub(super) fn seed(store: &mut Store, table: &Table, mut record: Record) -> Result<(), String> {
    let Some(number) = record.get(table.key).cloned() else {
        return Ok(());
    };
    let p = state(store);
    p.next_id += 1;
    p.numbers.insert(p.next_id, number.clone());
    record.insert("id".into(), p.next_id.to_string());
    store.extensions.insert(number, record);
    Ok(())
}

/// The list's (or a search's) page: `page` from 1, `page_size` (20 by default), sorted by
/// `sort_by` (id) in `order_by` (asc) order; past the end, an empty page.
fn page(sim: &Sim, params: &Params<'_>, wanted: Option<&str>) -> Answer {
    let number = |name: &str, default: usize| match params.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| Refusal::field(name, Some(v))),
    };
    let (page, size) = (number("page", 1)?, number("page_size", 20)?);
    let sort = params.get("sort_by").unwrap_or("id");
    if ![
        "id",
        "number",
        "caller_id_name",
        "email_addr",
        "mobile_number",
        "presence_status",
    ]
    .contains(&sort)
    {
        return Err(Refusal::field("sort_by", Some(sort)));
    }
    let descending = match params.get("order_by").unwrap_or("asc") {
        "asc" => false,
        "desc" => true,
        other => return Err(Refusal::field("order_by", Some(other))),
    };
    let wanted = wanted.map(str::to_lowercase);
    let mut rows: Vec<Map<String, Value>> = sim.with_state(|s| {
        s.extensions
            .values()
            .filter(|r| wanted.as_deref().is_none_or(|w| matches(r, w)))
            .map(basic)
            .collect()
    });
    rows.sort_by(|a, b| order(&a[sort], &b[sort]));
    if descending {
        rows.reverse();
    }
    let total = rows.len();
    let data: Vec<Value> = rows
        .into_iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .map(Value::Object)
        .collect();
    Ok(Map::from_iter([
        ("total_number".into(), json!(total)),
        ("data".into(), Value::Array(data)),
    ]))
}

/// Numbers sort as numbers, text as text (inferred).
fn order(a: &Value, b: &Value) -> std::cmp::Ordering {
    let n = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    };
    match (n(a), n(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => crate::pbx::value_text(a).cmp(&crate::pbx::value_text(b)),
    }
}

/// A search matches the number, the names, the e-mail address or the mobile number, ignoring
/// case (inferred).
fn matches(record: &Record, wanted: &str) -> bool {
    [
        "number",
        "first_name",
        "last_name",
        "email_addr",
        "mobile_number",
    ]
    .iter()
    .any(|f| {
        record
            .get(*f)
            .is_some_and(|v| v.to_lowercase().contains(wanted))
    })
}

fn id_of(record: &Record) -> u64 {
    record.get("id").and_then(|id| id.parse().ok()).unwrap_or(0)
}

/// An extension as the list shows it (Ext_Basicinfo).
fn basic(record: &Record) -> Map<String, Value> {
    let field = |name: &str| record.get(name).cloned().unwrap_or_default();
    let offline = json!({ "status": 0, "ext_dev_type": "" });
    let name = format!("{} {}", field("first_name"), field("last_name"))
        .trim()
        .to_string();
    Map::from_iter([
        ("id".into(), json!(id_of(record))),
        (
            "online_status".into(),
            json!({ "sip_phone": offline, "linkus_desktop": offline, "linkus_mobile": offline, "linkus_web": offline }),
        ),
        ("presence_status".into(), json!(field("presence_status"))),
        ("number".into(), json!(field("number"))),
        ("caller_id_name".into(), json!(name)),
        ("role_name".into(), json!("")),
        ("email_addr".into(), json!(field("email_addr"))),
        ("mobile_number".into(), json!(field("mobile_number"))),
    ])
}

/// An extension as get and query show it (Ext_DetailInfo): every stored field but the
/// passwords, typed as the API types them.
fn detail(record: &Record) -> Value {
    let shown: Record = record
        .iter()
        .filter(|(n, _)| !SECRETS.contains(&n.as_str()) && n.as_str() != "id")
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let mut map = to_wire(&shown, &[]);
    map.insert("id".into(), json!(id_of(record)));
    Value::Object(map)
}

fn by_id(sim: &Sim, id: Option<&str>) -> Result<Record, Refusal> {
    let id = id
        .filter(|i| !i.is_empty())
        .ok_or_else(|| Refusal::field("id", None))?;
    let id: u64 = id.parse().map_err(|_| Refusal::field("id", Some(id)))?;
    sim.with_state(|s| {
        let number = state(s).numbers.get(&id).cloned();
        number.and_then(|n| s.extensions.get(&n).cloned())
    })
    .ok_or_else(|| Refusal::plain(errcode::NOT_FOUND))
}

/// `extension/query?ids=`: the extensions of the ids known, in the order asked.
fn query(sim: &Sim, ids: &str) -> Map<String, Value> {
    let found: Vec<Value> = ids
        .split(',')
        .filter_map(|id| by_id(sim, Some(id.trim())).ok())
        .map(|r| detail(&r))
        .collect();
    data(Value::Array(found))
}

/// `extension/getpassword?id=&type=reg_password|vm_pin`: the password in Base64.
fn password(sim: &Sim, params: &Params<'_>) -> Answer {
    let record = by_id(sim, params.get("id"))?;
    let kind = params.get("type").unwrap_or_default();
    if !["reg_password", "vm_pin"].contains(&kind) {
        return Err(Refusal::field("type", Some(kind)));
    }
    let value = record.get(kind).cloned().unwrap_or_default();
    Ok(Map::from_iter([(
        "password".into(),
        json!(base64::engine::general_purpose::STANDARD.encode(value)),
    )]))
}

/// `extension/send_welcome_email` `{"id_list": [...]}`: every id must exist (inferred).
fn welcome(sim: &Sim, body: &Map<String, Value>) -> Answer {
    let ids = body
        .get("id_list")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(Refusal::field("id_list", None));
    }
    for id in &ids {
        by_id(sim, Some(&crate::pbx::value_text(id)))?;
    }
    sim.with_state(|s| s.stats.welcome_emails += ids.len() as u64);
    Ok(Map::new())
}

/// Create, update or delete, through the write-rate ceiling, logged.
fn write(sim: &Sim, endpoint: &str, params: &Params<'_>, body: &Map<String, Value>) -> Answer {
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
        if let Some(other) = store
            .extensions
            .values()
            .find(|r| id_of(r) != own_id && r.get(field).is_some_and(same))
        {
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
    if !PRESENCES.contains(&record["presence_status"].as_str()) {
        return Err(Refusal::field(
            "presence_status",
            Some(&record["presence_status"]),
        ));
    }
    sim.with_state(|s| {
        duplicates(s, &record, 0)?;
        let p = state(s);
        p.next_id += 1;
        p.numbers.insert(p.next_id, number.clone());
        record.insert("id".into(), p.next_id.to_string());
        s.put(number.clone(), record);
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
        s.put(number.clone(), record);
        Ok(Map::from_iter([("number".into(), json!(number))]))
    })
}

fn delete(sim: &Sim, id: Option<&str>) -> Answer {
    let record = by_id(sim, id)?;
    let number = record.get("number").cloned().unwrap_or_default();
    sim.with_state(|s| {
        s.extensions.remove(&number);
        state(s).numbers.remove(&id_of(&record));
    });
    Ok(Map::from_iter([("number".into(), json!(number))]))
}
