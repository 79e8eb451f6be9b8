//! The command line, as clap sees it. Nothing here does I/O: `settings` turns these into
//! validated settings first (merging a `--profile` under the flags and the environment, which
//! is why the settings a profile may give have no clap default here: the defaults are named in
//! the help and applied in `settings`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod api;
use api::ApiParser;

#[derive(Debug, Parser)]
#[command(
    name = "pbxbulk",
    version,
    about = "Import and export whole directories of PBX extensions through the PBXs' own APIs",
    after_help = "Exit codes: 0 every row ok or unchanged; 1 some rows invalid or failed (see the \
                  report); 2 nothing or not everything could be attempted.\n\n\
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
    /// Decide every row as import would and write the decisions to a plan for review;
    /// nothing is sent.
    Plan(PlanArgs),
    /// Print a plan for review: counts, then each change old → new, the deletes first.
    Show(ShowArgs),
    /// Send exactly a reviewed plan's writes; refused (exit 2, stale_plan) if the PBX, the
    /// input or the plan changed.
    Apply(ApplyArgs),
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
    /// Print the manual page (roff).
    #[command(after_help = "Examples:\n  \
        pbxbulk man > pbxbulk.1 && man ./pbxbulk.1\n  \
        pbxbulk man | gzip > /usr/local/share/man/man1/pbxbulk.1.gz")]
    Man,
}

/// Which PBX API to speak: a registered API, by name in any case.
pub(crate) type ApiArg = &'static crate::vendors::Vendor;

/// How request and answer bodies are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BodyArg {
    /// JSON (every API).
    Json,
    /// XML (OpenVox only).
    Xml,
}

/// What the report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormatArg {
    /// CSV, UTF-8 with a BOM, one line flushed per row.
    Csv,
    /// An Excel workbook, written when the run ends (until then the lines go to
    /// REPORT.partial.csv beside it).
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeArg {
    /// Every row creates an extension.
    Add,
    /// Every row changes an existing extension.
    Update,
    /// Add the rows the PBX does not have, update the others.
    Upsert,
    /// Like upsert, and --prune deletes what the file does not list.
    Sync,
}

/// How a spreadsheet is read, on every command that reads one.
#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// The text file's encoding (utf-8, utf-16le, gbk, big5, shift_jis, windows-1252, …)
    /// instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub(crate) encoding: Option<String>,
    /// The workbook's sheet to read (default: the first).
    #[arg(long, value_name = "NAME")]
    pub(crate) sheet: Option<String>,
    /// Turn a phone number's leading + into these digits (e.g. 00: +86… becomes 0086…);
    /// without it, a leading + is refused.
    #[arg(long, value_name = "DIGITS")]
    pub(crate) plus_prefix: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk validate staff.csv --api yeastar-v2\n  \
    pbxbulk validate staff.csv --api yeastar-v2 --mode add --report check.csv\n  \
    pbxbulk validate staff.csv --api openvox --weak-passwords")]
pub(crate) struct ValidateArgs {
    /// The spreadsheet (CSV or other text in any encoding, XLSX, XLS, ODS); - reads standard
    /// input.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    #[arg(long, env = "PBXBULK_API", value_parser = ApiParser)]
    pub(crate) api: ApiArg,
    /// Write a per-row report here (CSV).
    #[arg(long)]
    pub(crate) report: Option<PathBuf>,
    /// add checks the fields adding requires; update and upsert cannot know which rows are new.
    #[arg(long, value_enum, default_value = "upsert")]
    pub(crate) mode: ModeArg,
    /// The PBX is set to weak passwords (shorter passwords pass).
    #[arg(long)]
    pub(crate) weak_passwords: bool,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,
    /// Read the file's columns through this mapping (TOML: renames, templates, constants,
    /// value tables, ignored columns, rows to skip).
    #[arg(long, value_name = "FILE")]
    pub(crate) map: Option<PathBuf>,
    /// Print what the first N rows become after the mapping (secrets hidden).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) show_mapped: usize,
    /// With --mode add: rows that leave their credentials blank get generated ones.
    #[arg(long)]
    pub(crate) generate_passwords: bool,
}

