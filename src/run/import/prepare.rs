//! Deciding before anything is sent: the PBX read where the mode (or a gate) needs it, the
//! planner given what it compares rows with, the deletes of a prune, and the gate a run may
//! be held to (`apply`'s: the run must be the plan that was approved).

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;

use super::ImportSettings;
use crate::domain::{Mode, PbxSnapshot, StopReason, Stopped};
use crate::input::{Sheet, Source};
use crate::output::Progress;
use crate::pbx::{Client, snapshot};
use crate::plan::prune::PrunePlan;
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

/// What a run decided before sending: the planner, the prune's deletes, the numbers the
/// file adds, and what a dry run's real run would refuse.
pub(crate) type Prepared = (Planner, PrunePlan, HashSet<String>, Option<String>);

/// Reads the PBX where the mode (or the gate) needs it, decides, and lets the gate check.
pub(super) async fn read_and_prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    client: &Client,
    (gate, replay): (Option<Box<dyn Gate>>, Option<&Replay>),
) -> anyhow::Result<Prepared> {
    let reads = settings.mode.reads_the_pbx();
    let directory = match reads || gate.is_some() {
        true => Arc::new(read_directory(settings, client).await?),
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
    client: &Client,
) -> anyhow::Result<PbxSnapshot> {
    let url = &settings.connection.base_url;
    let progress = Progress::items("extensions read from the PBX", settings.progress_every);
    let read = snapshot::fetch(
        client,
        settings.api.table,
        settings.retry,
        settings.concurrency,
        Some(&progress),
    )
    .await;
    progress.finish();
    read.with_context(|| format!("cannot read the extensions on {url}; nothing was sent"))
}

/// Decides before sending: the planner (given the PBX's extensions where the mode compares
/// with them) and the deletes of a prune; an error here means nothing was written. A dry run
/// lists the deletes even over the limit, and says what the real run would refuse.
pub(crate) fn prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    current: Option<Arc<PbxSnapshot>>,
) -> anyhow::Result<Prepared> {
    let table = settings.api.table;
    // The file's numbers, read once ahead where deletes or forward ordering need them.
    let links = table.links.iter().any(|(link, _)| sheet.has_column(link))
        && matches!(settings.mode, Mode::Add | Mode::Upsert | Mode::Sync);
    let listed = if settings.prune.is_some() || links {
        prune::listed_numbers(Sheet::open(source, table, settings.mapping.as_ref())?)?
    } else {
        HashSet::new()
    };
    let mut would_refuse = None;
    let deletes = match (&settings.prune, &current) {
        (Some(prune), Some(current)) => match prune::deletes(prune, table, current, &listed) {
            Ok(plan) => plan,
            Err(over) if settings.dry_run => {
                would_refuse = Some(format!("the real run would refuse: {over}"));
                over.plan
            }
            Err(over) => return Err(Stopped::new(StopReason::Safeguard, over.to_string()).into()),
        },
        _ => PrunePlan::default(),
    };
    let adding: HashSet<String> = match &current {
        _ if !links => HashSet::new(),
        Some(current) => listed
            .into_iter()
            .filter(|n| !current.contains_key(n))
            .collect(),
        None => listed,
    };
    let mut planner = Planner::new(table, settings.mode, current, settings.weak_passwords)
        .generate_passwords(settings.generate_passwords)
        .update_secrets(settings.update_secrets);
    if settings.dry_run {
        planner = planner.dry_run();
    }
    Ok((planner, deletes, adding, would_refuse))
}
