//! How fast requests go out: a fixed rate (governor, evenly spaced, burst of one), no limit,
//! or `--rate auto`, which finds the PBX's own pace.
//!
//! Auto is AIMD: start at a modest rate, add a little with every request the PBX accepts, and
//! cut the rate by a fifth when it pushes back (errno 10025, HTTP 429 or 503, a timeout),
//! at most once per congestion episode. A `Retry-After` pauses everything that long. With a
//! cut of a fifth the rate saws between 80% and 100% of the PBX's ceiling.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::DefaultDirectRateLimiter;

use crate::pbx::pace;
use crate::pbx::retry::MAX_RETRY_AFTER;

/// The `--rate` setting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Rate {
    Unlimited,
    PerSec(f64),
    Auto,
}

const AUTO_START: f64 = 5.0;
const AUTO_MIN: f64 = 1.0;
const AUTO_MAX: f64 = 5_000.0;
/// Requests per second added per second of accepted requests.
const AUTO_INCREASE: f64 = 4.0;
const AUTO_CUT: f64 = 0.8;

pub(crate) enum Throttle {
    Unlimited,
    Fixed(DefaultDirectRateLimiter),
    Auto(Mutex<Aimd>),
}

pub(crate) struct Aimd {
    rate: f64,
    next_at: Instant,
    /// Pushbacks before this instant belong to the episode already answered with a cut.
    calm_until: Instant,
}

impl Throttle {
    pub(crate) fn new(rate: Rate) -> Throttle {
        match rate {
            Rate::Unlimited => Throttle::Unlimited,
            Rate::PerSec(per_sec) => Throttle::Fixed(pace::evenly(per_sec)),
            Rate::Auto => Throttle::Auto(Mutex::new(Aimd::new(Instant::now()))),
        }
    }

    /// Waits for this request's turn.
    pub(crate) async fn ready(&self) {
        match self {
            Throttle::Unlimited => {}
            Throttle::Fixed(limiter) => limiter.until_ready().await,
            Throttle::Auto(aimd) => {
                let at = aimd.lock().expect("pace lock").turn(Instant::now());
                tokio::time::sleep_until(at.into()).await;
            }
        }
    }

    /// The PBX accepted a request.
    pub(crate) fn accepted(&self) {
        if let Throttle::Auto(aimd) = self {
            aimd.lock().expect("pace lock").accepted();
        }
    }

    /// The PBX pushed back; `retry_after` when it said how long to wait.
    pub(crate) fn pushed_back(&self, retry_after: Option<Duration>) {
        if let Throttle::Auto(aimd) = self {
            aimd.lock()
                .expect("pace lock")
                .pushed_back(Instant::now(), retry_after);
        }
    }

    /// The rate `--rate auto` has settled at, for the summary.
    pub(crate) fn settled(&self) -> Option<f64> {
        match self {
            Throttle::Auto(aimd) => Some(aimd.lock().expect("pace lock").rate),
            _ => None,
        }
    }
}

// The clock is a parameter, so that the rule can be checked without waiting for it.
impl Aimd {
    fn new(now: Instant) -> Aimd {
        Aimd {
            rate: AUTO_START,
            next_at: now,
            calm_until: now,
        }
    }

    /// When the next request may go, booking the slot after it.
    fn turn(&mut self, now: Instant) -> Instant {
        let at = self.next_at.max(now);
        self.next_at = at + Duration::from_secs_f64(1.0 / self.rate);
        at
    }

    fn accepted(&mut self) {
        self.rate = (self.rate + AUTO_INCREASE / self.rate).min(AUTO_MAX);
    }

