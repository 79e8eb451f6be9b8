//! Evenly spaced requests: a rate limiter with a burst of one, so that no second ever sees
//! more than the rate. `--rate N` for the writes and `--read-rate N` for the reads are both
//! made here, so the two limits mean the same thing.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// At most `per_sec` requests a second, evenly spaced.
pub(crate) fn evenly(per_sec: f64) -> DefaultDirectRateLimiter {
    // A burst of two would reach the rate exactly but let N+1 requests into one sliding
    // second; one never does.
    let period = Duration::from_secs_f64(1.0 / per_sec).max(Duration::from_nanos(1));
    let quota = Quota::with_period(period)
        .expect("period is positive")
        .allow_burst(NonZeroU32::MIN);
    RateLimiter::direct(quota)
}
