//! A row's own task: its sending, raced against the run abandoning what is in flight, and
//! a panic in it caught as the row's `INTERNAL` line, so one broken row never ends the run.

use std::sync::Arc;
use std::time::Instant;

use csv::ByteRecord;

use super::settings::{EngineSettings, Queued};
use super::{CREDENTIALS_MAYBE_LOST, Finished};
use crate::domain::{Code, RowResult, Secret, Status};
use crate::pbx::Client;
use crate::run::send::{Sent, abandoned, execute};
use crate::run::stop::Stop;

/// What a row's task hands back (its input record stays with the pipeline).
struct Sending {
    result: RowResult,
    secrets: Vec<(&'static str, Secret)>,
    sent: Sent,
}

/// Sends one row on a task of its own, so rows run on the runtime's workers beside their
/// connections instead of all being polled by the thread that drives the pipeline. A panic
/// in the task becomes the row's `INTERNAL` line, and the run goes on.
pub(super) fn spawn_row(
    seq: u64,
    offset: u64,
    raw: Option<ByteRecord>,
    queued: Queued,
    client: Arc<Client>,
    settings: Arc<EngineSettings>,
    stop: Arc<Stop>,
) -> impl Future<Output = Finished> + use<> {
    let write = &queued.write;
    let line = RowResult::new(write.row, &write.number, write.action, Status::Failed);
    let kept = settings.written.as_ref().map(|_| write.record.clone());
    let task = tokio::spawn(send_row(seq, queued, client, settings, stop));
    async move {
        let Sending {
            mut result,
            secrets,
            sent,
        } = match task.await {
            Ok(sending) => sending,
            Err(e) => Sending {
                result: internal_error(line, &e),
                secrets: Vec::new(),
                sent: Sent::Broken,
            },
        };
        result.finished_at = Some(Instant::now());
        Finished {
            seq,
            offset,
            raw,
            result,
            secrets,
            sent: kept,
            unreachable: sent == Sent::Unreachable,
            // Rows a stopped run never attempted stay open for --resume.
            journal: sent.finished(),
            unfinished: sent == Sent::NotAttempted,
        }
    }
}

/// The row's task: its sending, raced against the run abandoning what is in flight.
async fn send_row(
    seq: u64,
    mut queued: Queued,
    client: Arc<Client>,
    settings: Arc<EngineSettings>,
    stop: Arc<Stop>,
) -> Sending {
    let done = queued.done.take();
    let write = &mut queued.write;
    let mut note = std::mem::take(&mut write.note);
    let mut secrets = std::mem::take(&mut write.secrets);
    let verify_first = queued.verify_first;
    let line = RowResult::new(write.row, &write.number, write.action, Status::Skipped);
    let (mut result, sent) = tokio::select! {
        biased;
        finished = execute(seq, queued, &client, &settings, &stop) => finished,
        () = stop.abandoned() => (abandoned(line), Sent::NotAttempted),
    };
    if let Some(done) = done {
        let _ = done.send(true);
    }
    if verify_first && result.attempts == 0 && !secrets.is_empty() {
        // The add that landed carried the killed run's secrets, which that run wrote down
        // only if it lived to hear the answer; these were never sent.
        secrets.clear();
        note = CREDENTIALS_MAYBE_LOST.into();
    }
    if !note.is_empty() {
        result.message = match result.message.is_empty() {
            true => note,
            false => format!("{}; {note}", result.message),
        };
    }
    Sending {
        result,
        secrets,
        sent,
    }
}

/// The line of a row whose task ended in a panic: failed, code `INTERNAL`, its words kept.
fn internal_error(mut line: RowResult, e: &tokio::task::JoinError) -> RowResult {
    line.status = Status::Failed;
    let why = match e.is_panic() {
        true => "it panicked",
        false => "its task was cancelled",
    };
    line.error_code = Code::Internal.to_string();
    line.message = format!(
        "internal error while sending this row ({why}; please report it): whether the PBX \
         took it is unknown; check it there, or --resume a stopped run, which asks the PBX"
    );
    line
}
