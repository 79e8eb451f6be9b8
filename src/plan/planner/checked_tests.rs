//! Rows whose cells are checked as they are read ([`Sheet::check_as_read`]) against the same
//! rows read the long way (normalised, then every rule in the planner): the same plan for
//! every row, whatever its cells hold, and clean rows do take the short way.

use super::*;
use crate::domain::{PbxSnapshot, Record};
use crate::input::{RawRow, ReadSettings, Sheet, Source};
use crate::rules::{Kind, Table};

/// Cells a field may meet: what its rule takes, what it refuses, what reading normalises.
fn pool(table: &Table, field: usize) -> Vec<String> {
    let f = &table.fields[field];
    let mut cells: Vec<String> = ["", " x ", "Zoë", "a\u{200b}b", "-5", "1e3", "\t1"]
        .map(String::from)
        .into();
    cells.extend(
        table
            .example
            .iter()
            .filter(|(name, _)| *name == f.name)
            .map(|(_, v)| v.to_string()),
    );
    let max = |n: usize| {
        vec![
            "9".repeat(n),
            "9".repeat(n + 1),
            "x".repeat(n),
            "x".repeat(n + 1),
        ]
    };
    match f.kind {
        Kind::Digits { max: n } | Kind::Phone { max: n } => {
            cells.extend(
                [
                    "1001",
                    "0",
                    "12a",
                    "+15551234",
                    "(555) 123-4567",
                    "1,001",
                    "٣",
                ]
                .map(String::from),
            );
            cells.extend(max(n));
        }
        Kind::Text { max: n, .. } => {
            cells.extend(["Ana Li", "a!b", "a.b@c", "1001", "x;y", "ab12"].map(String::from));
            cells.extend(max(n));
        }
        Kind::OneOf { values, aliases } => {
            for v in values.iter().chain(aliases.iter().map(|(a, _)| a)) {
                cells.extend([v.to_string(), v.to_uppercase(), format!(" {v}")]);
            }
            cells.push("nope".into());
        }
        Kind::Switch => {
            cells.extend(["on", "off", "ON", "yes", "1", "0", "enable", "maybe"].map(String::from));
        }
        Kind::Range(lo, hi) => {
            cells.extend([
                lo.to_string(),
                hi.to_string(),
                (hi + 1).to_string(),
                format!("+{lo}"),
                format!("0{lo}"),
                "1.0".into(),
            ]);
        }
        Kind::Email => cells.extend(
            [
                "a@b.co", "a@b", "a b@c.d", "é@x.y", "a@@b.c", ".a@b.c", "a@b..c",
            ]
            .map(String::from),
        ),
        Kind::Password(_) => cells.extend(
            [
                "Abcdefgh12x5678yZ",
                "abcdefgh",
                "short",
                "Abcdefgh1234zzzzz",
                "pass word",
                "Pässwort12345678A",
                "Abcdefgh1001xyzQ",
            ]
            .map(String::from),
        ),
        Kind::Bool => cells.extend(["1", "0", "yes", "NO", "true", "maybe"].map(String::from)),
    }
    cells
}

/// A CSV file of `rows` rows over `columns` of `table`: a third clean (every cell from the
/// table's example, or blank), half clean but for one cell from its field's pool, the rest
/// every cell from its pool.
fn file(rng: &mut fastrand::Rng, table: &Table, columns: &[usize], rows: usize) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let names: Vec<&str> = columns.iter().map(|&i| table.fields[i].name).collect();
    out.write_record(&names).unwrap();
    let pools: Vec<Vec<String>> = columns.iter().map(|&i| pool(table, i)).collect();
    let example = |i: usize| {
        let name = table.fields[i].name;
        (table.example.iter().find(|(n, _)| *n == name)).map_or("", |(_, v)| *v)
    };
    for row in 0..rows {
        let odd = match rng.u8(..6) {
            0 | 1 => None,
            2..=4 => Some(rng.usize(..columns.len())),
            _ => Some(usize::MAX),
        };
        let cells: Vec<String> = (columns.iter().zip(&pools).enumerate())
            .map(|(at, (&i, pool))| {
                let from_pool = odd.is_some_and(|odd| odd == at || odd == usize::MAX);
                match (table.fields[i].name == table.key, from_pool) {
                    (_, true) => pool[rng.usize(..pool.len())].clone(),
                    // Mostly distinct numbers, some clashing.
                    (true, false) if rng.u8(..8) > 0 => format!("{}", 2000 + row),
                    _ => example(i).to_string(),
                }
            })
            .collect();
        out.write_record(&cells).unwrap();
    }
    out.into_inner().unwrap()
}

