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

mod difference;
mod rebuild;

use difference::difference;
use rebuild::{import_settings, read_settings};

use super::import::{Decided, Gate, ImportSettings, Prepared, prepare};
use super::journal::Replay;
use super::review::review;
use crate::domain::{RunEnd, Secret, Stopped};
use crate::input::{Sheet, Source};
use crate::output::plan_file::seal::{Keys, SignKey};
use crate::output::plan_file::{PlanFile, PlanFileError};
use crate::output::workbook::ReportFormat;

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
        RunEnd::StalePlan,
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
    let import = import_settings(plan, read, settings)?;
    // The fingerprint is the sheet's, as `plan` took it (the row source defines it).
    let sheet = Sheet::open(&source, import.api.table, import.mapping.as_ref())?;
    if sheet.fingerprint()?.sha256 != plan.input.sha256 {
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
    Ok((import, Approved { file, keys }, source))
}

impl Gate for Approved {
    fn check(self: Box<Self>, decided: &Decided<'_>) -> anyhow::Result<()> {
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
        let Prepared { planner, prune, .. } = prepare(settings, decided.source, &sheet, current)?;
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
        r.done.keys().chain(r.in_flight.keys()).copied().collect()
    })
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
