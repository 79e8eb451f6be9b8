//! Feeds the import pipeline: every row of the file, then the deletes of a prune, each as
//! work for the engine (or as its finished report line).
//!
//! Ordering: a row that forwards (`*transferext`) to an extension another row of the same run
//! adds must reach the PBX after that add. A row whose target is added by an *earlier* row
//! waits for that add: rows enter the pipeline in order, so the add is already in flight or
//! done and the wait always ends, whatever the concurrency. A row whose target is added by a
//! *later* row is held back and enters the pipeline right after that add does (the report
//! stays in input order; rows finished meanwhile wait for it there). Two new extensions that
//! forward to each other cannot both go second: the one held back longest goes when the file
//! ends, and the PBX's answer says what happened.
//!
//! On `--resume`, rows the interrupted run finished come back from its journal, and rows it
//! had in flight are checked against the PBX first.

use std::collections::{HashMap, HashSet};

use csv::ByteRecord;
use tokio::sync::{mpsc, watch};

use super::arriving::Arrivals;
use super::engine::{CREDENTIALS_MAYBE_LOST, PipelineItem, Queued, Step};
use super::journal::Replay;
use crate::domain::{Action, Code, RowResult, Status};
use crate::input::{RowCells, Sheet, SheetError};
use crate::plan::{Planned, Planner, RowWrite, plan_sheet_settled};
use crate::rules::Table;

/// What the feeder knows before it starts.
pub(crate) struct ScheduleInputs {
    pub(crate) deletes: Vec<String>,
    /// Numbers the PBX lists that break the key's rule: reported, never deleted.
    pub(crate) bad_numbers: Vec<String>,
    pub(crate) replay: Replay,
    /// Numbers the file adds (for holding back rows that forward to a later one).
    pub(crate) adding: HashSet<String>,
    /// The PBX's records, where they are still arriving as the rows are decided.
    pub(crate) arriving: Option<Arrivals>,
}

/// Sends every row (and then the deletes) to the engine through `tx`; returning drops `tx`,
/// which tells the engine the input has ended.
#[allow(
    clippy::needless_pass_by_value,
    reason = "dropping the sender is the end of input"
)]
pub(crate) fn schedule_rows(
    mut sheet: Sheet,
    mut planner: Planner,
    plan: ScheduleInputs,
    tx: mpsc::Sender<PipelineItem>,
) -> Result<(), SheetError> {
    let ScheduleInputs {
        deletes,
        bad_numbers,
        replay,
        adding,
        mut arriving,
    } = plan;
    let mut rows = Rows {
        replay,
        order: Order::new(sheet.table(), adding),
        generating: planner.generates_passwords(),
    };
    let mut seq = 0;
    let dry_run = planner.is_dry_run();
    let mut open = true;
    let settle = |planner: &mut Planner, cells: &RowCells<'_>| {
        arriving.as_mut().is_none_or(|a| a.settle(planner, cells))
    };
    plan_sheet_settled(&mut sheet, &mut planner, settle, |offset, planned, raw| {
        let item = |step| PipelineItem {
            seq,
            offset,
            raw: Some(raw.clone()),
            step,
        };
        let ready = rows.work(seq, planned, item);
        seq += 1;
        open = ready.into_iter().all(|work| tx.blocking_send(work).is_ok());
        open
    })?;
    for work in rows.order.rest() {
        if open && tx.blocking_send(work).is_err() {
            open = false;
        }
    }
    for step in after_the_rows(&mut rows.replay, deletes, bad_numbers, dry_run) {
        let work = PipelineItem {
            seq,
            offset: sheet.offset(),
            raw: None::<ByteRecord>,
            step,
        };
        if !open || tx.blocking_send(work).is_err() {
            break;
        }
        seq += 1;
    }
    Ok(())
}

/// What the rows of the file become on their way to the engine.
struct Rows {
    /// What the interrupted run finished or had in flight (`--resume`).
    replay: Replay,
    order: Order,
    /// The run generates passwords for the extensions it adds.
    generating: bool,
}

