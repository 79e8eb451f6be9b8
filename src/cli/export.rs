//! `pbxbulk export`: its flags, and the options they give.

use std::path::PathBuf;

use clap::Args;

use super::origins::Origins;
use super::shared::{ConnectArgs, OutputArgs, ProfileArgs, ReadsArgs};
use super::word::WordParser;
use crate::output::workbook::ReportFormat;
use crate::settings::Options;
use crate::settings::values::{self, Encoding};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk export --api yeastar-v2 --url https://192.0.2.10:8088 --user api -o directory.csv\n  \
    pbxbulk export --profile hq -o directory.xlsx\n  \
    pbxbulk export --profile hq -o - --encoding gbk > directory-gbk.csv")]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub(crate) connect: ConnectArgs,
    #[command(flatten)]
    pub(crate) profile: ProfileArgs,
    /// The spreadsheet to write, in the columns import takes; - writes CSV to standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// What -o is written as [default: xlsx for a name ending in .xlsx, else csv].
    #[arg(long, value_parser = WordParser::<ReportFormat>::new())]
    pub(crate) report_format: Option<ReportFormat>,
    /// Write the CSV in this encoding (gbk, big5, shift_jis, windows-1252, utf-16le, …)
    /// [default: UTF-8 with a BOM; none on standard output].
    #[arg(long, value_name = "NAME", value_parser = values::encoding)]
    pub(crate) encoding: Option<Encoding>,
    #[command(flatten)]
    pub(crate) reads: ReadsArgs,
    #[command(flatten)]
    pub(crate) output_args: OutputArgs,
}

impl ExportArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        let own = Options {
            output: at.of("output", self.output.clone()),
            report_format: at.of("report_format", self.report_format),
            encoding: at.of("encoding", self.encoding),
            ..Options::default()
        };
        own.combine(self.connect.options(at))
            .combine(self.profile.options(at))
            .combine(self.reads.options(at))
            .combine(self.output_args.options(at))
    }
}
