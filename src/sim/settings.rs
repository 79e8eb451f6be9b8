//! What a simulator is started with: the API it plays and the choices that take judgement
//! (password, seed reading, `--inferred`, tenants), and the knobs taken as given.

use std::path::PathBuf;
use std::time::Duration;

use super::{Inferred, SimApi};
use crate::domain::Secret;
use crate::input::ReadSettings;

#[derive(Debug, Clone)]
pub(crate) struct SimSettings {
    /// The API simulated: its rules, its answers, its choices.
    pub(crate) api: SimApi,
    pub(crate) password: Secret,
    /// How to read the seed (`--encoding`, `--sheet`, `--plus-prefix`), as import would.
    pub(crate) read: ReadSettings,
    /// The choices made where the documents are silent (`--inferred`).
    pub(crate) inferred: Inferred,
    /// Tenants beyond the API's own and those of the seed: (eid, short name).
    pub(crate) tenants: Vec<(String, String)>,
    pub(crate) knobs: Knobs,
}

/// The simulator's settings that are taken as the command line gives them (no profile, no
/// judgement beyond their flags' own range checks): where it listens, who logs in, its
/// faults and its tokens' life.
#[derive(Debug, Clone)]
pub(crate) struct Knobs {
    pub(crate) listen: String,
    pub(crate) user: String,
    pub(crate) seed: Option<PathBuf>,
    pub(crate) latency: Duration,
    pub(crate) fail_rate: f64,
    /// Share of requests whose connection is dropped after the PBX acted, with no answer.
    pub(crate) drop_rate: f64,
    /// Share of requests answered only after `slow`.
    pub(crate) slow_rate: f64,
    pub(crate) slow: Duration,
    pub(crate) token_ttl: Duration,
    pub(crate) token_max_age: Option<Duration>,
    pub(crate) token_max_uses: Option<u64>,
    pub(crate) max_writes_per_sec: Option<u32>,
    pub(crate) weak_passwords: bool,
    pub(crate) random_seed: Option<u64>,
    /// Serve HTTPS with a certificate made at start.
    pub(crate) tls: bool,
    /// Where to write that certificate's PEM (default: the temporary directory).
    pub(crate) tls_cert: Option<PathBuf>,
    /// Users beyond those the seed names: a CSV of `id,loginname,eid`.
    pub(crate) users: Option<PathBuf>,
}