impl Rows {
    /// The work row `seq` becomes (`item` numbers a step as the row): its line, or its write,
    /// which may be held back or release rows held back for it.
    fn work(
        &mut self,
        seq: u64,
        planned: Planned,
        item: impl Fn(Step) -> PipelineItem,
    ) -> Vec<PipelineItem> {
        let earlier = replayed(&mut self.replay, seq, &planned);
        // A row the killed run had in flight that the PBX now has (it plans as no add) may
        // have been that run's add, with credentials it never wrote down.
        let in_flight = self.replay.in_flight.contains_key(&seq);
        let maybe_lost = self.generating && in_flight;
        match (earlier, planned) {
            (Some(earlier), _) => vec![item(Step::Replayed(earlier))],
            (None, Planned::Done(result)) => {
                let line = self.decided(seq, *result, maybe_lost);
                vec![item(Step::Decided(line))]
            }
            (
                None,
                Planned::Valid {
                    row,
                    number,
                    action,
                    note,
                },
            ) => vec![item(Step::Decided(
                RowResult::new(Some(row), number, action, Status::Ok)
                    .with_error("", "valid")
                    .with_note(&note),
            ))],
            (None, Planned::Send(mut write)) => {
                if maybe_lost && write.action != Action::Add {
                    write.note = match write.note.is_empty() {
                        true => CREDENTIALS_MAYBE_LOST.to_string(),
                        false => format!("{}; {CREDENTIALS_MAYBE_LOST}", write.note),
                    };
                }
                let write = Queued::new(*write, in_flight);
                self.order.arrive(item(Step::Send(write)))
            }
        }
    }

    /// The line of a row with nothing to send, as far as the interrupted run changes it.
    fn decided(&self, seq: u64, mut result: RowResult, maybe_lost: bool) -> RowResult {
        if let (Status::Unchanged, Some(action)) = (result.status, self.replay.sent_as(seq)) {
            // The PBX already has the row because the killed run's write landed: that write
            // is this row's outcome.
            result.status = Status::Ok;
            result.action = action;
            result.message = format!("{action}: it had landed before the interrupted run stopped");
        }
        if maybe_lost && result.status != Status::Invalid {
            result.message = format!("{}; {CREDENTIALS_MAYBE_LOST}", result.message);
        }
        result
    }
}

/// What follows the rows: the deletes the interrupted run finished (their lines), the
/// numbers that break the key's rule, and the deletes still to do.
///
/// The deletes still to do were worked out again from the PBX as it is now, so what was
/// deleted already is not among them. A delete the interrupted run sent unanswered is asked
/// about on the PBX first: one that landed is gone from that list, and its line would be lost.
fn after_the_rows(
    replay: &mut Replay,
    deletes: Vec<String>,
    bad_numbers: Vec<String>,
    dry_run: bool,
) -> impl Iterator<Item = Step> + use<> {
    let finished: Vec<RowResult> = std::mem::take(&mut replay.deletes_done)
        .into_values()
        .collect();
    let already: HashSet<String> = finished.iter().map(|r| r.number.clone()).collect();
    let mut in_flight = std::mem::take(&mut replay.deletes_in_flight);
    let landed: Vec<String> = in_flight
        .iter()
        .filter(|n| !already.contains(*n) && !deletes.contains(n))
        .cloned()
        .collect();
    let reported: Vec<Step> = bad_numbers
        .into_iter()
        .filter(|n| !already.contains(n))
        .map(|number| Step::Decided(bad_number(number)))
        .collect();
    let remaining = deletes
        .into_iter()
        .chain(landed)
        .filter(move |n| !already.contains(n))
        .map(move |number| {
            let verify_first = in_flight.remove(&number);
            delete_step(number, dry_run, verify_first)
        });
    finished
        .into_iter()
        .map(Step::Replayed)
        .chain(reported)
        .chain(remaining)
}

/// The line of a number the PBX lists that breaks the key's rule: reported, never deleted.
pub(crate) fn bad_number(number: String) -> RowResult {
    let what = format!(
        "the PBX lists {number:?}, which is no extension number; it is not deleted (a delete \
         of such a value could hit other extensions)"
    );
    RowResult::new(None, number, Action::Delete, Status::Skipped)
        .with_error(Code::BadNumber.as_str(), what)
}

