use super::parse::{parse, parse_condition, template_pieces};
use super::*;

fn v2() -> &'static Table {
    crate::vendors::table("yeastar-v2")
}

/// The mapped value of `name` in a row mapped for yeastar-v2.
fn get<'a>(out: &'a [String], name: &str) -> &'a str {
    &out[v2().index(name).unwrap()]
}

const HR: &str = r#"
ignore = ["Employee ID"]
skip = ['Status != "Active"', 'Department in ["Contractors", "Interns"]']

[columns]
"Desk Extension" = "number"
"Work Email" = "email"
"Mobile Phone" = "mobile"
"Voicemail" = "hasvoicemail"

[templates]
username = "{First Name} {Last Name}"

[values.hasvoicemail]
"Yes" = "on"
"No" = "off"
"#;

const HEADER: &[&str] = &[
    "Employee ID",
    "First Name",
    "Last Name",
    "Work Email",
    "Mobile Phone",
    "Desk Extension",
    "Status",
    "Department",
    "Voicemail",
];

fn bound(text: &str, header: &[&str]) -> Result<Bound, BindError> {
    let mut mapping = parse(text).expect("parses");
    mapping.origin = "map.toml".into();
    mapping.bind(header, v2(), false)
}

fn row(b: &Bound, cells: &[&str]) -> (Mapped, Vec<String>) {
    let mut out = Vec::new();
    let m = b.apply(cells, &mut out);
    (m, out)
}

#[test]
fn an_hr_row_becomes_the_apis_fields() {
    let b = bound(HR, HEADER).unwrap();
    let (m, out) = row(
        &b,
        &[
            "E17",
            "Ann",
            "Lee",
            "ann@example.com",
            "15550100",
            "1001",
            "Active",
            "Sales",
            "Yes",
        ],
    );
    assert_eq!(m, Mapped::Row { note: None });
    let named: Vec<_> = [
        "number",
        "username",
        "email",
        "mobile",
        "hasvoicemail",
        "registerpassword",
    ]
    .iter()
    .map(|f| get(&out, f))
    .collect();
    assert_eq!(
        named,
        ["1001", "Ann Lee", "ann@example.com", "15550100", "on", ""]
    );
}

#[test]
fn rows_are_skipped_by_condition_with_the_reason() {
    let b = bound(HR, HEADER).unwrap();
    let (m, _) = row(
        &b,
        &[
            "E18",
            "Bob",
            "Ray",
            "",
            "",
            "1002",
            "Terminated",
            "Sales",
            "No",
        ],
    );
    assert_eq!(
        m,
        Mapped::Skipped("skipped by the mapping: Status != \"Active\" (map.toml line 3)".into())
    );
    let (m, _) = row(
        &b,
        &[
            "E19", "Cy", "Fox", "", "", "1003", "Active", "Interns", "No",
        ],
    );
    assert!(matches!(m, Mapped::Skipped(why) if why.contains("Department in")));
}

#[test]
fn a_value_outside_the_table_and_a_half_blank_template_are_row_errors() {
    let b = bound(HR, HEADER).unwrap();
    let (m, _) = row(
        &b,
        &["E20", "Dee", "", "", "", "1004", "Active", "Sales", "Maybe"],
    );
    let Mapped::Failed(problems) = m else {
        panic!("{m:?}")
    };
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].field, "username");
    assert!(
        problems[0]
            .message
            .contains("needs Last Name, which is blank"),
        "{}",
        problems[0].message
    );
    assert!(
        problems[1]
            .message
            .contains("\"Maybe\" is not in the value table at map.toml line 14"),
        "{}",
        problems[1].message
    );
    // Every templated column blank: the field is left as it is, not an error.
    let (m, out) = row(&b, &["E21", "", "", "", "", "1005", "Active", "Sales", ""]);
    assert_eq!(m, Mapped::Row { note: None });
    assert_eq!(get(&out, "username"), "");
}

#[test]
fn unknown_columns_are_the_mapped_header_check() {
    let err = bound(HR, &[HEADER, &["Cost Centre"]].concat()).unwrap_err();
    assert_eq!(err, BindError::Unknown(vec!["\"Cost Centre\"".into()]));
    // The API's own columns pass through; ignored ones are not unknown.
    let b = bound("ignore = [\"Notes\"]\n", &["Extension", "email", "Notes"]).unwrap();
    let (_, out) = row(&b, &["7", "a@b.cd", "x"]);
    assert_eq!((get(&out, "number"), get(&out, "email")), ("7", "a@b.cd"));
    assert!(out.iter().filter(|v| !v.is_empty()).count() == 2);
    assert_eq!(bound("", &["email"]).unwrap_err(), BindError::NoKey);
}