/// Which PBX, and how to reach it; each may come from a profile (`--profile`), below the
/// flags and the environment.
#[derive(Debug, Args)]
pub(crate) struct ConnectArgs {
    /// The PBX's API (or $PBXBULK_API, or the profile's).
    #[arg(long, env = "PBXBULK_API", value_parser = ApiParser)]
    pub(crate) api: Option<ApiArg>,
    /// The PBX's base URL, e.g. https://192.0.2.10:8088 (Verba: the service endpoint,
    /// http://recorder:7002/provisioning).
    #[arg(long, env = "PBXBULK_URL")]
    pub(crate) url: Option<String>,
    /// The API user name.
    #[arg(long, env = "PBXBULK_USER")]
    pub(crate) user: Option<String>,
    /// A file whose first line is the API password (otherwise $PBXBULK_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Accept any certificate (PBXs with self-signed certificates).
    #[arg(long, conflicts_with = "ca_cert")]
    pub(crate) insecure: bool,
    /// Trust this PEM certificate (the PBX's own, or its CA).
    #[arg(long, value_name = "PEM")]
    pub(crate) ca_cert: Option<PathBuf>,
    /// Seconds to wait for each answer [default: 30].
    #[arg(long, value_name = "SECS")]
    pub(crate) timeout: Option<f64>,
    /// Request and answer bodies (OpenVox takes JSON or XML) [default: json].
    #[arg(long, value_enum)]
    pub(crate) body: Option<BodyArg>,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,
    /// Verba: the tenant (environment ID) to request the token for [default: 0000];
    /// `all` (export only): every tenant the token may see, the token requested for `0000`.
    #[arg(long, env = "PBXBULK_EID")]
    pub(crate) eid: Option<String>,
    /// The config file that holds the profiles
    /// [default: pbxbulk/config.toml in the user's config directory].
    #[arg(long, env = "PBXBULK_CONFIG", value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Take every setting this profile of the config file gives; flags and the environment
    /// still win.
    #[arg(long, env = "PBXBULK_PROFILE", value_name = "NAME")]
    pub(crate) profile: Option<String>,
}

/// How hard to push the PBX, and its password policy; each may come from a profile.
#[derive(Debug, Args)]
pub(crate) struct PaceArgs {
    /// Writes per second at most; 0 for no limit; auto to find the PBX's own pace
    /// [default: 10].
    #[arg(long, value_name = "PER_SEC|auto")]
    pub(crate) rate: Option<String>,
    /// Requests in flight at most, reads and writes alike [default: 4].
    #[arg(long, value_name = "N")]
    pub(crate) concurrency: Option<usize>,
    /// Retries of a request that failed for a passing reason (timeouts, 5xx, errno 10025)
    /// [default: 3].
    #[arg(long, value_name = "N")]
    pub(crate) retries: Option<u32>,
    /// The PBX is set to weak passwords (shorter passwords pass).
    #[arg(long)]
    pub(crate) weak_passwords: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk import staff.csv --api yeastar-v2 --url https://192.0.2.10:8088 --user api\n  \
    pbxbulk import staff.csv --profile hq --mode sync --prune --dry-run\n  \
    pbxbulk import staff.csv --profile hq --summary-json run.json --resume")]
pub(crate) struct ImportArgs {
    /// The spreadsheet (CSV or other text in any encoding, XLSX, XLS, ODS); - reads standard
    /// input.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    /// Read the file's columns through this mapping (TOML: renames, templates, constants,
    /// value tables, ignored columns, rows to skip).
    #[arg(long, value_name = "FILE", conflicts_with = "from_api")]
    pub(crate) map: Option<PathBuf>,
    /// The file is in another API's columns (an export of it): convert each row through the
    /// field correspondence of the two APIs.
    #[arg(long, value_name = "API", value_parser = ApiParser)]
    pub(crate) from_api: Option<ApiArg>,
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// What to write the report as [default: xlsx for a --report ending in .xlsx, else csv].
    #[arg(long, value_enum)]
    pub(crate) report_format: Option<ReportFormatArg>,
    /// Write how the run went as JSON to FILE (- for standard output); schema in the README.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) summary_json: Option<PathBuf>,
    /// Also write the run as one self-contained HTML page for people: counts, errors with
    /// what to try, throughput and latency charts, and every failed or invalid row.
    #[arg(long, value_name = "FILE")]
    pub(crate) report_html: Option<PathBuf>,
    /// When standard error is not a terminal: a progress line every SECS.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub(crate) progress_every: f64,
}

/// How an import (or a migration) runs: the flags `import` and `migrate` share.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    #[arg(long, value_enum, default_value = "upsert")]
    pub(crate) mode: ModeArg,
    /// With --mode sync: delete extensions the file does not list.
    #[arg(long)]
    pub(crate) prune: bool,
    /// With --prune: delete only numbers in this range (repeatable), e.g. 1000-1999.
    #[arg(long, value_name = "FROM-TO", requires = "prune")]
    pub(crate) prune_range: Vec<String>,
    /// With --prune: refuse (exit 2, nothing written) above this many deletes, or this share
    /// of the extensions on the PBX (e.g. 1%) [default: 10%].
    #[arg(long, value_name = "N|P%", requires = "prune")]
    pub(crate) max_delete: Option<String>,
    /// Log in and plan, but write nothing; the report shows what would be sent.
    #[arg(long, conflicts_with = "resume")]
    pub(crate) dry_run: bool,
    /// Finish an interrupted run (same file, same --report): rows it finished are not sent
    /// again, rows it had in flight are checked against the PBX first.
    #[arg(long)]
    pub(crate) resume: bool,
    #[command(flatten)]
    pub(crate) pace: PaceArgs,
    /// Reads of the PBX (the listing, queries) per second at most; 0 for no limit
    /// [default: no limit]. --rate limits the writes only.
    #[arg(long, value_name = "PER_SEC")]
    pub(crate) read_rate: Option<f64>,
    /// Where to write the report (default: beside the input, FILE.report.csv or .xlsx).
    #[arg(long)]
    pub(crate) report: Option<PathBuf>,
    /// Rows that add an extension and leave its credentials blank get a registername (the
    /// number) and random passwords, written only to REPORT.credentials.csv (mode 0600).
    #[arg(long)]
    pub(crate) generate_passwords: bool,
    /// Send passwords in the sheet for extensions that exist even where the PBX does not hand
    /// them back to compare (without it, a sync never rewrites such a secret).
    #[arg(long)]
    pub(crate) update_secrets: bool,
    /// Send each added extension's user the PBX's welcome e-mail (yeastar-p); never by default.
    #[arg(long)]
    pub(crate) welcome_email: bool,
    /// After the writes, read every written extension back and compare the fields sent
    /// (report column verify); a mismatch is exit 1, reason verify_mismatch.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Seconds without traffic before a heartbeat keeps the token alive.
    #[arg(long, default_value_t = 300.0, hide = true)]
    pub(crate) heartbeat_secs: f64,
}

