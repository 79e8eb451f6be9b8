//! What an import is told, validated: built by `settings` from the command line, read by the
//! run and by the page that reports it. Apart from the run so that the pieces the run calls
//! can take it without depending on the run.

use std::path::PathBuf;
use std::time::Duration;

use super::super::throttle::Rate;
use crate::domain::Mode;
use crate::input::{Mapping, ReadSettings};
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions};
use crate::plan::PruneSettings;
use crate::vendors::Vendor;

/// Everything an import needs, validated (built by `settings` from the command line).
#[derive(Debug, Clone)]
pub(crate) struct ImportSettings {
    pub(crate) file: PathBuf,
    pub(crate) api: &'static Vendor,
    /// The file's columns go through this first (`--map`, or a conversion between APIs).
    pub(crate) mapping: Option<Mapping>,
    /// Where `mapping` came from, for a plan to say (and `apply` to read it again).
    pub(crate) columns: Option<Columns>,
    pub(crate) connection: Connection,
    pub(crate) mode: Mode,
    pub(crate) wire: WireOptions,
    /// Deletes, with `--mode sync --prune`.
    pub(crate) prune: Option<PruneSettings>,
    /// `--prune-range`, `--max-delete`: what deletes may do, the prune's and the leavers'.
    pub(crate) safeguards: PruneSettings,
    /// `--match FIELD`: rows are matched to extensions by this field (its position).
    pub(crate) match_field: Option<usize>,
    /// `--assign-numbers`: a row with no number that matches nothing gets one of these.
    pub(crate) assign: Vec<(u64, u64)>,
    pub(crate) dry_run: bool,
    /// Finish an interrupted run from its journal.
    pub(crate) resume: bool,
    pub(crate) rate: Rate,
    pub(crate) concurrency: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) report: PathBuf,
    pub(crate) weak_passwords: bool,
    /// `--strict`: an inferred rule refuses rather than warns.
    pub(crate) strict: bool,
    /// New extensions get the credentials their rows leave blank.
    pub(crate) generate_passwords: bool,
    /// Send secrets the PBX does not hand back for extensions that exist (`--update-secrets`).
    pub(crate) update_secrets: bool,
    pub(crate) heartbeat: Duration,
    /// With stderr not a terminal: a progress line this often.
    pub(crate) progress_every: Duration,
    /// Where to write the JSON summary (`-`: standard output).
    pub(crate) summary_json: Option<PathBuf>,
    /// Where to write the page people read (`--report-html`).
    pub(crate) report_html: Option<PathBuf>,
    /// Read every written extension back at the end and compare (`--verify`).
    pub(crate) verify: bool,
    /// The command the run is, as the page names it (`import`, `migrate`, `apply`).
    pub(crate) command: &'static str,
    pub(crate) report_format: ReportFormat,
    /// How to read the file (`--encoding`, `--sheet`, `--plus-prefix`).
    pub(crate) read: ReadSettings,
}

/// Where a mapping of the file's columns comes from.
#[derive(Debug, Clone)]
pub(crate) enum Columns {
    /// `--map FILE`.
    Map(PathBuf),
    /// `--from-api API`: the file is that API's export.
    FromApi(&'static Vendor),
}
