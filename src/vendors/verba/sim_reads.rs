//! The simulated service's reads: ListEnvironments, ListExtensions and GetExtension, each
//! within what the token may see (see `sim.rs` for what is documented and inferred).

use serde_json::{Map, Value, json};

use super::sim_answer::{Answer, arg, ok_data, sub, text};
use super::sim_choices::GET_MISSING;
use super::sim_records::view;
use super::tenants::{self, tenants};
use crate::pbx::xml::Element;
use crate::sim::{Sim, Store};

/// Whether the call's token may see a tenant.
pub(super) type Sees<'a> = dyn Fn(&Store, &str) -> bool + 'a;
/// A refusal in the shape the call answers in.
pub(super) type Refuse<'a> = dyn Fn(&str, &str) -> Answer + 'a;

/// ListEnvironments (the heartbeat's call): the tenants the token sees.
pub(super) fn list_environments(sim: &Sim, op: &Element, sees: &Sees<'_>) -> Answer {
    sim.with_state(|s| s.stats.heartbeats += 1);
    let filter = arg(op, "filter");
    let (eid, short) = (sub(filter, "eid"), sub(filter, "shortName"));
    let environments: Vec<Value> = sim.with_state(|s| {
        tenants(s)
            .all()
            .iter()
            .filter(|(e, _)| sees(s, e) && (eid.is_empty() || *e == eid))
            .filter(|(_, n)| short.is_empty() || *n == short)
            .map(|(e, n)| json!({"displayName": n, "eid": e, "inactive": "false", "shortName": n}))
            .collect()
    });
    ok_data("environments", Value::Array(environments))
}

/// ListExtensions of a tenant (or of every tenant the token sees).
pub(super) fn list_extensions(
    sim: &Sim,
    op: &Element,
    sees: &Sees<'_>,
    refuse: &Refuse<'_>,
) -> Answer {
    sim.log("list", "", "");
    let filter = arg(op, "filter").and_then(|f| arg(f, "environmentFilter"));
    let (eid, short) = (sub(filter, "eid"), sub(filter, "shortName"));
    let all: Option<Vec<Value>> = sim.with_state(|s| {
        let named = !eid.is_empty() || !short.is_empty();
        let only = tenants(s).eid_of(&eid, &short).map(str::to_string);
        if named && only.is_none() {
            return None;
        }
        let all = s
            .extensions
            .values()
            .filter(|r| {
                let own = r.get("eid").map_or("", String::as_str);
                sees(s, own) && only.as_deref().is_none_or(|o| o == own)
            })
            .map(|r| view(s, r))
            .collect();
        Some(all)
    });
    // Repeated <extensions> elements: one object per extension under the same name.
    match all {
        Some(all) => ok_data("extensions", Value::Array(all)),
        None => refuse("ERROR_ILLEGAL_ARGUMENT", "no such environment"),
    }
}

/// GetExtension of one extension in a tenant.
pub(super) fn get_extension(sim: &Sim, op: &Element, refuse: &Refuse<'_>) -> Answer {
    let filter = arg(op, "environmentFilter");
    let wanted = text(op, "extension");
    let found = sim.with_state(|s| {
        let eid = tenants(s)
            .eid_of(&sub(filter, "eid"), &sub(filter, "shortName"))?
            .to_string();
        Some(
            s.extensions
                .get(&tenants::key(&eid, &wanted))
                .map(|r| view(s, r)),
        )
    });
    let missing = !matches!(found, Some(Some(_)));
    sim.log("query", &wanted, if missing { "NOT_FOUND" } else { "" });
    match found {
        None => refuse("ERROR_ILLEGAL_ARGUMENT", "no such environment"),
        Some(Some(extension)) => ok_data("extension", extension),
        Some(None) => match sim.settings.inferred.get(GET_MISSING) {
            "ok-empty" => Answer::Data("OK".into(), String::new(), Map::new()),
            code => refuse(code, &format!("extension {wanted} not found")),
        },
    }
}
