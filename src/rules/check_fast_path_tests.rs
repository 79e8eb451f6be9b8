//! Unit tests of `rules/check.rs`: each byte-level fast path against the rule it replaces.
//! Each byte-level check against the character-level rule it stands in for, on every
//! short string over an alphabet that hits each branch.

use super::*;

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
        for value in [
            digits.clone(),
            format!("Ab{digits}"),
            format!("{digits}xY9"),
        ] {
            assert_eq!(
                password_is_strong(&value),
                strong_by_windows(&value),
                "{value:?}"
            );
        }
    }
}

#[test]
fn the_ascii_email_check_agrees_with_the_character_rule() {
    for value in strings(&['a', '@', '.', '-', ' ', '_'], 6) {
        assert_eq!(
            is_ascii_email(value.as_bytes()),
            is_email_text(&value),
            "{value:?}"
        );
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
            is_ascii_email(value.as_bytes()),
            is_email_text(value),
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
    for table in ApiKind::ALL.map(crate::rules::table) {
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
    let values = strings(&['a', 'B', '1', 'é'], 3);
    for haystack in &values {
        for needle in values.iter().filter(|n| n.len() <= 3) {
            assert_eq!(
                contains_ignoring_case(haystack, needle),
                haystack.to_lowercase().contains(&needle.to_lowercase()),
                "{haystack:?} {needle:?}"
            );
        }
    }
}
