//! Every documented rule, with a value that passes and values that fail. The lists must name
//! every field of each table, so a field added without a test fails here.

use super::{Cells, CheckContext, Problem, Table, check_cells};
use crate::domain::Code;

mod cases;

use cases::{COMMON, Case, OPENVOX_ONLY, V1_ONLY, V2_ONLY, VERBA_ONLY, YEASTAR_P};

fn problems_for(table: &'static Table, field: &str, value: &str, weak: bool) -> Vec<Problem> {
    let mut cells = Cells::blank(table);
    cells.values[table.key_index()] = "1001";
    cells.values[table.index(field).unwrap()] = value;
    let ctx = CheckContext {
        adding: false,
        weak_passwords: weak,
        exact_spelling: false,
    };
    check_cells(table, &cells, None, ctx)
        .into_iter()
        .filter(|p| p.field == field)
        .collect()
}

fn check_cases(api: &'static str, cases: &[&[Case]]) {
    let table = crate::vendors::table(api);
    // A later list's case for a field replaces an earlier one; fields the API lacks are skipped.
    let mut by_field = std::collections::BTreeMap::new();
    for case in cases.iter().flat_map(|c| c.iter()) {
        by_field.insert(case.0, case);
    }
    let cases: Vec<&Case> = by_field
        .into_values()
        .filter(|c| table.index(c.0).is_some())
        .collect();
    for field in table.fields {
        assert!(
            cases.iter().any(|c| c.0 == field.name),
            "{}: no test case for {}",
            api,
            field.name
        );
    }
    for (field, good, bads) in cases {
        let p = problems_for(table, field, good, false);
        assert!(p.is_empty(), "{api}: {field}={good:?} should pass: {p:?}");
        for bad in *bads {
            let p = problems_for(table, field, bad, false);
            assert_eq!(p.len(), 1, "{api}: {field}={bad:?} should fail once: {p:?}");
            assert_eq!(p[0].code, Code::BadValue);
            assert!(
                p[0].message.starts_with(field),
                "message names the field: {}",
                p[0].message
            );
            if table.field(field).is_some_and(|f| f.secret) {
                assert!(
                    !p[0].message.contains(bad),
                    "a secret's value is never shown: {}",
                    p[0].message
                );
            }
        }
    }
}

#[test]
fn every_v2_field_rule_passes_and_fails() {
    check_cases("yeastar-v2", &[COMMON, V2_ONLY]);
}

#[test]
fn every_v1_field_rule_passes_and_fails() {
    check_cases("yeastar-v1", &[COMMON, V1_ONLY]);
}

#[test]
fn every_openvox_field_rule_passes_and_fails() {
    check_cases("openvox", &[COMMON, V1_ONLY, OPENVOX_ONLY]);
}

#[test]
fn every_yeastar_p_field_rule_passes_and_fails() {
    check_cases("yeastar-p", &[YEASTAR_P]);
}

#[test]
fn every_verba_field_rule_passes_and_fails() {
    check_cases("verba", &[VERBA_ONLY]);
}

#[test]
fn verba_needs_a_tenant_to_add() {
    let p = row_problems("verba", &[("extension", "4001")], true);
    assert_eq!((p[0].field, p[0].code), ("eid", Code::MissingField));
    assert!(p[0].message.contains("eid or environment"));
    assert!(
        row_problems(
            "verba",
            &[("extension", "4001"), ("environment", "Ref.")],
            true
        )
        .is_empty()
    );
    assert!(row_problems("verba", &[("extension", "4001")], false).is_empty());
}

#[test]
fn weak_password_policy_accepts_what_strong_refuses() {
    let v2 = crate::vendors::table("yeastar-v2");
    // 9 characters, all lower case: weak only.
    assert!(!problems_for(v2, "registerpassword", "abcdefgh9", false).is_empty());
    assert!(problems_for(v2, "registerpassword", "abcdefgh9", true).is_empty());
    // Still too short under the weak policy.
    assert!(!problems_for(v2, "registerpassword", "abc9", true).is_empty());
    assert!(!problems_for(v2, "loginpassword", "Abc9", true).is_empty());
}

