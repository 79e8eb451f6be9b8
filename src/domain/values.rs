//! Value spellings that the rule tables, the codecs and the diff all need: how a yes/no is
//! written, and the MD5 the Yeastar family uses for passwords. Kept below every layer so that
//! a codec never reaches into the rules, nor the rules into a codec.

use md5::{Digest, Md5};

/// `1`/`0`, `true`/`false`, `yes`/`no` in any case.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// A yes/no in its one spelling, `1` or `0`; anything else is returned as it is, for the
/// rules to refuse.
pub(crate) fn bool_canonical(value: &str) -> &str {
    match parse_bool(value) {
        Some(true) => "1",
        Some(false) => "0",
        None => value,
    }
}

/// `text` cut to `max` characters, saying how much was left out: one odd input (a binary
/// header, an echoing PBX) may not turn an error line into a megabyte.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match cut(text, max) {
        (head, None) => head.to_string(),
        (head, Some(rest)) => format!("{head}… ({rest} more characters)"),
    }
}

/// The first `max` characters of `text`, and how many more there are, if any.
fn cut(text: &str, max: usize) -> (&str, Option<usize>) {
    match text.char_indices().nth(max) {
        None => (text, None),
        Some((end, _)) => (&text[..end], Some(text[end..].chars().count())),
    }
}

/// Longest value a message quotes (characters): a 10 MB cell once made a 10 MB line of stderr
/// and report cell.
pub(crate) const QUOTED: usize = 200;

/// A value from a file or a PBX as a message shows it: quoted and escaped like Rust's `{:?}`,
/// cut at [`QUOTED`] characters, saying how many more there were.
pub(crate) fn quoted(value: &str) -> String {
    match cut(value, QUOTED) {
        (head, None) => format!("{head:?}"),
        (head, Some(rest)) => format!("{head:?}… ({rest} more characters)"),
    }
}

/// `items` joined with `, `, at most `max` of them, then "and N more".
pub(crate) fn list_some(items: &[String], max: usize) -> String {
    let mut text = items
        .iter()
        .take(max)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > max {
        text.push_str(&format!(" and {} more", items.len() - max));
    }
    text
}

/// Lower-case hex MD5, as the Yeastar family's login expects the password and as v1 hands
/// out `loginpassword`.
pub(crate) fn md5_hex(text: &str) -> String {
    hex::encode(Md5::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_in_every_spelling() {
        for yes in ["1", "true", "TRUE", "Yes", "yes"] {
            assert_eq!(bool_canonical(yes), "1", "{yes}");
        }
        for no in ["0", "false", "No", "NO"] {
            assert_eq!(bool_canonical(no), "0", "{no}");
        }
        assert_eq!(bool_canonical("maybe"), "maybe");
    }

    #[test]
    fn a_quoted_value_is_cut_and_says_how_much_was_left_out() {
        assert_eq!(quoted("a\"b"), r#""a\"b""#);
        let long = "x".repeat(QUOTED + 10_000_000);
        let shown = quoted(&long);
        assert!(
            shown.ends_with("… (10000000 more characters)"),
            "{}",
            &shown[190..]
        );
        assert!(shown.len() < QUOTED + 40);
    }

    #[test]
    fn md5_is_lower_case_hex() {
        // RFC 1321's test vector.
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn long_lists_and_texts_are_cut_short_and_say_so() {
        let items: Vec<String> = (0..25).map(|i| i.to_string()).collect();
        assert!(list_some(&items, 20).ends_with("19 and 5 more"));
        assert_eq!(list_some(&items[..2], 20), "0, 1");
        assert_eq!(shorten("héllo", 2), "hé… (3 more characters)");
        assert_eq!(shorten("hé", 2), "hé");
    }
}
