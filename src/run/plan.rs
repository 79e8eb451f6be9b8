//! `pbxbulk plan`: an import that stops before the first write and writes down what it
//! would send. It reads the PBX and decides every row as `import` does (the same settings,
//! planner and order, `review`), and puts the decisions, the fingerprints of the extensions
//! the writes touch, the input's SHA-256 and the settings into a plan file
//! (`output::plan_file`) for a person to read (`show`) and `apply` to carry out.
//!
//! A plan is refused where the import would be before its first write: a prune over
//! `--max-delete` (reason `safeguard`), a login refused, a PBX that cannot be read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::import::{Columns, ImportSettings, Prepared, prepare, read_directory};
use super::login::login_failed;
use super::review::{Reviewed, review};
use super::throttle::Rate;
use crate::input::{Fingerprint, Sheet, Source};
use crate::output::check_distinct;
use crate::output::plan_file::seal::{Keys, SignKey};
use crate::output::plan_file::{
    FORMAT, Plan, PlanColumns, PlanFile, PlanInput, PlanPrune, PlanSettings, PlanTarget, VERSION,
};
use crate::output::progress::timestamp;
use crate::output::summary_json::without_credentials;
use crate::output::workbook::ReportFormat;
use crate::pbx::Client;

/// How secrets stand in a plan, said in the plan itself.
const SECRETS: &str = "a secret's new value is HMAC-SHA256 keyed by a key derived from the \
     input's bytes (never the value): apply takes the value from the input again, and \
     refuses an input whose SHA-256 differs; `generated` is made at apply";

/// Where the plan goes, and the key to sign it with (`--out`, `--sign-key`).
#[derive(Debug, Clone)]
pub(crate) struct PlanTo {
    pub(crate) out: PathBuf,
    pub(crate) sign_key: Option<SignKey>,
}

/// Decides every row of `settings`' file against the PBX and writes the plan; returns its
/// counts by what the rows come to. `on_start` is called once logged in.
pub(crate) async fn run_plan(
    settings: &ImportSettings,
    to: &PlanTo,
    on_start: impl FnOnce(),
) -> anyhow::Result<BTreeMap<String, u64>> {
    let input = (settings.file != Path::new("-")).then_some(settings.file.as_path());
    check_distinct(input, &[("--out", to.out.as_path())]).map_err(anyhow::Error::msg)?;
    let (table, mapping) = (settings.api.table, settings.mapping.as_ref());
    let source = Source::open(&settings.file, &settings.read)?;
    let sheet = Sheet::open(&source, table, mapping)?;
    for notice in sheet.notices() {
        eprintln!("pbxbulk: {notice}");
    }
    let fingerprint = sheet.fingerprint()?;
    let keys =
        Keys::of_input(source.bytes()).with_context(|| format!("cannot read {}", source.name()))?;
    let client = Arc::new(
        Client::new(
            (settings.api.codec)(&settings.wire),
            table,
            settings.connection.clone(),
        )?
        .login_retries(settings.retry)
        .saying(|line| eprintln!("pbxbulk: {line}")),
    );
    client
        .login()
        .await
        .map_err(|e| login_failed(client.protocol(), &settings.connection, settings.retry, &e))?;
    on_start();
    let decided = async {
        let directory = Arc::new(read_directory(settings, &client, &sheet).await?);
        let current = settings.mode.reads_the_pbx().then(|| directory.clone());
        let Prepared { planner, prune, .. } = prepare(settings, &source, &sheet, current)?;
        let sheet = Sheet::open(&source, table, mapping)?;
        Ok::<_, anyhow::Error>(review(sheet, planner, prune, &directory, &keys)?)
    }
    .await;
    client.logout().await;
    let reviewed = decided?;
    let counts = reviewed.counts.clone();
    let plan = plan_of(settings, fingerprint, reviewed)?;
    let file = PlanFile {
        integrity: keys.integrity(&plan),
        signature: to.sign_key.as_ref().map(|key| key.sign(&plan)),
        plan,
    };
    file.write(&to.out)
        .with_context(|| format!("cannot write the plan {}", to.out.display()))?;
    Ok(counts)
}

