//! The vocabulary every layer shares, and nothing else: which PBX (and what it can do), an
//! extension's record, secrets, the import modes, what happened to a row, and how a run's
//! outcome becomes an exit code. It imports nothing of the crate, so every layer may use it.

mod api;
mod code;
pub(crate) mod formula;
mod mode;
mod record;
mod row_result;
mod run_end;
mod summary;
mod term;
pub(crate) mod values;
mod words;

pub(crate) use api::{Api, Capabilities, Lockout};
pub(crate) use code::Code;
pub(crate) use mode::Mode;
#[cfg(test)]
pub(crate) use record::record_of;
pub(crate) use record::{PbxSnapshot, Record, Secret};
pub(crate) use row_result::{Action, RowResult, Status, VALID};
pub(crate) use run_end::{RunEnd, Stopped};
pub use summary::Exit;
pub(crate) use summary::{Summary, VerifyCounts, rows};
pub(crate) use term::Term;
pub(crate) use words::Word;
