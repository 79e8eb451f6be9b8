//! An import: read, plan and send a spreadsheet, and report every row.
//!
//! Order matters for the unattended user: the file's header is checked before logging in (a
//! broken file costs no login), the login before the report is created, and nothing is sent
//! until the PBX's listing (for upsert) is in hand.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::sync::mpsc;

mod prepare;

use prepare::read_and_prepare;
pub(crate) use prepare::{Decided, Gate, Prepared, prepare, read_directory};

use super::engine::{self, EngineSettings, PipelineItem};
use super::journal::{Journal, Replay};
pub(crate) use super::login::{login_failed, reason_of};
use super::page::{self, Ending};
use super::schedule::{ScheduleInputs, schedule_rows};
use super::stop::{self, Stop};
use super::throttle::{Rate, Throttle};
use super::verify::ReadBack;
use crate::domain::{Mode, RunEnd, Stopped, Summary};
use crate::input::{Mapping, ReadSettings, Sheet, SheetError, Source};
use crate::output::html::PageCollector;
use crate::output::workbook::{self, ReportFormat};
use crate::output::{Progress, Report, ReportLock, beside_report, check_outputs, is_stdout};
use crate::pbx::{ApiError, Client, Connection, Op, RetryPolicy, WireOptions};
use crate::plan::PruneSettings;
use crate::vendors::Vendor;

/// Everything an import needs, validated (built by `settings` from the command line).
#[derive(Debug, Clone)]
pub(crate) struct ImportSettings {
    pub(crate) file: PathBuf,
    pub(crate) api: &'static Vendor,
    /// The file's columns go through this first (`--map`, or a conversion between APIs).
    pub(crate) mapping: Option<Mapping>,
    /// Where `mapping` came from, for a plan to say (and `apply` to read it again).
    pub(crate) columns: Option<Columns>,
    pub(crate) connection: Connection,
    pub(crate) mode: Mode,
    pub(crate) wire: WireOptions,
    /// Deletes, with `--mode sync --prune`.
    pub(crate) prune: Option<PruneSettings>,
    /// `--prune-range`, `--max-delete`: what deletes may do, the prune's and the leavers'.
    pub(crate) safeguards: PruneSettings,
    /// `--match FIELD`: rows are matched to extensions by this field (its position).
    pub(crate) match_field: Option<usize>,
    /// `--assign-numbers`: a row with no number that matches nothing gets one of these.
    pub(crate) assign: Vec<(u64, u64)>,
    pub(crate) dry_run: bool,
    /// Finish an interrupted run from its journal.
    pub(crate) resume: bool,
    pub(crate) rate: Rate,
    pub(crate) concurrency: usize,
    pub(crate) retry: RetryPolicy,
    pub(crate) report: PathBuf,
    pub(crate) weak_passwords: bool,
    /// `--strict`: an inferred rule refuses rather than warns.
    pub(crate) strict: bool,
    /// New extensions get the credentials their rows leave blank.
    pub(crate) generate_passwords: bool,
    /// Send secrets the PBX does not hand back for extensions that exist (`--update-secrets`).
    pub(crate) update_secrets: bool,
    pub(crate) heartbeat: Duration,
    /// With stderr not a terminal: a progress line this often.
    pub(crate) progress_every: Duration,
    /// Where to write the JSON summary (`-`: standard output).
    pub(crate) summary_json: Option<PathBuf>,
    /// Where to write the page people read (`--report-html`).
    pub(crate) report_html: Option<PathBuf>,
    /// Read every written extension back at the end and compare (`--verify`).
    pub(crate) verify: bool,
    /// The command the run is, as the page names it (`import`, `migrate`, `apply`).
    pub(crate) command: &'static str,
    pub(crate) report_format: ReportFormat,
    /// How to read the file (`--encoding`, `--sheet`, `--plus-prefix`).
    pub(crate) read: ReadSettings,
}

