//! The simulated Verba service's extension records: createExtension and updateExtension
//! (a whole-record replace, per tenant, naming users that exist), a seed row's record, and
//! how getExtension and listExtensions show one (docs/vendor/verba-update-extension-v2.txt,
//! docs/vendor/verba-api.md §4, §5).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::codec::{BOOLEANS, FIELDS, from_wire, to_wire};
use super::sim_answer::{Answer, arg, op_name};
use super::sim_choices::{PROVIDER_EID, UNKNOWN_USER, UPDATE_MISSING};
use super::tenants::{self, DEFAULT_TENANT, tenants, tenants_mut};
use crate::domain::Record;
use crate::pbx::xml::Element;
use crate::sim::{Sim, Store};

pub(super) fn write(sim: &Sim, op: &Element, token: &str) -> Answer {
    let creating = op.name == "createExtension";
    let name = op_name(&op.name);
    let Some(extension) = arg(op, "extension") else {
        return Answer::Status(
            "ERROR_ILLEGAL_ARGUMENT".into(),
            "extension is required".into(),
        );
    };
    let mut record = from_wire(&Element {
        children: extension
            .children
            .iter()
            .filter(|c| c.ns.is_none())
            .cloned()
            .collect(),
        ..extension.clone()
    });
    // The user is named by <user><id>; a login name in the request is not the service's to read.
    record.remove("userloginname");
    let number = record.get("extension").cloned().unwrap_or_default();
    if !sim.admit_write() {
        sim.log(name, &number, "THROTTLED");
        return Answer::Fault(
            StatusCode::SERVICE_UNAVAILABLE,
            "Server",
            "too many requests".into(),
        );
    }
    if !creating {
        // A whole-record replace: what the request leaves out is gone (booleans false).
        for (column, element) in FIELDS {
            if BOOLEANS.contains(&element) {
                record
                    .entry(column.to_string())
                    .or_insert_with(|| "0".into());
            }
        }
    }
    let answer = store(sim, creating, &number, record, token);
    let code = match &answer {
        Answer::Status(code, _) => code.clone(),
        _ => String::new(),
    };
    sim.log(name, &number, if code == "OK" { "" } else { &code });
    if code == "OK" {
        sim.with_state(|s| s.stats.writes += 1);
    }
    answer
}

fn store(sim: &Sim, creating: bool, number: &str, mut record: Record, token: &str) -> Answer {
    let status = |code: &str, message: String| Answer::Status(code.into(), message);
    if number.is_empty() {
        return status("ERROR_ILLEGAL_ARGUMENT", "extension is required".into());
    }
    if let Some(problem) = sim.problems(&record, creating).first() {
        return status("ERROR_ILLEGAL_ARGUMENT", problem.message.clone());
    }
    let inferred = &sim.settings.inferred;
    sim.with_state(|s| {
        let eid = record.get("eid").map_or("", String::as_str);
        let short = record.get("environment").map_or("", String::as_str);
        let Some(eid) = tenants(s).eid_of(eid, short).map(str::to_string) else {
            return status(
                "ERROR_ILLEGAL_ARGUMENT",
                format!(
                    "no environment {}",
                    if eid.is_empty() { short } else { eid }
                ),
            );
        };
        if !tenants(s).sees(token, &eid, inferred.get(PROVIDER_EID)) {
            return status(
                "ERROR_ILLEGAL_ARGUMENT",
                format!("environment {eid} is not this token's"),
            );
        }
        if let Some(id) = record.get("userid")
            && tenants(s).user(id).is_none()
        {
            return status(
                inferred.get(UNKNOWN_USER),
                format!(
                    "no user has the id {id} (the simulator knows {}; {})",
                    tenants(s).user_ids(),
                    tenants::HOW_TO_DECLARE
                ),
            );
        }
        let key = tenants::key(&eid, number);
        let existing = s.extensions.get(&key).map(|e| e.get("id").cloned());
        match (creating, existing) {
            (true, Some(_)) => status(
                "ERROR_ALREADY_EXISTS",
                format!("extension {number} already exists"),
            ),
            (false, None) => status(
                inferred.get(UPDATE_MISSING),
                format!("extension {number} not found"),
            ),
            (_, existing) => {
                let id = existing
                    .flatten()
                    .unwrap_or_else(|| (s.extensions.len() + 1).to_string());
                record.insert("id".into(), id);
                record.insert("eid".into(), eid);
                record.remove("environment");
                sim.table.canonicalise(&mut record);
                s.put(key, record);
                status("OK", String::new())
            }
        }
    })
}

/// A seed row's store key, its tenant and user made known (a seed names them by using them).
pub(crate) fn seed(state: &mut Store, record: &mut Record, number: &str) -> Result<String, String> {
    let eid = record.get("eid").map_or("", String::as_str).to_string();
    let short = record
        .get("environment")
        .map_or("", String::as_str)
        .to_string();
    let eid = match tenants(state).eid_of(&eid, &short) {
        Some(known) => known.to_string(),
        None if !eid.is_empty() => {
            tenants_mut(state).add_tenant(&eid, if short.is_empty() { &eid } else { &short });
            eid
        }
        None if short.is_empty() => DEFAULT_TENANT.0.to_string(),
        None => return Err(format!("no environment is called {short}; give its eid")),
    };
    if let Some(id) = record.get("userid") {
        let login = record.get("userloginname").map_or("", String::as_str);
        tenants_mut(state).add_user(id, login, &eid);
    }
    record.remove("userloginname");
    record.remove("environment");
    record.insert("eid".into(), eid.clone());
    Ok(tenants::key(&eid, number))
}

/// A stored extension as getExtension answers it: booleans as true/false, the tenant's short
/// name, the user as an object, the internal id, elements in alphabetical order.
pub(super) fn view(store: &Store, record: &Record) -> Value {
    let mut wire = to_wire(record);
    for element in BOOLEANS {
        if let Some(Value::String(v)) = wire.get_mut(element) {
            *v = if v == "1" {
                "true".into()
            } else {
                "false".into()
            };
        }
    }
    if let Some(eid) = record.get("eid") {
        wire.insert(
            "environmentShortName".into(),
            json!(tenants(store).short_name(eid)),
        );
    }
    if let Some(user) = record.get("userid").and_then(|id| tenants(store).user(id)) {
        wire.insert(
            "user".into(),
            json!({ "eid": user.eid, "id": user.id, "loginName": user.login }),
        );
    }
    if let Some(id) = record.get("id") {
        wire.insert("id".into(), json!(id));
    }
    Value::Object(wire)
}
