//! Validated settings: the command line turned into values the rest of the program can trust.
//!
//! Everything a user can get wrong on the command line is caught here, before any file is
//! read or any request sent, and reported in one line (exit code 2).

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::api::{ApiKind, Wire};
use crate::cli::{
    ApiArg, BodyArg, ConnectArgs, ExportArgs, ImportArgs, ModeArg, SimArgs, ValidateArgs,
};
use crate::export::ExportSettings;
use crate::pace::Rate;
use crate::prune::{PruneSettings, parse_range};
use crate::sim::SimSettings;
use crate::validate::ValidateSettings;

/// A password or token: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

impl From<ApiArg> for ApiKind {
    fn from(arg: ApiArg) -> Self {
        match arg {
            ApiArg::YeastarV2 => ApiKind::YeastarV2,
            ApiArg::YeastarV1 => ApiKind::YeastarV1,
            ApiArg::Openvox => ApiKind::Openvox,
            ApiArg::Verba => ApiKind::Verba,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Add,
    Update,
    Upsert,
    /// Upsert, and with `prune` delete what the file does not list.
    Sync,
}

/// How to reach and log in to the PBX.
#[derive(Debug, Clone)]
pub struct Connection {
    /// Scheme, host and port, without a trailing slash.
    pub base_url: String,
    pub user: String,
    pub password: Secret,
    pub insecure: bool,
    /// PEM bytes of an extra trusted certificate.
    pub ca_cert: Option<Vec<u8>>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct ImportSettings {
    pub file: PathBuf,
    pub api: ApiKind,
    pub connection: Connection,
    pub mode: Mode,
    pub wire: Wire,
    /// Deletes, with `--mode sync --prune`.
    pub prune: Option<PruneSettings>,
    pub dry_run: bool,
    /// Finish an interrupted run from its journal.
    pub resume: bool,
    /// Requests per second; `None` for no limit.
    pub rate: Rate,
    pub concurrency: usize,
    pub retries: u32,
    pub report: PathBuf,
    pub weak_passwords: bool,
    pub heartbeat: Duration,
}

impl ImportSettings {
    pub fn from_args(args: ImportArgs) -> anyhow::Result<Self> {
        let api = ApiKind::from(args.api);
        let mode = match (args.mode, args.prune) {
            (mode, true) if mode != ModeArg::Sync => bail!("--prune goes with --mode sync"),
            (_, true) if !api.can_delete() => bail!(
                "{} cannot delete extensions (its API has no extension/delete), so --prune \
                 cannot be done; nothing was sent",
                api.name()
            ),
            (ModeArg::Add, _) if !api.can_add() => bail!(
                "{} cannot add extensions (its API has no extension/add); use --mode update or upsert",
                api.name()
            ),
            (mode, _) => Mode::from(mode),
        };
        let rate = match args.rate.trim() {
            "auto" => Rate::Auto,
            text => match text.parse::<f64>() {
                Ok(0.0) => Rate::Unlimited,
                Ok(r) if r.is_finite() && r > 0.0 => Rate::PerSec(r),
                _ => bail!("--rate must be requests per second, 0 for no limit, or auto"),
            },
        };
        if !(1..=1024).contains(&args.concurrency) {
            bail!("--concurrency must be from 1 to 1024");
        }
        if args.retries > 100 {
            bail!("--retries must be at most 100");
        }
        let prune = match args.prune {
            false => None,
            true => Some(PruneSettings {
                ranges: args
                    .prune_range
                    .iter()
                    .map(|r| parse_range(r).map_err(|e| anyhow::anyhow!("--prune-range {r}: {e}")))
                    .collect::<anyhow::Result<_>>()?,
                max_delete: args.max_delete,
            }),
        };
        let report = args.report.unwrap_or_else(|| default_report(&args.file));
        Ok(ImportSettings {
            wire: wire(api, &args.connect)?,
            connection: Connection::from_args(args.connect)?,
            file: args.file,
            api,
            mode,
            prune,
            dry_run: args.dry_run,
            resume: args.resume,
            rate,
            concurrency: args.concurrency,
            retries: args.retries,
            report,
            weak_passwords: args.weak_passwords,
            heartbeat: positive_secs(args.heartbeat_secs, "--heartbeat-secs")?,
        })
    }
}

impl Connection {
    pub fn from_args(args: ConnectArgs) -> anyhow::Result<Self> {
        let url = reqwest::Url::parse(args.url.trim())
            .with_context(|| format!("--url {:?} is not a URL", args.url))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            bail!(
                "--url must be http://HOST[:PORT] or https://HOST[:PORT], not {:?}",
                args.url
            );
        }
        if args.user.trim().is_empty() {
            bail!("--user (or $PBXBULK_USER) is empty");
        }
        let password = read_password(args.password_file.as_deref())?;
        let ca_cert = match &args.ca_cert {
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("cannot read --ca-cert {}", path.display()))?,
            ),
            None => None,
        };
        Ok(Connection {
            base_url: url.as_str().trim_end_matches('/').to_string(),
            user: args.user.trim().to_string(),
            password,
            insecure: args.insecure,
            ca_cert,
            timeout: positive_secs(args.timeout, "--timeout")?,
        })
    }
}

