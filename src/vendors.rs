//! The registry of PBX APIs: one [`Vendor`] value per API holds everything that differs
//! between them, and [`VENDORS`] lists them.
//!
//! An entry points at its API's parts, each in the vendor's own folder: the capabilities and
//! name ([`Api`]), the rule table, the codec (wire format, error classes, hints, the hooks a
//! write needs), the simulator's answers and its choices where the documents are silent, and
//! the map of its fields onto the shared vocabulary ([`crate::domain::Term`]). Everything
//! above this layer finds an API here, by name or from the list, and never matches on which
//! one it is; everything below is handed the parts it needs. A new API is one folder here and
//! one line in [`VENDORS`].

mod convert;
mod verba;
mod yeastar_p;
mod yeastar_s;

pub(crate) use convert::{conversion, refusal};

use crate::domain::{Api, Term};
use crate::pbx::{Protocol, WireOptions};
use crate::rules::Table;
use crate::sim::{Choice, SimApi, Wire};

/// One PBX API and everything about it that differs from the others.
pub(crate) struct Vendor {
    pub(crate) api: &'static Api,
    /// One line for `--help` and the reference: the system, and what its API can do.
    pub(crate) about: &'static str,
    pub(crate) table: &'static Table,
    /// The wire format, with the choices the command line made for it.
    pub(crate) codec: fn(&WireOptions) -> Box<dyn Protocol>,
    /// The simulator's answers (`pbxbulk sim`).
    pub(crate) sim_wire: fn() -> Box<dyn Wire>,
    /// Where the documents are silent: the simulator's switchable choices.
    pub(crate) sim_inferred: &'static [Choice],
    /// What its directory holds, in words (`phones`, `recording settings`), for a refused
    /// conversion.
    pub(crate) holds: &'static str,
    /// Terms it fills from another when a directory moved to it does not give them:
    /// (missing term, the term it is taken from).
    pub(crate) fills: &'static [(Term, Term)],
    /// The product edition this entry's rules are for, where the API's editions differ.
    pub(crate) edition: Option<&'static str>,
    /// Every edition's entry (the first is the default, listed in [`VENDORS`]); empty where
    /// the API has one set of rules.
    pub(crate) editions: &'static [&'static Vendor],
}

/// Every API pbxbulk speaks, in the order `--help` lists them.
pub(crate) static VENDORS: &[&Vendor] = &[
    &yeastar_s::YEASTAR_V2,
    &yeastar_s::YEASTAR_V1,
    &yeastar_s::OPENVOX,
    &verba::VERBA,
    &yeastar_p::YEASTAR_P,
];

/// The API `pbxbulk demo` simulates and imports the bundled sample into (the sample is in
/// its columns).
pub(crate) static DEMO: &Vendor = &yeastar_s::YEASTAR_V2;

impl Vendor {
    pub(crate) fn name(&self) -> &'static str {
        self.api.name
    }

    /// This API's entry for the product edition `name` (`--edition`).
    pub(crate) fn edition(&'static self, name: &str) -> Result<&'static Vendor, String> {
        let wanted = name.trim().to_ascii_lowercase();
        if let Some(entry) = self
            .editions
            .iter()
            .find(|e| e.edition == Some(wanted.as_str()))
        {
            return Ok(entry);
        }
        let known: Vec<&str> = self.editions.iter().filter_map(|e| e.edition).collect();
        Err(match known.is_empty() {
            true => format!(
                "--edition: {} has one set of rules; there is no edition to choose",
                self.name()
            ),
            false => format!(
                "--edition {name:?}: {} has the editions {}",
                self.name(),
                known.join(", ")
            ),
        })
    }

    /// The simulator's view of this API.
    pub(crate) fn sim(&self) -> SimApi {
        SimApi {
            api: self.api,
            table: self.table,
            wire: self.sim_wire,
        }
    }
}

impl std::fmt::Debug for Vendor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.api.name)
    }
}

