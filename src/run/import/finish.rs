//! The ending of an import, once every row has its line: the final apply where the API
//! needs one, `--verify`'s read-back, the logout, the report closed, the journal kept or
//! removed, the page written, and what the run says of how it went.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::settings::ImportSettings;
use super::{ImportOutcome, reason_of};
use crate::domain::{RunEnd, Summary};
use crate::input::{Fingerprint, SheetError};
use crate::output::Report;
use crate::output::html::PageCollector;
use crate::output::workbook::{self, ReportFormat};
use crate::pbx::{ApiError, Client, Op};
use crate::run::engine::EngineSettings;
use crate::run::page::{self, Ending};
use crate::run::stop::Stop;
use crate::run::verify::ReadBack;

/// What the pipeline left for the ending.
pub(super) struct Sent<'a> {
    pub(super) engine: &'a EngineSettings,
    /// The input's fingerprint, for the page (taken only when a page is written).
    pub(super) fingerprint: Option<Fingerprint>,
    /// How reading the file ended.
    pub(super) read: Result<(), SheetError>,
    pub(super) read_back: Option<ReadBack>,
    /// A dry run's prune over the limit: what the real run would refuse.
    pub(super) would_refuse: Option<String>,
}

/// Makes the writes live where the API applies them at the end, then, with `--verify`,
/// reads every written extension back; neither once the run has stopped.
pub(super) async fn apply_and_read_back(
    settings: &ImportSettings,
    client: &Arc<Client>,
    engine: &EngineSettings,
    stop: &Stop,
    report: &Report,
) -> Option<ReadBack> {
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
    match (&engine.written, stop.is_stopped()) {
        (Some(written), false) => {
            let pace = (settings.retry, settings.concurrency);
            Some(ReadBack::of(client, settings.api.table, pace, written).await)
        }
        _ => None,
    }
}

/// Logs out, as far as a stopped run still owes the PBX.
pub(super) async fn log_out(client: &Client, stop: &Stop) {
    if stop.is_abandoned() {
        // Requests were given up on: the PBX is too slow to wait for; its session times out.
    } else if stop.is_stopped() {
        // A stopped run owes the PBX no more than a moment.
        let _ = tokio::time::timeout(Duration::from_millis(300), client.logout()).await;
    } else {
        client.logout().await;
    }
}

/// Closes the report, settles the journal, writes the page, and says how the run went.
pub(super) fn finish(
    settings: &ImportSettings,
    (client, stop): (&Arc<Client>, &Arc<Stop>),
    (started, started_at): (Instant, SystemTime),
    (mut report, lines): (Report, &Path),
    sent: Sent<'_>,
) -> anyhow::Result<ImportOutcome> {
    let Sent {
        engine,
        fingerprint,
        read,
        read_back,
        would_refuse,
    } = sent;
    let rejects = report.rejects_path().map(PathBuf::from);
    let mut page = report.take_page();
    let read_back = read_back.as_ref();
    let mut summary = finish_report(report, lines, settings, stop, (read_back, page.as_mut()));
    summary.elapsed = started.elapsed();
    summary.settled_rate = engine.throttle.settled();
    // A file that broke halfway (or changed under the run) is reported after the rows that
    // were read, and keeps its journal.
    if let Err(e) = &read {
        stop.stop(RunEnd::BadInput, e.to_string());
    }
    let journal_kept = settle_journal(engine, stop);
    let stopped = stop.reason().map(|(r, why)| (r, why.to_string()));
    let stopped = stopped.or_else(|| unverified(read_back));
    // Before a broken file's error is returned: the page says how far the run got.
    let (broke, refusing) = (read.as_ref().err(), would_refuse.as_deref());
    let ending = Ending {
        started: started_at,
        summary: &summary,
        stopped: stopped.as_ref().map(|(r, why)| (*r, why.as_str())),
        broke,
        refusing,
        fingerprint: fingerprint.as_ref(),
    };
    page::write(settings, page, ending)?;
    Ok(ImportOutcome {
        summary,
        stopped,
        would_refuse,
        relogins: client.logins().saturating_sub(1),
        journal_kept,
        rejects,
    })
}

/// The writes are done whether or not they could be read back: the journal goes, unless the
/// run stopped. Returns whether it is kept for `--resume`.
fn settle_journal(engine: &EngineSettings, stop: &Stop) -> bool {
    match (stop.is_stopped(), &engine.journal) {
        (false, Some(journal)) => {
            journal.remove();
            false
        }
        (true, Some(_)) => true,
        (_, None) => false,
    }
}

/// Why the run did not end well although nothing stopped it: its writes could not be read
/// back for `--verify`.
fn unverified(read_back: Option<&ReadBack>) -> Option<(RunEnd, String)> {
    read_back.and_then(ReadBack::failure).map(|e| {
        let why = format!(
            "the writes were sent, but reading them back for --verify failed: {e}; check \
             them with pbxbulk export"
        );
        (reason_of(e), why)
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
