//! Comparing a spreadsheet row with the PBX's current record of that extension, so that only
//! what differs is sent and a row that matches is left alone.

use crate::domain::values::{md5_hex, quoted};
use crate::domain::{Action, Record, Secret};
use crate::rules::{Cells, Table};

/// The indexes of the fields whose cell differs from the PBX's value. Blank cells keep the
/// PBX's value and never count; the key never counts; a rename counts when it renames. A
/// secret the PBX does not hand back cannot be compared: it counts only with
/// `update_secrets`, so a sync of an unchanged sheet rewrites no password.
pub(crate) fn changed_fields(
    table: &Table,
    cells: &Cells<'_>,
    current: &Record,
    update_secrets: bool,
) -> Vec<usize> {
    let key = cells.get(table, table.key);
    table
        .fields
        .iter()
        .enumerate()
        .filter(|&(i, f)| {
            let cell = f.kind.canonical(cells.values[i]);
            if cell.is_empty() || f.name == table.key {
                return false;
            }
            if Some(f.name) == table.rename {
                return cell != key;
            }
            let Some(old) = current.get(f.name).map(String::as_str) else {
                return !f.secret || update_secrets;
            };
            if table.hashed_on_read.contains(&f.name) {
                // Handed out plain or as its MD5 (v1 always hashes; OpenVox's documents do not
                // say): either way compared, never shown.
                cell != old && !md5_hex(cell).eq_ignore_ascii_case(old)
            } else {
                cell != f.kind.canonical(old)
            }
        })
        .map(|(i, _)| i)
        .collect()
}

