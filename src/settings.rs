//! Validated settings: the command line turned into values the rest of the program can trust.
//!
//! Everything a user can get wrong on the command line is caught here, before any file is
//! read or any request sent, and reported in one line (exit code 2). Every command's settings
//! are built here; the layers that use them own their types (`pbx::Connection`,
//! `plan::PruneSettings`, `run::ImportSettings`, `sim::SimSettings`), so nothing below this
//! module depends on the command line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};

mod layers;
mod profile;

pub(crate) use layers::{Layers, Origins};

use crate::cli::{
    ApiArg, BodyArg, ConfigShowArgs, DemoArgs, ExportArgs, ImportArgs, ModeArg, ReportFormatArg,
    SimArgs, ValidateArgs,
};
use crate::domain::{ApiKind, Mode, Secret};
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions, hints};
use crate::plan::PruneSettings;
use crate::plan::prune::parse_range;
use crate::run::throttle::Rate;
pub(crate) use crate::run::{ExportSettings, ImportSettings};
pub(crate) use crate::sim::SimSettings;

/// `pbxbulk validate`.
#[derive(Debug, Clone)]
pub(crate) struct ValidateSettings {
    pub(crate) file: PathBuf,
    pub(crate) api: ApiKind,
    pub(crate) mode: Mode,
    pub(crate) report: Option<PathBuf>,
    pub(crate) weak_passwords: bool,
}

/// `pbxbulk demo`.
#[derive(Debug, Clone)]
pub(crate) struct DemoSettings {
    pub(crate) report: PathBuf,
}

