//! `pbxbulk sim`: its flags (no profile: each comes from the command line or its default).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::api::ApiParser;
use super::origins::Origins;
use super::shared::ReadArgs;
use crate::settings::defaults::{self, env};
use crate::settings::{Given, Origin, SimFlags, values};
use crate::sim::{Knobs, inferred};
use crate::vendors::{VENDORS, Vendor};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    pbxbulk sim --api yeastar-v2 --listen 127.0.0.1:8088\n  \
    pbxbulk sim --api yeastar-v2 --seed existing.csv --latency-ms 20 --fail-rate 0.05\n  \
    pbxbulk sim --api verba --tls --tls-cert sim.pem")]
pub(crate) struct SimArgs {
    /// The API to simulate.
    #[arg(long, env = env::API, value_parser = ApiParser)]
    pub(crate) api: Option<&'static Vendor>,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = defaults::sim::LISTEN)]
    pub(crate) listen: String,
    /// The API user name the simulator accepts.
    #[arg(long, default_value = defaults::sim::USER)]
    pub(crate) user: String,
    /// The API password the simulator accepts.
    #[arg(
        long,
        env = env::PASSWORD,
        hide_env_values = true,
        default_value = defaults::sim::PASSWORD
    )]
    pub(crate) password: String,
    /// Start with the extensions of this spreadsheet (any format import reads).
    #[arg(long, value_name = "FILE")]
    pub(crate) seed: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) read: ReadArgs,
    /// Delay every answer by this many milliseconds.
    #[arg(long, default_value = defaults::sim::LATENCY_MS)]
    pub(crate) latency_ms: u64,
    /// Answer this share of requests (0.0-1.0) with a random transient error.
    #[arg(long, default_value = defaults::sim::FAIL_RATE)]
    pub(crate) fail_rate: f64,
    /// Drop this share of connections (0.0-1.0) after the PBX acted, with no answer.
    #[arg(long, default_value = defaults::sim::DROP_RATE)]
    pub(crate) drop_rate: f64,
    /// Answer this share of requests (0.0-1.0) only after --slow-ms.
    #[arg(long, default_value = defaults::sim::SLOW_RATE)]
    pub(crate) slow_rate: f64,
    /// How late a slow answer comes, in milliseconds.
    #[arg(long, default_value = defaults::sim::SLOW_MS)]
    pub(crate) slow_ms: u64,
    /// Idle seconds after which a token expires (traffic extends it).
    #[arg(long, value_name = "SECS", default_value = defaults::sim::TOKEN_TTL_SECS, value_parser = values::secs)]
    pub(crate) token_ttl_secs: Duration,
    /// Expire every token this many seconds after login, traffic or not (fault knob).
    #[arg(long, value_name = "SECS", value_parser = values::secs)]
    pub(crate) token_max_age_secs: Option<Duration>,
    /// Expire every token after this many requests (a deterministic expiry, for tests).
    #[arg(long, value_name = "N")]
    pub(crate) token_max_uses: Option<u64>,
    /// Writes per second above which the PBX answers that it is being written too often.
    #[arg(long)]
    pub(crate) max_writes_per_sec: Option<u32>,
    /// Enforce the weak password policy instead of the strong one.
    #[arg(long)]
    pub(crate) weak_passwords: bool,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,

    /// Seed for the fault injector, for reproducible runs.
    #[arg(long)]
    pub(crate) random_seed: Option<u64>,
    /// Serve HTTPS with a self-signed certificate made at start (its PEM path is printed).
    #[arg(long)]
    pub(crate) tls: bool,
    /// With --tls: write the certificate's PEM here.
    #[arg(long, value_name = "PEM", requires = "tls")]
    pub(crate) tls_cert: Option<PathBuf>,
    #[arg(long, value_name = "KEY=VALUE", help = inferred_help())]
    pub(crate) inferred: Vec<String>,
    /// Verba: a further tenant, `EID` or `EID=SHORTNAME` (repeatable); `0000` (`Ref.`) and the
    /// seed's tenants always exist.
    #[arg(long, value_name = "EID[=NAME]")]
    pub(crate) tenant: Vec<String>,
    /// Verba: users the service knows, a CSV with the columns `id,loginname,eid`; the seed's
    /// `userid` and `userloginname` cells name users too.
    #[arg(long, value_name = "FILE")]
    pub(crate) users: Option<PathBuf>,
}

/// `--inferred`'s help: the keys of every simulator in the registry, and the shared ones.
fn inferred_help() -> String {
    let mut keys = vec![format!("{} (every API)", inferred::keys(&[]))];
    for vendor in VENDORS.iter().filter(|v| !v.sim_inferred.is_empty()) {
        let own: Vec<String> = (vendor.sim_inferred.iter())
            .map(|c| format!("{}={}", c.key, c.shown))
            .collect();
        keys.push(format!("{} (--api {})", own.join(", "), vendor.name()));
    }
    format!(
        "Where the vendor documents are silent, take the other plausible behaviour \
         (repeatable): {}",
        keys.join("; ")
    )
}

impl SimArgs {
    /// What was given; `None` without an API (it has no default).
    pub(crate) fn flags(self, at: Origins<'_>) -> Option<SimFlags> {
        let password = at.of("password", Some(self.password.clone()));
        let password = password.unwrap_or(Given::new(self.password, Origin::Default));
        Some(SimFlags {
            read: crate::settings::read_settings(&self.read.options(at), self.api?),
            api: self.api?,
            edition: self.edition,
            password,
            inferred: self.inferred,
            tenant: self.tenant,
            knobs: Knobs {
                listen: self.listen,
                user: self.user,
                seed: self.seed,
                latency: Duration::from_millis(self.latency_ms),
                fail_rate: self.fail_rate,
                drop_rate: self.drop_rate,
                slow_rate: self.slow_rate,
                slow: Duration::from_millis(self.slow_ms),
                token_ttl: self.token_ttl_secs,
                token_max_age: self.token_max_age_secs,
                token_max_uses: self.token_max_uses,
                max_writes_per_sec: self.max_writes_per_sec,
                weak_passwords: self.weak_passwords,
                random_seed: self.random_seed,
                tls: self.tls,
                tls_cert: self.tls_cert,
                users: self.users,
            },
        })
    }
}
