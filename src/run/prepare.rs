//! Before anything is sent: the PBX's current extensions read where the mode needs them, the
//! file's numbers read ahead where deletes or forward ordering need them, and the deletes of
//! a prune worked out (and refused over the limit).

use std::collections::HashSet;

use anyhow::Context;

use super::import::ImportSettings;
use crate::domain::{Mode, RunEnd, Stopped};
use crate::input::{Sheet, Source};
use crate::output::Progress;
use crate::pbx::{Client, snapshot};
use crate::plan::prune::PrunePlan;
use crate::plan::{Planner, prune};

/// Reads the PBX's current state where the mode needs it, and works out the deletes of a
/// prune; an error here means nothing was written. A dry run lists the deletes even over the
/// limit, and says what the real run would refuse.
pub(super) async fn prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    client: &Client,
) -> anyhow::Result<(Planner, PrunePlan, HashSet<String>, Option<String>)> {
    let table = settings.api.table;
    let url = &settings.connection.base_url;
    let current = match settings.mode.reads_the_pbx() {
        true => {
            let progress = Progress::items("extensions read from the PBX", settings.progress_every);
            // A big file makes a big directory plausible: at most ten extensions listed for
            // each of its bytes (or rows, of a workbook).
            let most = usize::try_from(sheet.len().saturating_mul(10))
                .unwrap_or(usize::MAX)
                .max(snapshot::MAX_LISTED);
            let read = snapshot::fetch(
                client,
                table,
                settings.retry,
                settings.concurrency,
                most,
                Some(&progress),
            )
            .await;
            progress.finish();
            Some(read.with_context(|| {
                format!("cannot read the extensions on {url}; nothing was sent")
            })?)
        }
        false => None,
    };
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
            Err(over) => return Err(Stopped::new(RunEnd::Safeguard, over.to_string()).into()),
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
