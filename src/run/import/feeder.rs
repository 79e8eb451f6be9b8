//! The rows' feeder, started once the run has decided how: after the PBX is read where the
//! deciding needs all of it first (a prune, `--match`, a gate, a resume), or else at once,
//! deciding each row as soon as the PBX's record for it has arrived (`run/arriving.rs`).
//! Rows decided while the PBX is read are held here, not sent, until the reading has ended
//! well: a reading that fails still sends nothing and writes no report.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::prepare::{read_and_prepare, read_into, reads_the_file_ahead};
use super::{Gate, ImportSettings, Prepared, prepare};
use crate::domain::{PbxSnapshot, RunEnd};
use crate::input::{Sheet, SheetError, Source};
use crate::pbx::Client;
use crate::run::arriving::{self, Arrivals};
use crate::run::engine::PipelineItem;
use crate::run::journal::Replay;
use crate::run::schedule::{ScheduleInputs, schedule_rows};
use crate::run::stop::Stop;

/// Rows queued between the feeder and the engine.
const QUEUE: usize = 1024;
/// The most rows decided while the PBX is read that are held for the engine; the feeder waits
/// past that, which bounds the memory whatever the file's length.
const AHEAD: usize = 16_384;

/// The rows on their way to the engine.
pub(crate) struct Feeder {
    rx: mpsc::Receiver<PipelineItem>,
    /// Rows decided while the PBX was read, to go before those still in `rx`.
    held: Vec<PipelineItem>,
    producer: JoinHandle<Result<(), SheetError>>,
}

impl Feeder {
    /// The rows in order, for the engine; and the feeder, to learn how reading the file ended.
    pub(crate) fn rows(
        self,
    ) -> (
        mpsc::Receiver<PipelineItem>,
        JoinHandle<Result<(), SheetError>>,
    ) {
        let Feeder {
            mut rx,
            held,
            producer,
        } = self;
        if held.is_empty() {
            return (rx, producer);
        }
        let (tx, out) = mpsc::channel(QUEUE);
        tokio::spawn(async move {
            // An engine that stopped takes no more; the feeder then stops too.
            for item in held {
                if tx.send(item).await.is_err() {
                    return;
                }
            }
            while let Some(item) = rx.recv().await {
                if tx.send(item).await.is_err() {
                    return;
                }
            }
        });
        (out, producer)
    }
}

/// Reads the PBX where the mode (or a gate) needs it and starts the feeder; returns it with
/// a dry run's prune over the limit (what the real run would refuse).
pub(crate) async fn decide(
    settings: &ImportSettings,
    (source, sheet): (&Source, Sheet),
    client: &Arc<Client>,
    (gate, replay): (Option<Box<dyn Gate>>, Option<Replay>),
    stop: &Arc<Stop>,
) -> anyhow::Result<(Feeder, Option<String>)> {
    let ahead = gate.is_none()
        && replay.is_none()
        && settings.mode.reads_the_pbx()
        && !reads_the_file_ahead(settings, &sheet);
    if ahead {
        return Ok((
            decide_meanwhile(settings, (source, sheet), client, stop).await?,
            None,
        ));
    }
    let prepared =
        read_and_prepare(settings, source, &sheet, client, (gate, replay.as_ref())).await?;
    let would_refuse = prepared.would_refuse.clone();
    let feeder = start(sheet, prepared, (replay.unwrap_or_default(), None), stop);
    Ok((feeder, would_refuse))
}

/// The feeder started at once, deciding rows as the PBX's records arrive, while the PBX is
/// read; the rows decided meanwhile held until the reading has ended well.
async fn decide_meanwhile(
    settings: &ImportSettings,
    (source, sheet): (&Source, Sheet),
    client: &Arc<Client>,
    stop: &Arc<Stop>,
) -> anyhow::Result<Feeder> {
    let file_len = sheet.len();
    // The planner alone holds the directory it is given, so filling it copies nothing.
    let prepared = prepare(settings, source, &sheet, Some(Arc::new(PbxSnapshot::new())))?;
    let (mut handing, arrivals) = arriving::hand_over(settings.api.table);
    let mut feeder = start(sheet, prepared, (Replay::default(), Some(arrivals)), stop);
    let reading = async move {
        read_into(settings, client, file_len, &mut handing).await?;
        handing.ended();
        anyhow::Ok(())
    };
    let mut reading = std::pin::pin!(reading);
    let mut open = true;
    loop {
        tokio::select! {
            biased;
            read = &mut reading => return read.map(|()| feeder),
            item = feeder.rx.recv(), if open && feeder.held.len() < AHEAD => match item {
                Some(item) => feeder.held.push(item),
                None => open = false,
            },
        }
    }
}

/// The feeder, planning rows on a thread of its own.
fn start(
    sheet: Sheet,
    prepared: Prepared,
    (replay, arriving): (Replay, Option<Arrivals>),
    stop: &Arc<Stop>,
) -> Feeder {
    let Prepared {
        planner,
        prune,
        adding,
        would_refuse: _,
    } = prepared;
    let plan = ScheduleInputs {
        deletes: prune.deletes,
        bad_numbers: prune.bad_numbers,
        replay,
        adding,
        arriving,
    };
    let (tx, rx) = mpsc::channel::<PipelineItem>(QUEUE);
    let stop = stop.clone();
    let producer = tokio::task::spawn_blocking(move || {
        let read = schedule_rows(sheet, planner, plan, tx);
        // Rows of a file that changed under the run may be rows of two files: none of
        // those still queued is sent.
        if let Err(e @ SheetError::Changed { .. }) = &read {
            stop.stop(RunEnd::BadInput, e.to_string());
        }
        read
    });
    Feeder {
        rx,
        held: Vec::new(),
        producer,
    }
}
