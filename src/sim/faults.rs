//! Faults in how an answer is delivered, after the PBX has acted: the connection dropped with
//! no answer (`--drop-rate`), or the answer held back longer than a client waits
//! (`--slow-rate`, `--slow-ms`). Either way the client cannot know whether its write landed,
//! which is exactly what a bulk tool must cope with. The request log marks such writes
//! `answered: false`, so a test can tell a retry of a lost answer from a duplicate write.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::Response;
use futures::stream;
use serde::Serialize;

use super::Sim;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Delivery {
    Normal,
    Dropped,
    Late,
}

tokio::task_local! {
    static DELIVERY: Delivery;
}

/// How the answer to the request being handled will be delivered.
pub(crate) fn current() -> Delivery {
    DELIVERY.try_with(|d| *d).unwrap_or(Delivery::Normal)
}

/// Handles a request knowing how its answer will be delivered.
pub(crate) fn with<T>(delivery: Delivery, handle: impl FnOnce() -> T) -> T {
    DELIVERY.sync_scope(delivery, handle)
}

/// Draws the delivery of one request from the knobs, and counts it.
pub(crate) fn choose(sim: &Sim) -> Delivery {
    let (drop, slow) = (sim.settings.knobs.drop_rate, sim.settings.knobs.slow_rate);
    if (drop <= 0.0 && slow <= 0.0) || sim.is_calm() {
        return Delivery::Normal;
    }
    sim.with_state(|s| {
        let draw = s.rng.f64();
        if draw < drop {
            s.stats.dropped += 1;
            Delivery::Dropped
        } else if draw < drop + slow {
            s.stats.slowed += 1;
            Delivery::Late
        } else {
            Delivery::Normal
        }
    })
}

/// Delivers `response` as chosen: late, or as a connection that breaks before the body.
pub(crate) async fn deliver(delivery: Delivery, response: Response, late_by: Duration) -> Response {
    match delivery {
        Delivery::Normal => response,
        Delivery::Late => {
            tokio::time::sleep(late_by).await;
            response
        }
        Delivery::Dropped => {
            // A body that fails makes the server abort the connection mid-answer.
            let broken = stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped by --drop-rate",
                ))
            });
            let (parts, _) = response.into_parts();
            Response::from_parts(parts, Body::from_stream(broken))
        }
    }
}
