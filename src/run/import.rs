//! An import: read, plan and send a spreadsheet, and report every row.
//!
//! Order matters for the unattended user: the file's header is checked before logging in (a
//! broken file costs no login), the login before the report is created, and nothing is sent
//! until the PBX's listing (for upsert) is in hand.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context;
use tokio::sync::mpsc;

mod finish;
mod prepare;
pub(super) mod settings;

use finish::{Sent, apply_and_read_back, finish, log_out};
use prepare::read_and_prepare;
pub(crate) use prepare::{Decided, Gate, Prepared, prepare, read_directory};
pub(crate) use settings::{Columns, ImportSettings};

use super::engine::{self, EngineSettings, PipelineItem};
use super::journal::{Journal, Replay};
pub(crate) use super::login::{login_failed, reason_of};
use super::schedule::{ScheduleInputs, schedule_rows};
use super::stop::{self, Stop};
use super::throttle::Throttle;
use crate::domain::{Mode, RunEnd, Stopped, Summary};
use crate::input::{Sheet, SheetError, Source};
use crate::output::workbook::{self, ReportFormat};
use crate::output::{Progress, Report, ReportLock, beside_report, check_outputs, is_stdout};
use crate::pbx::Client;
use crate::plan::Planner;

/// How an import went.
#[derive(Debug)]
pub(crate) struct ImportOutcome {
    pub(crate) summary: Summary,
    /// Why it stopped early, if it did.
    pub(crate) stopped: Option<(RunEnd, String)>,
    /// A dry run's prune over the limit: what the real run would refuse.
    pub(crate) would_refuse: Option<String>,
    /// Logins after the first (token expiries).
    pub(crate) relogins: u64,
    /// The journal is kept for `--resume`.
    pub(crate) journal_kept: bool,
    /// The rejects file, if any row went into it.
    pub(crate) rejects: Option<PathBuf>,
}

/// The import itself. `on_start` is called once the file is open and the login accepted (a
/// run that fails before that says so in one line, and nothing else). An error means nothing
/// was sent, or the file broke under the run; it carries a [`Stopped`] or an [`ApiError`]
/// that says why.
pub(crate) async fn run_import(
    settings: &ImportSettings,
    on_start: impl FnOnce(),
) -> anyhow::Result<ImportOutcome> {
    let claim = claim_outputs(settings)?;
    run_gated(settings, claim, on_start, None).await
}

/// [`run_import`] with its outputs already claimed (a migration claims them before it writes
/// the source's directory beside the report).
pub(crate) async fn run_import_claimed(
    settings: &ImportSettings,
    claim: Claim,
    on_start: impl FnOnce(),
) -> anyhow::Result<ImportOutcome> {
    run_gated(settings, claim, on_start, None).await
}

/// The import, held to a gate (which also has the whole PBX read, whatever the mode), of
/// the input the gate's caller opened (standard input can be read only once).
pub(crate) async fn run_gated(
    settings: &ImportSettings,
    _claim: Claim,
    on_start: impl FnOnce(),
    gated: Option<(Box<dyn Gate>, Source)>,
) -> anyhow::Result<ImportOutcome> {
    let (gate, opened) = match gated {
        Some((gate, source)) => (Some(gate), Some(source)),
        None => (None, None),
    };
    let started = (Instant::now(), SystemTime::now());
    let (source, sheet, resumed) = open(settings, opened)?;
    let client = log_in(settings).await?;
    on_start();
    let heartbeat = client.spawn_heartbeat(settings.heartbeat);
    let (stop, signals) = listen_for_signals(settings)?;
    let replay = resumed.as_ref().map(|(_, replay)| replay);
    let planned = tokio::select! {
        planned = read_and_prepare(settings, &source, &sheet, &client, (gate, replay)) => planned,
        () = stop.stopped() => Err(Stopped::new(
            RunEnd::Interrupted,
            "interrupted while reading the PBX; nothing was sent",
        )
        .into()),
    };
    let prepared = match planned {
        Ok(prepared) => prepared,
        Err(e) => {
            signals.abort();
            let _ = tokio::time::timeout(Duration::from_secs(1), client.logout()).await;
            return Err(e);
        }
    };
    let (mut report, lines) = create_report(settings, &sheet)?;
    let (journal, replay) = open_journal(settings, &sheet, resumed)?;
    // The page names the input; the sheet goes to the pipeline, so its fingerprint is taken now.
    let fingerprint = settings
        .report_html
        .as_ref()
        .and_then(|_| sheet.fingerprint().ok());
    let Prepared {
        planner,
        prune,
        adding,
        would_refuse,
    } = prepared;
    let plan = ScheduleInputs {
        deletes: prune.deletes,
        bad_numbers: prune.bad_numbers,
        replay,
        adding,
    };
    let rows = (sheet, planner, plan);
    let (engine, read) = send_rows(settings, rows, journal, &client, &mut report, &stop).await?;
    let read_back = apply_and_read_back(settings, &client, &engine, &stop, &report).await;
    log_out(&client, &stop).await;
    signals.abort();
    heartbeat.abort();
    let sent = Sent {
        engine: &engine,
        fingerprint,
        read,
        read_back,
        would_refuse,
    };
    finish(settings, (&client, &stop), started, (report, &lines), sent)
}

/// With `--resume`: the interrupted run's journal, and what that run finished.
type Resumed = Option<(Journal, Replay)>;