/// Every row's plan, and how many rows were checked as read.
fn plans(
    path: &std::path::Path,
    table: &'static Table,
    planner: &mut Planner,
    as_read: bool,
) -> (Vec<String>, usize) {
    let source = Source::open(path, &ReadSettings::default()).unwrap();
    let mut sheet = Sheet::open(&source, table, None).unwrap();
    if as_read {
        sheet.check_as_read(planner.context());
    }
    let (mut raw, mut mapped, mut out, mut checked) =
        (RawRow::default(), Vec::new(), Vec::new(), 0);
    while let Some(row) = sheet.read(&mut raw).unwrap() {
        let cells = sheet.row(&raw, &mut mapped, Vec::new());
        checked += usize::from(matches!(cells, RowCells::Cells { checked: true, .. }));
        let mut planned = planner.plan(row, &cells);
        // Generated secrets are random: only whether and where they were made must agree.
        if let Planned::Send(send) = &mut planned {
            let RowWrite {
                record, secrets, ..
            } = &mut **send;
            for (name, _) in secrets.iter() {
                record.insert(name.to_string(), "(generated)".into());
            }
        }
        out.push(format!("{planned:?}"));
    }
    (out, checked)
}

#[test]
fn rows_checked_as_read_are_planned_as_rows_read_the_long_way() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(20261203);
    for api in crate::vendors::NAMES {
        let table = crate::vendors::table(api);
        for round in 0..6 {
            // The key, and a random half of the other fields, in a random order.
            let key = table.key_index();
            let mut columns: Vec<usize> = (0..table.fields.len())
                .filter(|&i| i != key && rng.bool())
                .collect();
            columns.insert(rng.usize(..=columns.len()), key);
            let path = dir.path().join(format!("{api}-{round}.csv"));
            std::fs::write(&path, file(&mut rng, table, &columns, 300)).unwrap();
            let (mode, weak, generate) = [
                (Mode::Add, false, false),
                (Mode::Upsert, true, false),
                (Mode::Add, false, true),
                (Mode::Upsert, false, false),
            ][round % 4];
            // Some numbers already on the PBX, for upserts: its values fill the blanks.
            let current: Option<PbxSnapshot> =
                (mode == Mode::Upsert && round % 2 == 1).then(|| {
                    (2000..2100)
                        .map(|n| {
                            let record: Record = table
                                .example
                                .iter()
                                .map(|(f, v)| (f.to_string(), v.to_string()))
                                .collect();
                            (n.to_string(), record)
                        })
                        .collect()
                });
            let planner = || {
                Planner::new(table, mode, current.clone().map(Arc::new), weak)
                    .generate_passwords(generate)
            };
            let (short, checked) = plans(&path, table, &mut planner(), true);
            let (long, none) = plans(&path, table, &mut planner(), false);
            assert_eq!(none, 0, "no row is checked as read unless asked");
            assert!(
                checked >= 30,
                "{api} round {round}: only {checked} of 300 rows checked as read"
            );
            for (row, (a, b)) in short.iter().zip(&long).enumerate() {
                assert_eq!(a, b, "{} round {round}, row {}", api, row + 2);
            }
            assert_eq!(short.len(), long.len());
        }
    }
}

/// The columns that fill no field: a column without a name, and cells past the header; and a
/// file in a legacy encoding whose rows are mostly ASCII.
#[test]
fn rows_with_type_unnamed_and_extra_cells_are_planned_alike_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(20261204);
    let table = crate::vendors::table("yeastar-v2");
    let mut text = String::from("number,username,,email\n");
    for n in 0..400 {
        let pick = |rng: &mut fastrand::Rng, of: &[&str]| of[rng.usize(..of.len())].to_string();
        let mut cells = vec![
            format!("{}", 3000 + n),
            pick(
                &mut rng,
                &["Ana Li", "Ana Li", "Ana Li", "Zoë", " Ana", "Ana!", ""],
            ),
            pick(&mut rng, &["", "", "", "", "x"]),
            pick(&mut rng, &["a@b.co", "a@b.co", "", "a@b"]),
        ];
        match rng.u8(..6) {
            0 => cells.push(String::new()),
            1 => cells.push("extra".into()),
            _ => {}
        }
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    for (name, bytes) in [
        ("unnamed.csv", text.clone().into_bytes()),
        (
            "gbk.csv",
            encoding_rs::GBK
                .encode(&text.replace("Zoë", "张伟"))
                .0
                .into_owned(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let planner = || Planner::new(table, Mode::Add, None, false);
        let (short, checked) = plans(&path, table, &mut planner(), true);
        let (long, _) = plans(&path, table, &mut planner(), false);
        assert!(
            checked >= 30,
            "{name}: only {checked} of 400 rows checked as read"
        );
        assert_eq!(short.len(), long.len());
        for (row, (a, b)) in short.iter().zip(&long).enumerate() {
            assert_eq!(a, b, "{name}, row {}", row + 2);
        }
    }
}
