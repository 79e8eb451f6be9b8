//! An import: read, plan and send a spreadsheet, and report every row.
//!
//! Order matters for the unattended user: the file's header is checked before logging in (a
//! broken file costs no login), the login before the report is created, and nothing is sent
//! until the PBX's listing (for upsert) is in hand.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::mpsc;

use super::engine::{self, Abort, EngineSettings, PipelineItem};
use super::journal::{Journal, Replay, journal_path};
use super::schedule::{ScheduleInputs, schedule_rows};
use super::throttle::{Rate, Throttle};
use crate::domain::{ApiKind, Mode, Summary};
use crate::input::{Mapping, ReadSettings, Sheet, SheetError, Source};
use crate::output::{
    Progress, Report, ReportLock, check_distinct, credentials_path, lock_path, rejects_path,
};
use crate::pbx::{
    ApiError, Client, Connection, ErrorClass, Op, RetryPolicy, WireOptions, protocol_for, snapshot,
};
use crate::plan::prune::PrunePlan;
use crate::plan::{Planner, PruneSettings, prune};
use crate::rules;

/// Everything an import needs, validated (built by `settings` from the command line).
#[derive(Debug, Clone)]
pub(crate) struct ImportSettings {
    pub(crate) file: PathBuf,
    pub(crate) api: ApiKind,
    /// The file's columns go through this first (`--map`, or a conversion between APIs).
    pub(crate) mapping: Option<Mapping>,
    pub(crate) connection: Connection,
    pub(crate) mode: Mode,
    pub(crate) wire: WireOptions,
    /// Deletes, with `--mode sync --prune`.
    pub(crate) prune: Option<PruneSettings>,
    pub(crate) dry_run: bool,
    /// Finish an interrupted run from its journal.
    pub(crate) resume: bool,
    pub(crate) rate: Rate,
    pub(crate) concurrency: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) report: PathBuf,
    pub(crate) weak_passwords: bool,
    /// New extensions get the credentials their rows leave blank.
    pub(crate) generate_passwords: bool,
    pub(crate) heartbeat: Duration,
    /// How to read the file (`--encoding`, `--sheet`, `--plus-prefix`).
    pub(crate) read: ReadSettings,
}

/// An input opened for a run, with the run's hold on its report.
pub(crate) struct Opened {
    lock: ReportLock,
    source: Source,
    sheet: Sheet,
}

impl Opened {
    /// How the file is being read, for the terminal.
    pub(crate) fn notices(&self) -> &[String] {
        self.sheet.notices()
    }
}

/// Claims the report, opens the input and checks its header, before any login: a broken
/// file costs none.
pub(crate) fn open_input(settings: &ImportSettings) -> anyhow::Result<Opened> {
    let lock = claim_outputs(settings)?;
    let source = Source::open(&settings.file, &settings.read)?;
    let table = rules::table(settings.api);
    let sheet = Sheet::open(&source, table, settings.mapping.as_ref())?;
    Ok(Opened {
        lock,
        source,
        sheet,
    })
}

/// The import itself: its summary and, if it stopped early, why.
pub(crate) async fn run_import(
    settings: &ImportSettings,
) -> anyhow::Result<(Summary, Option<String>)> {
    run_opened(settings, open_input(settings)?).await
}

