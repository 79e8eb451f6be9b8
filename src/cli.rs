//! The command line, as clap sees it: the top layer. Each command's flags live in its own
//! file and turn themselves into `settings::Options` (what was typed or found in the
//! environment, with which), so no layer below knows clap. Defaults shown in `--help` come
//! from `settings::defaults`, the same text the settings apply; clap's own filling-in of a
//! default is told apart by `ArgMatches::value_source` (`origins.rs`), since a profile ranks
//! above the defaults.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod api;
mod export;
mod import;
mod migrate;
mod origins;
mod shared;
mod sim;
mod validate;
mod word;

pub(crate) use export::ExportArgs;
pub(crate) use import::ImportArgs;
pub(crate) use migrate::MigrateArgs;
pub(crate) use origins::Origins;
use shared::{ConnectArgs, OutputArgs, PaceArgs, ProfileArgs};
pub(crate) use sim::SimArgs;
pub(crate) use validate::ValidateArgs;

use crate::output::workbook::ReportFormat;
use crate::settings::Options;
use crate::settings::defaults::{self, env};
use crate::settings::values::{self, Encoding};
use crate::vendors::Vendor;
use api::ApiParser;
use word::WordParser;

#[derive(Debug, Parser)]
#[command(
    name = "pbxbulk",
    version,
    about = "Import and export whole directories of PBX extensions through the PBXs' own APIs",
    after_help = "Exit codes: 0 every row ok or unchanged; 1 some rows invalid or failed (see the \
                  report); 2 nothing or not everything could be attempted. Each command's \
                  manual page: pbxbulk man COMMAND.\n\n\
                  Examples:\n  \
                  pbxbulk demo\n  \
                  pbxbulk validate staff.csv --api yeastar-v2\n  \
                  pbxbulk import staff.csv --profile hq --summary-json -"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check every row against the API's field rules; nothing is sent.
    Validate(ValidateArgs),
    /// Send the spreadsheet's rows to the PBX and write a per-row report.
    Import(ImportArgs),
    /// Write every extension on the PBX to a spreadsheet that import takes back.
    Export(ExportArgs),
    /// Copy every extension from one PBX to another (of the same or another API).
    Migrate(MigrateArgs),
    /// Print the header row and an example row that passes; --describe prints the rules.
    Template(TemplateArgs),
    /// Run a simulated PBX on this machine (for rehearsals and tests).
    Sim(SimArgs),
    /// Start the simulator and import the bundled sample into it, end to end.
    Demo(DemoArgs),
    /// Show the settings a profile gives, and where each value comes from.
    Config(ConfigArgs),
    /// Print a shell completion script.
    #[command(after_help = "Examples:\n  \
        pbxbulk completions bash > ~/.local/share/bash-completion/completions/pbxbulk\n  \
        pbxbulk completions zsh > ~/.zfunc/_pbxbulk\n  \
        pbxbulk completions fish > ~/.config/fish/completions/pbxbulk.fish")]
    Completions(CompletionsArgs),
    /// Print a manual page (roff): pbxbulk's, or a command's.
    #[command(after_help = "Examples:\n  \
        pbxbulk man > pbxbulk.1 && man ./pbxbulk.1\n  \
        pbxbulk man import > pbxbulk-import.1\n  \
        pbxbulk man config show | gzip > /usr/local/share/man/man1/pbxbulk-config-show.1.gz")]
    Man(ManArgs),
    /// Print docs/REFERENCE.md, generated from this command line and the tables in the code.
    #[command(hide = true)]
    Reference,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk config show --profile hq\n  \
    pbxbulk config show --config /etc/pbxbulk/config.toml --profile branch")]
pub(crate) struct ConfigArgs {
    #[command(subcommand)]
    pub(crate) command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Every setting a profile may give, merged under the flags and the environment, and where
    /// each comes from (secrets are never printed).
    #[command(after_help = "Examples:\n  \
        pbxbulk config show --profile hq\n  \
        pbxbulk config show --profile hq --rate 5\n  \
        pbxbulk config show --config /etc/pbxbulk/config.toml --profile branch")]
    Show(ConfigShowArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ConfigShowArgs {
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    #[command(flatten)]
    pub(crate) profile: ProfileArgs,
    #[command(flatten)]
    pub(crate) pace: PaceArgs,
    /// Read sheets through this mapping.
    #[arg(long, value_name = "FILE")]
    pub(crate) map: Option<PathBuf>,
    /// The text files' encoding.
    #[arg(long, value_name = "NAME", value_parser = values::encoding)]
    pub(crate) encoding: Option<Encoding>,
    /// What reports are written as.
    #[arg(long, value_parser = WordParser::<ReportFormat>::new())]
    pub(crate) report_format: Option<ReportFormat>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

impl ConfigShowArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        let own = Options {
            map: at.of("map", self.map.clone()),
            encoding: at.of("encoding", self.encoding),
            report_format: at.of("report_format", self.report_format),
            ..Options::default()
        };
        own.combine(self.connect.options(at))
            .combine(self.profile.options(at))
            .combine(self.pace.options(at))
            .combine(self.output.options(at))
    }
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// The command whose page to print (`import`, `config show`); none: pbxbulk's own page.
    #[arg(value_name = "COMMAND")]
    pub(crate) command: Vec<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk template --api yeastar-v2 > new-staff.csv\n  \
    pbxbulk template --api yeastar-v1 --describe\n  \
    pbxbulk template --api openvox --describe --weak-passwords | less")]
pub(crate) struct TemplateArgs {
    /// The API whose columns and rules to print.
    #[arg(long, env = env::API, value_parser = ApiParser)]
    pub(crate) api: Option<&'static Vendor>,
    /// Print the field rules as a table instead.
    #[arg(long)]
    pub(crate) describe: bool,
    /// Describe passwords under the PBX's weak policy.
    #[arg(long)]
    pub(crate) weak_passwords: bool,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk demo\n  \
    pbxbulk demo --report /tmp/demo-report.csv")]
pub(crate) struct DemoArgs {
    /// Where to write the demo's report.
    #[arg(long, default_value = defaults::DEMO_REPORT)]
    pub(crate) report: PathBuf,
}

#[cfg(test)]
mod tests;