/// The input opened and its header read (its notices said), and, with `--resume`, the
/// journal of the interrupted run: a resume with nothing to resume fails before any login.
fn open(
    settings: &ImportSettings,
    opened: Option<Source>,
) -> anyhow::Result<(Source, Sheet, Resumed)> {
    let source = match opened {
        Some(source) => source,
        None => Source::open(&settings.file, &settings.read)?,
    };
    let sheet = Sheet::open(&source, settings.api.table, settings.mapping.as_ref())?;
    // How the file is read, where it is worth saying (an encoding, a sheet, a layout).
    for notice in sheet.notices() {
        eprintln!("pbxbulk: {notice}");
    }
    let resumed = match settings.resume {
        true => Some(Journal::resume(
            &settings.report,
            &sheet.fingerprint()?,
            &settings.pins(),
        )?),
        false => None,
    };
    Ok((source, sheet, resumed))
}

/// The client, logged in (its notes said); a refused login is one clear error.
async fn log_in(settings: &ImportSettings) -> anyhow::Result<Arc<Client>> {
    let client = Client::new(
        (settings.api.codec)(&settings.wire),
        settings.api.table,
        settings.connection.clone(),
    )?
    .login_retries(settings.retry)
    .saying(|line| eprintln!("pbxbulk: {line}"));
    let client = Arc::new(client);
    client
        .login()
        .await
        .map_err(|e| login_failed(client.protocol(), &settings.connection, settings.retry, &e))?;
    for note in client.notes() {
        eprintln!("pbxbulk: {note}");
    }
    Ok(client)
}

/// From here on a signal stops the run cleanly instead of killing it: while the PBX is read
/// nothing is sent yet, and once rows go out the report is written whole and the journal
/// kept. (Lines go to stderr plainly: the bars are drawn only on a terminal.)
fn listen_for_signals(
    settings: &ImportSettings,
) -> anyhow::Result<(Arc<Stop>, tokio::task::JoinHandle<()>)> {
    let stop = Arc::new(Stop::default());
    let signals = stop::on_signals(stop.clone(), settings.connection.timeout, |line| {
        eprintln!("{line}");
    })
    .context("cannot listen for Ctrl-C and SIGTERM")?;
    Ok((stop, signals))
}

/// The report, created once the login is accepted and the PBX read; with the path its lines
/// go to (beside the workbook, when one is asked for).
fn create_report(settings: &ImportSettings, sheet: &Sheet) -> anyhow::Result<(Report, PathBuf)> {
    let lines = match settings.report_format {
        ReportFormat::Csv => settings.report.clone(),
        ReportFormat::Xlsx => workbook::partial_path(&settings.report),
    };
    let mut report = Report::create_beside(
        &lines,
        &settings.report,
        sheet.header().clone(),
        sheet.layout(),
    )
    .with_context(|| format!("cannot write the report {}", lines.display()))?;
    if settings.report_html.is_some() {
        report.collect_page();
    }
    Ok((report, lines))
}

/// The journal the rows are recorded in, and what the interrupted run finished. Created only
/// now: a run refused at login or before any write leaves no journal.
fn open_journal(
    settings: &ImportSettings,
    sheet: &Sheet,
    resumed: Resumed,
) -> anyhow::Result<(Option<Journal>, Replay)> {
    Ok(match resumed {
        Some((journal, replay)) => (Some(journal), replay),
        None if settings.dry_run => (None, Replay::default()),
        None => (
            Some(Journal::create(
                &settings.report,
                &sheet.fingerprint()?,
                &settings.pins(),
            )?),
            Replay::default(),
        ),
    })
}

/// The pipeline: the rows planned on a thread of their own, sent by the engine, each line
/// written to `report`. Returns what the engine kept and how reading the file ended.
async fn send_rows(
    settings: &ImportSettings,
    (sheet, planner, plan): (Sheet, Planner, ScheduleInputs),
    journal: Option<Journal>,
    client: &Arc<Client>,
    report: &mut Report,
    stop: &Arc<Stop>,
) -> anyhow::Result<(Arc<EngineSettings>, Result<(), SheetError>)> {
    let progress = Progress::new(Some(sheet.len()), settings.progress_every);
    let (tx, rx) = mpsc::channel::<PipelineItem>(1024);
    let producer = {
        let stop = stop.clone();
        tokio::task::spawn_blocking(move || {
            let read = schedule_rows(sheet, planner, plan, tx);
            // Rows of a file that changed under the run may be rows of two files: none of
            // those still queued is sent.
            if let Err(e @ SheetError::Changed { .. }) = &read {
                stop.stop(RunEnd::BadInput, e.to_string());
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
        written: settings.verify.then(Mutex::default),
    });
    let (client, engine) = (client.clone(), engine_settings.clone());
    engine::run(rx, client, engine, report, &progress, stop.clone()).await;
    progress.finish();
    let read = producer.await.context("the reader stopped unexpectedly")?;
    Ok((engine_settings, read))
}

/// The outputs of one run, checked and locked: held for the whole run.
pub(crate) struct Claim {
    _lock: ReportLock,
}

/// Checks that no file the run writes would overwrite the input or another output, or is a
/// symbolic link, and locks the report for this run; before anything is read or sent.
pub(crate) fn claim_outputs(settings: &ImportSettings) -> anyhow::Result<Claim> {
    let report = &settings.report;
    let mut outputs = vec![("--report", report.clone())];
    outputs.extend(beside_report(report));
    if let Some(json) = settings.summary_json.as_ref().filter(|p| !is_stdout(p)) {
        outputs.push(("--summary-json", json.clone()));
    }
    let input = (settings.file != Path::new("-")).then_some(settings.file.as_path());
    if let Some(page) = &settings.report_html {
        outputs.push(("--report-html", page.clone()));
    }
    check_outputs(input, &outputs).map_err(anyhow::Error::msg)?;
    Ok(Claim {
        _lock: ReportLock::acquire(report)?,
    })
}
