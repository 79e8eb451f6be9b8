use super::*;
use crate::vendors::by_name;

fn vendor(name: &str) -> &'static Vendor {
    by_name(name).unwrap()
}

fn pair(from: &str, to: &str) -> Mapping {
    conversion(vendor(from), vendor(to), "0000", false).unwrap()
}

#[test]
fn the_yeastar_family_keys_correspond_and_fields_without_a_home_are_named() {
    let m = pair("yeastar-v1", "yeastar-v2");
    assert_eq!(
        (m.renames[0].column.as_str(), m.renames[0].field.as_str()),
        ("extid", "number")
    );
    let dropped: Vec<_> = m.dropped.iter().map(|d| d.column.as_str()).collect();
    assert_eq!(dropped, ["extnumber"]);
    assert_eq!(
        m.notes,
        [(
            "loginpassword".to_string(),
            "loginpassword not carried over: yeastar-v1 hands it out only hashed, so \
             yeastar-v2 keeps its own unless --generate-passwords makes a new one"
                .to_string()
        )]
    );
    let m = pair("openvox", "yeastar-v2");
    assert!(m.dropped.iter().any(|d| d.column == "nat"));
    let m = conversion(vendor("yeastar-v2"), vendor("verba"), "0042", false).unwrap();
    assert!(
        m.renames
            .iter()
            .any(|r| r.column == "number" && r.field == "extension")
    );
    assert_eq!(m.constants[0].value, "0042");
    assert!(
        m.dropped
            .iter()
            .any(|d| d.column == "registerpassword" && d.secret)
    );
    assert!(conversion(vendor("yeastar-v2"), vendor("yeastar-v2"), "0000", false).is_none());
}

#[test]
fn a_term_the_source_lacks_is_filled_where_the_target_says_from_what() {
    // OpenVox's documents show no registration name: yeastar-v2 registers with the number.
    let m = pair("openvox", "yeastar-v2");
    let from = |field: &str| {
        m.renames
            .iter()
            .find(|r| r.field == field)
            .map(|r| r.column.as_str())
    };
    assert_eq!(from("registername"), Some("number"));
    assert_eq!(from("number"), Some("number"));
    let dropped = m
        .dropped
        .iter()
        .find(|d| d.column == "registername")
        .unwrap();
    assert_eq!(dropped.why, "yeastar-v2 takes it from the number");
}

#[test]
fn every_pair_of_apis_either_converts_or_says_why_not() {
    for from in crate::vendors::VENDORS {
        for to in crate::vendors::VENDORS {
            let refused = refusal(from, to, false);
            let converted = conversion(from, to, "0000", false);
            assert_eq!(converted.is_none(), from == to, "{from:?} → {to:?}");
            if let Some(why) = refused {
                assert!(why.contains(from.name()), "{why}");
            }
        }
    }
}

#[test]
fn pairs_that_make_no_sense_are_refused_with_the_reason() {
    let (v2, v1, verba) = (vendor("yeastar-v2"), vendor("yeastar-v1"), vendor("verba"));
    let why = refusal(v2, v1, true).unwrap();
    assert!(why.contains("cannot add"), "{why}");
    assert!(refusal(v2, v1, false).is_none());
    let why = refusal(verba, v2, true).unwrap();
    assert!(
        why.contains("recording settings") && why.contains("username"),
        "{why}"
    );
    // Nothing of a recording directory has a counterpart on a phone system.
    assert!(
        refusal(verba, v1, false)
            .unwrap()
            .contains("none of its fields has a counterpart on yeastar-v1")
    );
    assert!(refusal(v1, verba, true).is_none());
}
