//! The character classes a text or password field allows, and how they are said to people.

/// Character classes of the text and password kinds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Chars {
    /// Anything printable.
    Any,
    /// ASCII letters and digits.
    Alnum,
    /// Letters of any script, digits and spaces: what people's names need.
    Name,
    /// ASCII letters, digits and the listed extras.
    AlnumPlus(&'static str),
    /// Anything printable except the listed characters.
    Without(&'static str),
}

impl Chars {
    pub(crate) fn allows(&self, c: char) -> bool {
        match self {
            Chars::Any => !c.is_control(),
            Chars::Alnum => c.is_ascii_alphanumeric(),
            Chars::Name => c.is_alphanumeric() || c == ' ',
            Chars::AlnumPlus(extra) => c.is_ascii_alphanumeric() || extra.contains(c),
            Chars::Without(bad) => !c.is_control() && !bad.contains(c),
        }
    }

    pub(crate) fn describe(&self) -> String {
        match self {
            Chars::Any => "text".into(),
            Chars::Alnum => "letters and digits".into(),
            Chars::Name => "letters, digits and spaces".into(),
            Chars::AlnumPlus(extra) => format!("letters, digits and {}", spaced(extra)),
            Chars::Without(bad) => format!("text without {}", spaced(bad)),
        }
    }
}

fn spaced(chars: &str) -> String {
    chars
        .chars()
        .map(|c| {
            if c == ' ' {
                "space".to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
