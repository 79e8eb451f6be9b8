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

use super::errcode;
use super::json::to_wire;
use super::sim_answer::{Answer, Params, Refusal, log_name};
use super::sim_auth::{state, state_of};
use crate::domain::Record;
use crate::rules::Table;
use crate::sim::{Sim, Store};

/// What `extension/create` requires (create-sw).
pub(super) const REQUIRED: [&str; 7] = [
    "type",
    "user_password",
    "number",
    "reg_name",
    "reg_password",
    "concurrent_registrations",
    "presence_status",
];
/// Never in a list, get or query answer.
pub(super) const SECRETS: [&str; 3] = ["user_password", "reg_password", "vm_pin"];

/// The reads and the welcome e-mail, logged (the writes are `sim_writes.rs`'s).
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
    // A seed is what the PBX held before: stored as it is, never through `put`'s drop-field.
    if let Some(email) = email_key(&record) {
        p.emails.insert(email, number.clone());
    }
    p.by_number.extend(sort_number(&number));
    store.extensions.insert(number, record);
    Ok(())
}

/// `--inferred` key: a page past the end of the listing answered empty, or refused as a bad
/// `page` (40002).
pub(super) const PAST_THE_END: &str = "yeastar-p-past-the-end";

/// The list's (or a search's) page: `page` from 1, `page_size` (20 by default), sorted by
/// `sort_by` (id) in `order_by` (asc) order; past the end, an empty page, or with
/// `--inferred yeastar-p-past-the-end=refuse` a refusal of the page asked for.
fn page(sim: &Sim, params: &Params<'_>, wanted: Option<&str>) -> Answer {
    let listed = listed_page(sim, params, wanted)?;
    let empty = listed
        .get("data")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    // `listed_page` took the page number, so it is one.
    match params.get("page") {
        Some(page)
            if empty
                && page.parse::<usize>().is_ok_and(|p| p > 1)
                && sim.settings.inferred.is(PAST_THE_END, "refuse") =>
        {
            Err(Refusal::field("page", Some(page)))
        }
        _ => Ok(listed),
    }
}

fn listed_page(sim: &Sim, params: &Params<'_>, wanted: Option<&str>) -> Answer {
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
    let skip = (page - 1).saturating_mul(size);
    if wanted.is_none()
        && let Some(listed) = sim.with_state(|s| in_order(s, sort, descending, skip, size))
    {
        return Ok(listed);
    }
    // Sorted by a key read off each record, and only the page's records made into answers.
    let (total, data) = sim.with_state(|s| {
        let mut rows: Vec<(SortKey, &Record)> = s
            .extensions
            .values()
            .filter(|r| wanted.as_deref().is_none_or(|w| matches(r, w)))
            .map(|r| (SortKey::of(r, sort), r))
            .collect();
        rows.sort_by(|a, b| a.0.order(&b.0));
        if descending {
            rows.reverse();
        }
        let data: Vec<Value> = rows
            .iter()
            .skip(skip)
            .take(size)
            .map(|(_, r)| Value::Object(basic(r)))
            .collect();
        (rows.len(), data)
    });
    Ok(listing(total, data))
}

fn listing(total: usize, data: Vec<Value>) -> Map<String, Value> {
    Map::from_iter([
        ("total_number".into(), json!(total)),
        ("data".into(), Value::Array(data)),
    ])
}

/// A page of the whole listing read off the store's own orders (by id, or by number when
/// every number is an integer), as a range rather than a sort; `None` for another order.
fn in_order(
    s: &Store,
    sort: &str,
    descending: bool,
    skip: usize,
    size: usize,
) -> Option<Map<String, Value>> {
    let p = state_of(s);
    let numbers: Box<dyn DoubleEndedIterator<Item = &String>> = match sort {
        "id" if p.numbers.len() == s.extensions.len() => Box::new(p.numbers.values()),
        "number" if p.by_number.len() == s.extensions.len() => {
            Box::new(p.by_number.iter().map(|(_, n)| n))
        }
        _ => return None,
    };
    let numbers = match descending {
        true => Box::new(numbers.rev()) as Box<dyn Iterator<Item = &String>>,
        false => numbers,
    };
    let data = numbers
        .skip(skip)
        .take(size)
        .filter_map(|n| s.extensions.get(n))
        .map(|r| Value::Object(basic(r)))
        .collect();
    Some(listing(s.extensions.len(), data))
}

