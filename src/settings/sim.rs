//! `pbxbulk sim`: the simulator's knobs, checked. The simulator takes no profile, so its
//! flags come straight from the command line (their defaults in `defaults::sim`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;

use super::defaults;
use super::options::{Given, Origin};
use crate::domain::Secret;
use crate::input::ReadSettings;
use crate::sim::{Inferred, SimSettings};
use crate::vendors::Vendor;

/// What the command line said to `pbxbulk sim`, each value parsed as its flag takes it.
#[derive(Debug)]
pub(crate) struct SimFlags {
    pub(crate) api: &'static Vendor,
    /// The product edition whose rules apply, for an API whose editions differ.
    pub(crate) edition: Option<String>,
    pub(crate) listen: String,
    pub(crate) user: String,
    /// The password it accepts, and whether a flag, the environment or the default gave it.
    pub(crate) password: Given<String>,
    pub(crate) seed: Option<PathBuf>,
    pub(crate) read: ReadSettings,
    pub(crate) latency_ms: u64,
    pub(crate) fail_rate: f64,
    pub(crate) drop_rate: f64,
    pub(crate) slow_rate: f64,
    pub(crate) slow_ms: u64,
    pub(crate) token_ttl: Duration,
    pub(crate) token_max_age: Option<Duration>,
    pub(crate) token_max_uses: Option<u64>,
    pub(crate) max_writes_per_sec: Option<u32>,
    pub(crate) weak_passwords: bool,
    pub(crate) random_seed: Option<u64>,
    pub(crate) tls: bool,
    pub(crate) tls_cert: Option<PathBuf>,
    pub(crate) inferred: Vec<String>,
    pub(crate) tenant: Vec<String>,
    pub(crate) users: Option<PathBuf>,
}

/// The simulator's settings, and the line saying what it accepts (the user, and where the
/// password came from).
pub(crate) fn sim(f: SimFlags) -> anyhow::Result<(SimSettings, String)> {
    for (rate, flag) in [
        (f.fail_rate, "--fail-rate"),
        (f.drop_rate, "--drop-rate"),
        (f.slow_rate, "--slow-rate"),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            bail!("{flag} must be from 0.0 to 1.0");
        }
    }
    if f.max_writes_per_sec == Some(0) {
        bail!("--max-writes-per-sec must be at least 1");
    }
    let mut inferred = Inferred::new(f.api.sim_inferred);
    for setting in &f.inferred {
        inferred
            .set(setting, f.api.sim_inferred)
            .map_err(|e| anyhow::anyhow!(e))?;
    }
    let accepts = credentials(&f.user, &f.password);
    let api = super::connect::with_edition(f.api, f.edition.as_deref())?;
    let settings = SimSettings {
        api: api.sim(),
        tenants: tenants(&f.tenant)?,
        listen: f.listen,
        user: f.user,
        password: Secret::new(f.password.value),
        seed: f.seed,
        read: f.read,
        latency: Duration::from_millis(f.latency_ms),
        fail_rate: f.fail_rate,
        drop_rate: f.drop_rate,
        slow_rate: f.slow_rate,
        slow: Duration::from_millis(f.slow_ms),
        token_ttl: f.token_ttl,
        token_max_age: f.token_max_age,
        token_max_uses: f.token_max_uses,
        max_writes_per_sec: f.max_writes_per_sec,
        weak_passwords: f.weak_passwords,
        random_seed: f.random_seed,
        tls: f.tls,
        tls_cert: f.tls_cert,
        inferred,
        users: f.users,
    };
    Ok((settings, accepts))
}

/// The banner's line about what the simulator accepts: the user, and where the password
/// came from; the password itself only when it is the built-in one, which the help shows
/// anyway.
fn credentials(user: &str, password: &Given<String>) -> String {
    let from = match &password.origin {
        Origin::Default => format!("the built-in password {:?}", defaults::sim::PASSWORD),
        Origin::Env => format!("the password in ${}", defaults::env::PASSWORD),
        Origin::Flag | Origin::Profile(_) => "the password given with --password".to_string(),
    };
    format!("accepts user {user:?} with {from}")
}

/// `--tenant EID[=NAME]`, each checked.
fn tenants(given: &[String]) -> anyhow::Result<Vec<(String, String)>> {
    given
        .iter()
        .map(|t| {
            let (eid, name) = t.split_once('=').unwrap_or((t, t));
            if eid.len() != 4 || !eid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                bail!("--tenant {t}: an eid is 4 letters or digits");
            }
            Ok((eid.to_string(), name.to_string()))
        })
        .collect()
}
