//! The APIs as the test crate names them: one variant per `--api` value, matched in full
//! wherever they differ, and a runner that plays one scenario against each of them.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// One `--api` value. A new API is one more variant: the compiler then points at every
/// `match` below, and `every_api_the_binary_takes_has_a_variant` at a forgotten `ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    YeastarV2,
    YeastarV1,
    Openvox,
    Verba,
    YeastarP,
}

impl Api {
    pub(crate) const ALL: [Api; 5] = [
        Api::YeastarV2,
        Api::YeastarV1,
        Api::Openvox,
        Api::Verba,
        Api::YeastarP,
    ];

    /// As `--api` spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Api::YeastarV2 => "yeastar-v2",
            Api::YeastarV1 => "yeastar-v1",
            Api::Openvox => "openvox",
            Api::Verba => "verba",
            Api::YeastarP => "yeastar-p",
        }
    }

    /// The URL the CLI is given for a simulator listening at `base`: Verba's is the service
    /// endpoint itself.
    pub(crate) fn url(self, base: &str) -> String {
        match self {
            Api::YeastarV2 | Api::YeastarV1 | Api::Openvox | Api::YeastarP => base.to_string(),
            Api::Verba => format!("{base}/provisioning"),
        }
    }

    /// The version in the JSON family's paths (`/api/VERSION/login`); Verba speaks SOAP, the
    /// P-Series its own OpenAPI (`support::openapi`).
    pub(crate) fn json_version(self) -> Option<&'static str> {
        match self {
            Api::YeastarV2 => Some("v2.0.0"),
            Api::YeastarV1 => Some("v1.1.0"),
            Api::Openvox => Some("v0.0.1"),
            Api::Verba | Api::YeastarP => None,
        }
    }
}

impl Api {
    /// The key an extension's answers name its number by.
    pub(crate) fn number_key(self) -> &'static str {
        match self {
            Api::YeastarV2 | Api::YeastarP => "number",
            Api::YeastarV1 | Api::Openvox => "extnumber",
            Api::Verba => "extension",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Plays `scenario` once for every API, as ripgrep's `rgtest!` runs a test once per engine.
/// Every API is tried even after one fails, and the failure names each API that did (its own
/// panic is printed above it).
#[track_caller]
pub(crate) fn each_api(scenario: impl Fn(Api)) {
    let failed: Vec<Api> = Api::ALL
        .into_iter()
        .filter(|&api| catch_unwind(AssertUnwindSafe(|| scenario(api))).is_err())
        .collect();
    assert!(failed.is_empty(), "failed for {failed:?}");
}

#[test]
fn every_api_the_binary_takes_has_a_variant() {
    // clap lists the values it takes when it refuses one.
    let ran = super::Run::new(super::Command::Template)
        .args(&["--api", "no-such-api"])
        .refused();
    let listed = ran
        .stderr
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no list of values: {}", ran.stderr));
    let names: Vec<&str> = Api::ALL.iter().map(|api| api.name()).collect();
    assert_eq!(listed.split(", ").collect::<Vec<_>>(), names);
}
