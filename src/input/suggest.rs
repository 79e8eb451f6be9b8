//! "Did you mean": the known column a mistyped header most likely names.
//!
//! Headers are compared without case, spaces, dashes or underscores (`User Name`, `E-mail`),
//! then by edit distance, so a typo of a letter or two still finds its column.

/// `User Name` → `username`: lower case, letters and digits only.
pub(crate) fn squeeze(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The known name closest to `header`, if one is close enough to be what was meant.
/// `known` pairs each spelling (a column or an alias) with the column it names.
pub(crate) fn did_you_mean<'a>(
    header: &str,
    known: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<&'a str> {
    let wanted = squeeze(header);
    if wanted.is_empty() {
        return None;
    }
    // A slip of one letter in short names, two in longer ones.
    let allowed = if wanted.chars().count() <= 4 { 1 } else { 2 };
    known
        .into_iter()
        .map(|(spelling, column)| {
            (
                strsim::damerau_levenshtein(&wanted, &squeeze(spelling)),
                column,
            )
        })
        .filter(|(distance, _)| *distance <= allowed)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, column)| column)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[(&str, &str)] = &[
        ("number", "number"),
        ("username", "username"),
        ("email", "email"),
        ("mobile", "mobile"),
        ("registerpassword", "registerpassword"),
        ("moblie", "mobile"),
        ("fullname", "username"),
    ];

    fn guess(header: &str) -> Option<&'static str> {
        did_you_mean(header, KNOWN.iter().copied())
    }

    #[test]
    fn spacing_case_and_punctuation_do_not_matter() {
        assert_eq!(guess("User Name"), Some("username"));
        assert_eq!(guess("E-mail"), Some("email"));
        assert_eq!(guess("REGISTER_PASSWORD"), Some("registerpassword"));
        assert_eq!(guess("Full Name"), Some("username"));
    }

    #[test]
    fn small_typos_are_found_and_strangers_are_not() {
        assert_eq!(guess("emial"), Some("email"));
        assert_eq!(guess("registerpasword"), Some("registerpassword"));
        assert_eq!(guess("numbr"), Some("number"));
        assert_eq!(guess("department"), None);
        assert_eq!(guess("id"), None);
        assert_eq!(guess(""), None);
    }
}
