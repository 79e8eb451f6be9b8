//! What an import knows before its first row is planned: the PBX's extensions (for upsert and
//! sync), what the whole file names, matches and removes (read once ahead, where the prune,
//! the matching of people, the numbers handed out or the forward ordering need it), and the
//! deletes the safeguards allow. An error here means nothing was written.

use std::collections::HashSet;

use anyhow::Context;

use super::import::ImportSettings;
use crate::domain::{Mode, PbxSnapshot, StopReason, Stopped};
use crate::input::{Mapping, Sheet, Source};
use crate::output::Progress;
use crate::pbx::{Client, snapshot};
use crate::plan::leavers::Leavers;
use crate::plan::matching::People;
use crate::plan::prune::PrunePlan;
use crate::plan::roster::{self, Roster};
use crate::plan::{Planner, prune};

/// The planner, and what the feeder needs besides.
pub(super) struct Prepared {
    pub(super) planner: Planner,
    pub(super) prune: PrunePlan,
    /// Numbers the file adds (for forward ordering).
    pub(super) adding: HashSet<String>,
    /// A dry run's deletes over the limit: what the real run would refuse.
    pub(super) would_refuse: Option<String>,
}

/// Reads the PBX where the mode needs it and the file ahead where the run needs it, and works
/// out the deletes. A dry run lists the deletes even over the limit, and says what the real run
/// would refuse.
pub(super) async fn prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    client: &Client,
) -> anyhow::Result<Prepared> {
    let table = settings.api.table;
    let current = match settings.mode.reads_the_pbx() {
        true => Some(read_pbx(settings, client).await?),
        false => None,
    };
    let links = table.links.iter().any(|(link, _)| sheet.has_column(link))
        && matches!(settings.mode, Mode::Add | Mode::Upsert | Mode::Sync);
    let removes = settings.mapping.as_ref().is_some_and(Mapping::removes);
    let keyed = settings.match_field.is_some() || !settings.assign.is_empty();
    let mut roster = match settings.prune.is_some() || links || keyed || removes {
        true => roster::read(
            Sheet::open(source, table, settings.mapping.as_ref())?,
            settings.match_field,
        )?,
        false => Roster::default(),
    };
    let empty = PbxSnapshot::new();
    let directory = current.as_ref().unwrap_or(&empty);
    let people = keyed.then(|| {
        People::new(
            table,
            settings.match_field,
            directory,
            &mut roster,
            settings.assign.clone(),
        )
    });
    let (prune, would_refuse) = deletes(settings, &roster, people.as_ref(), current.as_ref())?;
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

/// Every extension on the PBX, with a progress bar.
async fn read_pbx(settings: &ImportSettings, client: &Client) -> anyhow::Result<PbxSnapshot> {
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
    let url = &settings.connection.base_url;
    read.with_context(|| format!("cannot read the extensions on {url}; nothing was sent"))
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
            .filter_map(|(_, number, key)| match people {
                Some(people) => people.target(number, key, current),
                None => current.contains_key(number).then(|| number.clone()),
            })
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
        Err(over) => Err(Stopped::new(StopReason::Safeguard, over.to_string()).into()),
    }
}
