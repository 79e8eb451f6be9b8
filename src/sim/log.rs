//! What the simulator counted and logged, for tests and rehearsals: the counters at
//! `GET /_sim/stats` and every request at `GET /_sim/log`.

use serde::Serialize;

use super::{Store, faults};

/// The request log keeps at most this many entries.
const LOG_LIMIT: usize = 1_000_000;

/// What the simulator counted, at `GET /_sim/stats`.
#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Stats {
    pub(crate) requests: u64,
    pub(crate) logins: u64,
    /// Sessions renewed without a login (a refresh token).
    pub(crate) renewals: u64,
    pub(crate) failed_logins: u64,
    pub(crate) logouts: u64,
    pub(crate) heartbeats: u64,
    pub(crate) applies: u64,
    /// Welcome e-mails asked for (one per extension).
    pub(crate) welcome_emails: u64,
    /// Write requests (add, update, delete) received, whatever their outcome.
    pub(crate) write_requests: u64,
    /// Writes that changed the store.
    pub(crate) writes: u64,
    /// Writes refused with the "too frequent" error of the write-rate ceiling.
    pub(crate) throttled: u64,
    /// Requests answered with an injected transient error.
    pub(crate) injected_faults: u64,
    /// Requests whose connection was dropped after the PBX acted.
    pub(crate) dropped: u64,
    /// Requests answered late.
    pub(crate) slowed: u64,
    /// Requests refused because their token had expired.
    pub(crate) expired_token_requests: u64,
    /// Distinct tokens that expired while in use.
    pub(crate) expired_tokens: u64,
    pub(crate) extensions: u64,
}

/// One request, at `GET /_sim/log`: the writes, the reads (`list`, `query`) and injected faults.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LogEntry {
    /// Milliseconds since the simulator started, when the request was handled (after
    /// `--latency-ms`) and answered.
    pub(crate) t_ms: f64,
    /// When the request arrived, on the same clock: from `start_ms` to `t_ms` it was in
    /// the simulator's hands, so two requests whose spans overlap were in flight together.
    pub(crate) start_ms: f64,
    pub(crate) op: &'static str,
    pub(crate) number: String,
    /// The error answered, empty on success.
    pub(crate) error: String,
    /// False when the answer was dropped or held back (`--drop-rate`, `--slow-rate`).
    pub(crate) answered: bool,
}

tokio::task_local! {
    /// When the request being handled arrived, for its log entry.
    pub(super) static ARRIVED: f64;
}

impl Store {
    pub(super) fn push_log(&mut self, t_ms: f64, op: &'static str, number: &str, error: &str) {
        if self.log.len() < LOG_LIMIT {
            self.log.push(LogEntry {
                t_ms,
                start_ms: ARRIVED.try_with(|at| *at).unwrap_or(t_ms),
                op,
                number: number.to_string(),
                error: error.to_string(),
                answered: faults::current() == faults::Delivery::Normal,
            });
        }
    }
}
