use super::*;
use crate::domain::record_of;

fn v2() -> &'static Table {
    crate::vendors::table("yeastar-v2")
}

fn pbx(of: &[(&str, &str)]) -> PbxSnapshot {
    of.iter()
        .map(|(n, email)| (n.to_string(), record_of(&[("number", n), ("email", email)])))
        .collect()
}

fn roster(named: &[&str], keys: &[(&str, &[u64])]) -> Roster {
    Roster {
        named: named.iter().map(ToString::to_string).collect(),
        keys: keys
            .iter()
            .map(|(k, rows)| (k.to_string(), rows.to_vec()))
            .collect(),
        removes: Vec::new(),
    }
}

fn cells<'a>(number: &'a str, email: &'a str) -> Cells<'a> {
    let mut cells = Cells::blank(v2());
    cells.values[v2().index("number").unwrap()] = number;
    cells.values[v2().index("email").unwrap()] = email;
    cells.values[v2().index("username").unwrap()] = "Ann Lee";
    cells
}

fn email() -> Option<usize> {
    v2().index("email")
}

#[test]
fn a_row_takes_the_number_of_the_extension_with_its_email_in_any_case() {
    let current = pbx(&[("1001", "Ann@Example.com"), ("1002", "bo@example.com")]);
    let mut file = roster(&[], &[("ann@example.com", &[2])]);
    let mut people = People::new(v2(), email(), &current, &mut file, Vec::new());
    let found = people.number(2, &cells("", " ANN@example.com")).unwrap();
    assert_eq!(found, Found::Matched("1001".into()));
    let filled = found.fill(&cells("", "x"), v2().key_index()).unwrap();
    assert_eq!(filled.values[v2().key_index()], "1001");
    // A row naming the same number is the same person; naming another is refused.
    assert_eq!(
        people.number(2, &cells("1001", "ann@example.com")).unwrap(),
        Found::Matched("1001".into())
    );
    let e = people
        .number(2, &cells("1009", "ann@example.com"))
        .unwrap_err();
    assert_eq!(e.code, Code::AmbiguousMatch);
    assert!(
        e.message
            .contains("is extension 1001 on the PBX, but the row names 1009"),
        "{}",
        e.message
    );
}

#[test]
fn a_key_on_two_rows_or_two_extensions_is_an_error_naming_both() {
    let current = pbx(&[("1001", "twin@example.com"), ("1002", "TWIN@example.com")]);
    let mut file = roster(
        &[],
        &[("twin@example.com", &[2]), ("pair@example.com", &[3, 7])],
    );
    let mut people = People::new(v2(), email(), &current, &mut file, vec![(3000, 3999)]);
    let e = people
        .number(2, &cells("", "twin@example.com"))
        .unwrap_err();
    assert_eq!((e.code, e.field), (Code::AmbiguousMatch, "email"));
    assert!(
        e.message.contains("extensions 1001 and 1002"),
        "{}",
        e.message
    );
    let e = people
        .number(3, &cells("", "pair@example.com"))
        .unwrap_err();
    assert!(e.message.contains("also in row 7"), "{}", e.message);
    let e = people
        .number(7, &cells("", "pair@example.com"))
        .unwrap_err();
    assert!(e.message.contains("also in row 3"), "{}", e.message);
}

#[test]
fn a_new_person_is_given_the_lowest_number_nobody_has_or_names() {
    let current = pbx(&[("3000", "a@example.com"), ("3002", "b@example.com")]);
    // The file names 3001 further down: it is not handed out.
    let mut file = roster(&["3001"], &[]);
    let mut people = People::new(v2(), email(), &current, &mut file, vec![(3000, 3004)]);
    let found = people.number(2, &cells("", "new@example.com")).unwrap();
    assert_eq!(found, Found::Assigned("3003".into()));
    assert_eq!(found.note(), "assigned 3003");
    assert_eq!(
        people.number(3, &cells("", "next@example.com")).unwrap(),
        Found::Assigned("3004".into())
    );
    let e = people
        .number(4, &cells("", "late@example.com"))
        .unwrap_err();
    assert_eq!((e.code, e.field), (Code::NoFreeNumber, "number"));
    assert!(e.message.contains("3000-3004"), "{}", e.message);
    // A row with its own number keeps it; a blank row is left blank.
    assert_eq!(
        people.number(5, &cells("4000", "own@example.com")).unwrap(),
        Found::Given
    );
    assert_eq!(people.number(6, &Cells::blank(v2())).unwrap(), Found::Given);
}

#[test]
fn without_ranges_a_row_that_matches_nothing_has_no_number() {
    let current = pbx(&[]);
    let mut people = People::new(v2(), email(), &current, &mut roster(&[], &[]), Vec::new());
    let e = people.number(2, &cells("", "who@example.com")).unwrap_err();
    assert_eq!(e.code, Code::NoNumber);
    assert!(
        e.message.contains("matches no extension by email"),
        "{}",
        e.message
    );
}

#[test]
fn a_leaver_is_found_by_number_or_by_a_key_only_one_extension_has() {
    let current = pbx(&[
        ("1001", "ann@example.com"),
        ("1002", "t@x.co"),
        ("1003", "t@x.co"),
    ]);
    let people = People::new(v2(), email(), &current, &mut roster(&[], &[]), Vec::new());
    assert_eq!(
        people.target("", "ann@example.com", &current),
        Some("1001".into())
    );
    assert_eq!(people.target("1002", "", &current), Some("1002".into()));
    assert_eq!(people.target("", "t@x.co", &current), None, "two have it");
    assert_eq!(people.target("", "gone@example.com", &current), None);
}