/// Where a mapping of the file's columns comes from.
#[derive(Debug, Clone)]
pub(crate) enum Columns {
    /// `--map FILE`.
    Map(PathBuf),
    /// `--from-api API`: the file is that API's export.
    FromApi(&'static Vendor),
}

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
    let (started, started_at) = (std::time::Instant::now(), std::time::SystemTime::now());
    let table = settings.api.table;
    let source = match opened {
        Some(source) => source,
        None => Source::open(&settings.file, &settings.read)?,
    };
    let input = source.input();
    let sheet = Sheet::open(&source, table, settings.mapping.as_ref())?;
    // How the file is read, where it is worth saying (an encoding, a sheet, a layout).
    for notice in sheet.notices() {
        eprintln!("pbxbulk: {notice}");
    }
    // A resume with nothing to resume fails before any login.
    let resumed = match settings.resume {
        true => Some(Journal::resume(
            &settings.report,
            input.fingerprint()?,
            &settings.pins(),
        )?),
        false => None,
    };
    let client = Client::new(
        (settings.api.codec)(&settings.wire),
        table,
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
    on_start();
    let heartbeat = client.spawn_heartbeat(settings.heartbeat);
    // From here on a signal stops the run cleanly instead of killing it: while the PBX is
    // read nothing is sent yet, and once rows go out the report is written whole and the
    // journal kept. (Lines go to stderr plainly: the bars are drawn only on a terminal.)
    let stop = Arc::new(Stop::default());
    let signals = stop::on_signals(stop.clone(), settings.connection.timeout, |line| {
        eprintln!("{line}");
    })
    .context("cannot listen for Ctrl-C and SIGTERM")?;

    let replay = resumed.as_ref().map(|(_, replay)| replay);
    let planned = tokio::select! {
        planned = read_and_prepare(settings, &source, &sheet, &client, (gate, replay)) => planned,
        () = stop.stopped() => Err(Stopped::new(
            RunEnd::Interrupted,
            "interrupted while reading the PBX; nothing was sent",
        )
        .into()),
    };
    let Prepared {
        planner,
        prune,
        adding,
        would_refuse,
    } = match planned {
        Ok(planned) => planned,
        Err(e) => {
            signals.abort();
            let _ = tokio::time::timeout(Duration::from_secs(1), client.logout()).await;
            return Err(e);
        }
    };
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
    // Created only now: a run refused at login or before any write leaves no journal.
    let (journal, replay) = match resumed {
        Some((journal, replay)) => (Some(journal), replay),
        None if settings.dry_run => (None, Replay::default()),
        None => (
            Some(Journal::create(
                &settings.report,
                input.fingerprint()?,
                &settings.pins(),
            )?),
            Replay::default(),
        ),
    };

    let progress = Progress::new(Some(sheet.len()), settings.progress_every);

    let (tx, rx) = mpsc::channel::<PipelineItem>(1024);
    let plan = ScheduleInputs {
        deletes: prune.deletes,
        bad_numbers: prune.bad_numbers,
        replay,
        adding,
    };
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
    engine::run(
        rx,
        client.clone(),
        engine_settings.clone(),
        &mut report,
        &progress,
        stop.clone(),
    )
    .await;
    progress.finish();
    let read = producer.await.context("the reader stopped unexpectedly")?;

    let wrote = report.summary.ok > 0;
    if wrote && settings.api.api.caps.apply_at_end && !stop.is_stopped() {
        // Yeastar v1 and Verba make a batch of writes live with one apply at the end.
        if let Err(e) = client.call_retrying(&Op::Apply, settings.retry).await {
            stop.stop(
                apply_failed(&e),
                format!("the changes were written but the final apply failed: {e}"),
            );
        }
    }
    let read_back = match (&engine_settings.written, stop.is_stopped()) {
        (Some(written), false) => {
            let pace = (settings.retry, settings.concurrency);
            Some(ReadBack::of(&client, table, pace, written).await)
        }
        _ => None,
    };
    if stop.is_abandoned() {
        // Requests were given up on: the PBX is too slow to wait for; its session times out.
    } else if stop.is_stopped() {
        // A stopped run owes the PBX no more than a moment.
        let _ = tokio::time::timeout(Duration::from_millis(300), client.logout()).await;
    } else {
        client.logout().await;
    }
    signals.abort();
    heartbeat.abort();
    let rejects = report.rejects_path().map(PathBuf::from);
    let mut page = report.take_page();
    let mut summary = finish_report(
        report,
        &lines,
        settings,
        &stop,
        (read_back.as_ref(), page.as_mut()),
    );
    summary.elapsed = started.elapsed();
    summary.settled_rate = engine_settings.throttle.settled();
    // A file that broke halfway (or changed under the run) is reported after the rows that
    // were read, and keeps its journal.
    if let Err(e) = &read {
        stop.stop(RunEnd::BadInput, e.to_string());
    }
    // The writes are done whether or not they could be read back: the journal goes.
    let journal_kept = match (stop.is_stopped(), &engine_settings.journal) {
        (false, Some(journal)) => {
            journal.remove();
            false
        }
        (true, Some(_)) => true,
        (_, None) => false,
    };
    let unverified = read_back.as_ref().and_then(ReadBack::failure).map(|e| {
        let why = format!(
            "the writes were sent, but reading them back for --verify failed: {e}; check \
             them with pbxbulk export"
        );
        (reason_of(e), why)
    });
    let stopped = stop.reason().map(|(r, why)| (r, why.to_string()));
    let stopped = stopped.or(unverified);
    // Before a broken file's error is returned: the page says how far the run got.
    let (broke, refusing) = (read.as_ref().err(), would_refuse.as_deref());
    let ending = Ending {
        started: started_at,
        summary: &summary,
        stopped: stopped.as_ref().map(|(r, why)| (*r, why.as_str())),
        broke,
        refusing,
    };
    page::write(settings, page, &source, ending)?;
    Ok(ImportOutcome {
        summary,
        stopped,
        would_refuse,
        relogins: client.logins().saturating_sub(1),
        journal_kept,
        rejects,
    })
}

/// Closes the report (with `--verify`'s column, and as a workbook if asked) and returns its
/// counts; a disk that fails here stops the run as a local failure, the counts kept.
fn finish_report(
    report: Report,
    lines: &Path,
    settings: &ImportSettings,
    stop: &Stop,
    (read_back, page): (Option<&ReadBack>, Option<&mut PageCollector>),
) -> Summary {
    let broken = report.is_broken();
    let (mut summary, closed) = report.finish();
    let mut done = closed.map_err(|e| format!("cannot finish the report {}: {e}", lines.display()));
    if let Some(read_back) = read_back.filter(|_| done.is_ok() && !broken) {
        done = read_back.record(lines, page, &mut summary).map_err(|e| {
            format!(
                "cannot write the verify column of the report {}: {e}",
                lines.display()
            )
        });
    }
    if done.is_ok() && !broken && settings.report_format == ReportFormat::Xlsx {
        done = workbook::csv_to_xlsx(lines, &settings.report)
            .map_err(|e| format!("cannot write the report {}: {e}", settings.report.display()));
    }
    if let Err(why) = done {
        stop.stop(RunEnd::LocalFailure, why);
    }
    summary
}

/// What a failed final apply means: the PBX gone or the login refused as for any request;
/// otherwise the written changes are not live, which `--resume` sets right.
fn apply_failed(e: &ApiError) -> RunEnd {
    match reason_of(e) {
        RunEnd::BadInput => RunEnd::LocalFailure,
        other => other,
    }
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