/// The import of an input [`open_input`] opened.
pub(crate) async fn run_opened(
    settings: &ImportSettings,
    opened: Opened,
) -> anyhow::Result<(Summary, Option<String>)> {
    let started = std::time::Instant::now();
    let Opened {
        lock: _lock,
        source,
        sheet,
    } = opened;
    let input = source.input();
    // A resume with nothing to resume fails before any login.
    let resumed = match settings.resume {
        true => Some(Journal::resume(&settings.report, input.fingerprint())?),
        false => None,
    };
    let client = Client::new(
        protocol_for(settings.api, &settings.wire),
        settings.connection.clone(),
    )?;
    let client = Arc::new(client);
    let url = &settings.connection.base_url;
    client.login().await.map_err(|e| login_failed(url, &e))?;
    let heartbeat = client.spawn_heartbeat(settings.heartbeat);

    let planned = prepare(settings, &source, &sheet, &client).await;
    let (planner, prune, adding) = match planned {
        Ok(planned) => planned,
        Err(e) => {
            client.logout().await;
            return Err(e);
        }
    };
    let mut report = Report::create(&settings.report, sheet.header().clone(), sheet.layout())
        .with_context(|| format!("cannot write the report {}", settings.report.display()))?;
    // Created only now: a run refused at login or before any write leaves no journal.
    let (journal, replay) = match resumed {
        Some((journal, replay)) => (Some(journal), replay),
        None if settings.dry_run => (None, Replay::default()),
        None => (
            Some(Journal::create(&settings.report, input.fingerprint())?),
            Replay::default(),
        ),
    };

    let abort = Arc::new(Abort::default());
    let interrupt = {
        let abort = abort.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                abort.stop("interrupted (Ctrl-C); rows in flight were finished");
            }
        })
    };

    let (tx, rx) = mpsc::channel::<PipelineItem>(1024);
    let plan = ScheduleInputs {
        deletes: prune.deletes,
        bad_numbers: prune.bad_numbers,
        replay,
        adding,
    };
    let progress = Progress::new(Some(sheet.len()));
    let producer = {
        let abort = abort.clone();
        tokio::task::spawn_blocking(move || {
            let read = schedule_rows(sheet, planner, plan, tx);
            // Rows of a file that changed under the run may be rows of two files: none of
            // those still queued is sent.
            if let Err(e @ SheetError::Changed { .. }) = &read {
                abort.stop(e.to_string());
            }
            read
        })
    };

    let engine_settings = Arc::new(EngineSettings {
        throttle: Throttle::new(settings.rate),
        journal,
        concurrency: settings.concurrency,
        retry: settings.retry,
        create_if_missing: matches!(settings.mode, Mode::Upsert | Mode::Sync),
    });
    engine::run(
        rx,
        client.clone(),
        engine_settings.clone(),
        &mut report,
        &progress,
        abort.clone(),
    )
    .await
    .with_context(|| format!("cannot write the report {}", settings.report.display()))?;
    progress.finish();
    interrupt.abort();
    let read = producer.await.context("the reader stopped unexpectedly")?;

    let wrote = report.summary.ok > 0;
    if wrote && settings.api.capabilities().apply_at_end && abort.reason().is_none() {
        // Yeastar v1 and Verba make a batch of writes live with one apply at the end.
        if let Err(e) = client.call_retrying(&Op::Apply, settings.retry).await {
            abort.stop(format!(
                "the changes were written but the final apply failed: {e}"
            ));
        }
    }
    client.logout().await;
    heartbeat.abort();
    let mut summary = report.finish().context("cannot finish the report")?;
    summary.elapsed = started.elapsed();
    summary.settled_rate = engine_settings.throttle.settled();
    // A file that broke halfway (or changed under the run) is reported after the rows that
    // were read, and keeps its journal.
    read?;
    if let (None, Some(journal)) = (abort.reason(), &engine_settings.journal) {
        journal.remove();
    }
    Ok((summary, abort.reason().map(str::to_string)))
}

/// Reads the PBX's current state where the mode needs it, and works out the deletes of a
/// prune; an error here means nothing was written.
async fn prepare(
    settings: &ImportSettings,
    source: &Source,
    sheet: &Sheet,
    client: &Client,
) -> anyhow::Result<(Planner, PrunePlan, HashSet<String>)> {
    let table = rules::table(settings.api);
    let url = &settings.connection.base_url;
    let current = match settings.mode.reads_the_pbx() {
        true => {
            let progress = Progress::items("extensions read from the PBX");
            let read = snapshot::fetch(
                client,
                table,
                settings.retry,
                settings.concurrency,
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
    let deletes = match (&settings.prune, &current) {
        (Some(prune), Some(current)) => prune::deletes(prune, table, current, &listed)?,
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
        .generate_passwords(settings.generate_passwords);
    if settings.dry_run {
        planner = planner.dry_run();
    }
    Ok((planner, deletes, adding))
}

/// Locks the report for this run and checks that no output would overwrite the input or
/// another output; before anything is read or sent.
fn claim_outputs(settings: &ImportSettings) -> anyhow::Result<ReportLock> {
    let report = &settings.report;
    let (rejects, journal, lock) = (
        rejects_path(report),
        journal_path(report),
        lock_path(report),
    );
    let credentials = credentials_path(report);
    let input = (settings.file != Path::new("-")).then_some(settings.file.as_path());
    check_distinct(
        input,
        &[
            ("--report", report),
            ("the rejects file", &rejects),
            ("the journal", &journal),
            ("the lock file", &lock),
            ("the credentials file", &credentials),
        ],
    )
    .map_err(anyhow::Error::msg)?;
    Ok(ReportLock::acquire(report)?)
}

/// Why the first login failed, in words that say what to do.
pub(crate) fn login_failed(url: &str, e: &ApiError) -> anyhow::Error {
    match e.class() {
        ErrorClass::LoginRefused => anyhow::anyhow!(
            "login to {url} refused: {e}. Nothing was sent. pbxbulk tried once and will not \
             retry: 5 refused logins lock this address for 10 minutes"
        ),
        _ if matches!(e, ApiError::Tls(_)) => anyhow::anyhow!(
            "cannot connect to {url}: {e}. If the PBX uses its own certificate, pass \
             --ca-cert PEM (or --insecure)"
        ),
        _ if matches!(e, ApiError::Redirect { .. }) => {
            anyhow::anyhow!("cannot log in to {url}: {e}. Nothing was sent")
        }
        _ if e.is_unreachable() => anyhow::anyhow!("cannot reach {url}: {e}"),
        _ => anyhow::anyhow!("cannot log in to {url}: {e}"),
    }
}
