//! Feeds the import pipeline: every row of the file in input order, then the deletes of a
//! prune, each as work for the engine (or as its finished report line).
//!
//! A row that forwards to an extension an earlier row adds waits for that add: rows enter the
//! pipeline in order, so the add is already in flight or done when the row starts, and the
//! wait always ends, whatever the concurrency. On `--resume`, rows the interrupted run
//! finished come back from its journal, and rows it had in flight are checked first.

use std::collections::{HashMap, HashSet};

use tokio::sync::{mpsc, watch};

use crate::api::Record;
use crate::engine::{Job, Task, Work};
use crate::journal::Replay;
use crate::outcome::{Action, RowResult, Status};
use crate::plan::{Planned, Planner, plan_sheet};
use crate::sheet::{Sheet, SheetError};

pub fn feed(
    mut sheet: Sheet,
    mut planner: Planner,
    deletes: Vec<String>,
    mut replay: Replay,
    tx: mpsc::Sender<Work>,
) -> Result<(), SheetError> {
    let table = sheet.table();
    let mut adds: HashMap<String, watch::Receiver<bool>> = HashMap::new();
    let mut seq = 0;
    let dry_run = planner.is_dry_run();
    plan_sheet(&mut sheet, &mut planner, |offset, planned, raw| {
        let task = match (replay.done.remove(&seq), planned) {
            (Some(earlier), _) => Task::Done(earlier),
            (None, Planned::Done(result)) => Task::Done(result),
            (
                None,
                Planned::Valid {
                    row,
                    number,
                    action,
                },
            ) => Task::Done(
                RowResult::new(Some(row), number, action, Status::Ok).with_error("", "valid"),
            ),
            (
                None,
                Planned::Send {
                    row,
                    number,
                    action,
                    record,
                    changed,
                },
            ) => {
                let after = table
                    .links
                    .iter()
                    .filter_map(|(link, _)| record.get(*link))
                    .filter_map(|target| adds.get(target).cloned())
                    .collect();
                let done = (action == Action::Add && !table.links.is_empty()).then(|| {
                    let (done, added) = watch::channel(false);
                    adds.insert(number.clone(), added);
                    done
                });
                let verify_first = replay.in_flight.contains(&seq);
                Task::Send(Job {
                    row: Some(row),
                    number,
                    action,
                    record,
                    changed,
                    after,
                    done,
                    verify_first,
                })
            }
        };
        if seq % 4096 == 0 {
            // Forget adds that have finished; nothing waits for them any more.
            adds.retain(|_, added| !*added.borrow());
        }
        let work = Work {
            seq,
            offset,
            raw: Some(raw.clone()),
            task,
        };
        seq += 1;
        tx.blocking_send(work).is_ok()
    })?;

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
                Task::Done(
                    RowResult::new(None, number, Action::Delete, Status::Skipped)
                        .with_error("", "dry run: would delete (not in the file)"),
                )
            } else {
                let verify_first = false;
                let record = Record::new();
                Task::Send(Job {
                    row: None,
                    number,
                    action: Action::Delete,
                    record,
                    changed: String::new(),
                    after: Vec::new(),
                    done: None,
                    verify_first,
                })
            }
        });
    for task in finished.into_iter().map(Task::Done).chain(remaining) {
        let offset = sheet.offset();
        if tx
            .blocking_send(Work {
                seq,
                offset,
                raw: None,
                task,
            })
            .is_err()
        {
            break;
        }
        seq += 1;
    }
    Ok(())
}
