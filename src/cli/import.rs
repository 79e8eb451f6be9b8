//! `pbxbulk import`: its flags, and the options they give.

use std::path::PathBuf;

use clap::Args;

use super::api::ApiParser;
use super::origins::Origins;
use super::shared::{ConnectArgs, OutputArgs, ProfileArgs, ReadArgs, RunArgs};
use super::word::WordParser;
use crate::output::workbook::ReportFormat;
use crate::settings::Options;
use crate::vendors::Vendor;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk import staff.csv --api yeastar-v2 --url https://192.0.2.10:8088 --user api\n  \
    pbxbulk import staff.csv --profile hq --mode sync --prune --dry-run\n  \
    pbxbulk import staff.csv --profile hq --summary-json run.json --resume")]
pub(crate) struct ImportArgs {
    /// The spreadsheet (CSV or other text in any encoding, XLSX, XLS, ODS); - reads standard
    /// input.
    pub(crate) file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    #[command(flatten)]
    pub(crate) profile: ProfileArgs,
    /// Read the file's columns through this mapping (TOML: renames, templates, constants,
    /// value tables, ignored columns, rows to skip).
    #[arg(long, value_name = "FILE", conflicts_with = "from_api")]
    pub(crate) map: Option<PathBuf>,
    /// The file is in another API's columns (an export of it): convert each row through the
    /// field correspondence of the two APIs.
    #[arg(long, value_name = "API", value_parser = ApiParser)]
    pub(crate) from_api: Option<&'static Vendor>,
    #[command(flatten)]
    pub(crate) run: RunArgs,
    /// Where to write the report [default: beside the input, FILE.report.csv (or .xlsx)].
    #[arg(long, value_name = "PATH")]
    pub(crate) report: Option<PathBuf>,
    /// What the report is written as; a workbook is written when the run ends, its lines
    /// going to REPORT.xlsx.partial.csv until then [default: xlsx for a --report ending in
    /// .xlsx, else csv].
    #[arg(long, value_parser = WordParser::<ReportFormat>::new())]
    pub(crate) report_format: Option<ReportFormat>,
    /// Also write the run as one self-contained HTML page for people: counts, errors with
    /// what to try, throughput and latency charts, and every failed or invalid row.
    #[arg(long, value_name = "FILE")]
    pub(crate) report_html: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) output: OutputArgs,
}

impl ImportArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        let own = Options {
            file: at.of("file", self.file.clone()),
            map: at.of("map", self.map.clone()),
            from_api: at.of("from_api", self.from_api),
            report: at.of("report", self.report.clone()),
            report_format: at.of("report_format", self.report_format),
            report_html: at.of("report_html", self.report_html.clone()),
            ..Options::default()
        };
        own.combine(self.read.options(at))
            .combine(self.connect.options(at))
            .combine(self.profile.options(at))
            .combine(self.run.options(at))
            .combine(self.output.options(at))
    }
}
