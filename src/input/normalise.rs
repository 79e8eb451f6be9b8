//! Cell values as people type them, turned into the one spelling the API takes before the
//! rules see them.
//!
//! What a cell gets depends only on its field's rule in the table (its `Kind` and whether it
//! is secret), never on the field's name: text loses invisible characters, numbers refuse
//! them; phone-like fields (`Kind::Phone`) lose their spaces, dashes, dots and parentheses and
//! have a leading `+` refused or, with `--plus-prefix`, turned into that prefix; a whole
//! number written `6002.0` becomes `6002`; a number Excel wrote in scientific notation is
//! refused, since its last digits are gone. Enumerations and switches (`On` → `on`) are the
//! rule tables' business, not this module's.

use std::borrow::Cow;

use crate::domain::values::quoted;
use crate::rules::{Field, Kind};

/// How a field's values are treated, from its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Treat {
    /// Free text (names, e-mail): invisible characters are removed, odd spaces made plain.
    Text,
    /// A word from a list, or a switch: like text, and `30.0` is `30`.
    Choice,
    /// Digits or a whole number: invisible characters and scientific notation are refused.
    Number,
    /// A phone number: a number that may be written with separators and a leading `+`.
    Phone,
    /// A password: never changed; invisible characters are refused.
    Secret,
    /// A secret made of digits (a PIN): number rules.
    SecretNumber,
}

impl Treat {
    pub(crate) fn of(field: &Field) -> Treat {
        match (field.kind, field.secret) {
            (Kind::Password(_), _) | (Kind::Text { .. } | Kind::Email, true) => Treat::Secret,
            (Kind::Digits { .. } | Kind::Range(..) | Kind::Phone { .. }, true) => {
                Treat::SecretNumber
            }
            (Kind::Phone { .. }, false) => Treat::Phone,
            (Kind::Digits { .. } | Kind::Range(..), false) => Treat::Number,
            (Kind::OneOf { .. } | Kind::Switch | Kind::Bool, _) => Treat::Choice,
            (Kind::Text { .. } | Kind::Email, false) => Treat::Text,
        }
    }

    /// The value may be quoted in a message.
    pub(crate) fn shows_value(self) -> bool {
        !matches!(self, Treat::Secret | Treat::SecretNumber)
    }
}

/// Why a value cannot be taken as it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// A number (or password) holding a character that cannot be seen; named in words.
    Invisible { what: &'static str, rest: String },
    /// `1.38001E+10`: Excel's scientific notation, the last digits lost.
    Scientific,
    /// A phone number starting with `+` and no `--plus-prefix`.
    Plus { digits: String },
}

impl Refusal {
    /// The reason in words; `field` and, where it may be shown, `value` make it a sentence.
    pub(crate) fn message(&self, field: &str, value: &str, show: bool) -> String {
        let named = if show {
            format!("{field} {}", quoted(value))
        } else {
            field.to_string()
        };
        match self {
            Refusal::Invisible { what, rest } if show => format!(
                "{field} {} contains {what} (an invisible character); delete it and type the \
                 value again",
                quoted(rest)
            ),
            Refusal::Invisible { what, .. } => format!(
                "{field} contains {what} (an invisible character); delete it and type the value \
                 again"
            ),
            Refusal::Scientific => format!(
                "{named}: Excel turned this number into scientific notation; format the column \
                 as Text and type the number again (its last digits are lost)"
            ),
            Refusal::Plus { digits } => format!(
                "{named}: starts with +, which the PBX cannot dial; write the number as the PBX \
                 dials it (e.g. 00{digits}), or pass --plus-prefix 00 to turn + into 00"
            ),
        }
    }
}

/// A value after normalisation, with a note when more than its formatting changed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Normal<'a> {
    pub(crate) value: Cow<'a, str>,
    /// What changed, in words without the field's name.
    pub(crate) note: Option<String>,
}