impl DemoSettings {
    pub(crate) fn from_args(args: DemoArgs) -> DemoSettings {
        DemoSettings {
            report: args.report,
        }
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

impl ImportSettings {
    pub(crate) fn from_args(args: ImportArgs, origins: Origins<'_>) -> anyhow::Result<Self> {
        let layers = Layers::resolve(&args.connect, Some(&args.run), None, origins)?;
        let api = ApiKind::from(layers.need_api()?);
        if let Some(map) = &layers.map {
            // Read by `config show` already; silently ignoring it here would import unmapped.
            bail!(
                "the profile names a map file ({}), but this version of pbxbulk cannot map \
                 columns yet; remove map from the profile",
                map.value.display()
            );
        }
        let caps = api.capabilities();
        let mode = match (args.mode, args.prune) {
            (mode, true) if mode != ModeArg::Sync => bail!("--prune goes with --mode sync"),
            (_, true) if !caps.delete => bail!(
                "{} cannot delete extensions (its API has no extension/delete), so --prune \
                 cannot be done; nothing was sent",
                api.name()
            ),
            (ModeArg::Add, _) if !caps.add => bail!(
                "{} cannot add extensions (its API has no extension/add); use --mode update or upsert",
                api.name()
            ),
            (mode, _) => Mode::from(mode),
        };
        let rate = match layers.rate.value.trim() {
            "auto" => Rate::Auto,
            text => match text.parse::<f64>() {
                Ok(0.0) => Rate::Unlimited,
                Ok(r) if r.is_finite() && r > 0.0 => Rate::PerSec(r),
                _ => bail!("--rate must be requests per second, 0 for no limit, or auto"),
            },
        };
        let concurrency = layers.concurrency.value;
        if !(1..=1024).contains(&concurrency) {
            bail!("--concurrency must be from 1 to 1024");
        }
        let retry = retry_policy(layers.retries.value)?;
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
        let report_format = match (args.report_format, &args.report) {
            (Some(ReportFormatArg::Xlsx), _) => ReportFormat::Xlsx,
            (Some(ReportFormatArg::Csv), _) => ReportFormat::Csv,
            (None, Some(path))
                if path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
            {
                ReportFormat::Xlsx
            }
            (None, _) => ReportFormat::Csv,
        };
        let report = args.report.unwrap_or_else(|| match report_format {
            ReportFormat::Csv => default_report(&args.file),
            ReportFormat::Xlsx => default_report(&args.file).with_extension("xlsx"),
        });
        Ok(ImportSettings {
            wire: wire(api, &layers)?,
            connection: Connection::from_layers(&layers, args.connect.insecure)?,
            file: args.file,
            api,
            mode,
            prune,
            dry_run: args.dry_run,
            resume: args.resume,
            rate,
            concurrency,
            retry,
            report,
            weak_passwords: layers.weak_passwords.value,
            heartbeat: positive_secs(args.heartbeat_secs, "--heartbeat-secs")?,
            progress_every: positive_secs(args.progress_every, "--progress-every")?,
            report_format,
            summary_json: args.summary_json,
        })
    }
}

/// `pbxbulk config show`: the resolved settings, printed by the command.
pub(crate) fn config_show(args: &ConfigShowArgs, origins: Origins<'_>) -> anyhow::Result<Layers> {
    Layers::resolve(&args.connect, Some(&args.run), None, origins)
}

impl Connection {
    fn from_layers(layers: &Layers, insecure: bool) -> anyhow::Result<Self> {
        let text = layers.need_url()?;
        let url = reqwest::Url::parse(text.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some());
        let Some(url) = url else {
            let hint = hints::url_hint(text).map_or(String::new(), |h| format!(": {h}"));
            bail!("--url must be http://HOST[:PORT] or https://HOST[:PORT], not {text:?}{hint}");
        };
        let user = layers.need_user()?.to_string();
        let password = layers.read_password()?;
        let ca_cert = match &layers.ca_cert {
            Some(path) => Some(
                std::fs::read(&path.value)
                    .with_context(|| format!("cannot read --ca-cert {}", path.value.display()))?,
            ),
            None => None,
        };
        Ok(Connection {
            base_url: url.as_str().trim_end_matches('/').to_string(),
            user,
            password,
            insecure,
            ca_cert,
            timeout: positive_secs(layers.timeout.value, "--timeout")?,
        })
    }
}

fn positive_secs(secs: f64, flag: &str) -> anyhow::Result<Duration> {
    if secs.is_finite() && secs > 0.0 && secs < 1e9 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        bail!("{flag} must be a positive number of seconds")
    }
}

fn retry_policy(retries: u32) -> anyhow::Result<RetryPolicy> {
    if retries > 100 {
        bail!("--retries must be at most 100");
    }
    Ok(RetryPolicy::new(retries))
}

/// `dir/extensions.csv` → `dir/extensions.report.csv`.
fn default_report(input: &Path) -> PathBuf {
    if input == Path::new("-") {
        return PathBuf::from("pbxbulk-report.csv");
    }
    let stem = input.file_stem().unwrap_or_default().to_string_lossy();
    input.with_file_name(format!("{stem}.report.csv"))
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
    pub(crate) fn from_args(args: ValidateArgs) -> anyhow::Result<Self> {
        let api = ApiKind::from(args.api);
        if args.mode == ModeArg::Add && !api.capabilities().add {
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
    pub(crate) fn from_args(args: SimArgs) -> anyhow::Result<Self> {
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
    pub(crate) fn from_args(args: ExportArgs, origins: Origins<'_>) -> anyhow::Result<Self> {
        let layers = Layers::resolve(&args.connect, None, args.retries, origins)?;
        let api = ApiKind::from(layers.need_api()?);
        Ok(ExportSettings {
            api,
            wire: wire(api, &layers)?,
            retry: retry_policy(layers.retries.value)?,
            connection: Connection::from_layers(&layers, args.connect.insecure)?,
            output: args.output,
        })
    }
}

/// The wire choices; `--body xml` is for APIs that take XML bodies (OpenVox).
fn wire(api: ApiKind, layers: &Layers) -> anyhow::Result<WireOptions> {
    let xml = match layers.body.value {
        BodyArg::Json => false,
        BodyArg::Xml if api.capabilities().xml => true,
        BodyArg::Xml => bail!(
            "--body xml is for --api openvox; {} does not take it",
            api.name()
        ),
    };
    Ok(WireOptions {
        xml,
        eid: layers.eid.value.trim().to_string(),
    })
}
