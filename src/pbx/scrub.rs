//! Scrubbing what the PBX says before it reaches a report or the terminal.
//!
//! A PBX may echo the request it refused (its `errno`, a SOAP faultstring, a `Location`), and
//! the request carried the row's passwords, the API password's hash and the token. Every text
//! that came from the PBX passes through [`scrub`], which replaces each secret the client sent
//! with `***` and cuts the text to [`MAX_ECHO`] characters, so one odd answer can neither leak
//! a secret nor put a megabyte into a report cell.

use crate::domain::values::shorten;

/// Longest PBX text kept (characters); the rest is cut and marked.
pub(crate) const MAX_ECHO: usize = 300;

/// `text` with every secret replaced by `***` and cut to [`MAX_ECHO`] characters.
pub(crate) fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut secrets: Vec<&str> = secrets.iter().copied().filter(|s| !s.is_empty()).collect();
    // Longest first, so a secret that contains another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, "***");
        }
    }
    shorten(&out, MAX_ECHO)
}

/// Longest error code kept: the API's codes are short (`10017`, `ERROR_ILLEGAL_ARGUMENT`).
const MAX_CODE: usize = 40;

/// An error code the PBX gave, scrubbed like any echo and cut to [`MAX_CODE`] characters.
pub(crate) fn scrub_code(code: &str, secrets: &[&str]) -> String {
    shorten(&scrub(code, secrets), MAX_CODE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secret_is_replaced_even_inside_another_word() {
        let echoed =
            r#"bad request {"registerpassword":"Sip-Pass-123","vmsecret":"4821","token":"t0k"}"#;
        let clean = scrub(echoed, &["4821", "Sip-Pass-123", "t0k", ""]);
        assert_eq!(
            clean,
            r#"bad request {"registerpassword":"***","vmsecret":"***","token":"***"}"#
        );
    }

    #[test]
    fn the_longer_secret_wins_where_one_contains_another() {
        assert_eq!(scrub("abc123456", &["123", "abc123456"]), "***");
    }

    #[test]
    fn an_echo_in_the_error_code_is_scrubbed_and_kept_short() {
        let code = scrub_code(
            &format!("{{\"vmsecret\":\"4821\"{}}}", "x".repeat(80)),
            &["4821"],
        );
        assert!(code.starts_with(r#"{"vmsecret":"***""#), "{code}");
        assert!(code.chars().count() < 70, "{code}");
    }

    #[test]
    fn long_echoes_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_ECHO + 5);
        let cut = scrub(&long, &[]);
        assert!(cut.starts_with(&"é".repeat(MAX_ECHO)));
        assert!(cut.ends_with("… (5 more characters)"), "{cut}");
        assert_eq!(scrub("short", &[]), "short");
    }
}
