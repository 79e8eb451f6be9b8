use super::*;
use crate::input::mapping::Mapped;

fn table(api: &str) -> &'static Table {
    crate::vendors::table(api)
}

fn get<'a>(api: &str, out: &'a [String], field: &str) -> &'a str {
    &out[table(api).index(field).unwrap()]
}

#[test]
fn a_freepbx_file_in_any_case_becomes_any_apis_fields() {
    // Upper case, as FreePBX's own test file writes it, with a trailing empty header cell.
    let header = [
        "EXTENSION",
        "NAME",
        "SECRET",
        "VOICEMAIL_EMAIL",
        "TECH",
        "CALLERID",
        "",
    ];
    let mapping = freepbx::BULK_HANDLER.mapping(table("yeastar-v2"));
    let bound = mapping.bind(&header, table("yeastar-v2"), false).unwrap();
    assert_eq!(
        bound.unused,
        ["TECH", "CALLERID"],
        "listed once as not carried"
    );
    let mut out = Vec::new();
    let row = [
        "1001",
        "Ann Lee",
        "Kx7mQ2vRt9LpW4zA",
        "ann@example.com",
        "pjsip",
        "",
        "",
    ];
    assert_eq!(bound.apply(&row, &mut out), Mapped::Row { note: None });
    assert_eq!(get("yeastar-v2", &out, "number"), "1001");
    assert_eq!(get("yeastar-v2", &out, "username"), "Ann Lee");
    assert_eq!(
        get("yeastar-v2", &out, "registerpassword"),
        "Kx7mQ2vRt9LpW4zA"
    );
    assert_eq!(get("yeastar-v2", &out, "email"), "ann@example.com");
    // The P-Series keeps first and last names: the display name is split.
    let p = table("yeastar-p");
    let bound = freepbx::BULK_HANDLER
        .mapping(p)
        .bind(&header, p, false)
        .unwrap();
    bound.apply(&row, &mut out);
    assert_eq!(
        (
            get("yeastar-p", &out, "first_name"),
            get("yeastar-p", &out, "last_name")
        ),
        ("Ann", "Lee")
    );
}

#[test]
fn a_3cx_file_joins_first_and_last_names_for_a_display_name() {
    let v2 = table("yeastar-v2");
    let bound = threecx::V20
        .mapping(v2)
        .bind(threecx::V20.header, v2, false)
        .unwrap();
    assert_eq!(bound.unused.len(), threecx::V20.header.len() - 7);
    let mut row = vec![""; threecx::V20.header.len()];
    row[..5].copy_from_slice(&["2001", "Zoë", "Øre", "zoe@example.com", "15550100"]);
    let mut out = Vec::new();
    bound.apply(&row, &mut out);
    assert_eq!(get("yeastar-v2", &out, "username"), "Zoë Øre");
    assert_eq!(get("yeastar-v2", &out, "mobile"), "15550100");
}

#[test]
fn a_row_is_read_only_with_as_many_fields_as_the_header() {
    let v2 = table("yeastar-v2");
    let header = csv::ByteRecord::from(vec!["extension", "name", "", ""]);
    let names = ["extension", "name", "", ""];
    let bound = freepbx::BULK_HANDLER
        .mapping(v2)
        .bind(&names, v2, false)
        .unwrap();
    assert!(bound.width(4, &header).is_none());
    assert!(
        bound.width(2, &header).is_none(),
        "trailing blank header cells tolerated"
    );
    let problem = bound.width(3, &header).unwrap();
    assert_eq!(problem.code, crate::domain::Code::FieldCount);
    assert!(
        problem
            .message
            .contains("the row has 3 fields and the header 2 columns"),
        "{}",
        problem.message
    );
}

#[test]
fn an_export_row_in_a_layout_splits_or_joins_names_and_writes_the_defaults() {
    let value = |term| match term {
        Term::Number => Some("1001"),
        Term::DisplayName => Some("Mary Ann Smith"),
        _ => None,
    };
    let row = grandstream::UCM.row(value);
    let at = |c: &str| {
        &row[grandstream::UCM
            .header
            .iter()
            .position(|h| *h == c)
            .unwrap()]
    };
    assert_eq!(
        (
            at("Extension").as_str(),
            at("First Name").as_str(),
            at("Last Name").as_str()
        ),
        ("1001", "Mary Ann", "Smith")
    );
    assert_eq!(at("Technology"), "SIP", "the export's documented default");
    let joined = freepbx::BULK_HANDLER.row(|term| match term {
        Term::FirstName => Some("Ann"),
        Term::LastName => Some("Lee"),
        _ => None,
    });
    assert_eq!(joined[1], "Ann Lee");
}