/// `migrate`: two PBXs, each with its own connection; passwords from files or the
/// environment only.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk migrate --from yeastar-v1 --from-url https://old-pbx:8088 --from-user api \\\n      \
    --to yeastar-v2 --to-url https://new-pbx:8088 --to-user api --dry-run\n  \
    pbxbulk migrate --from openvox --from-url http://ippbx --from-user api --from-body xml \\\n      \
    --to yeastar-v2 --to-url https://new-pbx:8088 --to-user api --generate-passwords")]
pub(crate) struct MigrateArgs {
    /// The API of the PBX the directory comes from.
    #[arg(long, value_name = "API", value_parser = ApiParser)]
    pub(crate) from: ApiArg,
    #[arg(long, value_name = "URL")]
    pub(crate) from_url: String,
    #[arg(long, value_name = "NAME")]
    pub(crate) from_user: String,
    /// A file whose first line is the source's API password (otherwise $PBXBULK_FROM_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) from_password_file: Option<PathBuf>,
    /// The source's bodies (OpenVox takes JSON or XML).
    #[arg(long, value_enum, default_value = "json")]
    pub(crate) from_body: BodyArg,
    /// Verba source: the tenant to request the token for.
    #[arg(long, default_value = "0000")]
    pub(crate) from_eid: String,
    /// Trust this PEM certificate for the source.
    #[arg(long, value_name = "PEM")]
    pub(crate) from_ca_cert: Option<PathBuf>,
    /// The API of the PBX the directory goes to.
    #[arg(long, value_name = "API", value_parser = ApiParser)]
    pub(crate) to: ApiArg,
    #[arg(long, value_name = "URL")]
    pub(crate) to_url: String,
    #[arg(long, value_name = "NAME")]
    pub(crate) to_user: String,
    /// A file whose first line is the target's API password (otherwise $PBXBULK_TO_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) to_password_file: Option<PathBuf>,
    /// The target's bodies (OpenVox takes JSON or XML).
    #[arg(long, value_enum, default_value = "json")]
    pub(crate) to_body: BodyArg,
    /// The target's product edition, where its API's editions differ (yeastar-p).
    #[arg(long, value_name = "EDITION")]
    pub(crate) to_edition: Option<String>,
    /// Verba target: the tenant to request the token for, and new extensions' eid.
    #[arg(long, default_value = "0000")]
    pub(crate) to_eid: String,
    /// Trust this PEM certificate for the target.
    #[arg(long, value_name = "PEM")]
    pub(crate) to_ca_cert: Option<PathBuf>,
    /// Accept any certificate, on both sides.
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub(crate) timeout: f64,
    /// Convert through this mapping (in the source's columns) instead of the built-in field
    /// correspondence of the two APIs.
    #[arg(long, value_name = "FILE")]
    pub(crate) map: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// Also write the migration as one self-contained HTML page for people (the sign-off).
    #[arg(long, value_name = "FILE")]
    pub(crate) report_html: Option<PathBuf>,
}

