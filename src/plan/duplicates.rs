//! The numbers earlier rows of a file used, for the rules between rows, in as little memory as
//! a million-row file allows: a number of up to seven digits (every Yeastar number) costs a
//! 4-byte key and a 4-byte value; anything else (a Verba SIP address) a 64-bit hash and its row.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    /// The row's own number.
    Key,
    /// The number a row renames its extension to.
    Rename,
}

/// Marks a rename in a compact value; the rest is the row.
const RENAME_BIT: u32 = 1 << 31;

#[derive(Debug, Default)]
pub(crate) struct Claims {
    compact: HashMap<u32, u32>,
    other: HashMap<u64, (u64, Claim)>,
}

impl Claims {
    /// The row that used `number` first, and how.
    pub(crate) fn get(&self, number: &str) -> Option<(u64, Claim)> {
        match compact(number) {
            Some(key) => match self.compact.get(&key) {
                Some(&v) => {
                    let claim = if v & RENAME_BIT != 0 {
                        Claim::Rename
                    } else {
                        Claim::Key
                    };
                    Some((u64::from(v & !RENAME_BIT), claim))
                }
                // A row past 2^31 does not fit a compact value, so `insert` kept it here.
                None if !self.other.is_empty() => self.other.get(&hash(number)).copied(),
                None => None,
            },
            None => self.other.get(&hash(number)).copied(),
        }
    }

    pub(crate) fn insert(&mut self, number: &str, row: u64, claim: Claim) {
        match (compact(number), u32::try_from(row)) {
            (Some(key), Ok(row)) if row < RENAME_BIT => {
                let flag = if claim == Claim::Rename {
                    RENAME_BIT
                } else {
                    0
                };
                self.compact.insert(key, row | flag);
            }
            _ => {
                self.other.insert(hash(number), (row, claim));
            }
        }
    }
}

/// One to seven digits as `value | length << 24`, so `0123` and `123` stay apart.
fn compact(number: &str) -> Option<u32> {
    if !(1..=7).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = number.parse().ok()?;
    Some(value | (number.len() as u32) << 24)
}

fn hash(number: &str) -> u64 {
    let mut h = DefaultHasher::new();
    number.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_remembers_the_first_row_that_used_it_and_how() {
        let mut claims = Claims::default();
        assert_eq!(claims.get("1001"), None);
        claims.insert("1001", 2, Claim::Key);
        claims.insert("2002", 5, Claim::Rename);
        assert_eq!(claims.get("1001"), Some((2, Claim::Key)));
        assert_eq!(claims.get("2002"), Some((5, Claim::Rename)));
        assert_eq!(claims.get("1002"), None);
        assert_eq!(claims.get("100"), None, "a prefix is another number");
    }

    #[test]
    fn leading_zeros_make_a_different_number() {
        let mut claims = Claims::default();
        claims.insert("123", 2, Claim::Key);
        claims.insert("0", 3, Claim::Key);
        assert_eq!(claims.get("0123"), None);
        assert_eq!(claims.get("00"), None);
        claims.insert("0123", 4, Claim::Rename);
        assert_eq!(claims.get("123"), Some((2, Claim::Key)));
        assert_eq!(claims.get("0123"), Some((4, Claim::Rename)));
        assert_eq!(claims.get("0"), Some((3, Claim::Key)));
    }

    #[test]
    fn long_numbers_and_sip_addresses_are_claimed_too() {
        let mut claims = Claims::default();
        for (row, number) in ["12345678", "9999999", "ana@example.com", "sip:1001@pbx", ""]
            .into_iter()
            .enumerate()
        {
            let claim = if row % 2 == 0 {
                Claim::Key
            } else {
                Claim::Rename
            };
            claims.insert(number, row as u64 + 2, claim);
        }
        assert_eq!(claims.get("12345678"), Some((2, Claim::Key)));
        assert_eq!(claims.get("9999999"), Some((3, Claim::Rename)));
        assert_eq!(claims.get("ana@example.com"), Some((4, Claim::Key)));
        assert_eq!(claims.get("sip:1001@pbx"), Some((5, Claim::Rename)));
        assert_eq!(claims.get("Ana@example.com"), None);
        assert_eq!(claims.get("1234567"), None);
    }

    #[test]
    fn a_row_past_two_billion_keeps_its_number_and_its_rename_flag() {
        let mut claims = Claims::default();
        let far = u64::from(RENAME_BIT) + 7;
        claims.insert("1001", far, Claim::Key);
        claims.insert("1002", far + 1, Claim::Rename);
        claims.insert("1003", u64::from(RENAME_BIT) - 1, Claim::Key);
        assert_eq!(claims.get("1001"), Some((far, Claim::Key)));
        assert_eq!(claims.get("1002"), Some((far + 1, Claim::Rename)));
        assert_eq!(
            claims.get("1003"),
            Some((u64::from(RENAME_BIT) - 1, Claim::Key))
        );
    }
}