/// The line the interrupted run recorded for row `seq`, if it is this row's: a line that
/// names another row or number is not believed, and the row is asked about on the PBX.
fn replayed(replay: &mut Replay, seq: u64, planned: &Planned) -> Option<RowResult> {
    let earlier = replay.done.remove(&seq)?;
    let (row, number) = planned.row_and_number();
    if earlier.row == row && earlier.number == number {
        return Some(earlier);
    }
    replay.distrust_row(seq, row.unwrap_or_default(), number);
    None
}

/// A delete of an extension the file does not list: sent, or a dry run's line.
fn delete_step(number: String, dry_run: bool, verify_first: bool) -> Step {
    if dry_run {
        return Step::Decided(
            RowResult::new(None, number, Action::Delete, Status::Skipped)
                .with_error("", "dry run: would delete (not in the file)"),
        );
    }
    let delete = RowWrite::delete(None, number, String::new());
    Step::Send(Queued::new(delete, verify_first))
}

/// The forward-ordering state: adds that entered the pipeline, and rows held back.
struct Order {
    table: &'static Table,
    adding: HashSet<String>,
    /// Adds that entered the pipeline, and when they finish.
    added: HashMap<String, watch::Receiver<bool>>,
    /// Rows held back, by the number whose add they wait for.
    held: HashMap<String, Vec<PipelineItem>>,
    held_numbers: HashSet<String>,
    arrived: u64,
}

impl Order {
    fn new(table: &'static Table, adding: HashSet<String>) -> Self {
        Order {
            table,
            adding,
            added: HashMap::new(),
            held: HashMap::new(),
            held_numbers: HashSet::new(),
            arrived: 0,
        }
    }

    /// A row to send: the work to pass on now (it, and rows it releases), possibly none.
    fn arrive(&mut self, work: PipelineItem) -> Vec<PipelineItem> {
        self.arrived += 1;
        if self.arrived.is_multiple_of(4096) {
            // Forget adds that have finished; nothing waits for them any more.
            self.added.retain(|_, finished| !*finished.borrow());
        }
        let Step::Send(Queued { write, .. }) = &work.step else {
            return vec![work];
        };
        let later = self.targets(write).find(|target| {
            *target != write.number
                && self.adding.contains(*target)
                && !self.added.contains_key(*target)
                && !self.held_numbers.contains(*target)
        });
        if let Some(target) = later.map(str::to_string) {
            self.held_numbers.insert(write.number.clone());
            self.held.entry(target).or_default().push(work);
            return Vec::new();
        }
        let mut ready = Vec::new();
        self.release(work, &mut ready);
        ready
    }

    /// Everything still held back, when the file has ended.
    fn rest(&mut self) -> Vec<PipelineItem> {
        let mut ready = Vec::new();
        let mut held: Vec<PipelineItem> = self.held.drain().flat_map(|(_, works)| works).collect();
        held.sort_by_key(|w| w.seq);
        for work in held {
            self.release(work, &mut ready);
        }
        ready
    }

    /// Passes `work` on with its waits, then the rows that were waiting for it.
    fn release(&mut self, mut work: PipelineItem, ready: &mut Vec<PipelineItem>) {
        let Step::Send(queued) = &mut work.step else {
            ready.push(work);
            return;
        };
        let after: Vec<_> = self
            .targets(&queued.write)
            .filter_map(|t| self.added.get(t).cloned())
            .collect();
        queued.after = after;
        let number = queued.write.number.clone();
        if queued.write.action == Action::Add && !self.table.links.is_empty() {
            let (done, finished) = watch::channel(false);
            self.added.insert(number.clone(), finished);
            queued.done = Some(done);
        }
        self.held_numbers.remove(&number);
        ready.push(work);
        for waiting in self.held.remove(&number).unwrap_or_default() {
            self.release(waiting, ready);
        }
    }

    fn targets<'a>(&self, write: &'a RowWrite) -> impl Iterator<Item = &'a str> + use<'a> {
        let links = self.table.links;
        links
            .iter()
            .filter_map(|(link, _)| write.record.get(*link).map(String::as_str))
    }
}

#[cfg(test)]
mod tests;
