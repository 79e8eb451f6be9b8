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
    BodyArg, ConfigShowArgs, DemoArgs, ExportArgs, ImportArgs, MigrateArgs, ModeArg, ReadArgs,
    ReportFormatArg, RunArgs, SimArgs, ValidateArgs,
};
use crate::domain::{Mode, Secret};
use crate::input::{Mapping, ReadSettings, encoding_by_name};
use crate::output::source_path;
use crate::output::summary_json::without_credentials;
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions, hints};
use crate::plan::PruneSettings;
use crate::plan::prune::parse_range;
use crate::run::throttle::Rate;
pub(crate) use crate::run::{ExportSettings, ImportSettings, MigrateSettings};
use crate::sim::Inferred;
pub(crate) use crate::sim::SimSettings;
use crate::vendors::{self, Vendor};

/// `pbxbulk validate`.
#[derive(Debug, Clone)]
pub(crate) struct ValidateSettings {
    pub(crate) file: PathBuf,
    pub(crate) api: &'static Vendor,
    pub(crate) mode: Mode,
    pub(crate) report: Option<PathBuf>,
    pub(crate) weak_passwords: bool,
    pub(crate) mapping: Option<Mapping>,
    /// Print the first N rows as the mapping makes them.
    pub(crate) show_mapped: usize,
    pub(crate) generate_passwords: bool,
    pub(crate) read: ReadSettings,
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

impl ImportSettings {
    pub(crate) fn from_args(args: ImportArgs, origins: Origins<'_>) -> anyhow::Result<Self> {
        let layers = Layers::resolve(&args.connect, Some(&args.run.pace), None, origins)?;
        let api = layers.need_api()?;
        let wire = wire(api, layers.body.value, &layers.eid.value)?;
        // A --map flag beats the profile's map file.
        let map = args
            .map
            .clone()
            .or_else(|| layers.map.as_ref().map(|m| m.value.clone()));
        let mapping = match (&map, args.from_api) {
            (Some(path), _) => Some(Mapping::load(path)?),
            (None, Some(from)) => conversion(from, api, &args.run, &wire.eid)?,
            (None, None) => None,
        };
        let connection = connect(&layers, args.connect.insecure, args.run.read_rate)?;
        let report_format = match (args.report_format, &args.run.report) {
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
        let report = match (&args.run.report, report_format) {
            (Some(report), _) => report.clone(),
            (None, ReportFormat::Csv) => default_report(&args.file),
            (None, ReportFormat::Xlsx) => default_report(&args.file).with_extension("xlsx"),
        };
        let mut settings = run_settings(
            args.file,
            api,
            connection,
            wire,
            mapping,
            &args.run,
            &layers.pace(),
            report,
        )?;
        settings.report_format = report_format;
        settings.read = read_settings(&args.read)?;
        settings.summary_json = args.summary_json;
        settings.progress_every = positive_secs(args.progress_every, "--progress-every")?;
        Ok(settings)
    }
}

/// `pbxbulk config show`: the resolved settings, printed by the command.
pub(crate) fn config_show(args: &ConfigShowArgs, origins: Origins<'_>) -> anyhow::Result<Layers> {
    Layers::resolve(&args.connect, Some(&args.pace), None, origins)
}

impl MigrateSettings {
    pub(crate) fn from_args(args: &MigrateArgs) -> anyhow::Result<Self> {
        let (from, to) = (args.from, args.to);
        // A pair that cannot work is refused before either PBX is asked anything.
        let converted = conversion(from, to, &args.run, args.to_eid.trim())?;
        let mapping = match &args.map {
            Some(path) => Some(Mapping::load(path)?),
            None => converted,
        };
        let source_wire = wire(from, args.from_body, &args.from_eid)?;
        let target_wire = wire(to, args.to_body, &args.to_eid)?;
        let source = Connection::from_args(&ConnectionArgs {
            url: &args.from_url,
            user: &args.from_user,
            password_file: args.from_password_file.as_deref(),
            password_env: "PBXBULK_FROM_PASSWORD",
            insecure: args.insecure,
            ca_cert: args.from_ca_cert.as_deref(),
            timeout: args.timeout,
            read_rate: args.run.read_rate,
            flags: "--from-",
            password: None,
        })?;
        let target = Connection::from_args(&ConnectionArgs {
            url: &args.to_url,
            user: &args.to_user,
            password_file: args.to_password_file.as_deref(),
            password_env: "PBXBULK_TO_PASSWORD",
            insecure: args.insecure,
            ca_cert: args.to_ca_cert.as_deref(),
            timeout: args.timeout,
            read_rate: args.run.read_rate,
            flags: "--to-",
            password: None,
        })?;
        let report = args
            .run
            .report
            .clone()
            .unwrap_or_else(|| PathBuf::from("pbxbulk-migrate.report.csv"));
        let pace = layers::Pace::without_profile(&args.run.pace);
        let retry = retry_policy(pace.retries)?;
        let import = run_settings(
            source_path(&report),
            to,
            target,
            target_wire,
            mapping,
            &args.run,
            &pace,
            report,
        )?;
        Ok(MigrateSettings {
            from,
            source,
            source_wire,
            retry,
            import,
        })
    }
}

/// The conversion of a sheet in `from`'s columns into `to`'s fields, or why the pair cannot be
/// done in this mode.
fn conversion(
    from: &'static Vendor,
    to: &'static Vendor,
    run: &RunArgs,
    eid: &str,
) -> anyhow::Result<Option<Mapping>> {
    let adds = matches!(run.mode, ModeArg::Add | ModeArg::Upsert | ModeArg::Sync);
    if let Some(why) = vendors::refusal(from, to, adds) {
        bail!(
            "cannot move extensions from {} to {}: {why}; nothing was sent",
            from.name(),
            to.name()
        );
    }
    Ok(vendors::conversion(from, to, eid))
}

/// The flags every import-like command shares, checked; `pace` is the rate, concurrency,
/// retries and password policy as resolved (a profile may give them to `import`).
#[allow(clippy::too_many_arguments)] // each is one resolved part of the settings
fn run_settings(
    file: PathBuf,
    api: &'static Vendor,
    connection: Connection,
    wire: WireOptions,
    mapping: Option<Mapping>,
    args: &RunArgs,
    pace: &layers::Pace,
    report: PathBuf,
) -> anyhow::Result<ImportSettings> {
    if wire.eid == "all" {
        bail!("--eid all is for export; an import writes into one tenant: give its eid");
    }
    let caps = api.api.caps;
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
    let rate = match pace.rate.trim() {
        "auto" => Rate::Auto,
        text => match text.parse::<f64>() {
            Ok(0.0) => Rate::Unlimited,
            Ok(r) if r.is_finite() && r > 0.0 => Rate::PerSec(r),
            _ => bail!("--rate must be requests per second, 0 for no limit, or auto"),
        },
    };
    let retry = retry_policy(pace.retries)?;
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
    Ok(ImportSettings {
        wire,
        connection,
        file,
        read: ReadSettings::default(),
        api,
        mapping,
        mode,
        prune,
        dry_run: args.dry_run,
        resume: args.resume,
        rate,
        concurrency: concurrency(pace.concurrency)?,
        retry,
        report,
        weak_passwords: pace.weak_passwords,
        generate_passwords: args.generate_passwords,
        heartbeat: positive_secs(args.heartbeat_secs, "--heartbeat-secs")?,
        progress_every: Duration::from_secs(30),
        summary_json: None,
        report_format: ReportFormat::Csv,
    })
}

/// The connection of `import` and `export` (`--url`, `--user`, `$PBXBULK_PASSWORD`, …), from
/// the flags, the environment and the profile.
fn connect(layers: &Layers, insecure: bool, read_rate: Option<f64>) -> anyhow::Result<Connection> {
    Connection::from_args(&ConnectionArgs {
        url: layers.need_url()?,
        user: layers.need_user()?,
        password_file: None,
        password_env: "PBXBULK_PASSWORD",
        insecure,
        ca_cert: layers.ca_cert.as_ref().map(|c| c.value.as_path()),
        timeout: layers.timeout.value,
        read_rate,
        flags: "--",
        password: Some(layers.read_password()?),
    })
}

/// One side's connection flags, whatever they are called on the command line.
struct ConnectionArgs<'a> {
    url: &'a str,
    user: &'a str,
    /// The side's password file, else its environment variable.
    password_file: Option<&'a Path>,
    password_env: &'a str,
    insecure: bool,
    ca_cert: Option<&'a Path>,
    timeout: f64,
    /// `--read-rate`, unchecked.
    read_rate: Option<f64>,
    /// How this side's flags begin (`--`, `--from-`, `--to-`), for messages.
    flags: &'a str,
    /// The password, when it was already read (a profile's); else from the file or variable.
    password: Option<Secret>,
}

impl Connection {
    fn from_args(args: &ConnectionArgs<'_>) -> anyhow::Result<Self> {
        let flags = args.flags;
        let url = reqwest::Url::parse(args.url.trim())
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some());
        let Some(url) = url else {
            let hint = hints::url_hint(args.url).map_or(String::new(), |h| format!(": {h}"));
            bail!(
                "{flags}url must be http://HOST[:PORT] or https://HOST[:PORT], not {:?}{hint}",
                without_credentials(args.url)
            );
        };
        if !url.username().is_empty() || url.password().is_some() {
            // They would show in every message that names the PBX, and in `ps`.
            bail!(
                "{flags}url may not hold a user or password (USER:PASSWORD@): give the user \
                 with {flags}user and the password in ${} or {flags}password-file",
                args.password_env
            );
        }
        if args.user.trim().is_empty() {
            bail!("{flags}user is empty");
        }
        let ca_cert = match args.ca_cert {
            Some(path) => Some(
                std::fs::read(path)
                    .with_context(|| format!("cannot read {flags}ca-cert {}", path.display()))?,
            ),
            None => None,
        };
        Ok(Connection {
            base_url: url.as_str().trim_end_matches('/').to_string(),
            user: args.user.trim().to_string(),
            password: match &args.password {
                Some(known) => known.clone(),
                None => read_password(
                    args.password_file,
                    args.password_env,
                    &format!("{flags}password-file"),
                )?,
            },
            insecure: args.insecure,
            ca_cert,
            timeout: positive_secs(args.timeout, "--timeout")?,
            read_rate: read_rate(args.read_rate)?,
        })
    }
}

