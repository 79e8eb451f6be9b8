//! Filters in a template's column references: `{FirstName|lower}`, `{OfficePhone|digits|last:4}`,
//! `{Name|given}`. Each turns a cell's text into another, left to right.
//!
//! `given` and `family` split a display name the way a directory of first and last names
//! wants it: the last word is the family name, the words before it the given names (a single
//! word is a given name). A conversion between APIs uses them; maps may too.
//!
//! `ascii` spells Latin letters without their accents and ligatures (`Zoë` → `Zoe`, `Øre` →
//! `Ore`, `Æ` → `AE`) and typographic punctuation the ASCII way (`’` → `'`), through
//! `deunicode`; letters of other scripts are kept as written, since what `deunicode` makes of
//! them is a reading, not a spelling (`王` would become `Wang`). `clean` drops what the target
//! field's own rule forbids (`rules::Chars::allows`), so the rule is never written twice.

use std::borrow::Cow;

use unicode_script::{Script, UnicodeScript};

use crate::rules::Kind;

/// One filter of a column reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Filter {
    Lower,
    Upper,
    Trim,
    /// Only the digits.
    Digits,
    /// The first N characters.
    First(usize),
    /// The last N characters.
    Last(usize),
    /// Every word but the last (all of a one-word name).
    Given,
    /// The last word of a name of two words or more.
    Family,
    /// Latin letters without accents and ligatures; other scripts kept.
    Ascii,
    /// Every `from` replaced by `to`.
    Replace {
        from: String,
        to: String,
    },
    /// Only the characters the target field's rule allows.
    Clean,
}

/// The filters `{…}` may name, for messages.
pub(crate) const NAMES: &str = "lower, upper, trim, digits, first:N, last:N, given, family, \
                                ascii, replace:\"FROM\":\"TO\", clean";

impl Filter {
    /// A filter as written after `|`.
    pub(crate) fn parse(text: &str) -> Result<Filter, String> {
        let text = text.trim();
        let (name, arg) = text.split_once(':').unwrap_or((text, ""));
        let count = || {
            arg.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("|{name} needs a count, e.g. |{name}:4"))
        };
        match (name.trim(), arg.is_empty()) {
            ("lower", true) => Ok(Filter::Lower),
            ("upper", true) => Ok(Filter::Upper),
            ("trim", true) => Ok(Filter::Trim),
            ("digits", true) => Ok(Filter::Digits),
            ("given", true) => Ok(Filter::Given),
            ("family", true) => Ok(Filter::Family),
            ("ascii", true) => Ok(Filter::Ascii),
            ("clean", true) => Ok(Filter::Clean),
            ("replace", _) => replace(arg),
            ("first", _) => Ok(Filter::First(count()?)),
            ("last", _) => Ok(Filter::Last(count()?)),
            _ => Err(format!("|{text} is not a filter (the filters: {NAMES})")),
        }
    }

    /// The filter applied to `value`, bound for a field of the rule `kind` (which `clean`
    /// reads). A filter with nothing to change hands `value` back as it is.
    pub(crate) fn apply<'a>(&self, value: Cow<'a, str>, kind: &Kind) -> Cow<'a, str> {
        let words = || value.split_whitespace().collect::<Vec<_>>();
        match self {
            Filter::Lower => Cow::Owned(value.to_lowercase()),
            Filter::Upper => Cow::Owned(value.to_uppercase()),
            Filter::Trim if value.trim().len() == value.len() => value,
            Filter::Trim => Cow::Owned(value.trim().to_string()),
            Filter::Digits => Cow::Owned(value.chars().filter(char::is_ascii_digit).collect()),
            Filter::First(n) => Cow::Owned(value.chars().take(*n).collect()),
            Filter::Last(n) => {
                let skip = value.chars().count().saturating_sub(*n);
                Cow::Owned(value.chars().skip(skip).collect())
            }
            Filter::Given => match words().split_last() {
                Some((last, [])) => Cow::Owned((*last).to_string()),
                Some((_, given)) => Cow::Owned(given.join(" ")),
                None => Cow::Owned(String::new()),
            },
            Filter::Family => match words().split_last() {
                Some((last, given)) if !given.is_empty() => Cow::Owned((*last).to_string()),
                _ => Cow::Owned(String::new()),
            },
            Filter::Ascii if value.is_ascii() => value,
            Filter::Ascii => Cow::Owned(ascii(&value)),
            Filter::Replace { from, to } if !value.contains(from.as_str()) => value,
            Filter::Replace { from, to } => Cow::Owned(value.replace(from.as_str(), to)),
            Filter::Clean => match kind.chars() {
                Some(chars) if !value.chars().all(|c| chars.allows(c)) => {
                    Cow::Owned(value.chars().filter(|&c| chars.allows(c)).collect())
                }
                _ => value,
            },
        }
    }
}

/// `value` through `filters`, left to right, for a field of the rule `kind`.
#[cfg(test)]
pub(crate) fn apply<'a>(filters: &[Filter], value: &'a str, kind: &Kind) -> Cow<'a, str> {
    applied(filters, value, kind).0
}

/// [`apply`], and where a `clean` dropped characters, the value just before it (for the row's
/// message).
pub(crate) fn applied<'a>(
    filters: &[Filter],
    value: &'a str,
    kind: &Kind,
) -> (Cow<'a, str>, Option<String>) {
    let mut before_clean = None;
    let value = filters.iter().fold(Cow::Borrowed(value), |value, filter| {
        if *filter != Filter::Clean {
            return filter.apply(value, kind);
        }
        let before = value.len();
        let cleaned = filter.apply(value.clone(), kind);
        if cleaned.len() != before {
            before_clean = Some(value.into_owned());
        }
        cleaned
    });
    (value, before_clean)
}

