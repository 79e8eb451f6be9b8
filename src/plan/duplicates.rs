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
            Some(key) => self.compact.get(&key).map(|&v| {
                let claim = if v & RENAME_BIT != 0 {
                    Claim::Rename
                } else {
                    Claim::Key
                };
                (u64::from(v & !RENAME_BIT), claim)
            }),
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