/// `--read-rate`: reads per second, or 0 (and by default) no limit.
fn read_rate(rate: Option<f64>) -> anyhow::Result<Option<f64>> {
    match rate {
        None | Some(0.0) => Ok(None),
        Some(r) if r.is_finite() && r > 0.0 => Ok(Some(r)),
        Some(_) => bail!("--read-rate must be reads per second, or 0 for no limit"),
    }
}

/// `--concurrency`: requests in flight at most, reads and writes alike.
fn concurrency(n: usize) -> anyhow::Result<usize> {
    if !(1..=1024).contains(&n) {
        bail!("--concurrency must be from 1 to 1024");
    }
    Ok(n)
}

/// A password from its file flag or its environment variable; never from the command line,
/// where `ps` would show it.
fn read_password(file: Option<&Path>, env: &str, flag: &str) -> anyhow::Result<Secret> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {flag} {}", path.display()))?;
        // An editor's byte-order mark is no part of the password.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let line = text.lines().next().unwrap_or("").to_string();
        if line.is_empty() {
            bail!("{flag} {} is empty", path.display());
        }
        if profile::world_readable(path) {
            eprintln!(
                "pbxbulk: warning: every user of this machine can read the password file \
                 {0}; chmod 600 {0}",
                path.display()
            );
        }
        return Ok(Secret::new(line));
    }
    match std::env::var(env) {
        Ok(p) if !p.is_empty() => Ok(Secret::new(p)),
        _ => bail!("no password: set ${env} or give {flag} FILE"),
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
        let api = args.api;
        if args.mode == ModeArg::Add && !api.api.caps.add {
            bail!(
                "{} cannot add extensions; validate with --mode update or upsert",
                api.name()
            );
        }
        Ok(ValidateSettings {
            read: read_settings(&args.read)?,
            file: args.file,
            api,
            mode: args.mode.into(),
            report: args.report,
            weak_passwords: args.weak_passwords,
            mapping: args.map.as_deref().map(Mapping::load).transpose()?,
            show_mapped: args.show_mapped,
            generate_passwords: args.generate_passwords,
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
        let mut inferred = Inferred::new(args.api.sim_inferred);
        for setting in &args.inferred {
            inferred
                .set(setting, args.api.sim_inferred)
                .map_err(|e| anyhow::anyhow!(e))?;
        }
        let tenants = args
            .tenant
            .iter()
            .map(|t| {
                let (eid, name) = t.split_once('=').unwrap_or((t, t));
                if eid.len() != 4 || !eid.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    bail!("--tenant {t}: an eid is 4 letters or digits");
                }
                Ok((eid.to_string(), name.to_string()))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(SimSettings {
            read: read_settings(&args.read)?,
            api: args.api.sim(),
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
            inferred,
            tenants,
            users: args.users,
        })
    }
}

impl ExportSettings {
    pub(crate) fn from_args(args: ExportArgs, origins: Origins<'_>) -> anyhow::Result<Self> {
        let layers = Layers::resolve(&args.connect, None, args.retries, origins)?;
        let api = layers.need_api()?;
        Ok(ExportSettings {
            api,
            wire: wire(api, layers.body.value, &layers.eid.value)?,
            retry: retry_policy(layers.retries.value)?,
            connection: connect(&layers, args.connect.insecure, args.read_rate)?,
            output: args.output,
            concurrency: concurrency(args.concurrency)?,
        })
    }
}

/// The wire choices; `--body xml` is for APIs that take XML bodies (OpenVox).
fn wire(api: &Vendor, body: BodyArg, eid: &str) -> anyhow::Result<WireOptions> {
    let xml = match body {
        BodyArg::Json => false,
        BodyArg::Xml if api.api.caps.xml => true,
        BodyArg::Xml => bail!(
            "--body xml is for --api {}; {} does not take it",
            vendors::VENDORS
                .iter()
                .filter(|v| v.api.caps.xml)
                .map(|v| v.name())
                .collect::<Vec<_>>()
                .join(" or --api "),
            api.name()
        ),
    };
    Ok(WireOptions {
        xml,
        eid: eid.trim().to_string(),
    })
}

/// `--encoding`, `--sheet`, `--plus-prefix`, checked before any file is opened.
fn read_settings(args: &ReadArgs) -> anyhow::Result<ReadSettings> {
    let encoding = match &args.encoding {
        Some(name) => Some(encoding_by_name(name).map_err(|e| anyhow::anyhow!("--encoding: {e}"))?),
        None => None,
    };
    let plus_prefix = match args.plus_prefix.as_deref().map(str::trim) {
        Some(p) if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) => {
            bail!("--plus-prefix must be 1 to 4 digits (the international access code, e.g. 00)")
        }
        other => other.map(str::to_string),
    };
    let sheet = args.sheet.as_deref().map(str::trim).map(str::to_string);
    if sheet.as_deref() == Some("") {
        bail!("--sheet needs a sheet name");
    }
    Ok(ReadSettings {
        encoding,
        sheet,
        plus_prefix,
    })
}
