//! Sending one row: the throttle's turn, the journal's "started" line before the first try,
//! retries of passing failures, and asking the PBX whether an add or delete whose answer was
//! lost did land. The row's task runs this; a panic in it becomes the row's `INTERNAL` line
//! (see `engine`), never the end of the run.

use std::time::{Duration, Instant};

use super::engine::settings::{EngineSettings, Queued};
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
    let write = &queued.write;
    let mut result = RowResult::new(write.row, &write.number, write.action, Status::Ok);
    for mut earlier in queued.after.iter().cloned() {
        // A closed channel means that row was never sent; this one goes ahead regardless.
        tokio::select! {
            biased;
            () = stop.stopped() => return (not_finished(result, stop.why(), false), Sent::NotAttempted),
            _ = earlier.wait_for(|done| *done) => {}
        }
    }
    result.changed = write.changed.clone();
    if queued.verify_first && already_on_pbx(client, write, settings.retry).await {
        result.message = format!(
            "{}: it had landed before the interrupted run stopped",
            write.action
        );
        return (result, Sent::Answered);
    }
    match send_with_retries(seq, write, client, settings, stop, result).await {
        Tried::Done(result, sent) => (result, sent),
        Tried::Failed(failed) => failed.line(write, client, settings.retry).await,
    }
}

/// How the tries of a row ended.
enum Tried {
    /// With its line: answered, or left unfinished by a stopped run.
    Done(RowResult, Sent),
    /// The PBX refused it for good, or every try ran out.
    Failed(Failed),
}

/// A row's sending that failed, before its line says so.
struct Failed {
    result: RowResult,
    error: ApiError,
    /// An attempt got no answer, and may still have landed on the PBX.
    answer_lost: bool,
}

/// Sends `write` until the PBX answers, refuses it for good, or the run stops.
async fn send_with_retries(
    seq: u64,
    write: &RowWrite,
    client: &Client,
    settings: &EngineSettings,
    stop: &Stop,
    mut result: RowResult,
) -> Tried {
    let numbers = std::slice::from_ref(&write.number);
    let op = match write.action {
        Action::Add => Op::Add(&write.record),
        Action::Delete => Op::Delete(numbers),
        _ => Op::Update(&write.record),
    };
    let mut started = None;
    let mut answer_lost = false;
    let mut attempt = 0;
    loop {
        attempt += 1;
        if let Err(why) = take_turn(seq, attempt, write, settings, stop).await {
            // A row stopped before a retry is not failed: it stays open in the journal (as
            // started) and --resume finishes it.
            return Tried::Done(not_finished(result, &why, attempt > 1), Sent::NotAttempted);
        }
        result.attempts = attempt;
        // Latency counts from the first send, not from the wait for the rate limiter.
        let started = *started.get_or_insert_with(Instant::now);
        let answer = {
            let _in_flight = stop.sending();
            client.write(&op, settings.create_if_missing).await
        };
        let error = match answer {
            Ok(reply) => {
                settings.throttle.accepted();
                result.latency_ms = millis(started);
                if let Reply::Noted(note) = reply {
                    result.message = note;
                }
                return Tried::Done(result, Sent::Answered);
            }
            Err(e @ ApiError::LoginBudget { .. }) => {
                // The PBX keeps wanting logins: no row can get through it now.
                stop.stop(RunEnd::PbxUnreachable, e.to_string());
                let line = not_finished(result, &e.to_string(), true);
                return Tried::Done(line, Sent::NotAttempted);
            }
            Err(e) => e,
        };
        answer_lost |= error.is_unreachable();
        let Some(pause) = retry_pause(&error, attempt, settings, stop) else {
            result.latency_ms = millis(started);
            return Tried::Failed(Failed {
                result,
                error,
                answer_lost,
            });
        };
        tokio::select! {
            biased;
            () = stop.stopped() => {}
            () = tokio::time::sleep(pause) => {}
        }
    }
}

/// Waits for the throttle's turn, and before the first try records in the journal that the
/// row is started. An error (why) means the row is not to be sent: the run stopped, or the
/// journal could not take it.
async fn take_turn(
    seq: u64,
    attempt: u32,
    write: &RowWrite,
    settings: &EngineSettings,
    stop: &Stop,
) -> Result<(), String> {
    // The throttle releases nothing once the run is stopped.
    tokio::select! {
        biased;
        () = stop.stopped() => {}
        () = settings.throttle.ready() => {}
    }
    if stop.is_stopped() {
        return Err(stop.why().to_string());
    }
    if let (1, Some(journal)) = (attempt, &settings.journal)
        && let Err(e) = journal.started(seq, write.row, &write.number, write.action)
    {
        // Sent now, the row could be neither resumed nor trusted: stop instead.
        stop.stop(RunEnd::LocalFailure, e.to_string());
        return Err(e.to_string());
    }
    Ok(())
}

/// How long to wait before trying a failed row again, if it is to be tried again; says
/// what the error means for the run (a refused login stops it, a push-back slows it).
fn retry_pause(
    e: &ApiError,
    attempt: u32,
    settings: &EngineSettings,
    stop: &Stop,
) -> Option<Duration> {
    let class = e.class();
    if class == ErrorClass::LoginRefused {
        stop.stop(
            RunEnd::LoginRefused,
            format!("the PBX refused to log in again: {e}"),
        );
    }
    let retry_after = e.retry_after();
    if e.is_pushback() {
        settings.throttle.pushed_back(retry_after);
    }
    if !class.is_transient() {
        return None;
    }
    settings.retry.delay(attempt, retry_after)
}

impl Failed {
    /// The failed row's line, unless the PBX shows that an attempt whose answer was lost
    /// did the work after all.
    async fn line(
        self,
        write: &RowWrite,
        client: &Client,
        retry: RetryPolicy,
    ) -> (RowResult, Sent) {
        let Failed {
            mut result,
            error: e,
            answer_lost,
        } = self;
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
