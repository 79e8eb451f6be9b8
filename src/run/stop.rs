//! Stopping a run: by the engine itself (a refused login, a PBX that stopped answering) or by
//! the user (Ctrl-C, SIGTERM from `timeout`, systemd or cron).
//!
//! Two steps. The first stop starts no row any more: rows waiting for the throttle, for an
//! earlier add or for a retry's pause see it at once, and every row not yet sent is reported
//! `skipped` (code `ABORTED`, copied to the rejects file, left open in the journal). Requests
//! already on the wire are given up to `--timeout` to answer. The second step — a second
//! signal, or that grace running out — abandons them: their rows stay "started" in the journal,
//! so `--resume` asks the PBX whether they landed before sending anything.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::domain::RunEnd;

#[derive(Debug, Default)]
pub(crate) struct Stop {
    why: OnceLock<(RunEnd, String)>,
    halt: CancellationToken,
    abandon: CancellationToken,
    in_flight: AtomicUsize,
}

impl Stop {
    /// Stops starting rows; the first reason given is the one reported.
    pub(crate) fn stop(&self, reason: RunEnd, why: impl Into<String>) {
        let _ = self.why.set((reason, why.into()));
        self.halt.cancel();
    }

    /// Gives up on the requests still in flight.
    pub(crate) fn abandon(&self) {
        self.abandon.cancel();
    }

    pub(crate) fn reason(&self) -> Option<(RunEnd, &str)> {
        self.why.get().map(|(r, why)| (*r, why.as_str()))
    }

    /// Why the run stopped, for the line of a row it did not finish ("" while it goes on).
    pub(crate) fn why(&self) -> &str {
        self.reason().map_or("", |(_, why)| why)
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.halt.is_cancelled()
    }

    pub(crate) fn is_abandoned(&self) -> bool {
        self.abandon.is_cancelled()
    }

    /// Ends when the run is stopped.
    pub(crate) async fn stopped(&self) {
        self.halt.cancelled().await;
    }

    /// Ends when the requests in flight are abandoned.
    pub(crate) async fn abandoned(&self) {
        self.abandon.cancelled().await;
    }

    /// Counts a request as in flight while the guard lives.
    pub(crate) fn sending(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self)
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }
}

pub(crate) struct InFlight<'a>(&'a Stop);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Turns SIGINT and SIGTERM into the two steps: the first stops the run (and says so through
/// `say`), the second — or `grace` later, whichever comes first — abandons what is in flight.
pub(crate) fn on_signals(
    stop: Arc<Stop>,
    grace: Duration,
    say: impl Fn(String) + Send + 'static,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(tokio::spawn(async move {
        let mut next = async || {
            tokio::select! {
                _ = interrupt.recv() => "interrupted (Ctrl-C)",
                _ = terminate.recv() => "terminated (SIGTERM)",
            }
        };
        let first = next().await;
        stop.stop(RunEnd::Interrupted, first);
        say(format!(
            "stopping: {} requests in flight; Ctrl-C again to abandon them",
            stop.in_flight()
        ));
        tokio::select! {
            _ = next() => say("abandoning the requests in flight; --resume will check them on the PBX".into()),
            () = tokio::time::sleep(grace) => {}
        }
        stop.abandon();
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_first_reason_is_kept_and_waiters_are_woken() {
        let stop = Arc::new(Stop::default());
        let waiter = tokio::spawn({
            let stop = stop.clone();
            async move { stop.stopped().await }
        });
        assert!(!stop.is_stopped());
        stop.stop(RunEnd::PbxUnreachable, "the PBX stopped answering");
        stop.stop(RunEnd::Interrupted, "Ctrl-C");
        waiter.await.unwrap();
        assert_eq!(
            stop.reason(),
            Some((RunEnd::PbxUnreachable, "the PBX stopped answering"))
        );
        {
            let _a = stop.sending();
            let _b = stop.sending();
            assert_eq!(stop.in_flight(), 2);
        }
        assert_eq!(stop.in_flight(), 0);
    }
}
