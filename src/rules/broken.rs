//! Which rule a value breaks, as a small tag made without allocating (a valid cell, the
//! common case, never comes near formatting), put into words only when shown; and the length
//! rule every kind of text shares, passwords included.

use super::{Chars, CheckContext, Field, Kind};

/// Which rule a value breaks. Small, and made without allocating: a valid cell, the common
/// case, never comes near formatting; [`Broken::message`] says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Broken {
    /// Not spelt as a document shows it (the simulator's exact spelling).
    Spelling,
    /// Text holding characters its class refuses.
    Chars,
    TooLong {
        len: usize,
        max: usize,
    },
    TooShort {
        len: usize,
        min: usize,
    },
    NotBool,
    NotDigits,
    NotListed,
    NotSwitch,
    OutOfRange {
        lo: u32,
        hi: u32,
    },
    NotEmail,
    /// A password holding characters its class refuses (which ones is never said).
    PasswordChars,
    NotStrong,
}

impl Broken {
    /// The rule in words, after the field's name (and value, where it may be shown).
    #[cold]
    pub(super) fn message(self, field: &Field, value: &str, ctx: CheckContext) -> String {
        let weak_passwords = ctx.weak_passwords;
        match self {
            Broken::Spelling => format!("must be spelt {}", field.kind.describe(weak_passwords)),
            Broken::Chars => match field.kind {
                Kind::Text { chars, .. } => refused_chars(value, chars),
                _ => String::new(),
            },
            Broken::TooLong { len, max } => {
                format!("is {len} characters long, at most {max} allowed")
            }
            Broken::TooShort { len, min } => {
                format!("is {len} characters long, at least {min} needed")
            }
            Broken::NotBool => "must be 1 or 0 (true/false, yes/no)".into(),
            Broken::NotDigits => "only digits are allowed".into(),
            Broken::NotListed => format!("must be {}", field.kind.describe(weak_passwords)),
            Broken::NotSwitch => "must be on or off".into(),
            Broken::OutOfRange { lo, hi } => format!("must be a whole number from {lo} to {hi}"),
            Broken::NotEmail => "is not an e-mail address".into(),
            Broken::PasswordChars => match field.kind {
                Kind::Password(rule) => format!("may only contain {}", rule.chars.describe()),
                _ => String::new(),
            },
            Broken::NotStrong => match field.kind {
                Kind::Password(rule) if rule.runs => {
                    "is not strong: it needs upper and lower case letters and digits, and no 4 \
                     sequential or identical digits (or set --weak-passwords)"
                }
                _ => "is not strong: it needs upper and lower case letters and digits",
            }
            .into(),
        }
    }
}

/// Which characters of `value` `chars` refuses, and what it allows.
fn refused_chars(value: &str, chars: Chars) -> String {
    let mut bad: Vec<String> = Vec::new();
    for c in value.chars().filter(|&c| !chars.allows(c)) {
        let shown = match c {
            ' ' => "space".to_string(),
            c if c.is_control() => format!("{c:?}"),
            c => c.to_string(),
        };
        if !bad.contains(&shown) {
            bad.push(shown);
        }
    }
    format!("contains {}; allowed: {}", bad.join(" "), chars.describe())
}

pub(super) fn len_broken(len: usize, min: usize, max: usize) -> Option<Broken> {
    if len > max {
        Some(Broken::TooLong { len, max })
    } else if len < min {
        Some(Broken::TooShort { len, min })
    } else {
        None
    }
}

/// The length of `value` in characters when `chars` allows every one of them: byte by byte
/// through `mask` for ASCII text, character by character otherwise.
#[inline(always)]
pub(super) fn allowed_len(value: &str, chars: Chars, mask: &[bool; 256]) -> Option<usize> {
    if value.bytes().all(|b| mask[usize::from(b)]) {
        return Some(value.len());
    }
    (!value.is_ascii() && value.chars().all(|c| chars.allows(c))).then(|| value.chars().count())
}
