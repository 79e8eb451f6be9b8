//! `pbxbulk import` (and the import half of `migrate`): every setting of the run, built whole
//! from the combined options.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::connect;
use super::defaults;
use super::options::{Options, get, set};
use crate::domain::Mode;
use crate::input::{Mapping, ReadSettings};
use crate::output::check_distinct;
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions};
use crate::plan::PruneSettings;
use crate::run::ImportSettings;
use crate::vendors::{self, Vendor};

/// `pbxbulk import FILE …`.
pub(crate) fn import(cli: Options) -> anyhow::Result<ImportSettings> {
    let o = super::layered(cli)?;
    let api = connect::api(&o, &connect::ONE)?;
    let wire = connect::wire(api, &o, &connect::ONE)?;
    let file = sheet(&o, "import")?;
    // --from-api and --map exclude each other on the command line, so a map here beside
    // --from-api came from the profile: the flag wins.
    let mapping = match (get(&o.from_api), get(&o.map)) {
        (Some(from), _) => conversion(from, api, &o, &wire.eid)?,
        (None, Some(path)) => Some(Mapping::load(path)?),
        (None, None) => None,
    };
    let connection = connect::connection(&o, &connect::ONE)?;
    let report = report(&o, &file, defaults::STDIN_REPORT);
    run_settings(&o, api, Target { connection, wire }, mapping, file, report)
}

/// The sheet to read: required (`-` is standard input, never taken for a missing name).
pub(crate) fn sheet(o: &Options, command: &str) -> anyhow::Result<PathBuf> {
    match get(&o.file) {
        Some(file) => Ok(file.clone()),
        None => {
            bail!("the spreadsheet is missing: pbxbulk {command} FILE (- reads standard input)")
        }
    }
}

/// The PBX an import writes to.
pub(crate) struct Target {
    pub(crate) connection: Connection,
    pub(crate) wire: WireOptions,
}

/// The report and what it is written as: `--report`, else beside the input (`-`: the
/// working folder's `stdin_report`); `--report-format`, else by the report's name.
pub(crate) fn report(o: &Options, input: &Path, stdin_report: &str) -> (PathBuf, ReportFormat) {
    let format = get(&o.report_format).copied();
    match get(&o.report) {
        Some(report) => (report.clone(), format.unwrap_or(ReportFormat::of(report))),
        None => {
            let format = format.unwrap_or(ReportFormat::Csv);
            let beside = match input == Path::new("-") {
                true => PathBuf::from(stdin_report),
                false => {
                    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
                    input.with_file_name(format!("{stem}.report.csv"))
                }
            };
            match format {
                ReportFormat::Csv => (beside, format),
                ReportFormat::Xlsx => (beside.with_extension("xlsx"), format),
            }
        }
    }
}

/// The conversion of a sheet in `from`'s columns into `to`'s fields, or why the pair cannot be
/// done in this mode.
pub(crate) fn conversion(
    from: &'static Vendor,
    to: &'static Vendor,
    o: &Options,
    eid: &str,
) -> anyhow::Result<Option<Mapping>> {
    let adds = matches!(set(&o.mode), Mode::Add | Mode::Upsert | Mode::Sync);
    if let Some(why) = vendors::refusal(from, to, adds) {
        bail!(
            "cannot move extensions from {} to {}: {why}; nothing was sent",
            from.name(),
            to.name()
        );
    }
    Ok(vendors::conversion(
        from,
        to,
        eid,
        *set(&o.generate_passwords),
    ))
}

/// Every setting of an import into `target`, checked.
pub(crate) fn run_settings(
    o: &Options,
    api: &'static Vendor,
    target: Target,
    mapping: Option<Mapping>,
    file: PathBuf,
    (report, report_format): (PathBuf, ReportFormat),
) -> anyhow::Result<ImportSettings> {
    if target.wire.eid == "all" {
        bail!("--eid all is for export; an import writes into one tenant: give its eid");
    }
    let summary_json = summary_json(o, &file)?;
    Ok(ImportSettings {
        mode: mode(o, api)?,
        prune: prune(o),
        wire: target.wire,
        connection: target.connection,
        file,
        read: read_settings(o),
        api,
        mapping,
        dry_run: *set(&o.dry_run),
        resume: *set(&o.resume),
        rate: *set(&o.rate),
        concurrency: *set(&o.concurrency),
        retry: RetryPolicy::new(*set(&o.retries)),
        report,
        weak_passwords: *set(&o.weak_passwords),
        generate_passwords: *set(&o.generate_passwords),
        update_secrets: *set(&o.update_secrets),
        heartbeat: *set(&o.heartbeat),
        progress_every: *set(&o.progress_every),
        summary_json,
        report_html: get(&o.report_html).cloned(),
        report_format,
    })
}

/// The mode, if the API can do what it asks.
fn mode(o: &Options, api: &Vendor) -> anyhow::Result<Mode> {
    let caps = api.api.caps;
    let (mode, prune) = (*set(&o.mode), *set(&o.prune));
    match (mode, prune) {
        (mode, true) if mode != Mode::Sync => bail!("--prune goes with --mode sync"),
        (_, true) if !caps.delete => bail!(
            "{} cannot delete extensions (its API has no extension/delete), so --prune \
             cannot be done; nothing was sent",
            api.name()
        ),
        (Mode::Add, _) if !caps.add => bail!(
            "{} cannot add extensions (its API has no extension/add); use --mode update or upsert",
            api.name()
        ),
        (mode, _) => Ok(mode),
    }
}

fn prune(o: &Options) -> Option<PruneSettings> {
    set(&o.prune).then(|| PruneSettings {
        ranges: set(&o.prune_range).clone(),
        max_delete: get(&o.max_delete).copied(),
    })
}

/// `--encoding`, `--sheet`, `--plus-prefix` (each parsed as it was given).
pub(crate) fn read_settings(o: &Options) -> ReadSettings {
    ReadSettings {
        encoding: get(&o.encoding).copied(),
        sheet: get(&o.sheet).cloned(),
        plus_prefix: get(&o.plus_prefix).cloned(),
    }
}

/// `--summary-json`, which may not be the input (it is replaced whole when the run ends).
pub(crate) fn summary_json(o: &Options, input: &Path) -> anyhow::Result<Option<PathBuf>> {
    let Some(path) = get(&o.summary_json) else {
        return Ok(None);
    };
    let stdout = Path::new("-");
    if path != stdout {
        // A link first: the summary is never written through one.
        check_distinct(None, &[("--summary-json", path)]).map_err(anyhow::Error::msg)?;
    }
    if path != stdout && input != stdout && check_distinct(Some(input), &[("", path)]).is_err() {
        bail!(
            "--summary-json {} is the input file; give another path",
            path.display()
        );
    }
    Ok(Some(path.clone()))
}
