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

mod cli;
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
mod vendors;

use anyhow::Context;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, ConfigCommand};
use crate::commands::show::ShowSettings;
pub use crate::domain::Exit;
use crate::run::apply::ApplySettings;
use crate::settings::{
    DemoSettings, ExportSettings, ImportSettings, MigrateSettings, Origins, SimSettings,
    ValidateSettings,
};

/// The command line pbxbulk takes, for `main` to parse.
pub fn command() -> clap::Command {
    Cli::command()
}

/// Runs the command `matches` holds (as parsed from `Cli::command()`). An `Err` means the
/// command could not run at all (exit code 2). A reader that went away (`pbxbulk … | head`)
/// ends the command quietly, as it would any Unix tool.
pub fn run(matches: &ArgMatches) -> anyhow::Result<Exit> {
    match dispatch(matches) {
        Err(e) if is_broken_pipe(&e) => Ok(Exit::Ok),
        other => other,
    }
}

fn dispatch(matches: &ArgMatches) -> anyhow::Result<Exit> {
    let cli = Cli::from_arg_matches(matches)?;
    // Where each value came from (flag or environment), for the profile's place below them.
    let sub = matches.subcommand().map(|(_, m)| m);
    let origins = Origins(sub);
    match cli.command {
        Command::Validate(args) => {
            commands::validate::validate(&ValidateSettings::from_args(args)?)
        }
        Command::Template(args) => {
            let api = settings::with_edition(args.api, args.edition.as_deref())?;
            commands::template::run(api, args.describe, args.weak_passwords)
        }
        Command::Import(args) => {
            let (json, file) = (args.summary_json.clone(), args.file.clone());
            let settings = ImportSettings::from_args(args, origins)
                .inspect_err(|e| commands::import::refused(json.as_deref(), &file, e))?;
            runtime()?.block_on(commands::import::import(settings))
        }
        Command::Migrate(args) => {
            let settings = MigrateSettings::from_args(&args)?;
            runtime()?.block_on(commands::migrate::migrate(settings))
        }
        Command::Plan(args) => {
            let (settings, to) = settings::plan_settings(args, origins)?;
            runtime()?.block_on(commands::plan::plan(settings, to))
        }
        Command::Show(args) => commands::show::show(&ShowSettings {
            sign_key: settings::sign_key(args.sign_key.as_deref())?,
            plan: args.plan,
            json: args.json,
            approve: args.approve,
        }),
        Command::Apply(args) => {
            let (json, plan) = (args.summary_json.clone(), args.plan.clone());
            let settings = ApplySettings::from_args(args)
                .inspect_err(|e| commands::import::refused(json.as_deref(), &plan, e))?;
            runtime()?.block_on(commands::apply::apply(settings))
        }
        Command::Export(args) => {
            let settings = ExportSettings::from_args(args, origins)?;
            runtime()?.block_on(commands::export::export(settings))
        }
        Command::Sim(args) => {
            let settings = SimSettings::from_args(args)?;
            runtime()?.block_on(commands::sim::sim(settings))
        }
        Command::Demo(args) => {
            runtime()?.block_on(commands::demo::demo(DemoSettings::from_args(args)))
        }
        Command::Config(args) => match args.command {
            ConfigCommand::Show(show) => {
                let show_matches = sub.and_then(|m| m.subcommand_matches("show"));
                let layers = settings::config_show(&show, Origins(show_matches))?;
                Ok(commands::config::show(&layers))
            }
        },
        Command::Completions(args) => commands::docs::completions(args.shell, Cli::command()),
        Command::Man => commands::docs::man(Cli::command()),
    }
}

/// Whether `e` is, at bottom, a write to a pipe whose reader has gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
