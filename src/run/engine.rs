//! The import pipeline: a stream of planned rows, a rate limiter, a bounded set of requests in
//! flight, and one consumer that writes the report in input order and moves the progress bar.
//!
//! A row's failure is data (its report line), never an error that stops the run. The run stops
//! early only through [`Stop`]: a refused login, a PBX that stopped answering, a journal that
//! cannot be written, or a signal; rows not yet attempted are then reported as `skipped` at
//! once (wherever they wait), so every row still appears exactly once, and requests abandoned
//! in flight stay open for `--resume`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use csv::ByteRecord;
use futures::StreamExt;
use futures::future::{self, Either};
use tokio::sync::{mpsc, watch};

use super::journal::Journal;
use super::stop::Stop;
use super::throttle::Throttle;
use super::verify::Written;
use crate::domain::{Action, Code, Record, RowResult, Secret, Status, StopReason};
use crate::output::{Progress, Report};
use crate::pbx::{ApiError, Client, ErrorClass, Op, Reply, RetryPolicy, hints};

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
    Send(RowWrite),
}

impl Step {
    /// The row's line where it is already known, and whether the journal is to record it (a
    /// replayed line is there already); otherwise what to send.
    #[expect(
        clippy::result_large_err,
        reason = "moved once, straight into its row's task"
    )]
    fn known(self) -> Result<(RowResult, bool), RowWrite> {
        match self {
            // Decided lines are finished when the pipeline takes them; replayed ones were
            // finished by the killed run, at no time of this one.
            Step::Decided(mut result) => {
                result.finished_at = Some(Instant::now());
                Ok((result, true))
            }
            Step::Replayed(result) => Ok((result, false)),
            Step::Send(write) => Err(write),
        }
    }
}