    fn pushed_back(&mut self, now: Instant, retry_after: Option<Duration>) {
        // A longer wait than the retry policy honours fails the request instead of
        // stalling every other one.
        if let Some(wait) = retry_after.filter(|w| *w <= MAX_RETRY_AFTER) {
            self.next_at = self.next_at.max(now + wait);
        }
        if now >= self.calm_until {
            self.rate = (self.rate * AUTO_CUT).max(AUTO_MIN);
            // Requests already in flight at the old rate may still be refused: one cut.
            self.calm_until = now + Duration::from_secs_f64((4.0 / self.rate).max(0.5));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn auto_starts_modestly_and_spaces_requests_by_its_rate() {
        let t0 = Instant::now();
        let mut aimd = Aimd::new(t0);
        assert!((aimd.rate - AUTO_START).abs() < 1e-9);
        // Five requests asked for at once get turns a fifth of a second apart.
        let turns: Vec<Duration> = (0..5).map(|_| aimd.turn(t0) - t0).collect();
        assert_eq!(turns, [0.0, 0.2, 0.4, 0.6, 0.8].map(secs));
        // A request after a quiet stretch goes at once; quiet time is not saved up as a burst.
        let later = t0 + secs(10.0);
        assert_eq!(aimd.turn(later), later);
        assert_eq!(aimd.turn(later), later + secs(0.2));
    }

    #[test]
    fn every_accepted_request_raises_the_rate_by_less_the_higher_it_is() {
        let mut aimd = Aimd::new(Instant::now());
        aimd.accepted();
        assert!((aimd.rate - (AUTO_START + AUTO_INCREASE / AUTO_START)).abs() < 1e-9);
        let mut previous = aimd.rate;
        let mut step = f64::INFINITY;
        for _ in 0..1000 {
            aimd.accepted();
            let grew = aimd.rate - previous;
            assert!(
                grew > 0.0 && grew < step,
                "additive increase that slows down"
            );
            (previous, step) = (aimd.rate, grew);
        }
        // A thousand accepted requests: the rate r satisfies r² ≈ 5² + 2·4·1001.
        assert!(
            (aimd.rate - (25.0 + 8.0 * 1001.0_f64).sqrt()).abs() < 1.0,
            "{}",
            aimd.rate
        );
        for _ in 0..10_000_000 {
            aimd.accepted();
        }
        assert!(
            (aimd.rate - AUTO_MAX).abs() < 1e-9,
            "capped at {}",
            aimd.rate
        );
    }

    #[test]
    fn one_episode_of_pushback_costs_one_cut_of_a_fifth() {
        let t0 = Instant::now();
        let mut aimd = Aimd::new(t0);
        for _ in 0..2000 {
            aimd.accepted();
        }
        let before = aimd.rate;
        aimd.pushed_back(t0, None);
        assert!((aimd.rate - before * 0.8).abs() < 1e-9);
        // The requests already in flight at the old rate are refused too: no further cut.
        let calm = (4.0 / aimd.rate).max(0.5_f64);
        for i in 0..10 {
            aimd.pushed_back(t0 + secs(calm * f64::from(i) / 10.0), None);
        }
        assert!(
            (aimd.rate - before * 0.8).abs() < 1e-9,
            "one cut per episode"
        );
        // Pushback after the episode is a new one.
        aimd.pushed_back(t0 + secs(calm), None);
        assert!((aimd.rate - before * 0.64).abs() < 1e-9);
    }

    #[test]
    fn the_rate_never_falls_below_one_per_second() {
        let t0 = Instant::now();
        let mut aimd = Aimd::new(t0);
        for i in 0..100 {
            aimd.pushed_back(t0 + secs(f64::from(i) * 10.0), None);
        }
        assert!((aimd.rate - AUTO_MIN).abs() < 1e-9, "{}", aimd.rate);
    }

    #[test]
    fn a_retry_after_holds_every_request_that_long() {
        let t0 = Instant::now();
        let mut aimd = Aimd::new(t0);
        aimd.pushed_back(t0, Some(Duration::from_secs(3)));
        let first = aimd.turn(t0 + secs(0.1));
        assert_eq!(first, t0 + secs(3.0));
        assert_eq!(aimd.turn(t0), first + secs(1.0 / aimd.rate));
        // A shorter Retry-After later does not pull the turns forward again.
        let booked = aimd.next_at;
        aimd.pushed_back(t0 + secs(0.2), Some(Duration::from_secs(1)));
        assert_eq!(aimd.next_at, booked);
        // One longer than the retry policy honours holds nobody up: that request fails.
        aimd.pushed_back(
            t0 + secs(0.3),
            Some(MAX_RETRY_AFTER + Duration::from_secs(1)),
        );
        assert_eq!(aimd.next_at, booked);
    }

    #[test]
    fn fixed_and_unlimited_rates_ignore_the_pbxs_answers() {
        for throttle in [
            Throttle::new(Rate::Unlimited),
            Throttle::new(Rate::PerSec(10.0)),
        ] {
            throttle.accepted();
            throttle.pushed_back(Some(Duration::from_secs(1)));
            assert_eq!(throttle.settled(), None);
        }
        let auto = Throttle::new(Rate::Auto);
        auto.pushed_back(None);
        assert_eq!(auto.settled(), Some(AUTO_START * AUTO_CUT));
    }
}
