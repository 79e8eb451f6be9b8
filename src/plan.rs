//! Deciding what each row needs before anything is sent: validation against the rule table,
//! the action (add, update, delete, nothing), the fields that differ from the PBX's record,
//! rules between rows (a number used twice, colliding renames), and the deletes of a prune.
//! Pure decisions over data: no I/O, no network.

mod assign;
pub(crate) mod diff;
pub(crate) mod duplicates;
mod feed;
#[cfg(test)]
mod fuzz_tests;
mod inferred;
pub(crate) mod leavers;
pub(crate) mod matching;
pub(crate) mod passwords;
mod planned;
mod planner;
pub(crate) mod prune;
pub(crate) mod roster;
mod write;

pub(crate) use feed::plan_sheet;
pub(crate) use planned::Planned;
pub(crate) use planner::Planner;
pub(crate) use prune::PruneSettings;
pub(crate) use write::RowWrite;
