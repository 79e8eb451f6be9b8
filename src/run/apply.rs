//! `pbxbulk apply PLAN`: carry out a plan, and nothing else.
//!
//! Before anything is sent (reason `stale_plan`, exit 2, where one fails): the signature is
//! checked against `--sign-key`; the input is opened again and must have the planned SHA-256;
//! the plan's integrity seal, keyed by that input, must hold (so neither the PBX's address
//! nor a row can be edited in the file); then, logged in, every extension a planned write
//! touches must read as its fingerprint, and the run, decided again from the input as `plan`
//! decided it, must come to exactly the plan's rows. Only then does the import's pipeline
//! send: what it sends is what was decided again, which is the plan, field for field; a
//! secret's value comes from the input, its hash having been compared.
//!
//! `--resume` finishes an interrupted apply from its journal, as an import does; rows that
//! run started are neither held to their fingerprint (the PBX has them done, or half done)
//! nor decided again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use super::import::{Columns, Decided, Gate, ImportSettings, prepare};
use super::journal::Replay;
use super::review::review;
use super::throttle::Rate;
use crate::domain::{Mode, Secret, StopReason, Stopped};
use crate::input::{Mapping, ReadSettings, Sheet, Source, encoding_by_name};
use crate::output::plan_file::seal::{Keys, SignKey};
use crate::output::plan_file::{Plan, PlanColumns, PlanFile, PlanFileError, PlanRow};
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions};
use crate::plan::PruneSettings;
use crate::plan::prune::{MaxDelete, parse_range};
use crate::vendors;

/// `pbxbulk apply`: the plan, and how this run reports (built by `settings`).
#[derive(Debug, Clone)]
pub(crate) struct ApplySettings {
    pub(crate) plan: PathBuf,
    /// `--sign-key`: the plan must be signed with it.
    pub(crate) sign_key: Option<SignKey>,
    pub(crate) password: Secret,
    pub(crate) report: Option<PathBuf>,
    pub(crate) report_format: Option<ReportFormat>,
    pub(crate) report_html: Option<PathBuf>,
    pub(crate) summary_json: Option<PathBuf>,
    pub(crate) verify: bool,
    pub(crate) resume: bool,
    pub(crate) progress_every: Duration,
}

/// A plan whose seals hold, to be held against the run once the PBX is read.
pub(crate) struct Approved {
    file: PlanFile,
    keys: Keys,
}

/// A plan that no longer holds.
fn stale(why: impl std::fmt::Display) -> anyhow::Error {
    Stopped::new(
        StopReason::StalePlan,
        format!("refusing the plan: {why}; nothing was sent. Make a new plan (pbxbulk plan)"),
    )
    .into()
}

/// Reads the plan, checks its signature, the input and the plan's integrity, and gives the
/// import that carries it out, with the input it opened (standard input is read once).
pub(crate) fn approve(
    settings: &ApplySettings,
) -> anyhow::Result<(ImportSettings, Approved, Source)> {
    let file = PlanFile::read(&settings.plan).map_err(|e| match e {
        PlanFileError::Altered { .. } => stale(e),
        PlanFileError::Io { .. } | PlanFileError::Version { .. } => e.into(),
    })?;
    match (&settings.sign_key, &file.signature) {
        (Some(key), Some(seal)) if key.signed(&file.plan, seal) => {}
        (Some(_), Some(_)) => {
            return Err(stale(
                "its signature does not match --sign-key (it was changed after it was \
                 signed, or signed with another key)",
            ));
        }
        (Some(_), None) => return Err(stale("it is not signed, and --sign-key wants it signed")),
        (None, Some(_)) => {
            bail!("the plan is signed: give --sign-key FILE, so the signature is checked")
        }
        (None, None) => {}
    }
    let plan = &file.plan;
    let read = read_settings(plan)?;
    let source = Source::open(Path::new(&plan.input.path), &read)?;
    if source.input().fingerprint()?.sha256 != plan.input.sha256 {
        return Err(stale(format_args!(
            "the input {} is no longer the planned one (its SHA-256 differs)",
            plan.input.path
        )));
    }
    let keys =
        Keys::of_input(source.bytes()).with_context(|| format!("cannot read {}", source.name()))?;
    if !keys.intact(plan, &file.integrity) {
        return Err(stale("the plan file was changed after it was made"));
    }
    let import = import_settings(plan, read, settings)?;
    Ok((import, Approved { file, keys }, source))
}

