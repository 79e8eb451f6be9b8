//! Running a job against a PBX: the import (reading the PBX, planning, the pipeline of
//! requests, the journal that makes `--resume` exact) and the export. Commands call these and
//! only print what they return.

mod engine;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod journal;
pub(crate) mod migrate;
mod page;
mod pins;
mod prepare;
mod schedule;
mod send;
pub(crate) mod stop;
pub(crate) mod throttle;

pub(crate) use export::ExportSettings;
pub(crate) use import::ImportSettings;
pub(crate) use migrate::MigrateSettings;
