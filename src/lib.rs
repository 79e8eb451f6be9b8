//! pbxbulk: bulk import and export of PBX extensions through the PBXs' own HTTP APIs.
//!
//! The layers, bottom to top (nothing imports upward; docs/ARCHITECTURE.md draws them):
//! `domain` (shared vocabulary) → `rules` (the field tables) → `input` (reading sheets) →
//! `plan` (row → action) and `pbx` (wire formats, the session) → `output` (report, progress)
//! → `run` (the import pipeline, the export) → `sim` (the simulated PBX) → `settings` (the
//! command line validated) → `commands` (one per subcommand). `cli` holds the clap types and
//! depends on nothing; [`run`] below ties them together.

/// Prints a line on standard output. A reader that went away (`pbxbulk … | head -1`) is no
/// error worth dying for, unlike with `println!`.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod cli;
mod commands;
mod domain;
mod input;
mod output;
mod pbx;
mod plan;
mod rules;
mod run;
mod settings;
mod sim;

use anyhow::Context;

use crate::cli::{Cli, Command};
pub use crate::domain::Exit;
use crate::settings::{
    DemoSettings, ExportSettings, ImportSettings, MigrateSettings, SimSettings, ValidateSettings,
};

/// Runs one command. An `Err` means the command could not run at all (exit code 2).
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Validate(args) => {
            commands::validate::validate(&ValidateSettings::from_args(args)?)
        }
        Command::Template(args) => {
            commands::template::run(args.api.into(), args.describe, args.weak_passwords)
        }
        Command::Import(args) => {
            let settings = ImportSettings::from_args(args)?;
            runtime()?.block_on(commands::import::import(settings))
        }
        Command::Migrate(args) => {
            let settings = MigrateSettings::from_args(&args)?;
            runtime()?.block_on(commands::migrate::migrate(settings))
        }
        Command::Export(args) => {
            let settings = ExportSettings::from_args(args)?;
            runtime()?.block_on(commands::export::export(settings))
        }
        Command::Sim(args) => {
            let settings = SimSettings::from_args(args)?;
            runtime()?.block_on(commands::sim::sim(settings))
        }
        Command::Demo(args) => {
            runtime()?.block_on(commands::demo::demo(DemoSettings::from_args(args)))
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
