//! The import pipeline: a stream of planned rows, a rate limiter, a bounded set of requests in
//! flight, and one consumer that writes the report in input order and moves the progress bar.
//!
//! A row's failure is data (its report line), never an error that stops the run. The run stops
//! early only through [`Stop`]: a refused login, a PBX that stopped answering, or a signal;
//! rows not yet attempted are then reported as `skipped` at once (wherever they wait), so every
//! row still appears exactly once, and requests abandoned in flight stay open for `--resume`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use csv::ByteRecord;
use futures::StreamExt;
use futures::future::{self, Either};
use tokio::sync::{mpsc, watch};

use super::journal::Journal;
use super::stop::Stop;
use super::throttle::Throttle;
use crate::domain::{Action, Code, Record, RowResult, Status, StopReason};
use crate::output::{Progress, Report};
use crate::pbx::{ApiError, Client, ErrorClass, Op, Reply, RetryPolicy, hints};

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
    Send(RowWrite),
}

pub(crate) struct RowWrite {
    /// `None` for a delete of an extension the file does not list.
    pub(crate) row: Option<u64>,
    pub(crate) number: String,
    pub(crate) action: Action,
    pub(crate) record: Record,
    /// The fields sent, comma-separated, for the report.
    pub(crate) changed: String,
    /// Adds of earlier rows this row's forwards point at: wait for them before sending.
    pub(crate) after: Vec<watch::Receiver<bool>>,
    /// Told when this row is finished, if later rows forward to it.
    pub(crate) done: Option<watch::Sender<bool>>,
    /// A killed run had sent this row without learning the outcome: ask the PBX first.
    pub(crate) verify_first: bool,
}

pub(crate) struct EngineSettings {
    pub(crate) throttle: Throttle,
    /// Where each row's start and outcome are recorded, for `--resume`.
    pub(crate) journal: Option<Journal>,
    pub(crate) concurrency: usize,
    pub(crate) retry: RetryPolicy,
}

struct Finished {
    seq: u64,
    offset: u64,
    raw: Option<ByteRecord>,
    result: RowResult,
    unreachable: bool,
    /// False for a row a stopped run never sent.
    attempted: bool,
}

/// Runs every row of `work` and writes each line of the report in input order.
pub(crate) async fn run(
    work: mpsc::Receiver<PipelineItem>,
    client: Arc<Client>,
    settings: Arc<EngineSettings>,
    report: &mut Report,
    progress: &Progress,
    stop: Arc<Stop>,
) -> std::io::Result<()> {
    let stream = futures::stream::unfold(
        work,
        |mut rx| async move { rx.recv().await.map(|w| (w, rx)) },
    );
    let finished = stream
        .map(|work| {
            if stop.is_stopped() {
                // A stopped run sends nothing more: the rest of the rows get their lines here
                // and now, without a task each, so a large file's remainder takes a moment.
                return Either::Left(future::ready(unsent(work, &stop)));
            }
            let (client, stop, settings) = (client.clone(), stop.clone(), settings.clone());
            // Each row is its own task, so rows run on the runtime's workers beside their
            // connections instead of all being polled by the thread that drives the pipeline.
            let row = tokio::spawn(async move {
                let (result, sent) = match work.step {
                    Step::Decided(result) => (result, Sent::Answered),
                    Step::Send(mut write) => {
                        let done = write.done.take();
                        let line =
                            RowResult::new(write.row, &write.number, write.action, Status::Skipped);
                        let finished = tokio::select! {
                            biased;
                            finished = execute(work.seq, write, &client, &settings, &stop) => finished,
                            () = stop.abandoned() => (abandoned(line), Sent::NotAttempted),
                        };
                        if let Some(done) = done {
                            let _ = done.send(true);
                        }
                        finished
                    }
                };
                Finished {
                    seq: work.seq,
                    offset: work.offset,
                    raw: work.raw,
                    result,
                    unreachable: sent == Sent::Unreachable,
                    attempted: sent != Sent::NotAttempted,
                }
            });
            Either::Right(async move { row.await.expect("a row's task does not panic") })
        })
        .buffer_unordered(settings.concurrency);
    let mut finished = std::pin::pin!(finished);

    // Rows finish out of order; hold the early ones until every row before them is written.
    let mut waiting: BTreeMap<u64, Finished> = BTreeMap::new();
    let mut next = 0;
    let mut unreachable_in_a_row = 0;
    let give_up_after = (2 * settings.concurrency).max(10);
    while let Some(done) = finished.next().await {
        if stop.is_stopped() {
            // What is left are lines of rows not sent: a killed run loses none of them (the
            // journal does not hold them either), so they need not reach the disk one by one.
            report.flush_each_line(false);
        }
        if done.unreachable {
            unreachable_in_a_row += 1;
            if unreachable_in_a_row >= give_up_after {
                stop.stop(
                    StopReason::PbxUnreachable,
                    format!(
                        "the PBX stopped answering ({unreachable_in_a_row} rows in a row could not reach it)"
                    ),
                );
            }
        } else if done.result.attempts > 0 {
            unreachable_in_a_row = 0;
        }
        // Rows a stopped run never attempted stay open for --resume.
        if let Some(journal) = &settings.journal
            && done.attempted
        {
            journal.finished(done.seq, &done.result);
        }
        waiting.insert(done.seq, done);
        while let Some(done) = waiting.remove(&next) {
            report.write(&done.result, done.raw.as_ref(), !done.attempted)?;
            progress.advance(done.offset, &report.summary);
            next += 1;
        }
    }
    Ok(())
}

