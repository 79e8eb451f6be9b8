//! The numbers earlier rows of a file used, for the rules between rows (a number used twice,
//! a rename onto a number in use), in as little time and memory as a million-row file
//! allows. A number of up to seven digits (every Yeastar number)
//! has its own 4-byte slot in one table with a slot for every such number (11,111,110 of them):
//! no hashing, and a file's numbers, mostly in runs, land in neighbouring slots. The table is
//! made in blocks of 64 KB, each the first time a number in it is claimed, so memory follows
//! the numbers a file uses and has a ceiling whatever its length, unlike a hash map, which
//! grows with every row (docs/BENCHMARKS.md has the figures). Anything else (a SIP address, a
//! row past 2^31) costs a 64-bit hash and its row in a map.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::domain::Code;
use crate::rules::{Cells, Problem, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claim {
    /// The row's own number.
    Key,
    /// The number a row renames its extension to.
    Rename,
}

/// Marks a rename in a slot; the rest is the row (never 0, which marks a free slot).
const RENAME_BIT: u32 = 1 << 31;
/// One slot for every number of one to seven digits: 10 + 100 + … + 10,000,000.
const SLOTS: usize = 11_111_110;
/// Slots in a block of the table: 64 KB.
const BLOCK: usize = 16 * 1024;

#[derive(Debug, Default)]
pub(crate) struct Claims {
    /// The table's blocks, none until the first short number is claimed.
    compact: Vec<Option<Box<[u32]>>>,
    other: HashMap<u64, (u64, Claim)>,
    /// The values of the table's unique fields (lower case, by field position) and the row
    /// that used each first.
    unique: HashMap<(usize, String), u64>,
}

impl Claims {
    /// The row that used `number` first, and how.
    pub(crate) fn get(&self, number: &str) -> Option<(u64, Claim)> {
        let block = |i: usize| self.compact.get(i / BLOCK)?.as_ref()?.get(i % BLOCK);
        match slot(number).and_then(block) {
            Some(&v) if v != 0 => Some(decode(v)),
            // A row past 2^31 does not fit a slot, so `insert` kept it here.
            _ if !self.other.is_empty() => self.other.get(&hash(number)).copied(),
            _ => None,
        }
    }

    pub(crate) fn insert(&mut self, number: &str, row: u64, claim: Claim) {
        match self.slot_for(number, row) {
            Some((i, value)) => *self.slot_mut(i) = value | flag(claim),
            None => {
                self.other.insert(hash(number), (row, claim));
            }
        }
    }

    /// Claims `number` for `row` unless an earlier row did: then that row and how, and nothing
    /// changes. One look at the table for a short number.
    pub(crate) fn claim(&mut self, number: &str, row: u64, claim: Claim) -> Option<(u64, Claim)> {
        if let Some((i, value)) = self.slot_for(number, row)
            && self.other.is_empty()
        {
            let slot = self.slot_mut(i);
            return match *slot {
                0 => {
                    *slot = value | flag(claim);
                    None
                }
                earlier => Some(decode(earlier)),
            };
        }
        let earlier = self.get(number);
        if earlier.is_none() {
            self.insert(number, row, claim);
        }
        earlier
    }

    /// The slot of a short number and the row as a slot value, where both fit; the table is
    /// made on first use.
    fn slot_for(&mut self, number: &str, row: u64) -> Option<(usize, u32)> {
        let i = slot(number)?;
        let row = u32::try_from(row)
            .ok()
            .filter(|&r| r != 0 && r < RENAME_BIT)?;
        if self.compact.is_empty() {
            self.compact = vec![None; SLOTS.div_ceil(BLOCK)];
        }
        Some((i, row))
    }

    /// The slot at `i`, its block made if it was not there.
    // Not `vec![0; BLOCK]`: that asks the allocator for memory already zeroed, the very
    // memory to avoid here.
    #[allow(clippy::slow_vector_initialization)]
    fn slot_mut(&mut self, i: usize) -> &mut u32 {
        let block = self.compact[i / BLOCK].get_or_insert_with(|| {
            // Zeroed by writing: memory the kernel hands out zeroed is first mapped to one
            // shared page of zeros when read, and writing to it then flushed that page from
            // every core (an interrupt a page to the thread reading the file ahead).
            let mut block = Vec::with_capacity(BLOCK);
            block.resize(BLOCK, 0);
            block.into_boxed_slice()
        });
        &mut block[i % BLOCK]
    }

    /// Records the numbers a row uses and reports clashes with earlier rows.
    pub(crate) fn clashes(
        &mut self,
        table: &'static Table,
        row: u64,
        cells: &Cells<'_>,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        let number = cells.values[table.key_index()];
        if !number.is_empty() {
            match self.claim(number, row, Claim::Key) {
                Some((earlier, Claim::Key)) => problems.push(Problem {
                    field: table.key,
                    code: Code::DuplicateNumber,
                    message: format!("{} {number} already appears in row {earlier}", table.key),
                }),
                Some((earlier, Claim::Rename)) => problems.push(Problem {
                    field: table.key,
                    code: Code::RenameConflict,
                    message: format!("row {earlier} renames another extension to {number}"),
                }),
                None => {}
            }
        }
        problems.extend(self.unique_clashes(table, row, cells));
        let Some(rename) = table.rename else {
            return problems;
        };
        let new_number = cells.get(table, rename);
        if !new_number.is_empty()
            && new_number != number
            && let Some((earlier, _)) = self.claim(new_number, row, Claim::Rename)
        {
            problems.push(Problem {
                field: rename,
                code: Code::RenameConflict,
                message: format!("{rename} {new_number} is already used by row {earlier}"),
            });
        }
        problems
    }
}

impl Claims {
    /// The row's values of the table's unique fields that an earlier row used.
    fn unique_clashes(
        &mut self,
        table: &'static Table,
        row: u64,
        cells: &Cells<'_>,
    ) -> Vec<Problem> {
        let mut problems = Vec::new();
        for name in table.unique {
            let Some(at) = table.index(name) else {
                continue;
            };
            let value = cells.values[at];
            if value.is_empty() {
                continue;
            }
            let key = (at, value.to_lowercase());
            match self.unique.get(&key) {
                Some(earlier) => problems.push(Problem {
                    field: table.fields[at].name,
                    code: Code::DuplicateValue,
                    message: format!("{name} {value:?} already appears in row {earlier}"),
                }),
                None => {
                    self.unique.insert(key, row);
                }
            }
        }
        problems
    }
}

fn flag(claim: Claim) -> u32 {
    match claim {
        Claim::Rename => RENAME_BIT,
        Claim::Key => 0,
    }
}

fn decode(value: u32) -> (u64, Claim) {
    let claim = if value & RENAME_BIT != 0 {
        Claim::Rename
    } else {
        Claim::Key
    };
    (u64::from(value & !RENAME_BIT), claim)
}

/// The slot of a number of one to seven digits. Each length has its own range of slots, so
/// `0123` and `123` stay apart.
fn slot(number: &str) -> Option<usize> {
    let digits = number.as_bytes();
    if !(1..=7).contains(&digits.len()) {
        return None;
    }
    let mut value = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + usize::from(b - b'0');
    }
    // The numbers shorter than this one take 10 + 100 + … + 10^(len-1) slots.
    let shorter = (10usize.pow(digits.len() as u32) - 10) / 9;
    Some(shorter + value)
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

    #[test]
    fn every_short_number_has_its_own_slot_within_the_table() {
        assert_eq!(slot("0"), Some(0));
        assert_eq!(slot("9"), Some(9));
        assert_eq!(slot("00"), Some(10));
        assert_eq!(slot("99"), Some(109));
        assert_eq!(slot("0000000"), Some(1_111_110));
        assert_eq!(slot("9999999"), Some(SLOTS - 1));
        assert_ne!(slot("0123"), slot("123"));
        assert_eq!(slot("12345678"), None);
        assert_eq!(slot("12a"), None);
        assert_eq!(slot(""), None);
    }

    #[test]
    fn a_second_claim_names_the_first_row_and_changes_nothing() {
        let mut claims = Claims::default();
        assert_eq!(claims.claim("1001", 2, Claim::Key), None);
        assert_eq!(claims.claim("1002", 3, Claim::Rename), None);
        assert_eq!(claims.claim("sip:a@b", 4, Claim::Key), None);
        assert_eq!(
            claims.claim("1001", 5, Claim::Rename),
            Some((2, Claim::Key))
        );
        assert_eq!(
            claims.claim("1002", 6, Claim::Key),
            Some((3, Claim::Rename))
        );
        assert_eq!(
            claims.claim("sip:a@b", 7, Claim::Key),
            Some((4, Claim::Key))
        );
        assert_eq!(claims.get("1001"), Some((2, Claim::Key)));
        assert_eq!(claims.get("01001"), None);
        let far = u64::from(RENAME_BIT) + 1;
        assert_eq!(claims.claim("1003", far, Claim::Key), None);
        assert_eq!(claims.claim("1003", 8, Claim::Key), Some((far, Claim::Key)));
    }
}
