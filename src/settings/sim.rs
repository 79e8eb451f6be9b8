//! `pbxbulk sim`: the simulator's knobs, checked. The simulator takes no profile, so its
//! flags come straight from the command line (their defaults in `defaults::sim`).

use anyhow::bail;

use super::defaults;
use super::options::{Given, Origin};
use crate::domain::Secret;
use crate::input::ReadSettings;
use crate::sim::{Inferred, Knobs, SimSettings};
use crate::vendors::Vendor;

/// What the command line said to `pbxbulk sim`: the values that take judgement, and the
/// knobs taken as given (checked here for range only).
#[derive(Debug)]
pub(crate) struct SimFlags {
    pub(crate) api: &'static Vendor,
    /// The product edition whose rules apply, for an API whose editions differ.
    pub(crate) edition: Option<String>,
    /// The password it accepts, and whether a flag, the environment or the default gave it.
    pub(crate) password: Given<String>,
    pub(crate) read: ReadSettings,
    pub(crate) inferred: Vec<String>,
    pub(crate) tenant: Vec<String>,
    pub(crate) knobs: Knobs,
}

/// The simulator's settings, and the line saying what it accepts (the user, and where the
/// password came from).
pub(crate) fn sim(f: SimFlags) -> anyhow::Result<(SimSettings, String)> {
    let knobs = &f.knobs;
    for (rate, flag) in [
        (knobs.fail_rate, "--fail-rate"),
        (knobs.drop_rate, "--drop-rate"),
        (knobs.slow_rate, "--slow-rate"),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            bail!("{flag} must be from 0.0 to 1.0");
        }
    }
    if knobs.max_writes_per_sec == Some(0) {
        bail!("--max-writes-per-sec must be at least 1");
    }
    let mut inferred = Inferred::new(f.api.sim_inferred);
    for setting in &f.inferred {
        inferred
            .set(setting, f.api.sim_inferred)
            .map_err(|e| anyhow::anyhow!(e))?;
    }
    let accepts = credentials(&knobs.user, &f.password);
    let api = super::connect::with_edition(f.api, f.edition.as_deref())?;
    let settings = SimSettings {
        api: api.sim(),
        tenants: tenants(&f.tenant)?,
        password: Secret::new(f.password.value),
        // A seed in one of the vendor's own layouts is read in it unasked.
        read: ReadSettings {
            layouts: api.layouts,
            ..f.read
        },
        inferred,
        knobs: f.knobs,
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