#[test]
fn mapping_errors_name_the_line() {
    let at = |text: &str, header: &[&str]| match bound(text, header) {
        Err(BindError::At(at)) => at,
        other => panic!("{other:?}"),
    };
    let e = at("\n[columns]\n\"Desk\" = \"nmber\"\n", &["Desk"]);
    assert_eq!(e.line, 3);
    assert!(e.message.contains("no field \"nmber\""), "{}", e.message);
    let e = at(
        "[columns]\n\"Desk\" = \"number\"\n\n[constants]\nnumber = \"1\"\n",
        &["Desk"],
    );
    assert_eq!(e.line, 5);
    assert!(
        e.message.contains("already filled by line 2"),
        "{}",
        e.message
    );
    let e = at(
        "[templates]\nusername = \"{Frist}\"\n",
        &["number", "First"],
    );
    assert_eq!(e.line, 2);
    assert!(e.message.contains("\"Frist\""), "{}", e.message);
    let e = at(
        "[columns]\n\"Mail\" = \"email\"\n",
        &["number", "Mail", "email"],
    );
    assert!(
        e.message.contains("list \"email\" under ignore"),
        "{}",
        e.message
    );
    // A TOML syntax error and an unknown section, with their lines.
    let e = parse("[columns]\n\"a\" = \n").unwrap_err();
    assert_eq!(e.line, 2);
    let e = parse("[columns]\n\"a\" = number\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("double quotes"), "{}", e.message);
    let e = parse("\n\n[colums]\n").unwrap_err();
    assert_eq!(e.line, 3, "{e:?}");
    assert!(e.message.contains("colums"), "{}", e.message);
    let e = parse("skip = ['Status = \"x\"']\n").unwrap_err();
    assert_eq!(e.line, 1);
    assert!(
        e.message.contains("expected ==, !=, in or not in"),
        "{}",
        e.message
    );
}

#[test]
fn constants_and_the_catch_all_value() {
    let text = "[constants]\nhasvoicemail = \"on\"\nmobile = 5550\n[values.email]\n\"x\" = \"y@z.io\"\n\"*\" = \"other@z.io\"\n";
    let b = bound(text, &["number", "email"]).unwrap();
    let (_, out) = row(&b, &["9", "q"]);
    let named: Vec<_> = ["number", "email", "mobile", "hasvoicemail"]
        .iter()
        .map(|f| get(&out, f))
        .collect();
    assert_eq!(named, ["9", "other@z.io", "5550", "on"]);
}

#[test]
fn conditions_parse() {
    let c = parse_condition(r#""Sign in" not in ["a", "b\"c"]"#).unwrap();
    assert_eq!(c.column, "Sign in");
    assert_eq!(c.test, Test::NotIn(vec!["a".into(), "b\"c".into()]));
    let c = parse_condition(r#"Job Title == """#).unwrap();
    assert_eq!(
        (c.column.as_str(), c.test),
        ("Job Title", Test::In(vec![String::new()]))
    );
    assert!(
        parse_condition("Status != Active")
            .unwrap_err()
            .contains("quoted string")
    );
    assert!(
        parse_condition("Status in \"a\"")
            .unwrap_err()
            .contains("list")
    );
}

#[test]
fn templates_parse() {
    assert_eq!(
        template_pieces("{{x}} {A}").unwrap(),
        [
            Piece::Text("{x} ".into()),
            Piece::Column {
                name: "A".into(),
                filters: Vec::new()
            }
        ]
    );
    assert!(template_pieces("{A").is_err());
    assert!(template_pieces("plain").unwrap_err().contains("constants"));
}

#[test]
fn dropped_columns_are_noted_not_lost() {
    let mut m = parse("").unwrap();
    m.origin = "the openvox → yeastar-v2 correspondence".into();
    let why = "yeastar-v2 has no such field".to_string();
    m.dropped.push(Dropped {
        column: "nat".into(),
        why: why.clone(),
        secret: false,
    });
    m.dropped.push(Dropped {
        column: "pin".into(),
        why,
        secret: true,
    });
    let b = m.bind(&["number", "nat", "pin"], v2(), false).unwrap();
    let (m, _) = row(&b, &["1", "yes", "9876"]);
    assert_eq!(m, Mapped::Row { note: Some("not carried over: nat \"yes\" (yeastar-v2 has no such field), pin (a secret; yeastar-v2 has no such field)".into()) });
    let (m, _) = row(&b, &["1", "", ""]);
    assert_eq!(m, Mapped::Row { note: None });
}

#[test]
fn a_mappings_meaning_is_its_rules_not_its_path_or_its_lines() {
    let mut here = parse(HR).unwrap();
    here.origin = "./hr.toml".into();
    let mut moved = parse(&format!("# the same rules, one line lower\n{HR}")).unwrap();
    moved.origin = "/etc/pbxbulk/hr.toml".into();
    assert_eq!(here.meaning(), moved.meaning());
    let changed = parse(&HR.replace("Interns", "Temps")).unwrap();
    assert_ne!(here.meaning(), changed.meaning());
}