/// Normalises one trimmed cell. `plus` is the `--plus-prefix` that replaces a phone
/// number's `+`.
pub(crate) fn normalise<'a>(
    value: &'a str,
    treat: Treat,
    plus: Option<&str>,
) -> Result<Normal<'a>, Refusal> {
    if value.is_ascii() {
        return normalise_visible(Cow::Borrowed(value), treat, plus);
    }
    let mut found: Vec<&'static str> = Vec::new();
    for name in value.chars().filter_map(invisible) {
        if !found.contains(&name) {
            found.push(name);
        }
    }
    let Some(first) = found.first() else {
        return normalise_visible(Cow::Borrowed(value), treat, plus);
    };
    if !matches!(treat, Treat::Text | Treat::Choice) {
        return Err(Refusal::Invisible {
            what: first,
            rest: visible(value).trim().to_string(),
        });
    }
    let cleaned = visible(value).trim().to_string();
    let note = format!("removed {} (invisible)", found.join(" and "));
    let rest = normalise_visible(Cow::Owned(cleaned), treat, plus)?;
    Ok(Normal {
        value: rest.value,
        note: Some(match rest.note {
            Some(more) => format!("{note}; {more}"),
            None => note,
        }),
    })
}

/// Whether [`normalise`] leaves `value`, visible text (ASCII, say), as it is: decided without
/// allocating, so that a file of ordinary cells costs only this test per cell. Plain digits,
/// the common case, need nothing; nor does a word: outside a phone number, only what starts
/// like a number (a digit or a sign) can be a number spelt another way.
#[inline]
pub(crate) fn as_written(value: &str, treat: Treat) -> bool {
    let Some(&first) = value.as_bytes().first() else {
        return true;
    };
    matches!(treat, Treat::Text | Treat::Secret)
        || (treat != Treat::Phone && !matches!(first, b'0'..=b'9' | b'+' | b'-'))
        || value.bytes().all(|b| b.is_ascii_digit())
}

fn normalise_visible<'a>(
    value: Cow<'a, str>,
    treat: Treat,
    plus: Option<&str>,
) -> Result<Normal<'a>, Refusal> {
    let same = |value| Ok(Normal { value, note: None });
    if as_written(&value, treat) {
        return same(value);
    }
    if is_scientific(&value) {
        return Err(Refusal::Scientific);
    }
    if let Some(whole) = whole_number(&value) {
        return same(Cow::Owned(whole.to_string()));
    }
    if treat != Treat::Phone || is_fraction(&value) {
        // `6002.5` is a number with a fraction, not a phone number with a dot in it: the
        // rules refuse it as written rather than it becoming 60025.
        return same(value);
    }
    let stripped: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let (has_plus, digits) = match stripped.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, stripped.as_str()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // Not a phone number with separators: the rules say what is wrong with it as written.
        return same(value);
    }
    if !has_plus {
        return same(Cow::Owned(stripped));
    }
    match plus {
        Some(prefix) => {
            let dialled = format!("{prefix}{digits}");
            let note = format!("{value} written as {dialled} (--plus-prefix {prefix})");
            Ok(Normal {
                value: Cow::Owned(dialled),
                note: Some(note),
            })
        }
        None => Err(Refusal::Plus {
            digits: digits.to_string(),
        }),
    }
}

/// `6002.0` or `6002,00` → `6002`: a whole number a spreadsheet wrote with a fraction.
fn whole_number(value: &str) -> Option<&str> {
    let (whole, fraction) = value.split_once(['.', ','])?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && !fraction.is_empty() && fraction.bytes().all(|b| b == b'0')).then_some(whole)
}

/// `6002.5`: digits, one decimal point, digits.
fn is_fraction(value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    value
        .split_once(['.', ','])
        .is_some_and(|(whole, fraction)| digits(whole) && digits(fraction))
}

/// `1.38001E+10`, `1,38E10`, `2e5`: how Excel shows a long number in a General column.
fn is_scientific(value: &str) -> bool {
    let Some((mantissa, exponent)) = value.split_once(['e', 'E']) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa = mantissa.strip_prefix(['+', '-']).unwrap_or(mantissa);
    let mantissa_ok = match mantissa.split_once(['.', ',']) {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(mantissa),
    };
    let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
    mantissa_ok && digits(exponent)
}

/// The name of a character that shows as nothing or as an ordinary space, if `c` is one.
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "a non-breaking space",
        '\u{202F}' => "a narrow non-breaking space",
        '\u{2007}' => "a figure space",
        '\u{2000}'..='\u{2006}' | '\u{2008}'..='\u{200A}' | '\u{205F}' | '\u{3000}' => {
            "a special-width space"
        }
        '\u{200B}' => "a zero-width space",
        '\u{2060}' => "a word joiner",
        '\u{FEFF}' => "a byte-order mark",
        '\u{00AD}' => "a soft hyphen",
        '\u{200E}' => "a left-to-right mark",
        '\u{200F}' => "a right-to-left mark",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "a text-direction control",
        _ => return None,
    })
}