pub(crate) struct RowWrite {
    /// `None` for a delete of an extension the file does not list.
    pub(crate) row: Option<u64>,
    pub(crate) number: String,
    pub(crate) action: Action,
    pub(crate) record: Record,
    /// The fields sent, comma-separated, for the report.
    pub(crate) changed: String,
    /// Said in the report's message however the row ends (values a conversion dropped).
    pub(crate) note: String,
    /// Secrets generated for this add: to the credentials file once the PBX has taken it.
    pub(crate) secrets: Vec<(&'static str, Secret)>,
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
    /// An update whose extension turns out to be gone becomes an add (upsert, sync).
    pub(crate) create_if_missing: bool,
    /// With `--verify`: every row written, as sent, to be read back once all are.
    pub(crate) written: Option<Mutex<Vec<Written>>>,
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
            let mut write = match work.step.known() {
                // A row whose line is already known needs no task: one per row of a sync of
                // 10,000 unchanged extensions took longer than its reads.
                Ok((result, journal)) => {
                    let line = Finished::without_task(work.seq, work.offset, work.raw, result);
                    return Either::Left(future::ready(line.journalled(journal, false)));
                }
                Err(write) => write,
            };
            let (seq, offset, raw) = (work.seq, work.offset, work.raw);
            let (client, stop, settings) = (client.clone(), stop.clone(), settings.clone());
            // Each row is its own task, so rows run on the runtime's workers beside their
            // connections instead of all being polled by the thread that drives the pipeline.
            let row = tokio::spawn(async move {
                let done = write.done.take();
                let mut note = std::mem::take(&mut write.note);
                let mut secrets = std::mem::take(&mut write.secrets);
                let verify_first = write.verify_first;
                let kept = settings.written.as_ref().map(|_| write.record.clone());
                let line = RowResult::new(write.row, &write.number, write.action, Status::Skipped);
                let (mut result, sent) = tokio::select! {
                    biased;
                    finished = execute(seq, write, &client, &settings, &stop) => finished,
                    () = stop.abandoned() => (abandoned(line), Sent::NotAttempted),
                };
                result.finished_at = Some(Instant::now());
                if let Some(done) = done {
                    let _ = done.send(true);
                }
                if verify_first && result.attempts == 0 && !secrets.is_empty() {
                    // The add that landed carried the killed run's secrets, which that
                    // run wrote down only if it lived to hear the answer; these were
                    // never sent.
                    secrets.clear();
                    note = CREDENTIALS_MAYBE_LOST.into();
                }
                if !note.is_empty() {
                    result.message = match result.message.is_empty() {
                        true => note,
                        false => format!("{}; {note}", result.message),
                    };
                }
                Finished {
                    seq,
                    offset,
                    raw,
                    result,
                    secrets,
                    sent: kept,
                    unreachable: sent == Sent::Unreachable,
                    // Rows a stopped run never attempted stay open for --resume.
                    journal: sent != Sent::NotAttempted,
                    unfinished: sent == Sent::NotAttempted,
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
                    StopReason::PbxUnreachable,
                    format!(
                        "the PBX stopped answering ({unreachable_in_a_row} rows in a row could not reach it)"
                    ),
                );
            }
        } else if done.result.attempts > 0 {
            unreachable_in_a_row = 0;
        }
        // Written before the journal says the row is done: a run killed in between must not
        // leave an extension whose only copy of its password is lost.
        if done.result.status == Status::Ok && !done.secrets.is_empty() {
            let file = report.credentials(&done.result.number, &done.secrets)?;
            let names: Vec<&str> = done.secrets.iter().map(|(field, _)| *field).collect();
            let said = format!("new {} generated (in {file})", names.join(", "));
            done.result.message = match done.result.message.is_empty() {
                true => said,
                false => format!("{}; {said}", done.result.message),
            };
        }
        if let Some(journal) = &settings.journal
            && done.journal
            && let Err(e) = journal.finished(done.seq, &done.result)
        {
            stop.stop(StopReason::BadInput, e.to_string());
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
        waiting.insert(done.seq, done);
        while let Some(done) = waiting.remove(&next) {
            if done.journal && done.result.attempts > 0 {
                report.summary.sent += 1;
            }
            report.write(&done.result, done.raw.as_ref(), done.unfinished)?;
            progress.advance(done.offset, &report.summary);
            next += 1;
        }
    }
    Ok(())
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

/// The line of a row that reached the pipeline after the run stopped.
fn unsent(work: PipelineItem, stop: &Stop) -> Finished {
    let (result, journal, unfinished) = match work.step.known() {
        Ok((result, journal)) => (result, journal, false),
        Err(write) => {
            let why = stop.reason().map_or("", |(_, why)| why);
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

/// The line of a row whose request was abandoned in flight: whether it landed is unknown
/// until `--resume` asks the PBX.
fn abandoned(mut line: RowResult) -> RowResult {
    line.error_code = Code::Aborted.to_string();
    line.message = "abandoned in flight when the run was stopped: the PBX may or may not have \
                    done it; --resume checks"
        .to_string();
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
        if let (1, Some(journal)) = (attempt, &settings.journal)
            && let Err(e) = journal.started(seq, write.action)
        {
            // Sent now, the row could be neither resumed nor trusted: stop instead.
            stop.stop(StopReason::BadInput, e.to_string());
            return (
                not_finished(result, &e.to_string(), false),
                Sent::NotAttempted,
            );
        }
        result.attempts = attempt;
        // Latency counts from the first send, not from the wait for the rate limiter.
        let started = *started.get_or_insert_with(Instant::now);
        let answer = {
            let _in_flight = stop.sending();
            client.write(&op, settings.create_if_missing).await
        };
        match answer {
            Ok(reply) => {
                throttle.accepted();
                result.latency_ms = millis(started);
                if let Reply::Noted(note) = reply {
                    result.message = note;
                }
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
                if !class.is_transient() {
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
        && client.protocol().may_already_exist(&e)
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

fn millis(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Whether an add or delete whose answer was lost did land: the extension is there (add) or
/// gone (delete). Updates need no check: sending one twice does no harm.
async fn already_on_pbx(client: &Client, write: &RowWrite, retry: RetryPolicy) -> bool {
    let numbers = std::slice::from_ref(&write.number);
    let found = match client.query(numbers, retry).await {
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
