//! Deciding before anything is sent: the PBX read where the mode (or a gate) needs it, the
//! planner given what it compares rows with, the deletes of a prune, and the gate a run may
//! be held to (`apply`'s: the run must be the plan that was approved).

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;

use super::ImportSettings;
use crate::domain::{Mode, PbxSnapshot, RunEnd, Stopped};
use crate::input::{Mapping, Sheet, Source};
use crate::output::Progress;
use crate::pbx::Client;
use crate::pbx::snapshot::{self, Filing};
use crate::plan::leavers::Leavers;
use crate::plan::matching::People;
use crate::plan::prune::PrunePlan;
use crate::plan::roster::{self, Roster};
use crate::plan::{Planner, prune};
use crate::run::journal::Replay;

/// What a run decided, for a [`Gate`] to check before anything is sent.
pub(crate) struct Decided<'a> {
    pub(crate) settings: &'a ImportSettings,
    pub(crate) source: &'a Source,
    /// Every extension on the PBX, as read for this run (shared with the planner).
    pub(crate) directory: &'a Arc<PbxSnapshot>,
    /// What the interrupted run finished (`--resume`).
    pub(crate) replay: Option<&'a Replay>,
}

/// A check a run must pass once it has read the PBX, before it sends anything: `apply`'s,
/// that the run is the plan that was approved.
pub(crate) trait Gate: Send {
    /// An error stops the run; nothing has been sent. The gate is used up (a plan's rows are
    /// not kept through the run).
    fn check(self: Box<Self>, decided: &Decided<'_>) -> anyhow::Result<()>;
}

/// What a run decided before sending, and what the feeder needs besides.
pub(crate) struct Prepared {
    pub(crate) planner: Planner,
    /// The prune's deletes and the leavers' (under `--mode sync`).
    pub(crate) prune: PrunePlan,
    /// Numbers the file adds (for forward ordering).
    pub(crate) adding: HashSet<String>,
    /// A dry run's deletes over the limit: what the real run would refuse.
    pub(crate) would_refuse: Option<String>,
}

/// Reads the PBX where the mode (or the gate) needs it, decides, and lets the gate check.
pub(super) async fn read_and_prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    client: &Arc<Client>,
    (gate, replay): (Option<Box<dyn Gate>>, Option<&Replay>),
) -> anyhow::Result<Prepared> {
    let reads = settings.mode.reads_the_pbx();
    let directory = match reads || gate.is_some() {
        true => Arc::new(read_directory(settings, client, sheet).await?),
        false => Arc::default(),
    };
    let prepared = prepare(settings, source, sheet, reads.then(|| directory.clone()))?;
    let Some(gate) = gate else {
        return Ok(prepared);
    };
    let decided = Decided {
        settings,
        source,
        directory: &directory,
        replay,
    };
    gate.check(&decided)?;
    Ok(prepared)
}

/// Every extension on the PBX, with a progress bar; an error here means nothing was sent.
pub(crate) async fn read_directory(
    settings: &ImportSettings,
    client: &Arc<Client>,
    sheet: &Sheet,
) -> anyhow::Result<PbxSnapshot> {
    let mut directory = PbxSnapshot::new();
    read_into(settings, client, sheet.len(), &mut directory).await?;
    Ok(directory)
}

/// Every extension on the PBX into `filing`, as it arrives, for a file of `file_len` (bytes,
/// or rows of a workbook), with a progress bar; an error here means nothing was sent.
pub(crate) async fn read_into(
    settings: &ImportSettings,
    client: &Arc<Client>,
    file_len: u64,
    filing: &mut dyn Filing,
) -> anyhow::Result<()> {
    let url = &settings.connection.base_url;
    let progress = Progress::items("extensions read from the PBX", settings.progress_every);
    // A big file makes a big directory plausible: at most ten extensions listed for each of
    // its bytes (or rows, of a workbook), and never fewer than any real PBX holds.
    let most = usize::try_from(file_len.saturating_mul(10))
        .unwrap_or(usize::MAX)
        .max(snapshot::MAX_LISTED);
    let reader = snapshot::Reader {
        client,
        table: settings.api.table,
        policy: settings.retry,
        concurrency: settings.concurrency.max(1),
        most,
        progress: Some(&progress),
    };
    let read = reader.read(filing).await;
    progress.finish();
    read.with_context(|| format!("cannot read the extensions on {url}; nothing was sent"))
}