fn row_problems(api: &'static str, cells: &[(&str, &str)], adding: bool) -> Vec<Problem> {
    let table = crate::vendors::table(api);
    let mut row = Cells::blank(table);
    for (name, value) in cells {
        row.values[table.index(name).unwrap()] = value;
    }
    check_cells(
        table,
        &row,
        None,
        CheckContext {
            adding,
            weak_passwords: false,
            exact_spelling: false,
        },
    )
}

#[test]
fn forwards_and_mobility_need_their_companion_fields() {
    for api in ["yeastar-v2", "yeastar-v1"] {
        let key = crate::vendors::table(api).key;
        for p in ["a", "n", "b"] {
            let to = format!("{p}transferto");
            let ext = format!("{p}transferext");
            let num = format!("{p}transfernum");
            let cases: [(&str, &str, &str); 3] = [
                ("Extension", &ext, "1002"),
                ("Custom Number", &num, "0015550100"),
                ("Mobile Number", "mobile", "15550100"),
            ];
            for (destination, needed, value) in cases {
                let failing = row_problems(api, &[(key, "1001"), (&to, destination)], false);
                assert!(
                    failing
                        .iter()
                        .any(|x| x.field == needed && x.code == Code::NeedsField),
                    "{api} {to}={destination} without {needed}: {failing:?}"
                );
                let passing = row_problems(
                    api,
                    &[(key, "1001"), (&to, destination), (needed, value)],
                    false,
                );
                assert!(
                    passing.is_empty(),
                    "{api} {to}={destination} with {needed}: {passing:?}"
                );
            }
        }
        let failing = row_problems(api, &[(key, "1001"), ("enablemobile", "on")], false);
        assert_eq!(failing[0].field, "mobile");
        assert!(
            row_problems(
                api,
                &[(key, "1001"), ("enablemobile", "on"), ("mobile", "1555")],
                false
            )
            .is_empty()
        );
    }
}

#[test]
fn adding_needs_the_documented_fields_and_the_key_is_always_needed() {
    let missing = row_problems("yeastar-v2", &[("number", "1001")], true);
    let fields: Vec<&str> = missing.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["username", "registername", "registerpassword"]);
    assert!(missing.iter().all(|p| p.code == Code::MissingField));
    // The same row is fine as an update: blank means "keep the PBX's value".
    assert!(row_problems("yeastar-v2", &[("number", "1001")], false).is_empty());
    let no_key = row_problems("yeastar-v1", &[("username", "Amy")], false);
    assert_eq!(
        (no_key[0].field, no_key[0].code),
        ("extid", Code::MissingField)
    );
}

#[test]
fn strong_passwords_must_not_contain_the_number_or_the_name() {
    let base = [("number", "1001"), ("username", "Ana")];
    let with = |pw| {
        let mut cells = base.to_vec();
        cells.push(("registerpassword", pw));
        row_problems("yeastar-v2", &cells, false)
    };
    assert!(with("Kx7mQ2vRt9LpW4zA").is_empty());
    assert_eq!(with("Kx7mQ21001vRtLpW4zA")[0].field, "registerpassword");
    assert_eq!(with("Kx7mQ2vRtANA9LpW4zA")[0].field, "registerpassword");
}

#[test]
fn rules_between_fields_see_the_pbx_value_behind_a_blank_cell() {
    let table = crate::vendors::table("yeastar-v2");
    let mut row = Cells::blank(table);
    row.values[table.key_index()] = "1001";
    row.values[table.index("ntransferto").unwrap()] = "Mobile Number";
    let mut pbx = Cells::blank(table);
    let ctx = CheckContext {
        adding: false,
        weak_passwords: false,
        exact_spelling: false,
    };
    assert_eq!(check_cells(table, &row, Some(&pbx), ctx)[0].field, "mobile");
    pbx.values[table.index("mobile").unwrap()] = "15550100";
    assert!(
        check_cells(table, &row, Some(&pbx), ctx).is_empty(),
        "the PBX already has a mobile"
    );
}

