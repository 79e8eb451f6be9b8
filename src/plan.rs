//! Deciding what each row needs before anything is sent: validation against the rule table,
//! the action (add, update, delete, nothing), the fields that differ from the PBX's record,
//! rules between rows (a number used twice, colliding renames), and the deletes of a prune.
//! Pure decisions over data: no I/O, no network.

pub(crate) mod diff;
pub(crate) mod duplicates;
#[cfg(test)]
mod fuzz_tests;
pub(crate) mod passwords;
mod planner;
pub(crate) mod prune;

pub(crate) use planner::{Outgoing, Planned, Planner, plan_sheet};
pub(crate) use prune::PruneSettings;
