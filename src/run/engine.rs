//! The import pipeline: a stream of planned rows, a rate limiter, a bounded set of requests in
//! flight, and one consumer that writes the report in input order and moves the progress bar.
//!
//! A row's failure is data (its report line), never an error that stops the run. The run stops
//! early only through [`Stop`]: a refused login, a PBX that stopped answering, a journal that
//! cannot be written, or a signal; rows not yet attempted are then reported as `skipped` at
//! once (wherever they wait), so every row still appears exactly once, and requests abandoned
//! in flight stay open for `--resume`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use csv::ByteRecord;
use futures::StreamExt;
use futures::future::{self, Either};
use tokio::sync::mpsc;

use super::send::not_finished;
use super::stop::Stop;
use super::verify::Written;
use crate::domain::{Record, RowResult, RunEnd, Secret, Status};
use crate::output::{Progress, Report};
use crate::pbx::Client;
pub(crate) use settings::{EngineSettings, Queued};
use task::spawn_row;

/// Said of a row the interrupted run had sent unanswered under `--generate-passwords`: the
/// extension may carry secrets that run made but never lived to write down.
pub(crate) const CREDENTIALS_MAYBE_LOST: &str = "it was in flight when the interrupted run \
     stopped: if that run added it, its credentials are that run's; if the credentials file \
     has no line for it, they were lost: set new ones on the PBX";

/// One unit of the pipeline, numbered in input order.
pub(crate) struct PipelineItem {
    pub(crate) seq: u64,
    /// How far into the input file this row ends, for the progress bar.
    pub(crate) offset: u64,
    pub(crate) raw: Option<ByteRecord>,
    pub(crate) step: Step,
}

pub(crate) enum Step {
    /// Nothing to send: the row's line is already known (invalid, blank, dry run).
    Decided(RowResult),
    /// Finished by an interrupted run: its line comes from the journal, which has it already.
    Replayed(RowResult),
    Send(Queued),
}

impl Step {
    /// The row's line where it is already known, and whether the journal is to record it (a
    /// replayed line is there already); otherwise what to send.
    #[expect(
        clippy::result_large_err,
        reason = "moved once, straight into its row's task"
    )]
    fn known(self) -> Result<(RowResult, bool), Queued> {
        match self {
            // Decided lines are finished when the pipeline takes them; replayed ones were
            // finished by the killed run, at no time of this one.
            Step::Decided(mut result) => {
                result.finished_at = Some(Instant::now());
                Ok((result, true))
            }
            Step::Replayed(result) => Ok((result, false)),
            Step::Send(queued) => Err(queued),
        }
    }
}

