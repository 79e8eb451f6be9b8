//! Sending one row: the throttle's turn, the journal's "started" line before the first try,
//! retries of passing failures, and asking the PBX whether an add or delete whose answer was
//! lost did land. The row's task runs this; a panic in it becomes the row's `INTERNAL` line
//! (see `engine`), never the end of the run.

use std::time::Instant;

use super::engine::{EngineSettings, Queued};
use super::stop::Stop;
use crate::domain::{Action, Code, RowResult, RunEnd, Status};
use crate::pbx::{ApiError, Client, ErrorClass, Op, Reply, RetryPolicy, hints};
use crate::plan::RowWrite;

/// How a row's sending ended, besides its report line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sent {
    Answered,
    /// The PBX could not be reached in the end.
    Unreachable,
    /// The run had stopped before the row's first try, or before it was finished: the row
    /// stays open in the journal.
    NotAttempted,
    /// A bug ended the sending (the row's task panicked): whether the PBX took it is unknown,
    /// so the journal keeps it open and `--resume` asks the PBX.
    Broken,
}

impl Sent {
    /// Whether the journal records the row as finished.
    pub(super) fn finished(self) -> bool {
        match self {
            Sent::Answered | Sent::Unreachable => true,
            Sent::NotAttempted | Sent::Broken => false,
        }
    }
}

/// The line of a row whose request was abandoned in flight: whether it landed is unknown
/// until `--resume` asks the PBX.
pub(super) fn abandoned(mut line: RowResult) -> RowResult {
    line.error_code = Code::Aborted.to_string();
    line.message = "abandoned in flight when the run was stopped: the PBX may or may not have \
                    done it; --resume checks"
        .to_string();
    line
}

/// Sends one row, retrying passing failures; returns its line and how the sending ended.
pub(super) async fn execute(
    seq: u64,
    queued: Queued,
    client: &Client,
    settings: &EngineSettings,
    stop: &Stop,
) -> (RowResult, Sent) {
    let (throttle, retry) = (&settings.throttle, settings.retry);
    let write = &queued.write;
    let mut result = RowResult::new(write.row, &write.number, write.action, Status::Ok);
    let why = |stop: &Stop| stop.reason().map_or("", |(_, why)| why).to_string();
    for mut earlier in queued.after.iter().cloned() {
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
    if queued.verify_first && already_on_pbx(client, write, retry).await {
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
            && let Err(e) = journal.started(seq, write.row, &write.number, write.action)
        {
            // Sent now, the row could be neither resumed nor trusted: stop instead.
            stop.stop(RunEnd::LocalFailure, e.to_string());
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
            Err(e @ ApiError::LoginBudget { .. }) => {
                // The PBX keeps wanting logins: no row can get through it now.
                stop.stop(RunEnd::PbxUnreachable, e.to_string());
                return (
                    not_finished(result, &e.to_string(), true),
                    Sent::NotAttempted,
                );
            }
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
                        RunEnd::LoginRefused,
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
        && already_on_pbx(client, write, retry).await
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
        && already_on_pbx(client, write, retry).await
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
pub(super) fn not_finished(mut line: RowResult, why: &str, started: bool) -> RowResult {
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
    let key = client.protocol().record_key();
    let found = match client.query(numbers, retry).await {
        // Only a record of this number counts: not one the PBX answered unasked.
        Ok(Reply::Records(records)) => {
            Some(records.iter().any(|r| r.get(key) == Some(&write.number)))
        }
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
