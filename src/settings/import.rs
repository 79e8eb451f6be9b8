//! `pbxbulk import` (and the import half of `migrate`): every setting of the run, built whole
//! from the combined options.

use std::path::{Path, PathBuf};

use anyhow::bail;

use super::connect;
use super::defaults;
use super::keyed::Keyed;
use super::options::{Options, Origin, get, set};
use crate::domain::Mode;
use crate::input::{Mapping, ReadSettings, locale_hint};
use crate::output::check_distinct;
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions};
use crate::plan::PruneSettings;
use crate::run::ImportSettings;
use crate::run::import::Columns;
use crate::vendors::{self, Vendor};

/// `pbxbulk import FILE …`.
pub(crate) fn import(cli: Options) -> anyhow::Result<ImportSettings> {
    let o = super::layered(cli)?;
    let api = connect::api(&o, &connect::ONE)?;
    let wire = connect::wire(api, &o, &connect::ONE)?;
    let file = sheet(&o, "import")?;
    // --from-api, --layout and --map exclude each other on the command line, so a map here
    // beside either came from the profile: the flag wins.
    let (mapping, columns) = match (get(&o.from_api), get(&o.layout), get(&o.map)) {
        (Some(from), _, _) => (
            conversion(from, api, &o, &wire.eid)?,
            Some(Columns::FromApi(from)),
        ),
        // A plan does not record a layout: `plan` refuses one (settings/plan.rs).
        (None, Some(layout), _) => (Some(layout.mapping(api.table)), None),
        (None, None, Some(path)) => (Some(Mapping::load(path)?), Some(Columns::Map(path.clone()))),
        (None, None, None) => (None, None),
    };
    let connection = connect::connection(&o, &connect::ONE)?;
    let report = report(&o, &file, defaults::STDIN_REPORT);
    let mut settings = run_settings(&o, api, Target { connection, wire }, mapping, file, report)?;
    // Where the columns' mapping came from, for a plan to record and apply to read again.
    settings.columns = columns;
    Ok(settings)
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
    let mode = mode(o, api)?;
    let keyed = Keyed::of_import(o, api, mode)?;
    let mut read = read_settings(o, api);
    read.numbers_optional = keyed.keyed();
    Ok(ImportSettings {
        mode,
        prune: prune(o),
        safeguards: safeguards(o),
        match_field: keyed.match_field,
        assign: keyed.assign,
        wire: target.wire,
        connection: target.connection,
        file,
        read,
        api,
        mapping,
        dry_run: *set(&o.dry_run),
        resume: *set(&o.resume),
        rate: *set(&o.rate),
        concurrency: *set(&o.concurrency),
        retry: RetryPolicy::new(*set(&o.retries)),
        report,
        weak_passwords: *set(&o.weak_passwords),
        strict: *set(&o.strict),
        generate_passwords: *set(&o.generate_passwords),
        update_secrets: *set(&o.update_secrets),
        heartbeat: *set(&o.heartbeat),
        progress_every: *set(&o.progress_every),
        summary_json,
        report_html: get(&o.report_html).cloned(),
        verify: *set(&o.verify),
        command: "import",
        columns: None,
        report_format,
    })
}

/// The mode, if the API can do what it asks.
fn mode(o: &Options, api: &Vendor) -> anyhow::Result<Mode> {
    let caps = api.api.caps;
    let (mode, prune) = (*set(&o.mode), *set(&o.prune));
    match (mode, prune) {
        (mode, true) if mode != Mode::Sync => bail!("--prune goes with --mode sync"),
        (mode, false)
            if mode != Mode::Sync
                && (!set(&o.prune_range).is_empty() || get(&o.max_delete).is_some()) =>
        {
            bail!("--prune-range and --max-delete go with --mode sync")
        }
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
    set(&o.prune).then(|| safeguards(o))
}

/// `--prune-range`, `--max-delete`: they guard a prune's deletes and a map's leavers alike.
fn safeguards(o: &Options) -> PruneSettings {
    PruneSettings {
        ranges: set(&o.prune_range).clone(),
        max_delete: get(&o.max_delete).copied(),
    }
}

/// `--encoding`, `--sheet`, `--plus-prefix` (each parsed as it was given), and the locale
/// (`LC_ALL`, else `LC_CTYPE`, else `LANG`, as POSIX ranks them) for a guess the file alone
/// cannot settle; a file in one of `api`'s vendor's own layouts is read in it unasked.
pub(crate) fn read_settings(o: &Options, api: &'static Vendor) -> ReadSettings {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
    ReadSettings {
        encoding: get(&o.encoding).copied(),
        encoding_by_profile: matches!(&o.encoding, Some(g) if matches!(g.origin, Origin::Profile(_))),
        locale: locale.as_deref().and_then(locale_hint),
        sheet: get(&o.sheet).cloned(),
        plus_prefix: get(&o.plus_prefix).cloned(),
        numbers_optional: false,
        layouts: api.layouts,
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