/// The line of a row that reached the pipeline after the run stopped.
fn unsent(work: PipelineItem, stop: &Stop) -> Finished {
    let (result, attempted) = match work.step {
        Step::Decided(result) => (result, true),
        Step::Send(write) => {
            let why = stop.reason().map_or("", |(_, why)| why);
            let line = RowResult::new(write.row, &write.number, write.action, Status::Skipped);
            (not_finished(line, why, false), false)
        }
    };
    Finished {
        seq: work.seq,
        offset: work.offset,
        raw: work.raw,
        result,
        unreachable: false,
        attempted,
    }
}

/// How a row's sending ended, besides its report line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Answered,
    /// The PBX could not be reached in the end.
    Unreachable,
    /// The run had stopped before the row's first try, or before it was finished: the row
    /// stays open in the journal.
    NotAttempted,
}

/// The line of a row whose request was abandoned in flight: whether it landed is unknown
/// until `--resume` asks the PBX.
fn abandoned(mut line: RowResult) -> RowResult {
    line.error_code = Code::Aborted.to_string();
    line.message = "abandoned in flight when the run was stopped: the PBX may or may not have \
                    done it; --resume checks"
        .to_string();
    line
}

/// The line of a row the stopped run did not finish (not started, or stopped before a retry).
fn not_finished(mut line: RowResult, why: &str, started: bool) -> RowResult {
    line.status = Status::Skipped;
    line.error_code = Code::Aborted.to_string();
    line.message = match started {
        false => format!("not attempted: {why}"),
        true => format!("not finished (stopped before a retry): {why}"),
    };
    line
}