impl Gate for Approved {
    fn check(&self, decided: &Decided<'_>) -> anyhow::Result<()> {
        let plan = &self.file.plan;
        let started = started(decided.replay);
        let changed: Vec<&str> = plan
            .rows
            .iter()
            .filter(|r| r.pbx.is_some() && !started.contains(&r.seq))
            .filter(|r| {
                let now = self.keys.fingerprint(decided.directory.get(&r.number));
                r.pbx.as_deref() != Some(now.as_str())
            })
            .map(|r| r.number.as_str())
            .collect();
        if !changed.is_empty() {
            let (noun, verb, them) = match changed.len() {
                1 => ("extension", "is", "it"),
                _ => ("extensions", "are", "them"),
            };
            return Err(stale(format_args!(
                "the PBX changed since the plan was made: {noun} {} {verb} not as the plan \
                 read {them} (was the plan applied already?)",
                first_few(&changed)
            )));
        }
        let settings = decided.settings;
        let (table, mapping) = (settings.api.table, settings.mapping.as_ref());
        let sheet = Sheet::open(decided.source, table, mapping)?;
        let current = settings.mode.reads_the_pbx();
        let current = current.then(|| decided.directory.clone());
        let (planner, prune, _, _) = prepare(settings, decided.source, &sheet, current)?;
        let sheet = Sheet::open(decided.source, table, mapping)?;
        let now = review(sheet, planner, prune, decided.directory, &self.keys)?;
        match difference(&plan.rows, &now.rows, &started) {
            Some(why) => Err(stale(why)),
            None => Ok(()),
        }
    }
}

/// The rows an interrupted apply started, by their place in the run.
fn started(replay: Option<&Replay>) -> HashSet<u64> {
    replay.map_or_else(HashSet::new, |r| {
        r.done.keys().chain(&r.in_flight).copied().collect()
    })
}

/// The first way the rows decided now differ from the planned ones, if any. The file's rows
/// are matched by their place in the run; a prune's rows (which a resumed run works out
/// again, fewer) by what they are.
fn difference(planned: &[PlanRow], now: &[PlanRow], started: &HashSet<u64>) -> Option<String> {
    let of_file = |r: &&PlanRow| r.row.is_some() && !started.contains(&r.seq);
    let mut planned_rows = planned.iter().filter(of_file).peekable();
    let mut now_rows = now.iter().filter(of_file).peekable();
    loop {
        match (planned_rows.peek(), now_rows.peek()) {
            (None, None) => break,
            (Some(p), Some(n)) if p == n => {
                planned_rows.next();
                now_rows.next();
            }
            (Some(p), Some(n)) if p.seq == n.seq => {
                return Some(format!("{} would now be decided otherwise", name(p)));
            }
            (Some(p), n) if n.is_none_or(|n| p.seq < n.seq) => {
                return Some(format!(
                    "{} is planned to {}, but would now be unchanged",
                    name(p),
                    p.action
                ));
            }
            (_, Some(n)) => {
                return Some(format!(
                    "{} would now {}, which the plan does not have",
                    name(n),
                    n.action
                ));
            }
            (Some(_), None) => unreachable!("handled above"),
        }
    }
    let without_seq = |r: &PlanRow| PlanRow {
        seq: 0,
        ..r.clone()
    };
    let planned_rest: Vec<PlanRow> = planned
        .iter()
        .filter(|r| r.row.is_none())
        .map(without_seq)
        .collect();
    let unstarted = planned
        .iter()
        .filter(|r| r.row.is_none() && !started.contains(&r.seq));
    let now_rest: Vec<PlanRow> = now
        .iter()
        .filter(|r| r.row.is_none())
        .map(without_seq)
        .collect();
    if let Some(n) = now_rest.iter().find(|n| !planned_rest.contains(n)) {
        return Some(format!(
            "{} would now {}, which the plan does not have",
            name(n),
            n.action
        ));
    }
    unstarted
        .map(without_seq)
        .find(|p| !now_rest.contains(p))
        .map(|p| {
            format!(
                "{} is planned to {}, but would now not be",
                name(&p),
                p.action
            )
        })
}

/// A plan row as a message names it: `row 5 (1005)`, or `extension 1099` for a prune's.
fn name(row: &PlanRow) -> String {
    match row.row {
        Some(n) => format!("row {n} ({})", row.number),
        None => format!("extension {}", row.number),
    }
}

/// Up to five numbers, and how many more.
fn first_few(numbers: &[&str]) -> String {
    let shown = numbers
        .iter()
        .take(5)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    match numbers.len() {
        n if n > 5 => format!("{shown} and {} more", n - 5),
        _ => shown,
    }
}