/// The plan of `settings`' run, whose input had `fingerprint`, decided as `reviewed`.
fn plan_of(
    settings: &ImportSettings,
    fingerprint: Fingerprint,
    reviewed: Reviewed,
) -> anyhow::Result<Plan> {
    Ok(Plan {
        format: FORMAT.to_string(),
        version: VERSION,
        created_at: timestamp(std::time::SystemTime::now()),
        created_by: format!("pbxbulk {}", env!("CARGO_PKG_VERSION")),
        input: PlanInput {
            path: absolute(&settings.file),
            sha256: fingerprint.sha256,
            bytes: fingerprint.size,
        },
        target: PlanTarget {
            api: settings.api.name().to_string(),
            edition: settings.api.edition.map(str::to_string),
            url: without_credentials(&settings.connection.base_url),
            user: settings.connection.user.clone(),
        },
        settings: plan_settings(settings)?,
        secrets: SECRETS.to_string(),
        counts: reviewed.counts,
        rows: reviewed.rows,
    })
}

/// The settings that shaped the decisions, and how `apply` is to send, as the plan says them.
fn plan_settings(settings: &ImportSettings) -> anyhow::Result<PlanSettings> {
    let connection = &settings.connection;
    let columns = match &settings.columns {
        Some(Columns::Map(path)) => Some(PlanColumns::Map {
            path: absolute(path),
            sha256: hex::encode(Sha256::digest(
                std::fs::read(path)
                    .with_context(|| format!("cannot read --map {}", path.display()))?,
            )),
        }),
        Some(Columns::FromApi(api)) => Some(PlanColumns::FromApi {
            api: api.name().to_string(),
        }),
        None => None,
    };
    Ok(PlanSettings {
        mode: settings.mode.name().to_string(),
        prune: settings.prune.as_ref().map(|prune| PlanPrune {
            ranges: prune
                .ranges
                .iter()
                .map(|(from, to)| format!("{from}-{to}"))
                .collect(),
            max_delete: prune.max_delete.map(|m| m.to_string()),
        }),
        columns,
        encoding: settings.read.encoding.map(|e| e.name().to_string()),
        sheet: settings.read.sheet.clone(),
        plus_prefix: settings.read.plus_prefix.clone(),
        body: if settings.wire.xml { "xml" } else { "json" }.to_string(),
        eid: settings.wire.eid.clone(),
        welcome_email: settings.wire.welcome_email,
        generate_passwords: settings.generate_passwords,
        update_secrets: settings.update_secrets,
        weak_passwords: settings.weak_passwords,
        strict: settings.strict,
        rate: match settings.rate {
            Rate::PerSec(rate) => rate.to_string(),
            Rate::Unlimited => "0".to_string(),
            Rate::Auto => "auto".to_string(),
        },
        read_rate: connection.read_rate.map(|r| r.to_string()),
        concurrency: settings.concurrency,
        retries: settings.retry.retries,
        timeout_ms: millis(connection.timeout),
        heartbeat_ms: millis(settings.heartbeat),
        insecure: connection.insecure,
        ca_cert: connection
            .ca_cert
            .as_deref()
            .map(|pem| String::from_utf8_lossy(pem).into_owned()),
        report: absolute(&settings.report),
        report_format: match settings.report_format {
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
        }
        .to_string(),
    })
}

/// A path as `apply` can open it from anywhere (standard input stays `-`).
fn absolute(path: &Path) -> String {
    match path == Path::new("-") {
        true => "-".to_string(),
        false => std::path::absolute(path)
            .unwrap_or_else(|_| path.to_owned())
            .display()
            .to_string(),
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
