//! The simulated family's writes: add, update (v1's and OpenVox's renames through
//! `extnumber`) and delete, each checked with the same rule table as the client, through the
//! write-rate ceiling, logged.

use serde_json::{Map, Value, json};

use super::codec::{Dialect, errno};
use super::sim_answer::{Answer, text};
use crate::domain::{Code, Record};
use crate::sim::{Sim, Store};

/// Runs a write through the rate ceiling, logs it, and counts it when it changed the store.
pub(super) fn write(
    sim: &Sim,
    dialect: &Dialect,
    op: &'static str,
    body: &Map<String, Value>,
) -> Answer {
    let key = match op {
        "add" => dialect.add_key.unwrap_or(dialect.update_key),
        _ => dialect.update_key,
    };
    let number = text(body.get(key));
    let answer = if sim.admit_write() {
        match op {
            "add" => add(sim, fields(sim, body, key)),
            "update" => update(sim, fields(sim, body, key)),
            _ => delete(sim, &number),
        }
    } else {
        Err(errno::TOO_FREQUENT)
    };
    match &answer {
        Ok(_) => {
            sim.with_state(|s| s.stats.writes += 1);
            sim.log(op, &number, "");
        }
        Err(code) => sim.log(op, &number, code),
    }
    answer
}

/// The body's fields that the rule table knows, as text, the key (sent as `key`) under the
/// table's name; unknown keys are ignored, as the real PBX appears to do
/// (docs/vendor/yeastar-api.md §5.1).
fn fields(sim: &Sim, body: &Map<String, Value>, key: &str) -> Record {
    sim.table
        .fields
        .iter()
        .filter_map(|f| {
            let wire = if f.name == sim.table.key { key } else { f.name };
            body.get(wire).map(|v| (f.name.to_string(), text(Some(v))))
        })
        .collect()
}

/// 10004 when a required field is blank, 10017 when a field breaks its rule.
fn refuse_invalid(sim: &Sim, record: &Record, adding: bool) -> Result<(), &'static str> {
    match sim.problems(record, adding).first() {
        None => Ok(()),
        Some(p) if p.code == Code::MissingField => Err(errno::BLANK_PARAMETER),
        Some(_) => Err(errno::CONFIG_FAILED),
    }
}

/// Fields the documents say "cannot be blank" (docs/vendor/yeastar-v1-extension-update.md,
/// openvox-extension-add.txt): on add they are required (the tables say so), on update they
/// may not be set to nothing.
const NOT_BLANK: [&str; 2] = ["registerpassword", "registername"];

fn add(sim: &Sim, mut record: Record) -> Answer {
    record.retain(|_, v| !v.is_empty());
    refuse_invalid(sim, &record, true)?;
    sim.table.canonicalise(&mut record);
    let number = record
        .get(sim.table.key)
        .cloned()
        .ok_or(errno::BLANK_PARAMETER)?;
    sim.with_state(|s| {
        if s.extensions.contains_key(&number) || forwards_nowhere(sim, s, &record) {
            return Err(errno::CONFIG_FAILED);
        }
        s.put(number, record);
        Ok(json!({}))
    })
}

fn update(sim: &Sim, changes: Record) -> Answer {
    let number = changes.get(sim.table.key).cloned().unwrap_or_default();
    if number.is_empty() {
        return Err(errno::BLANK_PARAMETER);
    }
    let mut record = sim
        .with_state(|s| s.extensions.get(&number).cloned())
        .ok_or(errno::NO_SUCH_EXTENSION)?;
    for (name, value) in changes {
        if value.is_empty() && NOT_BLANK.contains(&name.as_str()) {
            return Err(errno::CONFIG_FAILED);
        }
        if value.is_empty() {
            record.remove(&name);
        } else {
            record.insert(name, value);
        }
    }
    // v1 and OpenVox rename through extnumber; the stored record keeps the number in its key.
    let new_number = match sim.table.rename.and_then(|rename| record.remove(rename)) {
        Some(new) if new != number => new,
        _ => number.clone(),
    };
    record.insert(sim.table.key.to_string(), new_number.clone());
    refuse_invalid(sim, &record, false)?;
    sim.table.canonicalise(&mut record);
    sim.with_state(|s| {
        let taken = new_number != number && s.extensions.contains_key(&new_number);
        if taken || forwards_nowhere(sim, s, &record) {
            return Err(errno::CONFIG_FAILED);
        }
        s.put_over(&number, new_number, record);
        Ok(json!({}))
    })
}

/// A forward to an extension the PBX does not have (inferred: the web UI offers only existing
/// extensions as destinations, so the API is taken to refuse others with 10017).
fn forwards_nowhere(sim: &Sim, store: &Store, record: &Record) -> bool {
    let own = record.get(sim.table.key).map_or("", String::as_str);
    sim.table.links.iter().any(|(link, switch)| {
        let on = record.get(*switch).is_some_and(|s| s == "on");
        let target = record.get(*link).map_or("", String::as_str);
        on && !target.is_empty() && target != own && !store.extensions.contains_key(target)
    })
}

fn delete(sim: &Sim, wanted: &str) -> Answer {
    if wanted.is_empty() {
        return Err(errno::BLANK_PARAMETER);
    }
    sim.with_state(|s| {
        if wanted == "all" {
            s.extensions.clear();
            return Ok(json!({}));
        }
        let numbers: Vec<&str> = wanted.split(',').map(str::trim).collect();
        if numbers.iter().any(|n| !s.extensions.contains_key(*n)) {
            return Err(errno::NO_SUCH_EXTENSION);
        }
        for n in numbers {
            s.extensions.remove(n);
        }
        Ok(json!({}))
    })
}
