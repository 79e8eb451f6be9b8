//! `pbxbulk plan`, `show` and `apply`: review before writing. Their flags, and the options
//! they give; `plan` takes every flag of `import` besides its own.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::import::ImportArgs;
use super::origins::Origins;
use super::shared::password;
use super::word::WordParser;
use crate::output::workbook::ReportFormat;
use crate::settings::Options;
use crate::settings::defaults::{self, env};
use crate::settings::values;

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
    pub(crate) out: Option<PathBuf>,
    /// Sign the plan with the key in FILE (HMAC-SHA256; at least 16 bytes), so that
    /// apply --sign-key FILE takes it. The key is only ever read from the file.
    #[arg(long, value_name = "FILE")]
    pub(crate) sign_key: Option<PathBuf>,
}

impl PlanArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        let own = Options {
            output: at.of("out", self.out.clone()),
            sign_key: at.of("sign_key", self.sign_key.clone()),
            ..Options::default()
        };
        own.combine(self.import.options(at))
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk show night.plan\n  \
    pbxbulk show night.plan --json\n  \
    pbxbulk show night.plan --approve --sign-key /etc/pbxbulk/approve.key")]
pub(crate) struct ShowArgs {
    /// The plan `pbxbulk plan --out` wrote.
    pub(crate) plan: Option<PathBuf>,
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

impl ShowArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            plan: at.of("plan", self.plan.clone()),
            json: at.switch("json", self.json),
            sign_key: at.of("sign_key", self.sign_key.clone()),
            approve: at.switch("approve", self.approve),
            ..Options::default()
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk apply night.plan\n  \
    pbxbulk apply night.plan --sign-key /etc/pbxbulk/approve.key --verify --summary-json -\n  \
    pbxbulk apply night.plan --resume")]
pub(crate) struct ApplyArgs {
    /// The plan `pbxbulk plan --out` wrote.
    pub(crate) plan: Option<PathBuf>,
    /// A file whose first line is the API password (otherwise $PBXBULK_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Apply the plan only if it is signed with the key in FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) sign_key: Option<PathBuf>,
    /// Where to write the report [default: the plan's, given to plan as --report, or beside
    /// the input].
    #[arg(long, value_name = "PATH")]
    pub(crate) report: Option<PathBuf>,
    /// What the report is written as [default: xlsx for a --report ending in .xlsx, else
    /// csv].
    #[arg(long, value_parser = WordParser::<ReportFormat>::new())]
    pub(crate) report_format: Option<ReportFormat>,
    /// After the writes, read every written extension back and compare the fields sent
    /// (report column verify); a mismatch is exit 1, reason verify_mismatch.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Also write the run as one self-contained HTML page for people.
    #[arg(long, value_name = "FILE")]
    pub(crate) report_html: Option<PathBuf>,
    /// Write how the run went as JSON to FILE (- for standard output), however it ends;
    /// schema in docs/REFERENCE.md.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) summary_json: Option<PathBuf>,
    /// Finish an interrupted apply of the same plan (same --report).
    #[arg(long)]
    pub(crate) resume: bool,
    /// When standard error is not a terminal: a progress line every SECS.
    #[arg(long, value_name = "SECS", default_value = defaults::PROGRESS_EVERY, value_parser = values::secs)]
    pub(crate) progress_every: Option<Duration>,
}

impl ApplyArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            plan: at.of("plan", self.plan.clone()),
            password: password(at, "password_file", &self.password_file, env::PASSWORD),
            sign_key: at.of("sign_key", self.sign_key.clone()),
            report: at.of("report", self.report.clone()),
            report_format: at.of("report_format", self.report_format),
            verify: at.switch("verify", self.verify),
            report_html: at.of("report_html", self.report_html.clone()),
            summary_json: at.of("summary_json", self.summary_json.clone()),
            resume: at.switch("resume", self.resume),
            progress_every: at.of("progress_every", self.progress_every),
            ..Options::default()
        }
    }
}
