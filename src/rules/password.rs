//! A password against its rule: the characters it may hold, its length under the PBX's
//! policy, and the strong policy's mix of classes without a run like `1234`, all decided in
//! one pass over the bytes for the passwords people (and `--generate-passwords`) write.

use super::PasswordRule;
use super::broken::{Broken, allowed_len, len_broken};

pub(super) fn password_broken(
    value: &str,
    rule: PasswordRule,
    mask: &[bool; 256],
    weak_passwords: bool,
) -> Option<Broken> {
    let strong_min = rule.strong_min.filter(|_| !weak_passwords);
    let min = strong_min.unwrap_or(rule.weak_min);
    // A password's characters are never echoed: only which rule it breaks.
    let (len, scan) = match Scan::of(value.as_bytes(), mask) {
        // Every byte allowed, so every one a character.
        Some(scan) => (value.len(), Some(scan)),
        None => match allowed_len(value, rule.chars, mask) {
            Some(len) => (len, None),
            None => return Some(Broken::PasswordChars),
        },
    };
    if let Some(why) = len_broken(len, min, rule.max) {
        return Some(why);
    }
    let strong = || match scan {
        Some(scan) => scan.strong(value.as_bytes(), rule.runs),
        None => password_is_strong(value, rule.runs),
    };
    (strong_min.is_some() && !strong()).then_some(Broken::NotStrong)
}

// Each byte's class in one lookup, not three comparisons.
const UPPER: u8 = 1;
const LOWER: u8 = 2;
const DIGIT: u8 = 4;
const CLASS: [u8; 256] = {
    let mut class = [0; 256];
    let mut b = 0;
    while b < 256 {
        class[b] = match b as u8 {
            b'A'..=b'Z' => UPPER,
            b'a'..=b'z' => LOWER,
            b'0'..=b'9' => DIGIT,
            _ => 0,
        };
        b += 1;
    }
    class
};

/// One pass over a password of up to 64 bytes: the classes it has, where its digits are (one
/// bit a byte), all without a branch on the bytes (a random password's digits fall
/// anywhere, and every branch on "is this a digit" was a misprediction).
#[derive(Clone, Copy)]
struct Scan {
    seen: u8,
    digits: u64,
}

impl Scan {
    /// `None` for a longer password, or one with a byte `mask` does not allow.
    #[inline(always)]
    fn of(bytes: &[u8], mask: &[bool; 256]) -> Option<Scan> {
        if bytes.len() > 64 {
            return None;
        }
        let (mut allowed, mut seen, mut digits) = (true, 0, 0u64);
        for (i, &b) in bytes.iter().enumerate() {
            let class = CLASS[usize::from(b)];
            allowed &= mask[usize::from(b)];
            seen |= class;
            digits |= u64::from(class >> 2) << i;
        }
        allowed.then_some(Scan { seen, digits })
    }

    /// [`password_is_strong`] of the password scanned. The windows of four are looked at
    /// only where four digits stand in a row: most passwords have none.
    fn strong(self, bytes: &[u8], runs: bool) -> bool {
        if self.seen != UPPER | LOWER | DIGIT {
            return false;
        }
        if !runs {
            return true;
        }
        let mut starts = self.digits & (self.digits >> 1) & (self.digits >> 2) & (self.digits >> 3);
        while starts != 0 {
            let at = starts.trailing_zeros() as usize;
            if steps_evenly(&bytes[at..at + 4]) {
                return false;
            }
            starts &= starts - 1;
        }
        true
    }
}

/// Four digits that step evenly: -1, 0 and +1 wrap to 255, 0 and 1, and one added makes
/// them 0, 1 and 2.
fn steps_evenly(w: &[u8]) -> bool {
    let (a, b, c) = (
        w[1].wrapping_sub(w[0]),
        w[2].wrapping_sub(w[1]),
        w[3].wrapping_sub(w[2]),
    );
    (a == b) & (b == c) & (a.wrapping_add(1) <= 2)
}

/// Mixed case and digits, and with `runs`, no run like `1234`, `4321` or `1111`: no window of
/// four digits that steps evenly by +1, 0 or -1.
pub(super) fn password_is_strong(value: &str, runs: bool) -> bool {
    let bytes = value.as_bytes();
    if let Some(scan) = Scan::of(bytes, &[true; 256]) {
        return scan.strong(bytes, runs);
    }
    let seen = (bytes.iter()).fold(0, |seen, &b| seen | CLASS[usize::from(b)]);
    let digit = |b: u8| b.wrapping_sub(b'0') < 10;
    let weak = bytes.windows(4).fold(false, |weak, w| {
        weak | (digit(w[0]) & digit(w[1]) & digit(w[2]) & digit(w[3]) & steps_evenly(w))
    });
    seen == UPPER | LOWER | DIGIT && !(runs && weak)
}
