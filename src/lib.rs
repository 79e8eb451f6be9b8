//! pbxbulk: bulk import and export of PBX extensions through the PBXs' own HTTP APIs.
//!
//! The flow of an import: `cli` → `config` (validated settings) → `sheet` (reading) →
//! `rules` (the field tables) → `plan` (row → action) → `engine` (rate limit, concurrency,
//! retries) over `client` (session, token) and `api` (one wire format per PBX) → `report`.
//! `sim` is the simulated PBX that tests, the demo and rehearsals run against.

/// Prints a line on standard output. A reader that went away (`pbxbulk … | head -1`) is no
/// error worth dying for, unlike with `println!`.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod api;
pub mod claims;
pub mod cli;
pub mod client;
pub mod config;
pub mod demo;
pub mod diff;
pub mod directory;
pub mod engine;
pub mod export;
pub mod feed;
pub mod import;
pub mod journal;
pub mod outcome;
pub mod pace;
pub mod plan;
pub mod progress;
pub mod prune;
pub mod report;
pub mod rules;
pub mod sheet;
pub mod sim;
pub mod template;
pub mod validate;

use anyhow::Context;

use crate::cli::{Cli, Command};
use crate::config::ImportSettings;
use crate::export::ExportSettings;
use crate::sim::SimSettings;
use crate::validate::ValidateSettings;

/// How a command ended, as the process exit code of the design's contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Every row ok or unchanged.
    Ok = 0,
    /// The run finished, but some rows were invalid or failed.
    RowsFailed = 1,
    /// Nothing or not everything could be attempted.
    Incomplete = 2,
}

/// Runs one command. An `Err` means the command could not run at all (exit code 2).
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Validate(args) => validate::validate(ValidateSettings::from_args(args)?),
        Command::Template(args) => {
            let table = rules::table(args.api.into());
            let mut out = std::io::stdout().lock();
            if args.describe {
                template::describe(table, args.weak_passwords, &mut out)?;
            } else {
                template::template(table, &mut out)?;
            }
            Ok(Exit::Ok)
        }
        Command::Import(args) => {
            let settings = ImportSettings::from_args(args)?;
            runtime()?.block_on(import::import(settings))
        }
        Command::Export(args) => {
            let settings = ExportSettings::from_args(args)?;
            runtime()?.block_on(export::export(settings))
        }
        Command::Sim(args) => {
            let settings = SimSettings::from_args(args)?;
            runtime()?.block_on(sim::serve_forever(settings))?;
            Ok(Exit::Ok)
        }
        Command::Demo(args) => runtime()?.block_on(demo::demo(args)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
