//! `--assign-numbers FROM-TO`: the number a new person gets, the lowest free one in the
//! ranges (in the order given). A number is not free when the PBX has it (which includes
//! every number a delete of this run frees: a number is never reused within a run), when any
//! row of the file names it, or when an earlier row was given it. A free number outside the
//! ranges is never used.

use std::collections::HashSet;

/// Hands out numbers, lowest first.
#[derive(Debug)]
pub(crate) struct Assigner {
    ranges: Vec<(u64, u64)>,
    /// Numbers that are not free, as numbers (`0123` and `123` are one number to a person).
    taken: HashSet<u64>,
    /// Which range is being handed out, and the next number to try in it.
    at: (usize, u64),
}

impl Assigner {
    /// `taken` holds the PBX's numbers and the file's; text that is no number takes none.
    pub(crate) fn new<'a>(
        ranges: Vec<(u64, u64)>,
        taken: impl IntoIterator<Item = &'a String>,
    ) -> Assigner {
        let taken = taken.into_iter().filter_map(|n| n.parse().ok()).collect();
        let start = ranges.first().map_or(0, |r| r.0);
        Assigner {
            ranges,
            taken,
            at: (0, start),
        }
    }

    /// The next free number, now taken; `None` when the ranges are used up.
    pub(crate) fn next(&mut self) -> Option<String> {
        while let Some(&(_, hi)) = self.ranges.get(self.at.0) {
            let candidate = self.at.1;
            if candidate > hi {
                self.at.0 += 1;
                self.at.1 = self.ranges.get(self.at.0).map_or(0, |r| r.0);
                continue;
            }
            self.at.1 = candidate + 1;
            if self.taken.insert(candidate) {
                return Some(candidate.to_string());
            }
        }
        None
    }

    /// The ranges as given, for messages (`3000-3999, 5000-5099`).
    pub(crate) fn describe(&self) -> String {
        (self.ranges.iter())
            .map(|(lo, hi)| format!("{lo}-{hi}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(of: &[&str]) -> Vec<String> {
        of.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_lowest_free_number_of_the_ranges_in_their_order() {
        let taken = numbers(&["3000", "3002", "0003", "sip:x", "5000"]);
        let mut a = Assigner::new(vec![(3000, 3003), (1, 4), (5000, 5001)], &taken);
        let given: Vec<String> = std::iter::from_fn(|| a.next()).collect();
        // 3000 and 3002 are taken; then the second range, where 0003 takes 3.
        assert_eq!(given, ["3001", "3003", "1", "2", "4", "5001"]);
        assert_eq!(a.next(), None, "used up, and stays used up");
    }

    #[test]
    fn no_number_is_handed_out_twice_even_where_ranges_overlap() {
        let mut a = Assigner::new(vec![(10, 12), (11, 13)], &Vec::new());
        let given: Vec<String> = std::iter::from_fn(|| a.next()).collect();
        assert_eq!(given, ["10", "11", "12", "13"]);
        assert_eq!(a.describe(), "10-12, 11-13");
    }

    #[test]
    fn nothing_is_handed_out_from_an_empty_or_full_range() {
        assert_eq!(Assigner::new(Vec::new(), &Vec::new()).next(), None);
        let full = numbers(&["7", "8"]);
        assert_eq!(Assigner::new(vec![(7, 8)], &full).next(), None);
    }
}
