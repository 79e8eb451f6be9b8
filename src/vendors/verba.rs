//! Verba Recording provisioning API v2: SOAP 1.1 at the service URL, a directory of recording
//! settings per extension, in tenants (`--eid`).

mod codec;
mod fields;
// The tables are laid out one field a line so a whole API fits on one screen.
#[rustfmt::skip]
mod rules;
mod sim;
mod sim_answer;
mod sim_choices;
mod sim_reads;
mod sim_records;
mod soap;
mod tenants;
mod users;

use super::Vendor;
use crate::domain::{Api, Capabilities};

/// Verba documents no lockout after failed logins.
static API: Api = Api {
    name: "verba",
    caps: Capabilities {
        add: true,
        apply_at_end: true,
        tenants: true,
        ..Capabilities::BASE
    },
};

pub(crate) static VERBA: Vendor = Vendor {
    api: &API,
    about: "Verba Recording provisioning API v2 (SOAP): add and update; the URL ends in /provisioning",
    table: &rules::VERBA,
    codec: |wire| {
        Box::new(codec::Verba {
            eid: wire.eid.clone(),
            users: users::UserNames::default(),
        })
    },
    sim_wire: || Box::new(sim::Service),
    sim_inferred: sim_choices::CHOICES,
    holds: "recording settings, not phones",
    fills: &[],
    edition: None,
    editions: &[],
    layouts: &[],
};
