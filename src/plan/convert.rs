//! Moving a directory from one API to another (`migrate`, `import --from-api`): the field
//! correspondence of each pair of APIs, as data, turned into a [`Mapping`] so the conversion
//! runs exactly where `--map` does, between reading and validation.
//!
//! A field the table does not list carries over under its own name where the target has one;
//! every other source field is dropped and named, with its value (a secret only by name), in
//! the row's message. Values the source hands out only hashed (v1's `loginpassword`) cannot
//! travel: the message says so, and `--generate-passwords` makes new ones for new extensions.

use crate::domain::ApiKind::{self, Openvox, Verba, YeastarV1, YeastarV2};
use crate::input::mapping::{Constant, Dropped, Mapping, Rename};
use crate::rules;

/// One ordered pair: the source columns that go to a differently named target field.
struct Pair {
    from: ApiKind,
    to: ApiKind,
    fields: &'static [(&'static str, &'static str)],
    /// Why the pair makes no sense, if it does not.
    refused: Option<&'static str>,
}

const NOT_PHONES: &str = "verba holds recording settings, not phones: it has no names or SIP \
     credentials to create Yeastar or OpenVox extensions from";

#[rustfmt::skip]
const PAIRS: &[Pair] = &[
    Pair { from: YeastarV1, to: YeastarV2, fields: &[("extid", "number")], refused: None },
    Pair { from: YeastarV1, to: Openvox, fields: &[("extid", "number")], refused: None },
    Pair { from: YeastarV1, to: Verba, fields: &[("extid", "extension")], refused: None },
    Pair { from: YeastarV2, to: YeastarV1, fields: &[("number", "extid")], refused: None },
    Pair { from: YeastarV2, to: Openvox, fields: &[], refused: None },
    Pair { from: YeastarV2, to: Verba, fields: &[("number", "extension")], refused: None },
    // OpenVox's documents show no registration name (docs/vendor/openvox-extension-add.txt has
    // none; its `registername` column is Yeastar v1's, inferred): its phones register with the
    // number (inferred), which is what Yeastar v2 needs to add one.
    Pair { from: Openvox, to: YeastarV2, fields: &[("number", "number"), ("number", "registername")], refused: None },
    Pair { from: Openvox, to: YeastarV1, fields: &[("number", "extid")], refused: None },
    Pair { from: Openvox, to: Verba, fields: &[("number", "extension")], refused: None },
    Pair { from: Verba, to: YeastarV2, fields: &[], refused: Some(NOT_PHONES) },
    Pair { from: Verba, to: YeastarV1, fields: &[], refused: Some(NOT_PHONES) },
    Pair { from: Verba, to: Openvox, fields: &[], refused: Some(NOT_PHONES) },
];

/// Whether `from` → `to` can be done in `mode`; the reason when not. Checked before any login.
pub(crate) fn refusal(from: ApiKind, to: ApiKind, adds: bool) -> Option<String> {
    if adds && !to.capabilities().add {
        return Some(format!(
            "{} cannot add extensions (its API has no extension/add), so it cannot take a \
             directory from {}; use --mode update to copy settings onto extensions it already has",
            to.name(),
            from.name()
        ));
    }
    pair(from, to).and_then(|p| p.refused).map(str::to_string)
}

fn pair(from: ApiKind, to: ApiKind) -> Option<&'static Pair> {
    PAIRS.iter().find(|p| p.from == from && p.to == to)
}

