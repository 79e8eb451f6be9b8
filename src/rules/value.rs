//! One value against its field's rule: the check of a cell, decided over bytes for ASCII
//! text without allocating, and put into words only when a rule is broken.

use super::broken::{Broken, allowed_len, len_broken};
use super::compiled::ascii_mask;
use super::password::password_broken;
use super::{Chars, CheckContext, Field, Kind, PasswordRule};
use crate::domain::values::parse_bool;

/// Why `value` breaks the field's rule, or `None` when it is fine.
pub(crate) fn check_value(field: &Field, value: &str, ctx: CheckContext) -> Option<String> {
    let mask = match field.kind {
        Kind::Text { chars, .. } | Kind::Password(PasswordRule { chars, .. }) => ascii_mask(chars),
        _ => [false; 256],
    };
    check_field(field, &mask, value, ctx)
}

/// [`check_value`] with the field's ASCII characters from the compiled table.
fn check_field(
    field: &Field,
    mask: &[bool; 256],
    value: &str,
    ctx: CheckContext,
) -> Option<String> {
    broken(field, mask, value, ctx).map(|rule| rule.message(field, value, ctx))
}

// Inlined into the loop over a row's cells: its entry and exit were a fifth of its cost.
#[inline(always)]
pub(super) fn broken(
    field: &Field,
    mask: &[bool; 256],
    value: &str,
    ctx: CheckContext,
) -> Option<Broken> {
    if ctx.exact_spelling && !field.kind.documented_spelling(value) {
        return Some(Broken::Spelling);
    }
    match field.kind {
        Kind::Text { min, max, chars } => text_broken(value, min, max, chars, mask),
        Kind::Bool => bool_broken(value),
        Kind::Digits { max } | Kind::Phone { max } => digits_broken(value, max),
        Kind::OneOf { values, .. } => listed_broken(&field.kind, values, value),
        Kind::Switch => switch_broken(&field.kind, value),
        Kind::Range(lo, hi) => range_broken(value, lo, hi),
        Kind::Email => email_broken(value),
        Kind::Password(rule) => password_broken(value, rule, mask, ctx.weak_passwords),
    }
}

// One function per kind, so that a caller checking many cells of one kind (see `columns`)
// applies exactly the rule [`broken`] does.

#[inline(always)]
pub(super) fn text_broken(
    value: &str,
    min: usize,
    max: usize,
    chars: Chars,
    mask: &[bool; 256],
) -> Option<Broken> {
    match allowed_len(value, chars, mask) {
        Some(len) => len_broken(len, min, max),
        None => Some(Broken::Chars),
    }
}

#[inline(always)]
pub(super) fn bool_broken(value: &str) -> Option<Broken> {
    parse_bool(value).is_none().then_some(Broken::NotBool)
}

#[inline(always)]
pub(super) fn digits_broken(value: &str, max: usize) -> Option<Broken> {
    // Without a branch per byte: most cells are digits, and all of them are looked at.
    if value.bytes().fold(true, |all, b| all & b.is_ascii_digit()) {
        len_broken(value.len(), 1, max)
    } else {
        Some(Broken::NotDigits)
    }
}

#[inline(always)]
pub(super) fn listed_broken(kind: &Kind, values: &[&str], value: &str) -> Option<Broken> {
    // A value spelt as listed is one whatever its case folds to: the common case skips
    // the folding.
    if values.iter().any(|v| same(v, value)) {
        return None;
    }
    (!values.contains(&kind.canonical(value))).then_some(Broken::NotListed)
}

/// `a == b`, for the short words of a list: byte by byte without a branch, where `==`
/// called `memcmp` for every listed value of the same length.
#[inline(always)]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && (a.iter().zip(b)).fold(0, |differ, (x, y)| differ | (x ^ y)) == 0
}

#[inline(always)]
pub(super) fn switch_broken(kind: &Kind, value: &str) -> Option<Broken> {
    if matches!(value, "on" | "off") {
        return None;
    }
    (!matches!(kind.canonical(value), "on" | "off")).then_some(Broken::NotSwitch)
}

#[inline(always)]
pub(super) fn range_broken(value: &str, lo: u32, hi: u32) -> Option<Broken> {
    match value.parse::<u32>() {
        Ok(n) if (lo..=hi).contains(&n) => None,
        _ => Some(Broken::OutOfRange { lo, hi }),
    }
}

#[inline(always)]
pub(super) fn email_broken(value: &str) -> Option<Broken> {
    (!is_email(value)).then_some(Broken::NotEmail)
}

pub(super) fn is_email(value: &str) -> bool {
    ascii_email(value.as_bytes()).unwrap_or_else(|| is_email_text(value))
}

/// [`is_email`] character by character, for any text.
pub(super) fn is_email_text(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let labels_ok = domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    !local.is_empty()
        && !local.contains('@')
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && labels_ok
}

/// [`is_email`] over the bytes, or `None` for a value outside ASCII (the character rule
/// then decides). For ASCII, `is_whitespace` or `is_control` is a byte up to the space or
/// DEL, and `is_alphanumeric` is `is_ascii_alphanumeric`. The first `@` splits: any other
/// puts one in the local part (the character rule's last `@`) or in the domain, both
/// refused. Each part is tested whole, without a branch per byte.
pub(super) fn ascii_email(value: &[u8]) -> Option<bool> {
    /// The bytes of a domain: letters, digits, `-` and the `.` between labels.
    const DOMAIN: [bool; 256] = {
        let mut domain = [false; 256];
        let mut b = 0;
        while b < 256 {
            domain[b] = (b as u8).is_ascii_alphanumeric() || b == b'-' as usize;
            b += 1;
        }
        domain
    };
    if value.iter().fold(0, |all, &b| all | b) >= 0x80 {
        return None;
    }
    let Some(at) = memchr::memchr(b'@', value) else {
        return Some(false);
    };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    let local_ok = (local.iter()).fold(!local.is_empty(), |ok, &b| ok & (b > b' ') & (b != 0x7f));
    // At least two labels, none empty: no `.` first, last or after another.
    let (mut ok, mut dots, mut prev) = (true, 0, b'.');
    for &b in domain {
        let dot = b == b'.';
        ok &= (DOMAIN[usize::from(b)] | dot) & !(dot & (prev == b'.'));
        dots += usize::from(dot);
        prev = b;
    }
    Some(local_ok & ok & (dots > 0) & (prev != b'.'))
}