/// What an update would change, field by field, for a dry run: `email "a@x" → "b@x"`; a
/// secret only says that it changes.
pub(crate) fn preview(
    table: &Table,
    cells: &Cells<'_>,
    changed: &[usize],
    current: &Record,
) -> String {
    changed
        .iter()
        .map(|&i| {
            let field = &table.fields[i];
            if field.secret {
                format!("{} changes (secret, not shown)", field.name)
            } else {
                let old = current.get(field.name).map_or("", String::as_str);
                format!(
                    "{} {} → {}",
                    field.name,
                    quoted(old),
                    quoted(cells.values[i])
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A dry run's message for a row that would be sent: what it would change (or, for an add,
/// every field it would get, from nothing) and which secrets it would generate.
pub(crate) fn dry_run_says(
    table: &Table,
    cells: &Cells<'_>,
    send: &[usize],
    current: Option<&Record>,
    action: Action,
    secrets: &[(&'static str, Secret)],
) -> String {
    let mut what = match current {
        Some(current) => format!(
            "dry run: would update {}",
            preview(table, cells, send, current)
        ),
        None if action == Action::Add => format!(
            "dry run: would add {}",
            preview(table, cells, send, &Record::new())
        ),
        None => format!("dry run: would {action}"),
    };
    if !secrets.is_empty() {
        let names: Vec<&str> = secrets.iter().map(|(f, _)| *f).collect();
        what.push_str(&format!("; would generate {}", names.join(", ")));
    }
    what
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record_of;

    fn cells<'a>(table: &Table, values: &[(&str, &'a str)]) -> Cells<'a> {
        let mut cells = Cells::blank(table);
        for (name, value) in values {
            cells.values[table.index(name).expect("a column of the table")] = value;
        }
        cells
    }

    fn changed(table: &Table, row: &[(&str, &str)], pbx: &[(&str, &str)]) -> Vec<&'static str> {
        changed_fields(table, &cells(table, row), &record_of(pbx), false)
            .into_iter()
            .map(|i| table.fields[i].name)
            .collect()
    }

    #[test]
    fn only_filled_cells_that_differ_count() {
        let v2 = crate::vendors::table("yeastar-v2");
        let pbx = [
            ("number", "1001"),
            ("username", "Ana"),
            ("email", "ana@example.com"),
            ("mobile", "1555001"),
            ("dnd", "off"),
        ];
        let row = [
            ("number", "1001"),
            ("username", "Ana"),
            ("email", "ana.lima@example.com"),
            ("dnd", "on"),
        ];
        // A blank mobile keeps the PBX's value; the key is never "changed".
        assert_eq!(changed(v2, &row, &pbx), ["email", "dnd"]);
        assert!(changed(v2, &[("number", "1001"), ("username", "Ana")], &pbx).is_empty());
        // A field the PBX does not have yet counts.
        assert_eq!(
            changed(v2, &[("number", "1001"), ("callerid", "1001")], &pbx),
            ["callerid"]
        );
        // Values are compared as the PBX does: case matters.
        assert_eq!(
            changed(v2, &[("number", "1001"), ("username", "ana")], &pbx),
            ["username"]
        );
    }

    #[test]
    fn a_v1_rename_counts_only_when_it_renames_and_a_hashed_password_through_its_hash() {
        let v1 = crate::vendors::table("yeastar-v1");
        let pbx = [
            ("extid", "1001"),
            ("loginpassword", &md5_hex("Login-pw1").to_uppercase()),
        ];
        assert!(changed(v1, &[("extid", "1001"), ("extnumber", "1001")], &pbx).is_empty());
        assert_eq!(
            changed(v1, &[("extid", "1001"), ("extnumber", "2001")], &pbx),
            ["extnumber"]
        );
        assert!(
            changed(
                v1,
                &[("extid", "1001"), ("loginpassword", "Login-pw1")],
                &pbx
            )
            .is_empty(),
            "the same password, whatever case the PBX writes its hash in"
        );
        assert_eq!(
            changed(
                v1,
                &[("extid", "1001"), ("loginpassword", "Login-pw2")],
                &pbx
            ),
            ["loginpassword"]
        );
    }

    #[test]
    fn booleans_compare_in_their_one_spelling() {
        let verba = crate::vendors::table("verba");
        let pbx = [
            ("extension", "ana@example.com"),
            ("im", "1"),
            ("voice", "0"),
        ];
        let row = [
            ("extension", "ana@example.com"),
            ("im", "yes"),
            ("voice", "FALSE"),
        ];
        assert!(changed(verba, &row, &pbx).is_empty());
        let row = [
            ("extension", "ana@example.com"),
            ("im", "no"),
            ("voice", "true"),
        ];
        assert_eq!(changed(verba, &row, &pbx), ["im", "voice"]);
        // What the service writes as true/false is the same value too.
        let pbx = [("extension", "ana@example.com"), ("video", "true")];
        assert!(
            changed(
                verba,
                &[("extension", "ana@example.com"), ("video", "1")],
                &pbx
            )
            .is_empty()
        );
    }

    #[test]
    fn a_preview_shows_old_and_new_values_but_never_a_secret() {
        let v2 = crate::vendors::table("yeastar-v2");
        let pbx = record_of(&[("email", "a@x.org"), ("registerpassword", "Old-Secret-77")]);
        let row = cells(
            v2,
            &[
                ("number", "1001"),
                ("email", "b@x.org"),
                ("registerpassword", "New-Secret-88"),
            ],
        );
        let changed = changed_fields(v2, &row, &pbx, false);
        let text = preview(v2, &row, &changed, &pbx);
        assert_eq!(
            text,
            r#"registerpassword changes (secret, not shown); email "a@x.org" → "b@x.org""#
        );
        assert!(!text.contains("Secret-"));
    }

    #[test]
    fn a_secret_the_pbx_does_not_hand_back_is_sent_only_when_asked() {
        let v2 = crate::vendors::table("yeastar-v2");
        let mut row = Cells::blank(v2);
        row.values[v2.index("number").unwrap()] = "1001";
        row.values[v2.index("registerpassword").unwrap()] = "Kx7mQ2vRt9LpW4zA";
        row.values[v2.index("email").unwrap()] = "a@example.com";
        let pbx = record_of(&[("number", "1001")]);
        let names = |changed: Vec<usize>| -> Vec<&str> {
            changed.iter().map(|&i| v2.fields[i].name).collect()
        };
        assert_eq!(names(changed_fields(v2, &row, &pbx, false)), ["email"]);
        assert_eq!(
            names(changed_fields(v2, &row, &pbx, true)),
            ["registerpassword", "email"]
        );
        // Handed back, it is compared as any field.
        let pbx = record_of(&[("number", "1001"), ("registerpassword", "old")]);
        assert_eq!(
            names(changed_fields(v2, &row, &pbx, false)),
            ["registerpassword", "email"]
        );
    }
}