/// The conversion of a sheet in `from`'s columns into `to`'s fields; `None` when the APIs are
/// the same. `eid` is the target tenant, for a Verba target the source cannot name.
pub(crate) fn conversion(from: ApiKind, to: ApiKind, eid: &str) -> Option<Mapping> {
    let pair = pair(from, to)?;
    let (source, target) = (rules::table(from), rules::table(to));
    let mut mapping = Mapping {
        origin: format!("the {} → {} correspondence", from.name(), to.name()),
        ..Mapping::default()
    };
    for (column, field) in pair.fields {
        mapping.renames.push(Rename {
            line: 0,
            column: (*column).to_string(),
            field: (*field).to_string(),
        });
    }
    for field in source.fields {
        let renamed = pair.fields.iter().any(|(column, _)| *column == field.name);
        // A field the correspondence fills from another column takes that one only.
        let filled = pair
            .fields
            .iter()
            .any(|(_, to_field)| *to_field == field.name);
        if filled && !renamed {
            mapping.dropped.push(Dropped {
                column: field.name.to_string(),
                why: format!("{} takes it from the number", to.name()),
                secret: field.secret,
            });
            continue;
        }
        if renamed || target.index(field.name).is_some() {
            continue;
        }
        mapping.dropped.push(Dropped {
            column: field.name.to_string(),
            why: format!("{} has no such field", to.name()),
            secret: field.secret,
        });
    }
    for hashed in source
        .hashed_on_read
        .iter()
        .filter(|h| target.index(h).is_some())
    {
        mapping.notes.push(format!(
            "{hashed} not carried over: {} hands it out only hashed, so {} keeps its own \
             unless --generate-passwords makes a new one",
            from.name(),
            to.name()
        ));
    }
    if to == Verba && source.index("eid").is_none() {
        mapping.constants.push(Constant {
            line: 0,
            field: "eid".into(),
            value: eid.to_string(),
        });
    }
    Some(mapping)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_different_apis_is_listed_once() {
        for from in ApiKind::ALL {
            for to in ApiKind::ALL.into_iter().filter(|&to| to != from) {
                let n = PAIRS
                    .iter()
                    .filter(|p| p.from == from && p.to == to)
                    .count();
                assert_eq!(n, 1, "{} → {}", from.name(), to.name());
            }
        }
        assert!(PAIRS.iter().all(|p| p.from != p.to));
    }

    #[test]
    fn every_listed_field_exists_on_its_side() {
        for p in PAIRS {
            for (column, field) in p.fields {
                assert!(rules::table(p.from).index(column).is_some(), "{column}");
                assert!(rules::table(p.to).index(field).is_some(), "{field}");
            }
        }
    }

    #[test]
    fn the_yeastar_family_keys_correspond_and_fields_without_a_home_are_named() {
        let m = conversion(YeastarV1, YeastarV2, "0000").unwrap();
        assert_eq!(
            (m.renames[0].column.as_str(), m.renames[0].field.as_str()),
            ("extid", "number")
        );
        let dropped: Vec<_> = m.dropped.iter().map(|d| d.column.as_str()).collect();
        assert_eq!(dropped, ["extnumber"]);
        assert_eq!(
            m.notes,
            [
                "loginpassword not carried over: yeastar-v1 hands it out only hashed, so \
                 yeastar-v2 keeps its own unless --generate-passwords makes a new one"
            ]
        );
        let m = conversion(Openvox, YeastarV2, "0000").unwrap();
        assert!(m.dropped.iter().any(|d| d.column == "nat"));
        let m = conversion(YeastarV2, Verba, "0042").unwrap();
        assert_eq!(m.renames[0].field, "extension");
        assert_eq!(m.constants[0].value, "0042");
        assert!(
            m.dropped
                .iter()
                .any(|d| d.column == "registerpassword" && d.secret)
        );
        assert!(conversion(YeastarV2, YeastarV2, "0000").is_none());
    }

    #[test]
    fn pairs_that_make_no_sense_are_refused_with_the_reason() {
        let why = refusal(YeastarV2, YeastarV1, true).unwrap();
        assert!(why.contains("cannot add"), "{why}");
        assert!(refusal(YeastarV2, YeastarV1, false).is_none());
        assert!(
            refusal(Verba, YeastarV2, true)
                .unwrap()
                .contains("recording")
        );
        assert!(refusal(YeastarV1, Verba, true).is_none());
    }
}
