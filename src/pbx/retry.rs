//! The one retry policy: how often a request that failed for a passing reason is tried again,
//! and how long to wait before each try. The rows, the reads around them and the login all
//! use it, so `--retries` means the same everywhere.
//!
//! A `Retry-After` from the PBX is one of those tries, not a pause on top of them, and it is
//! honoured only up to [`MAX_RETRY_AFTER`]: a PBX that asks for longer (a day, say) will not
//! be ready in minutes, and an unattended run must end rather than stall, so such a request
//! fails at once with the PBX's answer.

use std::time::Duration;

/// The first pause; each further one doubles, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// Longest pause between two tries of one request.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Longest `Retry-After` waited for (documented in docs/IMPORT.md).
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryPolicy {
    /// Tries after the first.
    pub(crate) retries: u32,
}

impl RetryPolicy {
    /// A refused login is never retried; a login that got no answer is, a few times.
    pub(crate) const LOGIN: RetryPolicy = RetryPolicy { retries: 3 };

    pub(crate) fn new(retries: u32) -> RetryPolicy {
        RetryPolicy { retries }
    }

    /// The pause before try `attempt + 1` after try `attempt` failed for a passing reason,
    /// or `None` when the tries are used up or the PBX asked for a longer wait than
    /// [`MAX_RETRY_AFTER`].
    pub(crate) fn delay(self, attempt: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if attempt > self.retries || !honoured(retry_after) {
            return None;
        }
        Some(backoff(attempt, retry_after, fastrand::f64()))
    }
}

/// Whether a `Retry-After` (if any) is one pbxbulk waits for.
pub(crate) fn honoured(retry_after: Option<Duration>) -> bool {
    retry_after.is_none_or(|wait| wait <= MAX_RETRY_AFTER)
}

/// Exponential backoff with jitter: 200 ms, 400 ms, 800 ms … up to 10 s, each between half
/// and all of that (`jitter` in 0..1), so retries of many rows do not arrive together. A
/// `Retry-After` from the PBX is waited out when it is longer.
fn backoff(attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    let base = FIRST_BACKOFF.saturating_mul(1 << attempt.clamp(1, 10).saturating_sub(1));
    let jittered = base.min(MAX_BACKOFF).mul_f64(0.5 + jitter / 2.0);
    jittered.max(retry_after.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitter_stays_within_half() {
        assert_eq!(backoff(1, None, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(2, None, 1.0), Duration::from_millis(400));
        assert_eq!(backoff(3, None, 0.0), Duration::from_millis(400));
        assert_eq!(backoff(30, None, 1.0), MAX_BACKOFF);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap_and_counts_as_a_try() {
        let asked = Some(Duration::from_secs(7));
        assert_eq!(backoff(1, asked, 0.5), Duration::from_secs(7));
        let policy = RetryPolicy::new(1);
        assert_eq!(
            policy.delay(1, Some(MAX_RETRY_AFTER)),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(policy.delay(2, asked), None, "a Retry-After uses up a try");
        let day = Some(Duration::from_secs(86_400));
        assert_eq!(
            policy.delay(1, day),
            None,
            "longer than the cap: no wait at all"
        );
    }

    #[test]
    fn tries_are_counted() {
        let policy = RetryPolicy::new(2);
        assert!(policy.delay(1, None).is_some());
        assert!(policy.delay(2, None).is_some());
        assert!(policy.delay(3, None).is_none());
        assert!(RetryPolicy::new(0).delay(1, None).is_none());
    }

    #[test]
    fn every_pause_lies_between_half_and_all_of_its_step() {
        let ms = Duration::from_millis;
        let steps = [
            (0, 200),
            (1, 200),
            (2, 400),
            (3, 800),
            (6, 6400),
            (7, 10_000),
            (99, 10_000),
        ];
        for (attempt, full) in steps {
            let full = ms(full);
            assert_eq!(backoff(attempt, None, 0.0), full / 2, "attempt {attempt}");
            assert_eq!(backoff(attempt, None, 1.0), full, "attempt {attempt}");
            let middle = backoff(attempt, None, 0.5);
            assert!(
                middle > full / 2 && middle < full,
                "attempt {attempt}: {middle:?}"
            );
        }
        // The policy draws its own jitter, inside the same bounds, and not the same every time.
        let policy = RetryPolicy::new(5);
        let pauses: Vec<Duration> = (0..100).map(|_| policy.delay(3, None).unwrap()).collect();
        assert!(
            pauses.iter().all(|p| *p >= ms(400) && *p <= ms(800)),
            "{pauses:?}"
        );
        assert!(pauses.iter().any(|p| *p != pauses[0]), "jittered");
    }

    #[test]
    fn a_retry_after_shorter_than_the_backoff_does_not_shorten_it() {
        let ms = Duration::from_millis;
        assert_eq!(backoff(5, Some(ms(10)), 1.0), ms(3200));
        assert_eq!(backoff(5, Some(Duration::ZERO), 0.0), ms(1600));
        let policy = RetryPolicy::LOGIN;
        assert_eq!(
            policy.delay(1, Some(Duration::from_secs(30))),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            policy.delay(4, Some(Duration::from_secs(30))),
            None,
            "no try left to wait for"
        );
    }
}
