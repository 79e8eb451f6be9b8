//! Running a job against a PBX: the import (reading the PBX, planning, the pipeline of
//! requests, the journal that makes `--resume` exact) and the export. Commands call these and
//! only print what they return.

pub(crate) mod apply;
mod arriving;
mod engine;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod journal;
mod login;
pub(crate) mod migrate;
mod page;
mod pins;
pub(crate) mod plan;
mod review;
mod schedule;
mod send;
pub(crate) mod stop;
pub(crate) mod throttle;
mod verify;

pub(crate) use export::ExportSettings;
pub(crate) use import::ImportSettings;
pub(crate) use migrate::MigrateSettings;
