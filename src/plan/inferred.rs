//! Rules no document of the API states: a broken one warns and the row is sent (a PBX that
//! refuses it is reported as any refusal), unless `--strict` asks for it to refuse. A rule
//! borrowed from another API version (yeastar-v2's `ringtimeout` set, from v1) would
//! otherwise refuse values real PBXs hold.

use crate::rules::{Problem, Table, inferred_rule};

/// Where every problem of a row breaks only an inferred rule, takes them all out of
/// `problems` and returns the warning that says them; otherwise leaves them (a row refused
/// for another reason lists every problem, those of inferred rules too) and returns "".
pub(super) fn set_aside(table: &Table, problems: &mut Vec<Problem>) -> String {
    if !problems.iter().all(|p| inferred_rule(table, p).is_some()) {
        return String::new();
    }
    let warned: Vec<String> = problems
        .drain(..)
        .filter_map(|p| {
            let why = inferred_rule(table, &p)?;
            Some(format!(
                "warning: {}, a rule no {} document states ({why}); the row goes to the \
                 PBX to decide, --strict refuses it",
                p.message, table.api.name
            ))
        })
        .collect();
    warned.join("; ")
}