/// The password from `--password-file` or `$PBXBULK_PASSWORD`; never from the command line,
/// where `ps` would show it.
fn read_password(file: Option<&Path>) -> anyhow::Result<Secret> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read --password-file {}", path.display()))?;
        let line = text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            bail!("--password-file {} is empty", path.display());
        }
        return Ok(Secret::new(line));
    }
    match std::env::var("PBXBULK_PASSWORD") {
        Ok(p) if !p.is_empty() => Ok(Secret::new(p)),
        _ => bail!("no password: set $PBXBULK_PASSWORD or give --password-file FILE"),
    }
}

fn positive_secs(secs: f64, flag: &str) -> anyhow::Result<Duration> {
    if secs.is_finite() && secs > 0.0 && secs < 1e9 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        bail!("{flag} must be a positive number of seconds")
    }
}

/// `dir/extensions.csv` → `dir/extensions.report.csv`.
pub fn default_report(input: &Path) -> PathBuf {
    if input == Path::new("-") {
        return PathBuf::from("pbxbulk-report.csv");
    }
    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
    input.with_file_name(format!("{stem}.report.csv"))
}

/// `dir/report.csv` → `dir/report.rejects.csv`: the failed and invalid rows, re-importable.
pub fn rejects_path(report: &Path) -> PathBuf {
    let stem = report.file_stem().unwrap_or_default().to_string_lossy();
    report.with_file_name(format!("{stem}.rejects.csv"))
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Add => Mode::Add,
            ModeArg::Update => Mode::Update,
            ModeArg::Upsert => Mode::Upsert,
            ModeArg::Sync => Mode::Sync,
        }
    }
}

impl ValidateSettings {
    pub fn from_args(args: ValidateArgs) -> anyhow::Result<Self> {
        let api = ApiKind::from(args.api);
        if args.mode == ModeArg::Add && !api.can_add() {
            bail!(
                "{} cannot add extensions; validate with --mode update or upsert",
                api.name()
            );
        }
        Ok(ValidateSettings {
            file: args.file,
            api,
            mode: args.mode.into(),
            report: args.report,
            weak_passwords: args.weak_passwords,
        })
    }
}

impl SimSettings {
    pub fn from_args(args: SimArgs) -> anyhow::Result<Self> {
        for (rate, flag) in [
            (args.fail_rate, "--fail-rate"),
            (args.drop_rate, "--drop-rate"),
            (args.slow_rate, "--slow-rate"),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                bail!("{flag} must be from 0.0 to 1.0");
            }
        }
        if args.max_writes_per_sec == Some(0) {
            bail!("--max-writes-per-sec must be at least 1");
        }
        Ok(SimSettings {
            api: args.api.into(),
            listen: args.listen,
            user: args.user,
            password: Secret::new(args.password),
            seed: args.seed,
            latency: Duration::from_millis(args.latency_ms),
            fail_rate: args.fail_rate,
            drop_rate: args.drop_rate,
            slow_rate: args.slow_rate,
            slow: Duration::from_millis(args.slow_ms),
            token_ttl: positive_secs(args.token_ttl_secs, "--token-ttl-secs")?,
            token_max_age: args
                .token_max_age_secs
                .map(|s| positive_secs(s, "--token-max-age-secs"))
                .transpose()?,
            token_max_uses: args.token_max_uses,
            max_writes_per_sec: args.max_writes_per_sec,
            weak_passwords: args.weak_passwords,
            random_seed: args.random_seed,
            tls: args.tls,
            tls_cert: args.tls_cert,
        })
    }
}

impl ExportSettings {
    pub fn from_args(args: ExportArgs) -> anyhow::Result<Self> {
        if args.retries > 100 {
            bail!("--retries must be at most 100");
        }
        Ok(ExportSettings {
            api: args.api.into(),
            wire: wire(args.api.into(), &args.connect)?,
            connection: Connection::from_args(args.connect)?,
            output: args.output,
            retries: args.retries,
        })
    }
}

/// The wire choices; `--body xml` is for APIs that take XML bodies (OpenVox).
fn wire(api: ApiKind, connect: &ConnectArgs) -> anyhow::Result<Wire> {
    let xml = match connect.body {
        BodyArg::Json => false,
        BodyArg::Xml if api.takes_xml() => true,
        BodyArg::Xml => bail!(
            "--body xml is for --api openvox; {} does not take it",
            api.name()
        ),
    };
    Ok(Wire {
        xml,
        eid: connect.eid.trim().to_string(),
    })
}
