//! Whether a password contains the extension's number or name, in either case: the strong
//! policy's "must not contain" rule, asked twice a row, on short text, eight bytes at a time.

/// `haystack` contains `needle` once both are lower-cased.
pub(super) fn contains_ignoring_case(haystack: &str, needle: &str) -> bool {
    if haystack.is_ascii() && needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle.as_bytes());
        let Some(&first) = n.first() else {
            return true;
        };
        let Some(last) = h.len().checked_sub(n.len()) else {
            return false;
        };
        // Only where the first byte matches, in either case, is the rest compared; eight
        // bytes are looked at a time (a byte at a time, this was most of checking a row's
        // rules between fields).
        let mut at = 0;
        while at <= last {
            let mut found = first_byte_matches(eight_from(h, at), first);
            while found != 0 {
                let start = at + (found.trailing_zeros() / 8) as usize;
                if start <= last && h[start..][..n.len()].eq_ignore_ascii_case(n) {
                    return true;
                }
                found &= found - 1;
            }
            at += 8;
        }
        false
    } else {
        haystack.to_lowercase().contains(&needle.to_lowercase())
    }
}

/// The eight bytes of `h` from `at`, as a number (the first the lowest byte); zeros past
/// its end. Fixed-size loads: copying a slice of any length was a call to `memcpy`.
fn eight_from(h: &[u8], at: usize) -> u64 {
    match (h.get(at..at + 8), h.len().checked_sub(8)) {
        (Some(eight), _) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        // The last eight bytes, shifted down to start at `at`.
        (None, Some(from)) => {
            let last: [u8; 8] = h[from..].try_into().unwrap_or_default();
            u64::from_le_bytes(last) >> ((at - from) * 8)
        }
        (None, None) => (h[at..].iter().rev()).fold(0, |eight, &b| eight << 8 | u64::from(b)),
    }
}

/// The bytes of `chunk`, eight ASCII bytes, that equal `first` once both are lower-cased:
/// the high bit of each such byte set, of no other.
fn first_byte_matches(chunk: u64, first: u8) -> u64 {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // No byte is above 0x7f, so no sum below carries into the next byte.
    let upper = (chunk + LOW * (0x80 - u64::from(b'A')))
        & !(chunk + LOW * (0x80 - u64::from(b'Z') - 1))
        & HIGH;
    let lower = chunk | (upper >> 2);
    let differs = lower ^ (LOW * u64::from(first.to_ascii_lowercase()));
    // A byte of `differs` is zero exactly where it matched.
    !(((differs & !HIGH) + !HIGH) | differs) & HIGH
}