struct Finished {
    seq: u64,
    offset: u64,
    raw: Option<ByteRecord>,
    result: RowResult,
    secrets: Vec<(&'static str, Secret)>,
    /// What was sent, kept for `--verify`.
    sent: Option<Record>,
    unreachable: bool,
    /// Whether the journal is to record this row as finished.
    journal: bool,
    /// A stopped run left the row unfinished (not sent, or abandoned): it joins the rejects.
    unfinished: bool,
}

/// Runs every row of `work` and writes each line of the report in input order.
pub(crate) async fn run(
    work: mpsc::Receiver<PipelineItem>,
    client: Arc<Client>,
    settings: Arc<EngineSettings>,
    report: &mut Report,
    progress: &Progress,
    stop: Arc<Stop>,
) {
    let finished = finishing(work, client, settings.clone(), stop.clone());
    let mut finished = std::pin::pin!(finished);
    // Rows finish out of order; hold the early ones until every row before them is written.
    let mut waiting: BTreeMap<u64, Finished> = BTreeMap::new();
    let mut next = 0;
    let mut unreachable_in_a_row = 0;
    let give_up_after = (2 * settings.concurrency).max(10);
    while let Some(mut done) = finished.next().await {
        if stop.is_stopped() {
            // What is left are lines of rows not sent: a killed run loses none of them (the
            // journal does not hold them either), so they need not reach the disk one by one.
            report.flush_each_line(false);
        }
        if done.unreachable {
            unreachable_in_a_row += 1;
            if unreachable_in_a_row >= give_up_after {
                stop.stop(
                    RunEnd::PbxUnreachable,
                    format!(
                        "the PBX stopped answering ({unreachable_in_a_row} rows in a row could not reach it)"
                    ),
                );
            }
        } else if done.result.attempts > 0 {
            unreachable_in_a_row = 0;
        }
        record(&mut done, report, &settings, &stop);
        waiting.insert(done.seq, done);
        while let Some(done) = waiting.remove(&next) {
            write_line(report, &done, progress, &stop);
            next += 1;
        }
    }
}

/// Every row of `work`, finished: sent on a task of its own, at most `concurrency` at a
/// time, or given its line at once where it is known.
fn finishing(
    work: mpsc::Receiver<PipelineItem>,
    client: Arc<Client>,
    settings: Arc<EngineSettings>,
    stop: Arc<Stop>,
) -> impl futures::Stream<Item = Finished> {
    let concurrency = settings.concurrency;
    let stream = futures::stream::unfold(
        work,
        |mut rx| async move { rx.recv().await.map(|w| (w, rx)) },
    );
    stream
        .map(move |work| {
            if stop.is_stopped() {
                // A stopped run sends nothing more: the rest of the rows get their lines here
                // and now, without a task each, so a large file's remainder takes a moment.
                return Either::Left(future::ready(unsent(work, &stop)));
            }
            let queued = match work.step.known() {
                // A row whose line is already known needs no task: one per row of a sync of
                // 10,000 unchanged extensions took longer than its reads.
                Ok((result, journal)) => {
                    let line = Finished::without_task(work.seq, work.offset, work.raw, result);
                    return Either::Left(future::ready(line.journalled(journal, false)));
                }
                Err(queued) => queued,
            };
            let (client, stop, settings) = (client.clone(), stop.clone(), settings.clone());
            let raw = work.raw;
            let row = spawn_row(work.seq, work.offset, raw, queued, client, settings, stop);
            Either::Right(row)
        })
        .buffer_unordered(concurrency)
}

/// What a finished row leaves besides its line: its generated secrets in the credentials
/// file, its end in the journal, and what was sent, for `--verify`.
fn record(done: &mut Finished, report: &mut Report, settings: &EngineSettings, stop: &Stop) {
    // Written before the journal says the row is done: a run killed in between must not
    // leave an extension whose only copy of its password is lost.
    if done.result.status == Status::Ok && !done.secrets.is_empty() {
        write_credentials(report, done, stop);
    }
    if let Some(journal) = &settings.journal
        && done.journal
        && let Err(e) = journal.finished(done.seq, &done.result)
    {
        stop.stop(RunEnd::LocalFailure, e.to_string());
    }
    if let (Some(written), Some(record)) = (&settings.written, done.sent.take())
        && Written::is_written(&done.result)
    {
        let row = Written {
            seq: done.seq,
            result: done.result.clone(),
            record,
        };
        written.lock().expect("the written rows' lock").push(row);
    }
}

/// Writes a row's line, in its turn, and moves the progress bar.
fn write_line(report: &mut Report, done: &Finished, progress: &Progress, stop: &Stop) {
    if done.journal && done.result.attempts > 0 {
        report.summary.sent += 1;
    }
    if let Err(e) = report.write(&done.result, done.raw.as_ref(), done.unfinished) {
        // Every row still counts; the journal has what the report could not take.
        let what = format!("cannot write the report {}: {e}", report.path().display());
        stop.stop(RunEnd::LocalFailure, what);
    }
    progress.advance(done.offset, &report.summary);
}

/// Puts a new extension's generated secrets in the credentials file and says so in its line;
/// a file that cannot take them stops the run (the extension is on the PBX, its secrets lost).
fn write_credentials(report: &mut Report, done: &mut Finished, stop: &Stop) {
    let said = match report.credentials(&done.result.number, &done.secrets) {
        Ok(file) => {
            let names: Vec<&str> = done.secrets.iter().map(|(field, _)| *field).collect();
            format!("new {} generated (in {file})", names.join(", "))
        }
        Err(e) => {
            let what = format!("cannot write the credentials file: {e}");
            stop.stop(RunEnd::LocalFailure, what.clone());
            format!("{what}; the credentials generated for it are lost: set new ones on the PBX")
        }
    };
    done.result.message = match done.result.message.is_empty() {
        true => said,
        false => format!("{}; {said}", done.result.message),
    };
}

/// The line of a row that reached the pipeline after the run stopped.
fn unsent(work: PipelineItem, stop: &Stop) -> Finished {
    let (result, journal, unfinished) = match work.step.known() {
        Ok((result, journal)) => (result, journal, false),
        Err(Queued { write, .. }) => {
            let why = stop.why();
            let line = RowResult::new(write.row, &write.number, write.action, Status::Skipped);
            (not_finished(line, why, false), false, true)
        }
    };
    Finished::without_task(work.seq, work.offset, work.raw, result).journalled(journal, unfinished)
}

impl Finished {
    /// The line of a row that gets no task of its own: nothing is sent for it.
    fn without_task(seq: u64, offset: u64, raw: Option<ByteRecord>, result: RowResult) -> Self {
        Finished {
            seq,
            offset,
            raw,
            result,
            secrets: Vec::new(),
            sent: None,
            unreachable: false,
            journal: false,
            unfinished: false,
        }
    }

    fn journalled(mut self, journal: bool, unfinished: bool) -> Self {
        self.journal = journal;
        self.unfinished = unfinished;
        self
    }
}

pub(super) mod settings;
mod task;
#[cfg(test)]
mod tests;