/// Sends one row, retrying passing failures; returns its line and how the sending ended.
async fn execute(
    seq: u64,
    write: RowWrite,
    client: &Client,
    settings: &EngineSettings,
    stop: &Stop,
) -> (RowResult, Sent) {
    let (throttle, retry) = (&settings.throttle, settings.retry);
    let mut result = RowResult::new(write.row, &write.number, write.action, Status::Ok);
    let why = |stop: &Stop| stop.reason().map_or("", |(_, why)| why).to_string();
    for mut earlier in write.after.iter().cloned() {
        // A closed channel means that row was never sent; this one goes ahead regardless.
        tokio::select! {
            biased;
            () = stop.stopped() => return (not_finished(result, &why(stop), false), Sent::NotAttempted),
            _ = earlier.wait_for(|done| *done) => {}
        }
    }
    result.changed = write.changed.clone();
    let numbers = std::slice::from_ref(&write.number);
    let op = match write.action {
        Action::Add => Op::Add(&write.record),
        Action::Delete => Op::Delete(numbers),
        _ => Op::Update(&write.record),
    };
    if write.verify_first && already_on_pbx(client, &write, retry).await {
        result.message = format!(
            "{}: it had landed before the interrupted run stopped",
            write.action
        );
        return (result, Sent::Answered);
    }
    let mut started = None;
    // An attempt that got no answer may still have landed on the PBX.
    let mut answer_lost = false;
    let mut attempt = 0;
    let e = loop {
        attempt += 1;
        // The throttle releases nothing once the run is stopped.
        tokio::select! {
            biased;
            () = stop.stopped() => {}
            () = throttle.ready() => {}
        }
        if stop.is_stopped() {
            // A row stopped before a retry is not failed: it stays open in the journal (as
            // started) and --resume finishes it.
            return (
                not_finished(result, &why(stop), attempt > 1),
                Sent::NotAttempted,
            );
        }
        result.attempts = attempt;
        if let (1, Some(journal)) = (attempt, &settings.journal) {
            journal.started(seq);
        }
        // Latency counts from the first send, not from the wait for the rate limiter.
        let started = *started.get_or_insert_with(Instant::now);
        let answer = {
            let _in_flight = stop.sending();
            client.write(&op).await
        };
        match answer {
            Ok(_) => {
                throttle.accepted();
                result.latency_ms = millis(started);
                return (result, Sent::Answered);
            }
            Err(e) => {
                let class = e.class();
                if class == ErrorClass::LoginRefused {
                    stop.stop(
                        StopReason::LoginRefused,
                        format!("the PBX refused to log in again: {e}"),
                    );
                }
                let retry_after = e.retry_after();
                if e.is_pushback() {
                    throttle.pushed_back(retry_after);
                }
                answer_lost |= e.is_unreachable();
                if class != ErrorClass::Transient {
                    break e;
                }
                let Some(pause) = retry.delay(attempt, retry_after) else {
                    break e;
                };
                tokio::select! {
                    biased;
                    () = stop.stopped() => {}
                    () = tokio::time::sleep(pause) => {}
                }
            }
        }
    };
    result.latency_ms = started.map_or(0, millis);
    if answer_lost
        && e.class() == ErrorClass::Permanent
        && already_on_pbx(client, &write, retry).await
    {
        // The retry was refused because the lost attempt had already done the work.
        result.message = format!(
            "{}: an earlier attempt's answer was lost, but the PBX shows it done",
            write.action
        );
        return (result, Sent::Answered);
    }
    result.status = Status::Failed;
    result.error_code = e.code();
    result.message = if result.attempts > 1 {
        format!(
            "{} failed: {e}; gave up after {} attempts",
            write.action, result.attempts
        )
    } else {
        format!("{} failed: {e}", write.action)
    };
    if write.action == Action::Add
        && hints::may_already_exist(&e)
        && already_on_pbx(client, &write, retry).await
    {
        result.message = format!("{}; {}", result.message, hints::ALREADY_EXISTS);
    }
    let sent = if e.is_unreachable() {
        Sent::Unreachable
    } else {
        Sent::Answered
    };
    (result, sent)
}

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Whether an add or delete whose answer was lost did land: the extension is there (add) or
/// gone (delete). Updates need no check: sending one twice does no harm.
async fn already_on_pbx(client: &Client, write: &RowWrite, retry: RetryPolicy) -> bool {
    let numbers = std::slice::from_ref(&write.number);
    let found = match client.call_retrying(&Op::Query(numbers), retry).await {
        Ok(Reply::Records(records)) => Some(!records.is_empty()),
        Err(ApiError::Refused {
            class: ErrorClass::Permanent,
            ..
        }) => Some(false),
        _ => None,
    };
    match write.action {
        Action::Add => found == Some(true),
        Action::Delete => found == Some(false),
        _ => false,
    }
}
