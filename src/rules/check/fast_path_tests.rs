//! Each byte-level check against the character-level rule it stands in for, on every
//! short string over an alphabet that hits each branch.

use super::*;
use crate::rules::broken::allowed_len;
use crate::rules::compiled::ascii_mask;
use crate::rules::contains::contains_ignoring_case;
use crate::rules::password::password_is_strong;
use crate::rules::value::{ascii_email, is_email, is_email_text};
use crate::rules::{Chars, Kind};

/// Every string of up to `len` characters drawn from `alphabet`.
fn strings(alphabet: &[char], len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..len {
        last = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

/// The strength rule as first written: classes, then any window of four digits that
/// steps evenly.
fn strong_by_windows(value: &str) -> bool {
    let bytes = value.as_bytes();
    let has = |f: fn(&u8) -> bool| bytes.iter().any(f);
    has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && has(u8::is_ascii_digit)
        && !bytes.windows(4).any(|w| {
            w.iter().all(u8::is_ascii_digit)
                && [0i16, 1, -1].iter().any(|&step| {
                    w.windows(2)
                        .all(|p| i16::from(p[1]) - i16::from(p[0]) == step)
                })
        })
}

#[test]
fn the_one_pass_strength_check_agrees_with_the_window_rule() {
    for digits in strings(&['0', '1', '2', '3', '5', 'a'], 6) {
        // Also where the digits end at the 64th byte, and past it (another way).
        for value in [
            digits.clone(),
            format!("Ab{digits}"),
            format!("{digits}xY9"),
            format!("{}{digits}", "Ab".repeat(29)),
            format!("{digits}{}", "aB".repeat(31)),
            format!("{}{digits}x", "Ab".repeat(31)),
        ] {
            assert_eq!(
                password_is_strong(&value, true),
                strong_by_windows(&value),
                "{value:?}"
            );
        }
    }
}

#[test]
fn the_ascii_email_check_agrees_with_the_character_rule() {
    for value in strings(&['a', '@', '.', '-', ' ', '_', '\u{7f}', 'é'], 5) {
        assert_eq!(is_email(&value), is_email_text(&value), "{value:?}");
    }
    for value in [
        "a.b@example.com",
        "x@y.z",
        "a@b",
        "@b.c",
        "a@b..c",
        "a@@b.c",
        "a\tb@c.d",
    ] {
        assert_eq!(
            ascii_email(value.as_bytes()),
            Some(is_email_text(value)),
            "{value:?}"
        );
    }
}

#[test]
fn the_byte_masks_agree_with_the_character_classes() {
    let classes = [
        Chars::Any,
        Chars::Alnum,
        Chars::Name,
        Chars::AlnumPlus("~^*-_?"),
        Chars::Without(";&\"'\\<>`| "),
    ];
    for chars in classes {
        let mask = ascii_mask(chars);
        for value in strings(&['a', 'Z', '7', ' ', ';', '~', '\u{7f}', 'é', '名'], 3) {
            let expected = value
                .chars()
                .all(|c| chars.allows(c))
                .then(|| value.chars().count());
            assert_eq!(
                allowed_len(&value, chars, &mask),
                expected,
                "{chars:?} {value:?}"
            );
        }
    }
}

#[test]
fn values_spelt_as_listed_are_their_own_canonical_spelling() {
    assert_eq!(Kind::Switch.canonical("on"), "on");
    assert_eq!(Kind::Switch.canonical("off"), "off");
    for table in crate::vendors::VENDORS.iter().map(|v| v.table) {
        for field in table.fields {
            if let Kind::OneOf { values, .. } = field.kind {
                for v in values {
                    assert!(
                        values.contains(&field.kind.canonical(v)),
                        "{} {v}",
                        field.name
                    );
                }
            }
        }
    }
}

#[test]
fn the_ascii_substring_check_agrees_with_lower_casing() {
    // `[` and `{` differ from each other by the case bit, but are no letters.
    let values = strings(&['a', 'B', '1', 'é', '[', '{'], 3);
    for short in &values {
        // Also where a match ends around the 64th byte, and past it (another way).
        for haystack in [
            short.clone(),
            format!("{}{short}", "x".repeat(61)),
            format!("{short}{}", "y".repeat(70)),
        ] {
            for needle in values.iter().filter(|n| n.len() <= 3) {
                assert_eq!(
                    contains_ignoring_case(&haystack, needle),
                    haystack.to_lowercase().contains(&needle.to_lowercase()),
                    "{haystack:?} {needle:?}"
                );
            }
        }
    }
}

/// Rows that fill only some fields, checked through a file's [`Filled`] and through every
/// field: the same problems, in the same order, whatever the rows hold.
#[test]
fn checking_a_files_columns_only_finds_what_checking_every_field_finds() {
    let values = [
        "",
        "1001",
        "x",
        "on",
        "off",
        "Mobile Number",
        "Extension",
        "Custom Number",
        "Kx7mQ2vRt9LpW4zA",
        "1234",
        "a b",
        "me@example.com",
        "tenant",
        "é名",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % n as u64).unwrap()
    };
    for table in crate::vendors::VENDORS.iter().map(|v| v.table) {
        let n = table.fields.len();
        for _ in 0..400 {
            // A file's columns: the key and a few others, in table order.
            let mut fields: Vec<usize> = (0..n).filter(|_| next(3) == 0).collect();
            if !fields.contains(&table.key_index()) {
                fields.push(table.key_index());
                fields.sort_unstable();
            }
            let filled = Filled::of(table, fields.clone());
            for _ in 0..5 {
                let mut cells = Cells::blank(table);
                for &i in &fields {
                    cells.values[i] = values[next(values.len())];
                }
                for adding in [false, true] {
                    let ctx = CheckContext {
                        adding,
                        ..CheckContext::default()
                    };
                    assert_eq!(
                        check_filled(table, &cells, &filled, None, ctx),
                        check_cells(table, &cells, None, ctx),
                        "{:?}: {:?}",
                        table.api,
                        cells.values
                    );
                }
            }
        }
    }
}