impl PartialEq for Vendor {
    fn eq(&self, other: &Vendor) -> bool {
        self.api == other.api
    }
}

/// Why a name is not an API pbxbulk speaks, with the closest one.
#[derive(Debug, thiserror::Error)]
#[error("{name:?} is not an API pbxbulk speaks{}; the APIs are: {}", suggestion(*closest), names())]
pub(crate) struct UnknownApi {
    pub(crate) name: String,
    pub(crate) closest: Option<&'static str>,
}

fn suggestion(closest: Option<&str>) -> String {
    closest.map_or(String::new(), |c| format!(" (did you mean {c}?)"))
}

/// The `--api` names, comma-separated.
pub(crate) fn names() -> String {
    VENDORS
        .iter()
        .map(|v| v.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The API called `name`, in any case (`Yeastar-V2` is `yeastar-v2`).
pub(crate) fn by_name(name: &str) -> Result<&'static Vendor, UnknownApi> {
    let wanted = name.trim().to_ascii_lowercase();
    if let Some(vendor) = VENDORS.iter().find(|v| v.name() == wanted) {
        return Ok(vendor);
    }
    Err(UnknownApi {
        name: name.to_string(),
        closest: closest(&wanted),
    })
}

/// The API a mistyped name most likely meant: one the name begins (`yeastar` → the one of
/// that family that can add extensions, the most useful guess), else the nearest spelling.
fn closest(wanted: &str) -> Option<&'static str> {
    let prefixed: Vec<&Vendor> = VENDORS
        .iter()
        .copied()
        .filter(|v| !wanted.is_empty() && v.name().starts_with(wanted))
        .collect();
    // The first listed among those that can do the most (max_by_key keeps the last).
    let best = prefixed
        .iter()
        .rev()
        .max_by_key(|v| (v.api.caps.add, v.api.caps.delete));
    if let Some(best) = best {
        return Some(best.name());
    }
    VENDORS
        .iter()
        .map(|v| (strsim::damerau_levenshtein(wanted, v.name()), v.name()))
        .filter(|(distance, _)| *distance <= 3)
        .min()
        .map(|(_, name)| name)
}

/// The rule table of the API called `name`, for tests below this layer.
#[cfg(test)]
pub(crate) fn table(name: &str) -> &'static Table {
    by_name(name).expect("a registered API").table
}

/// Every API's name, for tests below this layer.
#[cfg(test)]
pub(crate) const NAMES: [&str; 5] = ["yeastar-v2", "yeastar-v1", "openvox", "verba", "yeastar-p"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_consistent_with_its_parts() {
        let mut names = std::collections::BTreeSet::new();
        for vendor in VENDORS {
            assert!(names.insert(vendor.name()), "{} twice", vendor.name());
            assert_eq!(vendor.table.api, vendor.api, "{}'s table", vendor.name());
            let codec = (vendor.codec)(&WireOptions::default());
            assert_eq!(codec.api(), vendor.name());
            assert_eq!(codec.record_key(), vendor.table.key, "{}", vendor.name());
            assert!(vendor.table.index(vendor.table.key).is_some());
            assert!(!vendor.about.is_empty());
        }
        let listed: Vec<&str> = VENDORS.iter().map(|v| v.name()).collect();
        assert_eq!(listed, NAMES, "the names tests use are the registry's");
    }

    #[test]
    fn a_name_is_found_in_any_case_and_a_near_miss_names_the_closest() {
        assert_eq!(by_name("Yeastar-V2").unwrap().name(), "yeastar-v2");
        let e = by_name("yeastar").unwrap_err();
        assert_eq!(e.closest, Some("yeastar-v2"), "the one that can add");
        assert!(e.to_string().contains("verba"), "{e}");
        assert_eq!(by_name("openfox").unwrap_err().closest, Some("openvox"));
        assert_eq!(by_name("asterisk").unwrap_err().closest, None);
    }
}