/// The text as it shows: odd spaces made plain, zero-width characters gone. (Zero-width
/// joiners stay: Persian, Indic scripts and emoji need them.)
fn visible(value: &str) -> String {
    value
        .chars()
        .filter_map(|c| match invisible(c) {
            None => Some(c),
            Some(_) if c.is_whitespace() || matches!(c, '\u{2007}' | '\u{202F}') => Some(' '),
            Some(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(value: &str, treat: Treat) -> String {
        normalise(value, treat, None).unwrap().value.into_owned()
    }

    fn refused(value: &str, treat: Treat) -> String {
        let show = treat.shows_value();
        normalise(value, treat, None)
            .unwrap_err()
            .message("f", value, show)
    }

    #[test]
    fn phone_numbers_lose_their_separators() {
        assert_eq!(ok("138 0013 8000", Treat::Phone), "13800138000");
        assert_eq!(ok("(555) 010-0001", Treat::Phone), "5550100001");
        assert_eq!(ok("555.010.0001", Treat::Phone), "5550100001");
        assert_eq!(ok("13800138000.0", Treat::Phone), "13800138000");
        assert_eq!(ok("6002.5", Treat::Phone), "6002.5");
        // Not a phone number with separators: left for the rules to refuse as written.
        assert_eq!(ok("ext 12", Treat::Phone), "ext 12");
        // Separators are for phone-like fields only.
        assert_eq!(ok("138 0013", Treat::Number), "138 0013");
    }

    #[test]
    fn a_leading_plus_is_refused_or_turned_into_the_prefix() {
        let why = refused("+86 138-0013-8000", Treat::Phone);
        assert!(
            why.contains("--plus-prefix 00") && why.contains("008613800138000"),
            "{why}"
        );
        let n = normalise("+86 138-0013-8000", Treat::Phone, Some("00")).unwrap();
        assert_eq!(n.value, "008613800138000");
        assert_eq!(
            n.note.as_deref(),
            Some("+86 138-0013-8000 written as 008613800138000 (--plus-prefix 00)")
        );
    }

    #[test]
    fn whole_numbers_written_with_a_fraction() {
        assert_eq!(ok("6002.0", Treat::Number), "6002");
        assert_eq!(ok("30.00", Treat::Choice), "30");
        assert_eq!(ok("4821,0", Treat::SecretNumber), "4821");
        assert_eq!(ok("6002.5", Treat::Number), "6002.5");
        // Text and passwords are never touched.
        assert_eq!(ok("1001.0", Treat::Text), "1001.0");
        assert_eq!(ok("Pass1234.0", Treat::Secret), "Pass1234.0");
    }

    #[test]
    fn scientific_notation_is_refused_with_the_excel_hint() {
        for v in ["1.38001E+10", "1,38E10", "2e5", "-1.5e-3"] {
            assert!(
                refused(v, Treat::Phone).contains(
                    "Excel turned this number into scientific notation; format the column as Text"
                ),
                "{v}"
            );
        }
        assert!(refused("1.38001E+10", Treat::Number).starts_with("f \"1.38001E+10\": Excel"));
        assert_eq!(ok("1E5 Street", Treat::Text), "1E5 Street");
        assert_eq!(ok("e5", Treat::Number), "e5");
    }

    #[test]
    fn invisible_characters_leave_text_and_are_refused_in_numbers() {
        let n = normalise("Zhang\u{a0}Wei\u{200b}", Treat::Text, None).unwrap();
        assert_eq!(n.value, "Zhang Wei");
        assert_eq!(
            n.note.as_deref(),
            Some("removed a non-breaking space and a zero-width space (invisible)")
        );
        assert_eq!(
            refused("\u{200b}9003", Treat::Number),
            "f \"9003\" contains a zero-width space (an invisible character); delete it and \
             type the value again"
        );
        assert!(refused("138\u{a0}0013", Treat::Phone).contains("a non-breaking space"));
        let secret = refused("Pa\u{feff}ss", Treat::Secret);
        assert!(
            secret.contains("a byte-order mark") && !secret.contains("Pa"),
            "{secret}"
        );
        // Joiners are part of some scripts' spelling.
        assert_eq!(ok("می\u{200c}خواهم", Treat::Text), "می\u{200c}خواهم");
    }

    #[test]
    fn blank_stays_blank() {
        assert_eq!(ok("", Treat::Phone), "");
    }
}