/// Whether deciding needs the whole file read once ahead: for a prune, the links between rows
/// (forward ordering), the matching of people or the numbers handed out, or a map's leavers.
pub(crate) fn reads_the_file_ahead(settings: &ImportSettings, sheet: &Sheet) -> bool {
    let table = settings.api.table;
    let links = table.links.iter().any(|(link, _)| sheet.has_column(link))
        && matches!(settings.mode, Mode::Add | Mode::Upsert | Mode::Sync);
    let removes = settings.mapping.as_ref().is_some_and(Mapping::removes);
    let keyed = settings.match_field.is_some() || !settings.assign.is_empty();
    settings.prune.is_some() || links || keyed || removes
}

/// Decides before sending: the planner (given the PBX's extensions where the mode compares
/// with them), and the file read once ahead where the prune, the matching of people, the
/// numbers handed out, a map's leavers or the forward ordering need it; then the deletes the
/// safeguards allow. An error here means nothing was written. A dry run lists the deletes even
/// over the limit, and says what the real run would refuse.
pub(crate) fn prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    current: Option<Arc<PbxSnapshot>>,
) -> anyhow::Result<Prepared> {
    let table = settings.api.table;
    let links = table.links.iter().any(|(link, _)| sheet.has_column(link))
        && matches!(settings.mode, Mode::Add | Mode::Upsert | Mode::Sync);
    let keyed = settings.match_field.is_some() || !settings.assign.is_empty();
    let mut roster = match reads_the_file_ahead(settings, sheet) {
        true => roster::read(
            Sheet::open(source, table, settings.mapping.as_ref())?,
            settings.match_field,
        )?,
        false => Roster::default(),
    };
    let empty = PbxSnapshot::new();
    let directory = current.as_deref().unwrap_or(&empty);
    let people = keyed.then(|| {
        People::new(
            table,
            settings.match_field,
            directory,
            &mut roster,
            settings.assign.clone(),
        )
    });
    let (prune, would_refuse) = deletes(settings, &roster, people.as_ref(), current.as_deref())?;
    let leavers = Leavers {
        sync: settings.mode == Mode::Sync,
        allowed: prune.removes.iter().cloned().collect(),
    };
    let adding: HashSet<String> = match &current {
        _ if !links => HashSet::new(),
        Some(current) => (roster.named.into_iter())
            .filter(|n| !current.contains_key(n))
            .collect(),
        None => roster.named,
    };
    let mut planner = Planner::new(table, settings.mode, current, settings.weak_passwords)
        .generate_passwords(settings.generate_passwords)
        .update_secrets(settings.update_secrets)
        .strict(settings.strict)
        .people(people)
        .leavers(leavers);
    if settings.dry_run {
        planner = planner.dry_run();
    }
    Ok(Prepared {
        planner,
        prune,
        adding,
        would_refuse,
    })
}

/// The prune's deletes and the leavers' (under `--mode sync`), within the safeguards; over the
/// limit, the run is refused (a dry run lists them and says so).
fn deletes(
    settings: &ImportSettings,
    roster: &Roster,
    people: Option<&People>,
    current: Option<&PbxSnapshot>,
) -> anyhow::Result<(PrunePlan, Option<String>)> {
    let Some(current) = current else {
        return Ok((PrunePlan::default(), None));
    };
    let removing: Vec<String> = match settings.mode {
        Mode::Sync => (roster.removes.iter())
            .filter_map(|(_, number, key)| Leavers::target(people, current, number, key))
            .collect(),
        Mode::Add | Mode::Update | Mode::Upsert => Vec::new(),
    };
    if settings.prune.is_none() && removing.is_empty() {
        return Ok((PrunePlan::default(), None));
    }
    let mut listed = roster.named.clone();
    listed.extend(people.into_iter().flat_map(People::matched).cloned());
    let listed = settings.prune.is_some().then_some(&listed);
    let safeguards = &settings.safeguards;
    match prune::deletes(safeguards, settings.api.table, current, listed, &removing) {
        Ok(plan) => Ok((plan, None)),
        Err(over) if settings.dry_run => {
            let why = format!("the real run would refuse: {over}");
            Ok((over.plan, Some(why)))
        }
        Err(over) => Err(Stopped::new(RunEnd::Safeguard, over.to_string()).into()),
    }
}
