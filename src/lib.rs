//! pbxbulk: bulk import and export of PBX extensions through the PBXs' own HTTP APIs.
//!
//! The layers, bottom to top (nothing imports upward; docs/ARCHITECTURE.md draws them):
//! `domain` (shared vocabulary) → `rules` (the field tables) → `input` (reading sheets) →
//! `plan` (row → action) and `pbx` (wire formats, the session) → `sim` (the simulated PBX) →
//! `vendors` (the registry) → `output` (report, progress) → `run` (the import pipeline, the
//! export) → `settings` (options combined and checked) → `commands` (one per subcommand) →
//! `cli` (the clap types, the top: it turns the command line into `settings::Options`);
//! [`run`] below ties them together.

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

use crate::cli::{Cli, Command, ConfigCommand, Origins, TemplateArgs};
pub use crate::domain::Exit;
use crate::settings::DemoSettings;

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

/// Whether the panic under way is one the code catches and says in its own words (a workbook
/// reader meeting a damaged record), so the panic hook need not say it too.
pub fn panic_is_caught() -> bool {
    std::thread::current().name() == Some(input::WORKBOOK_READER)
}

/// A command line clap refused (`message`, its error): a command that writes a
/// `--summary-json` still leaves one saying so, reason `bad_input`, in place of any old one.
pub fn unparsed(args: &[std::ffi::OsString], message: &str) {
    commands::summary::unparsed(args, message);
}

fn dispatch(matches: &ArgMatches) -> anyhow::Result<Exit> {
    let cli = Cli::from_arg_matches(matches)?;
    let Some((_, sub)) = matches.subcommand() else {
        anyhow::bail!("a command is required: pbxbulk --help lists them");
    };
    let at = Origins(sub);
    match cli.command {
        Command::Validate(args) => commands::validate::run(args.options(at)),
        Command::Import(args) => commands::import::run(args.options(at)),
        Command::Export(args) => commands::export::run(args.options(at)),
        Command::Migrate(args) => commands::migrate::run(args.options(at)),
        Command::Template(TemplateArgs {
            layout: Some(layout),
            ..
        }) => commands::template::layout(layout),
        Command::Plan(args) => commands::plan::run(args.options(at)),
        Command::Show(args) => commands::show::run(args.options(at)),
        Command::Apply(args) => commands::apply::run(args.options(at)),
        Command::Template(args) => {
            let api = args
                .api
                .context("--api or --layout is required (or $PBXBULK_API)")?;
            let api = settings::with_edition(api, args.edition.as_deref())?;
            commands::template::run(api, args.describe, args.weak_passwords)
        }
        Command::Sim(args) => {
            let flags = args.flags(at).context(API_REQUIRED)?;
            let (settings, accepts) = settings::sim(flags)?;
            commands::sim::run(settings, &accepts)
        }
        Command::Demo(args) => commands::demo::run(DemoSettings {
            report: args.report,
        }),
        Command::Config(args) => match args.command {
            ConfigCommand::Show(show) => {
                let show_matches = sub.subcommand_matches("show").unwrap_or(sub);
                commands::config::show(show.options(Origins(show_matches)))
            }
        },
        Command::Completions(args) => commands::docs::completions(args.shell, Cli::command()),
        Command::Man(args) => commands::docs::man(Cli::command(), &args.command),
        Command::Reference => commands::reference::print(Cli::command()),
    }
}

const API_REQUIRED: &str = "--api is required (or $PBXBULK_API)";

/// Whether `e` is, at bottom, a write to a pipe whose reader has gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