/// How the plan read its file.
fn read_settings(plan: &Plan) -> anyhow::Result<ReadSettings> {
    let s = &plan.settings;
    Ok(ReadSettings {
        encoding: s.encoding.as_deref().map(encoding_by_name).transpose()?,
        sheet: s.sheet.clone(),
        plus_prefix: s.plus_prefix.clone(),
    })
}

/// The import the plan was decided as, reporting as this run is told to.
fn import_settings(
    plan: &Plan,
    read: ReadSettings,
    apply: &ApplySettings,
) -> anyhow::Result<ImportSettings> {
    let s = &plan.settings;
    let api = vendors::by_name(&plan.target.api)?;
    let api = match &plan.target.edition {
        Some(edition) => api.edition(edition).map_err(anyhow::Error::msg)?,
        None => api,
    };
    let mode = Mode::by_name(&s.mode).with_context(|| format!("the plan's mode {:?}", s.mode))?;
    let wire = WireOptions {
        xml: s.body == "xml",
        eid: s.eid.clone(),
        welcome_email: s.welcome_email,
    };
    let (mapping, columns) = columns(plan, api, &wire.eid)?;
    let report = apply
        .report
        .clone()
        .unwrap_or_else(|| PathBuf::from(&s.report));
    let report_format = match (apply.report_format, &apply.report) {
        (Some(format), _) => format,
        (None, Some(path))
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            ReportFormat::Xlsx
        }
        (None, Some(_)) => ReportFormat::Csv,
        (None, None) if s.report_format == "xlsx" => ReportFormat::Xlsx,
        (None, None) => ReportFormat::Csv,
    };
    Ok(ImportSettings {
        file: PathBuf::from(&plan.input.path),
        api,
        mapping,
        columns,
        connection: connection(plan, apply.password.clone())?,
        mode,
        wire,
        prune: prune(plan)?,
        dry_run: false,
        resume: apply.resume,
        rate: rate(&s.rate)?,
        concurrency: s.concurrency,
        retry: RetryPolicy::new(s.retries),
        report,
        weak_passwords: s.weak_passwords,
        generate_passwords: s.generate_passwords,
        update_secrets: s.update_secrets,
        heartbeat: Duration::from_millis(s.heartbeat_ms),
        progress_every: apply.progress_every,
        summary_json: apply.summary_json.clone(),
        report_html: apply.report_html.clone(),
        verify: apply.verify,
        command: "apply",
        report_format,
        read,
    })
}

/// The plan's mapping of the file's columns, read again: a map file must be as planned.
fn columns(
    plan: &Plan,
    api: &'static vendors::Vendor,
    eid: &str,
) -> anyhow::Result<(Option<Mapping>, Option<Columns>)> {
    Ok(match &plan.settings.columns {
        None => (None, None),
        Some(PlanColumns::Map { path, sha256 }) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read --map {path}"))?;
            if hex::encode(Sha256::digest(&bytes)) != *sha256 {
                return Err(stale(format_args!(
                    "the map file {path} changed since the plan"
                )));
            }
            let path = PathBuf::from(path);
            (Some(Mapping::load(&path)?), Some(Columns::Map(path)))
        }
        Some(PlanColumns::FromApi { api: from }) => {
            let from = vendors::by_name(from)?;
            let mapping = vendors::conversion(from, api, eid, plan.settings.generate_passwords);
            (mapping, Some(Columns::FromApi(from)))
        }
    })
}

fn connection(plan: &Plan, password: Secret) -> anyhow::Result<Connection> {
    let s = &plan.settings;
    Ok(Connection {
        base_url: plan.target.url.clone(),
        user: plan.target.user.clone(),
        password,
        insecure: s.insecure,
        ca_cert: s.ca_cert.as_ref().map(|pem| pem.clone().into_bytes()),
        timeout: Duration::from_millis(s.timeout_ms),
        read_rate: s
            .read_rate
            .as_deref()
            .map(str::parse::<f64>)
            .transpose()
            .context("the plan's read rate")?,
    })
}

fn prune(plan: &Plan) -> anyhow::Result<Option<PruneSettings>> {
    let Some(prune) = &plan.settings.prune else {
        return Ok(None);
    };
    let ranges = prune
        .ranges
        .iter()
        .map(|r| parse_range(r).map_err(anyhow::Error::msg));
    Ok(Some(PruneSettings {
        ranges: ranges.collect::<anyhow::Result<_>>()?,
        max_delete: prune
            .max_delete
            .as_deref()
            .map(MaxDelete::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?,
    }))
}

fn rate(text: &str) -> anyhow::Result<Rate> {
    Ok(match text {
        "auto" => Rate::Auto,
        "0" => Rate::Unlimited,
        text => Rate::PerSec(text.parse().context("the plan's rate")?),
    })
}
