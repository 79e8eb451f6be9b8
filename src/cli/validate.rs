//! `pbxbulk validate`: its flags, and the options they give.

use std::path::PathBuf;

use clap::Args;

use super::api::ApiParser;
use super::origins::Origins;
use super::shared::{ProfileArgs, ReadArgs};
use super::word::WordParser;
use crate::domain::Mode;
use crate::input::layouts::Layout;
use crate::settings::defaults::{self, env};
use crate::settings::{Options, values};
use crate::vendors::Vendor;

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk validate staff.csv --api yeastar-v2\n  \
    pbxbulk validate staff.csv --api yeastar-v2 --mode add --report check.csv\n  \
    pbxbulk validate staff.csv --profile hq --summary-json check.json")]
pub(crate) struct ValidateArgs {
    /// The spreadsheet (CSV or other text in any encoding, XLSX, XLS, ODS); - reads standard
    /// input.
    pub(crate) file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// The API whose rules apply.
    #[arg(long, env = env::API, value_parser = ApiParser)]
    pub(crate) api: Option<&'static Vendor>,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,
    #[command(flatten)]
    pub(crate) profile: ProfileArgs,
    /// Write a per-row report here (CSV); without it the problems are listed on the terminal.
    #[arg(long, value_name = "PATH")]
    pub(crate) report: Option<PathBuf>,
    /// What the rows will do: add checks the fields adding requires; update and upsert cannot
    /// know which rows are new.
    #[arg(long, default_value = defaults::MODE, value_parser = WordParser::<Mode>::new())]
    pub(crate) mode: Option<Mode>,
    /// The PBX is set to weak passwords (shorter passwords pass).
    #[arg(long)]
    pub(crate) weak_passwords: bool,
    /// A broken rule that no document of the API states refuses the row; without it the row
    /// warns and is sent (template --describe marks such rules inferred).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Read the file's columns through this mapping (TOML: renames, templates, constants,
    /// value tables, ignored columns, rows to skip).
    #[arg(long, value_name = "FILE")]
    pub(crate) map: Option<PathBuf>,
    /// Print what the first N rows become after the mapping (secrets hidden).
    #[arg(long, value_name = "N", default_value = defaults::SHOW_MAPPED, value_parser = values::count)]
    pub(crate) show_mapped: Option<usize>,
    /// With --mode add: rows that leave their credentials blank get generated ones.
    #[arg(long)]
    pub(crate) generate_passwords: bool,
    /// The file is in another system's own layout: freepbx, 3cx, yeastar-s-web, yeastar-p-web,
    /// grandstream (its columns read through the shared field vocabulary).
    #[arg(long, value_name = "NAME", value_parser = values::layout, conflicts_with = "map")]
    pub(crate) layout: Option<&'static Layout>,
    /// Rows are keyed by this field, as an import with --match would match them (offline, no
    /// row matches: two rows with one key are still errors).
    #[arg(long = "match", value_name = "FIELD")]
    pub(crate) match_field: Option<String>,
    /// Rows with no number are given one of these ranges, as an import would on an empty PBX.
    #[arg(long, value_name = "FROM-TO", value_parser = values::range)]
    pub(crate) assign_numbers: Vec<(u64, u64)>,
    /// Write how the check went as JSON to FILE (- for standard output), however it ends;
    /// schema in docs/REFERENCE.md.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) summary_json: Option<PathBuf>,
}

impl ValidateArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        let own = Options {
            file: at.of("file", self.file.clone()),
            api: at.of("api", self.api),
            edition: at.of("edition", self.edition.clone()),
            report: at.of("report", self.report.clone()),
            mode: at.of("mode", self.mode),
            weak_passwords: at.switch("weak_passwords", self.weak_passwords),
            strict: at.switch("strict", self.strict),
            map: at.of("map", self.map.clone()),
            show_mapped: at.of("show_mapped", self.show_mapped),
            generate_passwords: at.switch("generate_passwords", self.generate_passwords),
            layout: at.of("layout", self.layout),
            match_field: at.of("match_field", self.match_field.clone()),
            assign_numbers: at.list("assign_numbers", self.assign_numbers.clone()),
            summary_json: at.of("summary_json", self.summary_json.clone()),
            ..Options::default()
        };
        own.combine(self.read.options(at))
            .combine(self.profile.options(at))
    }
}