#[test]
fn an_invalid_row_lists_every_problem() {
    let p = row_problems(
        "yeastar-v2",
        &[
            ("number", "1001"),
            ("ringtimeout", "45"),
            ("email", "x"),
            ("maxregistrations", "9"),
        ],
        false,
    );
    let fields: Vec<&str> = p.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["maxregistrations", "email", "ringtimeout"]);
}

#[test]
fn values_are_read_in_any_case_and_under_their_documented_aliases() {
    let v1 = crate::vendors::table("yeastar-v1");
    let kind = |t: &Table, f: &str| t.field(f).unwrap().kind;
    for on in ["on", "On", "ON", "TRUE", "yes", "1", "enable"] {
        assert_eq!(kind(v1, "dnd").canonical(on), "on", "{on}");
    }
    for off in ["off", "Off", "FALSE", "no", "0", "disabled"] {
        assert_eq!(kind(v1, "dnd").canonical(off), "off", "{off}");
    }
    assert_eq!(kind(v1, "ntransferto").canonical("voicemail"), "Voicemail");
    assert_eq!(
        kind(v1, "ntransferto").canonical("Mobile number"),
        "Mobile Number"
    );
    assert_eq!(
        kind(v1, "maxduration").canonical("follow system"),
        "Follow System"
    );
    // The PBX's own `disable` and the sheet's `Disabled` are one value, sent as each API spells it.
    assert_eq!(kind(v1, "monitormode").canonical("disable"), "Disabled");
    let openvox = crate::vendors::table("openvox");
    assert_eq!(kind(openvox, "monitormode").canonical("disable"), "Disable");
    assert_eq!(
        kind(openvox, "monitormode").canonical("Disabled"),
        "Disable"
    );
    let verba = crate::vendors::table("verba");
    assert_eq!(
        kind(verba, "recordingmode").canonical("On-demand"),
        "ON_DEMAND"
    );
    // Unknown values are left for the rules to refuse.
    assert_eq!(kind(v1, "dnd").canonical("maybe"), "maybe");
}

#[test]
fn the_simulator_accepts_only_documented_spellings() {
    let exact = |api, field: &str, value: &str| {
        let t = crate::vendors::table(api);
        let mut cells = Cells::blank(t);
        cells.values[t.key_index()] = "1001";
        cells.values[t.index(field).unwrap()] = value;
        let ctx = CheckContext {
            exact_spelling: true,
            ..CheckContext::default()
        };
        check_cells(t, &cells, None, ctx).is_empty()
    };
    assert!(
        exact("openvox", "monitormode", "disable"),
        "the query example's spelling"
    );
    assert!(
        exact("openvox", "monitormode", "Disable"),
        "the add example's spelling"
    );
    assert!(exact("yeastar-v1", "dnd", "on"));
    assert!(!exact("yeastar-v1", "dnd", "On"));
    assert!(!exact("yeastar-v1", "ntransferto", "voicemail"));
}

#[test]
fn a_lower_case_destination_still_needs_its_companion_field() {
    let p = row_problems(
        "yeastar-v1",
        &[("extid", "1001"), ("ntransferto", "mobile number")],
        false,
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].field, p[0].code), ("mobile", Code::NeedsField));
}

#[test]
fn every_field_says_where_it_comes_from() {
    use super::Origin;
    let openvox = crate::vendors::table("openvox");
    assert!(matches!(
        openvox.origin("registername"),
        Origin::Inferred(_)
    ));
    assert!(matches!(
        openvox.origin("callrestriction"),
        Origin::Inferred(_)
    ));
    assert!(
        matches!(openvox.origin("alwaysforward"), Origin::Documented(d) if d.contains("query"))
    );
    assert!(matches!(openvox.origin("username"), Origin::Documented(_)));
    for api in crate::vendors::NAMES {
        let t = crate::vendors::table(api);
        for (field, origin) in t.origins {
            assert!(t.index(field).is_some(), "{api}: {field} is not a field");
            let doc = match origin {
                Origin::Documented(d) => d,
                Origin::Inferred(why) => why,
            };
            assert!(
                doc.contains("docs/vendor/"),
                "{api}: {field}: cite a file: {doc}"
            );
        }
        assert!(t.documented_in.starts_with("docs/vendor/"), "{}", api);
    }
}
