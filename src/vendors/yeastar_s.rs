//! The Yeastar S-Series API family: v2.0.0 (also K2 and Cloud PBX), v1.0.x/v1.1.0, and OpenVox
//! UC-Series v0.0.1, which speaks v1's API with add and XML bodies. One codec and one
//! simulator serve all three, driven by each one's [`codec::Dialect`].

mod answer;
mod codec;
mod dialect;
mod errno;
// The tables are laid out one field a line so a whole API fits on one screen.
#[rustfmt::skip]
mod openvox_rules;
// The tables are laid out one field a line so a whole API fits on one screen.
#[rustfmt::skip]
mod rules;
mod sim;
mod sim_answer;
mod sim_writes;
// The layout is laid out as its document lists it.
#[rustfmt::skip]
mod web_layout;

use super::Vendor;
use crate::domain::{Api, Capabilities, Lockout, Term};
use crate::pbx::{Protocol, WireOptions};
use crate::sim::{Choice, Wire};

/// docs/vendor/yeastar-api.md §3.6: five failed logins lock the address for ten minutes.
const LOCKOUT: Option<Lockout> = Some(Lockout {
    after: 5,
    secs: Some(600),
});

static API_V2: Api = Api {
    name: "yeastar-v2",
    caps: Capabilities {
        add: true,
        delete: true,
        lockout: LOCKOUT,
        ..Capabilities::BASE
    },
};

static API_V1: Api = Api {
    name: "yeastar-v1",
    caps: Capabilities {
        rename: true,
        apply_at_end: true,
        lockout: LOCKOUT,
        ..Capabilities::BASE
    },
};

static API_OPENVOX: Api = Api {
    name: "openvox",
    caps: Capabilities {
        add: true,
        rename: true,
        xml: true,
        lockout: LOCKOUT,
        ..Capabilities::BASE
    },
};

/// A new extension registers with its number when nothing names a registration name
/// (inferred: the web UI's default), which is what a directory without one (OpenVox's)
/// needs to be added.
const SIP_USER_IS_THE_NUMBER: (Term, Term) = (Term::SipUser, Term::Number);

pub(crate) static YEASTAR_V2: Vendor = Vendor {
    api: &API_V2,
    about: "Yeastar S-Series API v2.0.0 (also K2 and Cloud PBX): add, update, delete",
    table: &rules::V2,
    codec: |wire| codec_of(&codec::V2, wire),
    sim_wire: || sim_of(&codec::V2),
    sim_inferred: &[],
    holds: "phones",
    fills: &[SIP_USER_IS_THE_NUMBER],
    edition: None,
    editions: &[],
    layouts: &[&web_layout::WEB],
};

pub(crate) static YEASTAR_V1: Vendor = Vendor {
    api: &API_V1,
    about: "Yeastar S-Series API v1.0.x/v1.1.0: update and rename only (it cannot add or delete)",
    table: &rules::V1,
    codec: |wire| codec_of(&codec::V1, wire),
    sim_wire: || sim_of(&codec::V1),
    sim_inferred: &[],
    holds: "phones",
    fills: &[],
    edition: None,
    editions: &[],
    layouts: &[&web_layout::WEB],
};

pub(crate) static OPENVOX: Vendor = Vendor {
    api: &API_OPENVOX,
    about: "OpenVox UC-Series IPPBX API v0.0.1: add and update, JSON or XML bodies",
    table: &openvox_rules::OPENVOX,
    codec: |wire| codec_of(&codec::OPENVOX, wire),
    sim_wire: || sim_of(&codec::OPENVOX),
    sim_inferred: &[Choice {
        key: codec::OPENVOX_USERPASSWORD,
        shown: "plain|md5",
        default: "plain",
        accepts: |v| matches!(v, "plain" | "md5"),
    }],
    holds: "phones",
    fills: &[],
    edition: None,
    editions: &[],
    layouts: &[],
};

fn codec_of(dialect: &'static codec::Dialect, wire: &WireOptions) -> Box<dyn Protocol> {
    Box::new(codec::Yeastar::new(dialect, wire.xml))
}

fn sim_of(dialect: &'static codec::Dialect) -> Box<dyn Wire> {
    Box::new(sim::Family { dialect })
}
