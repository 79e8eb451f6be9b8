//! Filters in a template's column references: `{FirstName|lower}`, `{OfficePhone|digits|last:4}`,
//! `{Name|given}`. Each turns a cell's text into another, left to right.
//!
//! `given` and `family` split a display name the way a directory of first and last names
//! wants it: the last word is the family name, the words before it the given names (a single
//! word is a given name). A conversion between APIs uses them; maps may too.

use std::borrow::Cow;

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
}

/// The filters `{…}` may name, for messages.
pub(crate) const NAMES: &str = "lower, upper, trim, digits, first:N, last:N, given, family";

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
            ("first", _) => Ok(Filter::First(count()?)),
            ("last", _) => Ok(Filter::Last(count()?)),
            _ => Err(format!("|{text} is not a filter (the filters: {NAMES})")),
        }
    }

    pub(crate) fn apply<'a>(&self, value: &Cow<'a, str>) -> Cow<'a, str> {
        let words = || value.split_whitespace().collect::<Vec<_>>();
        match self {
            Filter::Lower => Cow::Owned(value.to_lowercase()),
            Filter::Upper => Cow::Owned(value.to_uppercase()),
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
        }
    }
}

/// `value` through `filters`, left to right.
pub(crate) fn apply<'a>(filters: &[Filter], value: &'a str) -> Cow<'a, str> {
    filters
        .iter()
        .fold(Cow::Borrowed(value), |value, filter| filter.apply(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(filters: &str, value: &str) -> String {
        let filters: Vec<Filter> = filters
            .split('|')
            .map(|f| Filter::parse(f).unwrap())
            .collect();
        apply(&filters, value).into_owned()
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
    fn an_unknown_filter_or_a_missing_count_is_named() {
        assert!(Filter::parse("shout").unwrap_err().contains("the filters:"));
        assert!(Filter::parse("last").unwrap_err().contains("|last:4"));
        assert!(Filter::parse("last:x").is_err());
    }
}