/// The given names of a display name, or with `family` its family name.
pub(crate) fn name_part(name: &str, family: bool) -> String {
    let filter = if family {
        Filter::Family
    } else {
        Filter::Given
    };
    // Neither filter reads the field's rule.
    filter.apply(Cow::Borrowed(name), &Kind::Bool).into_owned()
}

/// Latin letters (and the marks and punctuation every script shares) through `deunicode`;
/// anything else as it is.
fn ascii(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        let shared = matches!(
            c.script(),
            Script::Latin | Script::Common | Script::Inherited
        );
        match deunicode::deunicode_char(c) {
            Some(plain) if !c.is_ascii() && shared => out.push_str(plain),
            _ => out.push(c),
        }
    }
    out
}

/// `replace:"FROM":"TO"`: two quoted strings (`\"` and `\\` inside them), FROM not empty.
fn replace(arg: &str) -> Result<Filter, String> {
    const HOW: &str = "|replace needs two quoted texts, e.g. |replace:\" Jr.\":\"\"";
    let (from, rest) = quoted(arg.trim()).ok_or(HOW)?;
    let rest = rest.trim_start().strip_prefix(':').ok_or(HOW)?;
    let (to, rest) = quoted(rest.trim_start()).ok_or(HOW)?;
    if !rest.trim().is_empty() || from.is_empty() {
        return Err(HOW.into());
    }
    Ok(Filter::Replace { from, to })
}

/// A quoted text at the start of `text`, and what follows it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &text[i + 2..])),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(filters: &str, value: &str) -> String {
        let filters: Vec<Filter> = filters
            .split('|')
            .map(|f| Filter::parse(f).unwrap())
            .collect();
        let kind = crate::vendors::table("yeastar-v2")
            .field("username")
            .unwrap()
            .kind;
        apply(&filters, value, &kind).into_owned()
    }

    #[test]
    fn filters_apply_left_to_right() {
        assert_eq!(through("digits|last:4", "+1 (555) 010-1234"), "1234");
        assert_eq!(through("lower", "Zoë O'Brien"), "zoë o'brien");
        assert_eq!(through("trim|upper|first:3", "  smith "), "SMI");
    }

    #[test]
    fn a_display_name_splits_into_given_names_and_a_family_name() {
        assert_eq!(through("given", "Mary Ann Smith"), "Mary Ann");
        assert_eq!(through("family", "Mary Ann Smith"), "Smith");
        assert_eq!(through("given", "Cher"), "Cher");
        assert_eq!(through("family", "Cher"), "");
        assert_eq!(through("given", "  "), "");
    }

    #[test]
    fn ascii_spells_latin_letters_plainly_and_keeps_other_scripts() {
        assert_eq!(through("ascii", "Zoë Øre"), "Zoe Ore");
        assert_eq!(through("ascii", "Æsa Straße"), "AEsa Strasse");
        assert_eq!(through("ascii", "O’Brien – Smith"), "O'Brien - Smith");
        // A reading of Han characters is no spelling of them: 王 stays, beside a Latin name.
        assert_eq!(through("ascii", "王小明 (Renée)"), "王小明 (Renee)");
        assert_eq!(through("ascii", "Ана"), "Ана");
        // A combining accent goes with its letter.
        assert_eq!(through("ascii", "Zoe\u{308}"), "Zoe");
    }

    #[test]
    fn replace_takes_two_quoted_texts() {
        assert_eq!(through(r#"replace:" Jr.":"""#, "Smith Jr."), "Smith");
        assert_eq!(through(r#"replace:"-":" ""#, "Mary-Ann"), "Mary Ann");
        assert_eq!(
            through(r#"replace:"\"":"'""#, r#"Bob "B" Ray"#),
            "Bob 'B' Ray"
        );
        for bad in [
            "replace",
            r#"replace:"a""#,
            r#"replace:a:b"#,
            r#"replace:"":"x""#,
        ] {
            let e = Filter::parse(bad).unwrap_err();
            assert!(e.contains("two quoted texts"), "{bad}: {e}");
        }
    }

    #[test]
    fn clean_drops_what_the_fields_rule_forbids_and_nothing_else() {
        // yeastar-v2's username forbids ! % . @ : ; & " ' \ < > ` $.
        assert_eq!(through("clean", "O'Brien"), "OBrien");
        assert_eq!(through("clean", "Smith Jr."), "Smith Jr");
        assert_eq!(through("clean", "Zoë 王-Li"), "Zoë 王-Li");
        // A field whose rule has no character class (an e-mail address) is left as it is.
        let email = crate::vendors::table("yeastar-v2")
            .field("email")
            .unwrap()
            .kind;
        let filters = [Filter::Clean];
        assert_eq!(
            apply(&filters, "o'brien@example.com", &email),
            "o'brien@example.com"
        );
        // The same filter bound for v1's username (letters, digits, spaces) drops the dash.
        let v1 = crate::vendors::table("yeastar-v1")
            .field("username")
            .unwrap()
            .kind;
        assert_eq!(apply(&filters, "Mary-Ann O'Neil", &v1), "MaryAnn ONeil");
    }

    #[test]
    fn an_unknown_filter_or_a_missing_count_is_named() {
        assert!(Filter::parse("shout").unwrap_err().contains("the filters:"));
        assert!(Filter::parse("last").unwrap_err().contains("|last:4"));
        assert!(Filter::parse("last:x").is_err());
    }
}
