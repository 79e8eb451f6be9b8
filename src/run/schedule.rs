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

use super::engine::{CREDENTIALS_MAYBE_LOST, PipelineItem, RowWrite, Step};
use super::journal::Replay;
use crate::domain::{Action, Code, Record, RowResult, Status};
use crate::input::{Sheet, SheetError};
use crate::plan::{Planned, Planner, plan_sheet};
use crate::rules::Table;

/// What the feeder knows before it starts.
pub(crate) struct ScheduleInputs {
    pub(crate) deletes: Vec<String>,
    /// Numbers the PBX lists that break the key's rule: reported, never deleted.
    pub(crate) bad_numbers: Vec<String>,
    pub(crate) replay: Replay,
    /// Numbers the file adds (for holding back rows that forward to a later one).
    pub(crate) adding: HashSet<String>,
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
        mut replay,
        adding,
    } = plan;
    let mut order = Order {
        table: sheet.table(),
        adding,
        added: HashMap::new(),
        held: HashMap::new(),
        held_numbers: HashSet::new(),
        arrived: 0,
    };
    let mut seq = 0;
    let dry_run = planner.is_dry_run();
    let generating = planner.generates_passwords();
    let mut open = true;
    plan_sheet(&mut sheet, &mut planner, |offset, planned, raw| {
        let item = |step| PipelineItem {
            seq,
            offset,
            raw: Some(raw.clone()),
            step,
        };
        // A row the killed run had in flight that the PBX now has (it plans as no add) may
        // have been that run's add, with credentials it never wrote down.
        let maybe_lost = generating && replay.in_flight.contains(&seq);
        let ready = match (replay.done.remove(&seq), planned) {
            (Some(earlier), _) => vec![item(Step::Replayed(earlier))],
            (None, Planned::Done(mut result)) => {
                if let (Status::Unchanged, Some(&action)) =
                    (result.status, replay.sent_as.get(&seq))
                {
                    // The PBX already has the row because the killed run's write landed:
                    // that write is this row's outcome.
                    result.status = Status::Ok;
                    result.action = action;
                    result.message =
                        format!("{action}: it had landed before the interrupted run stopped");
                }
                if maybe_lost && result.status != Status::Invalid {
                    result.message = format!("{}; {CREDENTIALS_MAYBE_LOST}", result.message);
                }
                vec![item(Step::Decided(result))]
            }
            (
                None,
                Planned::Valid {
                    row,
                    number,
                    action,
                },
            ) => vec![item(Step::Decided(
                RowResult::new(Some(row), number, action, Status::Ok).with_error("", "valid"),
            ))],
            (
                None,
                Planned::Send {
                    row,
                    number,
                    action,
                    record,
                    changed,
                    note,
                    secrets,
                },
            ) => {
                let verify_first = replay.in_flight.contains(&seq);
                let note = match maybe_lost && action != Action::Add {
                    true if note.is_empty() => CREDENTIALS_MAYBE_LOST.to_string(),
                    true => format!("{note}; {CREDENTIALS_MAYBE_LOST}"),
                    false => note,
                };
                let write = RowWrite {
                    row: Some(row),
                    number,
                    action,
                    record,
                    changed,
                    note,
                    secrets,
                    after: Vec::new(),
                    done: None,
                    verify_first,
                };
                order.arrive(item(Step::Send(write)))
            }
        };
        seq += 1;
        open = ready.into_iter().all(|work| tx.blocking_send(work).is_ok());
        open
    })?;
    for work in order.rest() {
        if open && tx.blocking_send(work).is_err() {
            open = false;
        }
    }

    // Deletes the interrupted run finished keep their lines; the rest were worked out again
    // from the PBX as it is now, so what was deleted already is not among them.
    let mut finished: Vec<RowResult> = replay
        .done
        .into_values()
        .filter(|r| r.action == Action::Delete)
        .collect();
    finished.sort_by(|a, b| a.number.cmp(&b.number));
    let already: HashSet<String> = finished.iter().map(|r| r.number.clone()).collect();
    let remaining = deletes
        .into_iter()
        .filter(|n| !already.contains(n))
        .map(|number| {
            if dry_run {
                Step::Decided(
                    RowResult::new(None, number, Action::Delete, Status::Skipped)
                        .with_error("", "dry run: would delete (not in the file)"),
                )
            } else {
                Step::Send(RowWrite {
                    row: None,
                    number,
                    action: Action::Delete,
                    record: Record::new(),
                    changed: String::new(),
                    note: String::new(),
                    secrets: Vec::new(),
                    after: Vec::new(),
                    done: None,
                    verify_first: false,
                })
            }
        });
    let reported = bad_numbers
        .into_iter()
        .filter(|n| !already.contains(n))
        .map(|number| {
            let what = format!(
                "the PBX lists {number:?}, which is no extension number; it is not deleted \
                 (a delete of such a value could hit other extensions)"
            );
            Step::Decided(
                RowResult::new(None, number, Action::Delete, Status::Skipped)
                    .with_error(Code::BadNumber.as_str(), what),
            )
        });
    for step in finished
        .into_iter()
        .map(Step::Replayed)
        .chain(reported)
        .chain(remaining)
    {
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
    /// A row to send: the work to pass on now (it, and rows it releases), possibly none.
    fn arrive(&mut self, work: PipelineItem) -> Vec<PipelineItem> {
        self.arrived += 1;
        if self.arrived.is_multiple_of(4096) {
            // Forget adds that have finished; nothing waits for them any more.
            self.added.retain(|_, finished| !*finished.borrow());
        }
        let Step::Send(write) = &work.step else {
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
        let Step::Send(write) = &mut work.step else {
            ready.push(work);
            return;
        };
        let after: Vec<_> = self
            .targets(write)
            .filter_map(|t| self.added.get(t).cloned())
            .collect();
        write.after = after;
        let number = write.number.clone();
        if write.action == Action::Add && !self.table.links.is_empty() {
            let (done, finished) = watch::channel(false);
            self.added.insert(number.clone(), finished);
            write.done = Some(done);
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
mod tests {
    use super::*;
    use crate::domain::ApiKind;
    use crate::rules;

    fn order(adding: &[&str]) -> Order {
        order_for(ApiKind::YeastarV2, adding)
    }

    fn order_for(api: ApiKind, adding: &[&str]) -> Order {
        Order {
            table: rules::table(api),
            adding: adding.iter().map(ToString::to_string).collect(),
            added: HashMap::new(),
            held: HashMap::new(),
            held_numbers: HashSet::new(),
            arrived: 0,
        }
    }

    /// Row `seq` doing `action` on `number`, forwarding (no answer) to `target` if given.
    fn row(seq: u64, number: &str, action: Action, target: Option<&str>) -> PipelineItem {
        let mut record = Record::from([("number".to_string(), number.to_string())]);
        if let Some(target) = target {
            record.insert("noanswerforward".into(), "on".into());
            record.insert("ntransferto".into(), "Extension".into());
            record.insert("ntransferext".into(), target.into());
        }
        PipelineItem {
            seq,
            offset: 0,
            raw: None,
            step: Step::Send(RowWrite {
                row: Some(seq + 2),
                number: number.into(),
                action,
                record,
                changed: String::new(),
                note: String::new(),
                secrets: Vec::new(),
                after: Vec::new(),
                done: None,
                verify_first: false,
            }),
        }
    }

    fn write(work: &PipelineItem) -> &RowWrite {
        match &work.step {
            Step::Send(write) => write,
            Step::Decided(_) | Step::Replayed(_) => panic!("row {} is not sent", work.seq),
        }
    }

    fn seqs(works: &[PipelineItem]) -> Vec<u64> {
        works.iter().map(|w| w.seq).collect()
    }

    #[test]
    fn a_row_forwarding_to_an_earlier_add_goes_at_once_but_waits_for_that_add() {
        let mut order = order(&["2000"]);
        let add = order.arrive(row(0, "2000", Action::Add, None));
        assert_eq!(seqs(&add), [0]);
        let done = write(&add[0])
            .done
            .as_ref()
            .expect("later rows may wait for this add");
        let forward = order.arrive(row(1, "2001", Action::Add, Some("2000")));
        assert_eq!(seqs(&forward), [1]);
        let after = &write(&forward[0]).after;
        assert_eq!(after.len(), 1);
        assert!(!*after[0].borrow());
        done.send(true).unwrap();
        assert!(*after[0].borrow(), "the wait ends when the add finishes");
    }

    #[test]
    fn a_row_forwarding_to_a_later_add_is_held_back_until_that_add_goes_out() {
        let mut order = order(&["2000", "2001", "2002"]);
        assert!(
            order
                .arrive(row(0, "2001", Action::Add, Some("2000")))
                .is_empty()
        );
        assert!(
            order
                .arrive(row(1, "2002", Action::Update, Some("2000")))
                .is_empty()
        );
        // An unrelated row is not held up by them.
        assert_eq!(
            seqs(&order.arrive(row(2, "2003", Action::Update, None))),
            [2]
        );
        let released = order.arrive(row(3, "2000", Action::Add, None));
        assert_eq!(
            seqs(&released),
            [3, 0, 1],
            "the add first, then the rows held for it"
        );
        assert!(write(&released[0]).after.is_empty());
        for held in &released[1..] {
            assert_eq!(
                write(held).after.len(),
                1,
                "row {} waits for the add",
                held.seq
            );
        }
        assert!(order.rest().is_empty());
    }

    #[test]
    fn a_chain_of_forwards_is_released_in_dependency_order() {
        // 3000 → 3001 → 3002, in a file that lists them in that order and adds all three.
        let mut order = order(&["3000", "3001", "3002"]);
        assert!(
            order
                .arrive(row(0, "3000", Action::Add, Some("3001")))
                .is_empty()
        );
        assert!(
            order
                .arrive(row(1, "3001", Action::Add, Some("3002")))
                .is_empty()
        );
        let released = order.arrive(row(2, "3002", Action::Add, None));
        assert_eq!(seqs(&released), [2, 1, 0]);
        assert_eq!(write(&released[1]).after.len(), 1);
        assert_eq!(write(&released[2]).after.len(), 1);
    }

    #[test]
    fn two_new_extensions_forwarding_to_each_other_do_not_wait_forever() {
        let mut order = order(&["4001", "4002"]);
        assert!(
            order
                .arrive(row(0, "4001", Action::Add, Some("4002")))
                .is_empty()
        );
        // 4002's target is held back already: 4002 goes, then 4001 after it.
        let released = order.arrive(row(1, "4002", Action::Add, Some("4001")));
        assert_eq!(seqs(&released), [1, 0]);
        assert!(
            write(&released[0]).after.is_empty(),
            "the first of the two waits for nothing"
        );
        assert_eq!(write(&released[1]).after.len(), 1);
    }

    #[test]
    fn rows_held_for_an_add_that_never_comes_go_at_the_end_in_file_order() {
        // 5000 was to be added, but its row turned out invalid and never arrives as a send.
        let mut order = order(&["5000", "5001", "5002"]);
        assert!(
            order
                .arrive(row(0, "5002", Action::Add, Some("5000")))
                .is_empty()
        );
        assert!(
            order
                .arrive(row(1, "5001", Action::Add, Some("5000")))
                .is_empty()
        );
        let rest = order.rest();
        assert_eq!(seqs(&rest), [0, 1]);
        assert!(rest.iter().all(|w| write(w).after.is_empty()));
        assert!(order.rest().is_empty());
    }

    #[test]
    fn forwards_to_itself_or_to_an_existing_extension_are_not_held() {
        let mut order = order(&["6000"]);
        assert_eq!(
            seqs(&order.arrive(row(0, "6000", Action::Add, Some("6000")))),
            [0]
        );
        assert_eq!(
            seqs(&order.arrive(row(1, "6001", Action::Update, Some("1234")))),
            [1]
        );
        let done = PipelineItem {
            seq: 2,
            offset: 0,
            raw: None,
            step: Step::Decided(RowResult::new(Some(4), "x", Action::Add, Status::Invalid)),
        };
        assert_eq!(seqs(&order.arrive(done)), [2]);
    }

    #[test]
    fn without_forward_fields_an_add_needs_no_one_to_wait_for_it() {
        let mut verba = order_for(ApiKind::Verba, &["ana@example.com"]);
        let work = verba.arrive(row(0, "ana@example.com", Action::Add, None));
        assert!(write(&work[0]).done.is_none());
        // Only adds are waited for.
        let mut order = order(&[]);
        let work = order.arrive(row(0, "7000", Action::Update, None));
        assert!(write(&work[0]).done.is_none());
    }
}
