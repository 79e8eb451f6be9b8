//! Rules no document of the API states: a broken one warns and the row is sent (a PBX that
//! refuses it is reported as any refusal), unless `--strict` asks for it to refuse. A rule
//! borrowed from another API version (yeastar-v2's `ringtimeout` set, from v1) would
//! otherwise refuse values real PBXs hold.

use crate::rules::{Problem, Table, inferred_rule};

/// Takes the problems that break only inferred rules out of `problems`, and returns the
/// warning that says them (empty when there were none).
pub(super) fn set_aside(table: &Table, problems: &mut Vec<Problem>) -> String {
    let mut warned = Vec::new();
    problems.retain(|p| match inferred_rule(table, p) {
        Some(why) => {
            warned.push(format!(
                "warning: {}, a rule no {} document states ({why}); the row goes to the \
                 PBX to decide, --strict refuses it",
                p.message, table.api.name
            ));
            false
        }
        None => true,
    });
    warned.join("; ")
}
