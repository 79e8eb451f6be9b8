//! How fast requests go out: a fixed rate (governor, evenly spaced, burst of one), no limit,
//! or `--rate auto`, which finds the PBX's own pace.
//!
//! Auto is AIMD: start at a modest rate, add a little with every request the PBX accepts, and
//! cut the rate by a fifth when it pushes back (errno 10025, HTTP 429 or 503, a timeout),
//! at most once per congestion episode. A `Retry-After` pauses everything that long. With a
//! cut of a fifth the rate saws between 80% and 100% of the PBX's ceiling.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

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
            Rate::PerSec(per_sec) => {
                // A burst of one spaces requests evenly: no second sees more than the rate.
                let period = Duration::from_secs_f64(1.0 / per_sec).max(Duration::from_nanos(1));
                let quota = Quota::with_period(period)
                    .expect("period is positive")
                    .allow_burst(NonZeroU32::MIN);
                Throttle::Fixed(RateLimiter::direct(quota))
            }
            Rate::Auto => {
                let now = Instant::now();
                Throttle::Auto(Mutex::new(Aimd {
                    rate: AUTO_START,
                    next_at: now,
                    calm_until: now,
                }))
            }
        }
    }

    /// Waits for this request's turn.
    pub(crate) async fn ready(&self) {
        match self {
            Throttle::Unlimited => {}
            Throttle::Fixed(limiter) => limiter.until_ready().await,
            Throttle::Auto(aimd) => {
                let at = {
                    let mut aimd = aimd.lock().expect("pace lock");
                    let at = aimd.next_at.max(Instant::now());
                    aimd.next_at = at + Duration::from_secs_f64(1.0 / aimd.rate);
                    at
                };
                tokio::time::sleep_until(at.into()).await;
            }
        }
    }

    /// The PBX accepted a request.
    pub(crate) fn accepted(&self) {
        if let Throttle::Auto(aimd) = self {
            let mut aimd = aimd.lock().expect("pace lock");
            aimd.rate = (aimd.rate + AUTO_INCREASE / aimd.rate).min(AUTO_MAX);
        }
    }

    /// The PBX pushed back; `retry_after` when it said how long to wait.
    pub(crate) fn pushed_back(&self, retry_after: Option<Duration>) {
        if let Throttle::Auto(aimd) = self {
            let mut aimd = aimd.lock().expect("pace lock");
            let now = Instant::now();
            // A longer wait than the retry policy honours fails the request instead of
            // stalling every other one.
            if let Some(wait) = retry_after.filter(|w| *w <= MAX_RETRY_AFTER) {
                aimd.next_at = aimd.next_at.max(now + wait);
            }
            if now >= aimd.calm_until {
                aimd.rate = (aimd.rate * AUTO_CUT).max(AUTO_MIN);
                // Requests already in flight at the old rate may still be refused: one cut.
                aimd.calm_until = now + Duration::from_secs_f64((4.0 / aimd.rate).max(0.5));
            }
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
