//! Yeastar P-Series OpenAPI v1.0 (Appliance P550/P560/P570, Software Edition, Cloud Edition):
//! the PBX generation Yeastar's customers move to from the S-Series.
//!
//! One API, three editions whose field rules differ a little (`rules.rs`): each edition is an
//! entry of its own, found through `--edition`; the Cloud Edition's, the strictest, is the
//! default, so a file that passes by default passes on every edition.

mod codec;
mod envelope;
mod errcode;
mod ids;
mod json;
// The tables are laid out one field a line so a whole API fits on one screen.
#[rustfmt::skip]
mod rules;
mod sim;
mod sim_answer;
mod sim_auth;
mod sim_records;
mod sim_writes;
// The layout is laid out as its document lists it.
#[rustfmt::skip]
mod web_layout;

use super::Vendor;
use crate::domain::{Api, Capabilities, Lockout, Term};
use crate::pbx::{Protocol, WireOptions};

/// docs/vendor/yeastar-p-api.md (blocked-ip): five failed authentications block the address
/// until an administrator lifts it.
static API: Api = Api {
    name: "yeastar-p",
    caps: Capabilities {
        add: true,
        delete: true,
        welcome: true,
        lockout: Some(Lockout {
            after: 5,
            secs: None,
        }),
        ..Capabilities::BASE
    },
};

const ABOUT: &str = "Yeastar P-Series OpenAPI v1.0 (Appliance, Software and Cloud Edition): add, \
                     update, delete; --user is the Client ID, the password the Client Secret";

fn codec(wire: &WireOptions) -> Box<dyn Protocol> {
    Box::new(codec::YeastarP {
        welcome: wire.welcome_email,
        ids: ids::Ids::default(),
    })
}

macro_rules! edition {
    ($name:ident, $edition:literal, $table:path) => {
        pub(crate) static $name: Vendor = Vendor {
            api: &API,
            about: ABOUT,
            table: &$table,
            codec,
            sim_wire: || Box::new(sim::PbxApi),
            sim_inferred: sim::CHOICES,
            holds: "phones",
            fills: &[(Term::SipUser, Term::Number)],
            edition: Some($edition),
            editions: &[&YEASTAR_P, &YEASTAR_P_APPLIANCE, &YEASTAR_P_SOFTWARE],
            layouts: &[&web_layout::WEB],
        };
    };
}

edition!(YEASTAR_P, "cloud", rules::CLOUD);
edition!(YEASTAR_P_APPLIANCE, "appliance", rules::APPLIANCE);
edition!(YEASTAR_P_SOFTWARE, "software", rules::SOFTWARE);