/// A number's place in the listing sorted by number: numbers as numbers (the text breaks
/// ties); `None` for one that is not an integer, which only a sort can place.
pub(super) fn sort_number(number: &str) -> Option<(u64, String)> {
    number.parse().ok().map(|n| (n, number.to_string()))
}

/// What a page is sorted by: numbers as numbers, text as text (inferred).
struct SortKey {
    number: Option<u64>,
    text: String,
}

impl SortKey {
    fn of(record: &Record, sort: &str) -> SortKey {
        let field = |name: &str| record.get(name).map_or("", String::as_str);
        let text = match sort {
            "caller_id_name" => format!("{} {}", field("first_name"), field("last_name"))
                .trim()
                .to_string(),
            "id" => id_of(record).to_string(),
            other => field(other).to_string(),
        };
        SortKey {
            number: text.parse().ok(),
            text,
        }
    }

    fn order(&self, other: &SortKey) -> std::cmp::Ordering {
        match (self.number, other.number) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => self.text.cmp(&other.text),
        }
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

pub(super) fn id_of(record: &Record) -> u64 {
    record.get("id").and_then(|id| id.parse().ok()).unwrap_or(0)
}

/// An extension as the list shows it (Ext_Basicinfo).
fn basic(record: &Record) -> Map<String, Value> {
    let field = |name: &str| record.get(name).map_or("", String::as_str);
    let offline = json!({ "status": 0, "ext_dev_type": "" });
    let name = format!("{} {}", field("first_name"), field("last_name"));
    Map::from_iter([
        ("id".into(), json!(id_of(record))),
        (
            "online_status".into(),
            json!({ "sip_phone": offline, "linkus_desktop": offline, "linkus_mobile": offline, "linkus_web": offline }),
        ),
        ("presence_status".into(), json!(field("presence_status"))),
        ("number".into(), json!(field("number"))),
        ("caller_id_name".into(), json!(name.trim())),
        ("role_name".into(), json!("")),
        ("email_addr".into(), json!(field("email_addr"))),
        ("mobile_number".into(), json!(field("mobile_number"))),
    ])
}

/// An extension as get and query show it (Ext_DetailInfo): every stored field but the
/// passwords, typed as the API types them.
fn detail(record: &Record) -> Value {
    let [user, reg, vm] = SECRETS;
    let mut map = to_wire(record, &[user, reg, vm, "id"]);
    map.insert("id".into(), json!(id_of(record)));
    Value::Object(map)
}

pub(super) fn by_id(sim: &Sim, id: Option<&str>) -> Result<Record, Refusal> {
    let id = id
        .filter(|i| !i.is_empty())
        .ok_or_else(|| Refusal::field("id", None))?;
    let id: u64 = id.parse().map_err(|_| Refusal::field("id", Some(id)))?;
    sim.with_state(|s| stored(s, id).cloned())
        .ok_or_else(|| Refusal::plain(errcode::NOT_FOUND))
}

/// The record of the extension with the id `id`, where the store holds it.
fn stored(s: &Store, id: u64) -> Option<&Record> {
    state_of(s)
        .numbers
        .get(&id)
        .and_then(|n| s.extensions.get(n))
}

/// `extension/query?ids=`: the extensions of the ids known, in the order asked.
fn query(sim: &Sim, ids: &str) -> Map<String, Value> {
    // Under one hold of the store, each record shown where it is: a hundred ids are a
    // hundred records, not a hundred locks and copies.
    let found: Vec<Value> = sim.with_state(|s| {
        ids.split(',')
            .filter_map(|id| id.trim().parse::<u64>().ok())
            .filter_map(|id| stored(s, id))
            .map(detail)
            .collect()
    });
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

/// Files `record` under `number` and keeps the e-mail index to what the store now holds
/// (with `--inferred drop-field` that may be the old address).
pub(super) fn file(s: &mut Store, number: String, record: Record) {
    let old = s.extensions.get(&number).and_then(email_key);
    s.put(number.clone(), record);
    let new = s.extensions.get(&number).and_then(email_key);
    let p = state(s);
    p.by_number.extend(sort_number(&number));
    if let Some(old) = old.filter(|o| p.emails.get(o) == Some(&number)) {
        p.emails.remove(&old);
    }
    if let Some(new) = new {
        p.emails.insert(new, number);
    }
}

pub(super) fn email_key(record: &Record) -> Option<String> {
    record
        .get("email_addr")
        .filter(|e| !e.is_empty())
        .map(|e| e.to_ascii_lowercase())
}