/// `plan`: every flag of `import`, and where the plan goes.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk plan staff.csv --profile hq --mode sync --prune --max-delete 2% --out night.plan\n  \
    pbxbulk show night.plan\n  \
    pbxbulk apply night.plan --verify")]
pub(crate) struct PlanArgs {
    #[command(flatten)]
    pub(crate) import: ImportArgs,
    /// Where to write the plan (JSON, mode 0600).
    #[arg(long, value_name = "PLAN")]
    pub(crate) out: PathBuf,
    /// Sign the plan with the key in FILE (HMAC-SHA256; at least 16 bytes), so that
    /// apply --sign-key FILE takes it.
    #[arg(long, value_name = "FILE")]
    pub(crate) sign_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk show night.plan\n  \
    pbxbulk show night.plan --json\n  \
    pbxbulk show night.plan --approve --sign-key /etc/pbxbulk/approve.key")]
pub(crate) struct ShowArgs {
    /// The plan `pbxbulk plan --out` wrote.
    pub(crate) plan: PathBuf,
    /// Print the plan file's JSON as it is.
    #[arg(long)]
    pub(crate) json: bool,
    /// Check the plan's signature with the key in FILE (with --approve: sign it).
    #[arg(long, value_name = "FILE")]
    pub(crate) sign_key: Option<PathBuf>,
    /// Sign the plan with --sign-key once shown: the reviewer's approval.
    #[arg(long, requires = "sign_key")]
    pub(crate) approve: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk apply night.plan\n  \
    pbxbulk apply night.plan --sign-key /etc/pbxbulk/approve.key --verify --summary-json -\n  \
    pbxbulk apply night.plan --resume")]
pub(crate) struct ApplyArgs {
    /// The plan `pbxbulk plan --out` wrote.
    pub(crate) plan: PathBuf,
    /// A file whose first line is the API password (otherwise $PBXBULK_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Apply the plan only if it is signed with the key in FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) sign_key: Option<PathBuf>,
    /// Where to write the report [default: the plan's, given to plan as --report, or beside
    /// the input].
    #[arg(long)]
    pub(crate) report: Option<PathBuf>,
    /// What to write the report as [default: xlsx for a --report ending in .xlsx, else csv].
    #[arg(long, value_enum)]
    pub(crate) report_format: Option<ReportFormatArg>,
    /// After the writes, read every written extension back and compare the fields sent.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Also write the run as one self-contained HTML page for people.
    #[arg(long, value_name = "FILE")]
    pub(crate) report_html: Option<PathBuf>,
    /// Write how the run went as JSON to FILE (- for standard output).
    #[arg(long, value_name = "FILE|-")]
    pub(crate) summary_json: Option<PathBuf>,
    /// Finish an interrupted apply of the same plan (same --report).
    #[arg(long)]
    pub(crate) resume: bool,
    /// When standard error is not a terminal: a progress line every SECS.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    pub(crate) progress_every: f64,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk export --api yeastar-v2 --url https://192.0.2.10:8088 --user api -o directory.csv\n  \
    pbxbulk export --profile hq -o directory.csv")]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    /// The spreadsheet to write: CSV (UTF-8 with a BOM), or XLSX when the name ends in
    /// .xlsx; - writes CSV to standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(crate) output: PathBuf,
    /// Reads in flight at most.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub(crate) concurrency: usize,
    /// Reads of the PBX (the listing, queries) per second at most; 0 for no limit
    /// [default: no limit]. --rate limits the writes only.
    #[arg(long, value_name = "PER_SEC")]
    pub(crate) read_rate: Option<f64>,
    /// Retries of a request that failed for a passing reason [default: 3].
    #[arg(long, value_name = "N")]
    pub(crate) retries: Option<u32>,
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
    /// Every setting a profile gives, merged under the flags and the environment, and where
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
    pub(crate) pace: PaceArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk template --api yeastar-v2 > new-staff.csv\n  \
    pbxbulk template --api yeastar-v1 --describe\n  \
    pbxbulk template --api openvox --describe --weak-passwords | less")]
pub(crate) struct TemplateArgs {
    #[arg(long, env = "PBXBULK_API", value_parser = ApiParser)]
    pub(crate) api: ApiArg,
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
    pbxbulk sim --api yeastar-v2 --listen 127.0.0.1:8088\n  \
    pbxbulk sim --api yeastar-v2 --seed existing.csv --latency-ms 20 --fail-rate 0.05\n  \
    pbxbulk sim --api verba --tls --tls-cert sim.pem")]
pub(crate) struct SimArgs {
    #[arg(long, env = "PBXBULK_API", value_parser = ApiParser)]
    pub(crate) api: ApiArg,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub(crate) listen: String,
    /// The API user name the simulator accepts.
    #[arg(long, default_value = "api")]
    pub(crate) user: String,
    /// The API password the simulator accepts.
    #[arg(
        long,
        env = "PBXBULK_PASSWORD",
        hide_env_values = true,
        default_value = "Sim-Passw0rd"
    )]
    pub(crate) password: String,
    /// Start with the extensions of this spreadsheet (any format import reads).
    #[arg(long, value_name = "FILE")]
    pub(crate) seed: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Delay every answer by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub(crate) latency_ms: u64,
    /// Answer this share of requests (0.0-1.0) with a random transient errno.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) fail_rate: f64,
    /// Drop this share of connections (0.0-1.0) after the PBX acted, with no answer.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) drop_rate: f64,
    /// Answer this share of requests (0.0-1.0) only after --slow-ms.
    #[arg(long, default_value_t = 0.0)]
    pub(crate) slow_rate: f64,
    /// How late a slow answer comes, in milliseconds.
    #[arg(long, default_value_t = 5000)]
    pub(crate) slow_ms: u64,
    /// Idle seconds after which a token expires (the PBX's is 1800; traffic extends it).
    #[arg(long, default_value_t = 1800.0)]
    pub(crate) token_ttl_secs: f64,
    /// Expire every token this many seconds after login, traffic or not (fault knob).
    #[arg(long)]
    pub(crate) token_max_age_secs: Option<f64>,
    /// Expire every token after this many requests (a deterministic expiry, for tests).
    #[arg(long, value_name = "N")]
    pub(crate) token_max_uses: Option<u64>,
    /// Writes per second above which the PBX answers errno 10025.
    #[arg(long)]
    pub(crate) max_writes_per_sec: Option<u32>,
    /// Enforce the weak password policy instead of the strong one.
    #[arg(long)]
    pub(crate) weak_passwords: bool,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,
    /// Seed for the fault injector, for reproducible runs.
    #[arg(long)]
    pub(crate) random_seed: Option<u64>,
    /// Serve HTTPS with a self-signed certificate made at start (its PEM path is printed).
    #[arg(long)]
    pub(crate) tls: bool,
    /// With --tls: write the certificate's PEM here.
    #[arg(long, value_name = "PEM", requires = "tls")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// Where the vendor documents are silent, take the other plausible behaviour (repeatable):
    /// openvox-userpassword=plain|md5, spelling=exact|lenient, drop-field=none|FIELD (answer a
    /// write as done but keep the field as it was), verba-get-missing=ok-empty|STATUS,
    /// verba-unknown-user=STATUS, verba-update-missing=STATUS, verba-provider-eid=EID.
    #[arg(long, value_name = "KEY=VALUE")]
    pub(crate) inferred: Vec<String>,
    /// Verba: a further tenant, `EID` or `EID=SHORTNAME` (repeatable); `0000` (`Ref.`) and the
    /// seed's tenants always exist.
    #[arg(long, value_name = "EID[=NAME]")]
    pub(crate) tenant: Vec<String>,
    /// Verba: users the service knows, a CSV with the columns `id,loginname,eid`; the seed's
    /// `userid` and `userloginname` cells name users too.
    #[arg(long, value_name = "FILE")]
    pub(crate) users: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk demo\n  \
    pbxbulk demo --report /tmp/demo-report.csv")]
pub(crate) struct DemoArgs {
    /// Where to write the demo's report.
    #[arg(long, default_value = "pbxbulk-demo-report.csv")]
    pub(crate) report: PathBuf,
}
