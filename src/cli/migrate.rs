//! `pbxbulk migrate`: its flags, and the options they give, side by side.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::api::ApiParser;
use super::origins::Origins;
use super::shared::{OutputArgs, RunArgs, body_help, password};
use super::word::WordParser;
use crate::output::workbook::ReportFormat;
use crate::settings::defaults::{self, env};
use crate::settings::values::{self, Body, Encoding};
use crate::settings::{MigrateOptions, Options};
use crate::vendors::Vendor;

/// Two PBXs, each with its own connection (from its flags, over its own profile); passwords
/// from files or the environment only.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk migrate --from yeastar-v1 --from-url https://old-pbx:8088 --from-user api \\\n      \
    --to yeastar-v2 --to-url https://new-pbx:8088 --to-user api --dry-run\n  \
    pbxbulk migrate --from openvox --from-url http://ippbx --from-user api --from-body xml \\\n      \
    --to yeastar-v2 --to-url https://new-pbx:8088 --to-user api --generate-passwords\n  \
    pbxbulk migrate --from-profile old --to-profile new --profile nightly --summary-json m.json")]
pub(crate) struct MigrateArgs {
    /// The API of the PBX the directory comes from.
    #[arg(long, value_name = "API", value_parser = ApiParser)]
    pub(crate) from: Option<&'static Vendor>,
    /// The source's product edition, where its API's editions differ (yeastar-p).
    #[arg(long, value_name = "EDITION")]
    pub(crate) from_edition: Option<String>,
    /// The source PBX's base URL.
    #[arg(long, value_name = "URL")]
    pub(crate) from_url: Option<String>,
    /// The source's API user name.
    #[arg(long, value_name = "NAME")]
    pub(crate) from_user: Option<String>,
    /// A file whose first line is the source's API password (otherwise
    /// $PBXBULK_FROM_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) from_password_file: Option<PathBuf>,
    #[arg(long, value_parser = WordParser::<Body>::new(), help = body_help("The source's bodies"))]
    pub(crate) from_body: Option<Body>,
    /// Verba source: the tenant to request the token for [default: 0000].
    #[arg(long, value_name = "EID")]
    pub(crate) from_eid: Option<String>,
    /// Trust this PEM certificate for the source.
    #[arg(long, value_name = "PEM")]
    pub(crate) from_ca_cert: Option<PathBuf>,
    /// The profile that gives the source's connection (api, url, user, password, eid, body,
    /// timeout, ca-cert); its other keys are not used.
    #[arg(long, value_name = "NAME")]
    pub(crate) from_profile: Option<String>,
    /// The API of the PBX the directory goes to.
    #[arg(long, value_name = "API", value_parser = ApiParser)]
    pub(crate) to: Option<&'static Vendor>,
    /// The target's product edition, where its API's editions differ (yeastar-p).
    #[arg(long, value_name = "EDITION")]
    pub(crate) to_edition: Option<String>,
    /// The target PBX's base URL.
    #[arg(long, value_name = "URL")]
    pub(crate) to_url: Option<String>,
    /// The target's API user name.
    #[arg(long, value_name = "NAME")]
    pub(crate) to_user: Option<String>,
    /// A file whose first line is the target's API password (otherwise $PBXBULK_TO_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) to_password_file: Option<PathBuf>,
    #[arg(long, value_parser = WordParser::<Body>::new(), help = body_help("The target's bodies"))]
    pub(crate) to_body: Option<Body>,
    /// Verba target: the tenant to request the token for, and new extensions' eid
    /// [default: 0000].
    #[arg(long, value_name = "EID")]
    pub(crate) to_eid: Option<String>,
    /// Trust this PEM certificate for the target.
    #[arg(long, value_name = "PEM")]
    pub(crate) to_ca_cert: Option<PathBuf>,
    /// The profile that gives the target's connection, as --from-profile the source's.
    #[arg(long, value_name = "NAME")]
    pub(crate) to_profile: Option<String>,
    /// Accept any certificate, on both sides.
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Seconds to wait for each answer, on both sides [default: each side's profile's, else
    /// 30].
    #[arg(long, value_name = "SECS", value_parser = values::secs)]
    pub(crate) timeout: Option<Duration>,
    /// The config file that holds the profiles [default: pbxbulk/config.toml in the user's
    /// config directory].
    #[arg(long, env = env::CONFIG, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// The profile that gives the pace and output keys (rate, read-rate, concurrency, retries,
    /// weak-passwords, encoding, report-format, progress-every); flags still win.
    #[arg(long, env = env::PROFILE, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Convert through this mapping (in the source's columns) instead of the built-in field
    /// correspondence of the two APIs.
    #[arg(long, value_name = "FILE")]
    pub(crate) map: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// Where to write the report; what was read from the source goes beside it, in
    /// REPORT.source.csv.
    #[arg(long, value_name = "PATH", default_value = defaults::MIGRATE_REPORT)]
    pub(crate) report: Option<PathBuf>,
    /// What the report is written as; a workbook is written when the run ends, its lines
    /// going to REPORT.xlsx.partial.csv until then [default: xlsx for a --report ending in
    /// .xlsx, else csv].
    #[arg(long, value_parser = WordParser::<ReportFormat>::new())]
    pub(crate) report_format: Option<ReportFormat>,
    /// The encoding of REPORT.source.csv, the source's directory as read (and re-imported)
    /// [default: UTF-8].
    #[arg(long, value_name = "NAME", value_parser = values::encoding)]
    pub(crate) encoding: Option<Encoding>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

impl MigrateArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> MigrateOptions {
        let both = Options {
            insecure: at.switch("insecure", self.insecure),
            timeout: at.of("timeout", self.timeout),
            config: at.of("config", self.config.clone()),
            ..Options::default()
        };
        let from = Options {
            api: at.of("from", self.from),
            edition: at.of("from_edition", self.from_edition.clone()),
            url: at.of("from_url", self.from_url.clone()),
            user: at.of("from_user", self.from_user.clone()),
            password: password(
                at,
                "from_password_file",
                &self.from_password_file,
                env::FROM_PASSWORD,
            ),
            body: at.of("from_body", self.from_body),
            eid: at.of("from_eid", self.from_eid.clone()),
            ca_cert: at.of("from_ca_cert", self.from_ca_cert.clone()),
            profile: at.of("from_profile", self.from_profile.clone()),
            ..Options::default()
        };
        let to = Options {
            api: at.of("to", self.to),
            edition: at.of("to_edition", self.to_edition.clone()),
            url: at.of("to_url", self.to_url.clone()),
            user: at.of("to_user", self.to_user.clone()),
            password: password(
                at,
                "to_password_file",
                &self.to_password_file,
                env::TO_PASSWORD,
            ),
            body: at.of("to_body", self.to_body),
            eid: at.of("to_eid", self.to_eid.clone()),
            ca_cert: at.of("to_ca_cert", self.to_ca_cert.clone()),
            profile: at.of("to_profile", self.to_profile.clone()),
            ..Options::default()
        };
        let run = Options {
            profile: at.of("profile", self.profile.clone()),
            config: at.of("config", self.config.clone()),
            map: at.of("map", self.map.clone()),
            report: at.of("report", self.report.clone()),
            report_format: at.of("report_format", self.report_format),
            encoding: at.of("encoding", self.encoding),
            ..Options::default()
        };
        MigrateOptions {
            from: from.combine(both.clone()),
            to: to.combine(both),
            run: run
                .combine(self.run.options(at))
                .combine(self.output.options(at)),
        }
    }
}
