//! What the pipeline is handed: its settings for a run, and each planned write as it queues
//! it. Apart from the pipeline so that sending a row can take both without depending on the
//! pipeline that drives it.

use std::sync::Mutex;

use tokio::sync::watch;

use super::super::journal::Journal;
use super::super::throttle::Throttle;
use super::super::verify::Written;
use crate::pbx::RetryPolicy;
use crate::plan::RowWrite;

/// A planned write as the pipeline sends it: the plan's [`RowWrite`], with what the order of
/// the rows and `--resume` add to it (the planner knows neither).
pub(crate) struct Queued {
    pub(crate) write: RowWrite,
    /// Adds of earlier rows this row's forwards point at: wait for them before sending.
    pub(crate) after: Vec<watch::Receiver<bool>>,
    /// Told when this row is finished, if later rows forward to it.
    pub(crate) done: Option<watch::Sender<bool>>,
    /// A killed run had sent this row without learning the outcome: ask the PBX first.
    pub(crate) verify_first: bool,
}

impl Queued {
    /// `write`, waiting for nothing yet.
    pub(crate) fn new(write: RowWrite, verify_first: bool) -> Self {
        Queued {
            write,
            after: Vec::new(),
            done: None,
            verify_first,
        }
    }
}

pub(crate) struct EngineSettings {
    pub(crate) throttle: Throttle,
    /// Where each row's start and outcome are recorded, for `--resume`.
    pub(crate) journal: Option<Journal>,
    pub(crate) concurrency: usize,
    pub(crate) retry: RetryPolicy,
    /// An update whose extension turns out to be gone becomes an add (upsert, sync).
    pub(crate) create_if_missing: bool,
    /// With `--verify`: every row written, as sent, to be read back once all are.
    pub(crate) written: Option<Mutex<Vec<Written>>>,
}
