//! Deciding rows while the PBX is still being read. The reading hands over what it reads as
//! it arrives ([`Handing`], a [`Filing`]); the feeder's [`Arrivals`] holds each row back only
//! until what the row is compared with is in: its extension's record, or a listing complete
//! without its number. The reading and the deciding then overlap instead of following each
//! other. A reading that ends without saying so (it failed, or the run was stopped) ends the
//! deciding: rows decided on part of the PBX are never sent.

use std::collections::HashSet;
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::domain::Record;
use crate::input::RowCells;
use crate::pbx::snapshot::Filing;
use crate::plan::Planner;
use crate::rules::Table;

enum Arrival {
    Listed(Vec<String>),
    AllListed,
    Filed(Vec<(String, Record)>),
    /// The reading ended well: every record is in.
    End,
}

/// The reading's end of the hand-over.
pub(crate) struct Handing(Sender<Arrival>);

/// The deciding end: what has arrived so far.
pub(crate) struct Arrivals {
    from: Receiver<Arrival>,
    table: &'static Table,
    listed: HashSet<String>,
    all_listed: bool,
    ended: bool,
}

/// The two ends of a hand-over, for rows of `table`.
pub(crate) fn hand_over(table: &'static Table) -> (Handing, Arrivals) {
    let (to, from) = channel();
    let arrivals = Arrivals {
        from,
        table,
        listed: HashSet::new(),
        all_listed: false,
        ended: false,
    };
    (Handing(to), arrivals)
}

impl Handing {
    /// The reading ended well. (A `Handing` dropped without this says it did not.)
    pub(crate) fn ended(self) {
        // The deciding may have stopped already (a file that changed under it).
        let _ = self.0.send(Arrival::End);
    }
}

/// A send fails only when the deciding has stopped, which then needs nothing more.
impl Filing for Handing {
    fn listed(&mut self, numbers: &[String]) {
        let _ = self.0.send(Arrival::Listed(numbers.to_vec()));
    }

    fn all_listed(&mut self) {
        let _ = self.0.send(Arrival::AllListed);
    }

    fn file(&mut self, records: Vec<(String, Record)>) {
        let _ = self.0.send(Arrival::Filed(records));
    }
}

impl Arrivals {
    /// Waits until the row of `cells` can be decided, giving `planner` the records that
    /// arrive meanwhile; false when the reading ended without saying it ended well.
    pub(crate) fn settle(&mut self, planner: &mut Planner, cells: &RowCells<'_>) -> bool {
        let number = match cells {
            RowCells::Cells { cells, .. } => Some(cells.values[self.table.key_index()]),
            RowCells::Removed { number, .. } => Some(number.as_str()),
            // Nothing of the PBX decides these.
            RowCells::Skipped { .. } | RowCells::Invalid { .. } => None,
        };
        loop {
            let settled = self.ended
                || number.is_none_or(|n| {
                    planner.knows(n) || (self.all_listed && !self.listed.contains(n))
                });
            if settled {
                return true;
            }
            match self.from.recv() {
                Ok(Arrival::Listed(numbers)) => self.listed.extend(numbers),
                Ok(Arrival::AllListed) => self.all_listed = true,
                Ok(Arrival::Filed(records)) => planner.learn(records),
                Ok(Arrival::End) => self.ended = true,
                Err(_) => return false,
            }
        }
    }
}
