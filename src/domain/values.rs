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
    fn md5_is_lower_case_hex() {
        // RFC 1321's test vector.
        assert_eq!(md5_hex("abc"), "900150983cd24fb0d6963f7d28e17f72");
    }
}
