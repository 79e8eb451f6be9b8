//! The import a plan was made with, rebuilt from what the plan says (the inverse of
//! `run::plan`'s `plan_settings`): the API and edition, the mode and prune, the mapping (a map
//! file must still be the planned one), how the file is read and how the PBX is reached; the
//! password and how this run reports come from `apply`'s own settings.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use sha2::{Digest, Sha256};

use super::{ApplySettings, stale};
use crate::domain::{Mode, Secret};
use crate::input::{Mapping, ReadSettings, encoding_by_name, locale_hint};
use crate::output::plan_file::{Plan, PlanColumns};
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions};
use crate::plan::PruneSettings;
use crate::plan::prune::{MaxDelete, parse_range};
use crate::run::import::{Columns, ImportSettings};
use crate::run::throttle::Rate;
use crate::vendors;

/// How the plan read its file.
pub(super) fn read_settings(plan: &Plan) -> anyhow::Result<ReadSettings> {
    let s = &plan.settings;
    Ok(ReadSettings {
        encoding: s.encoding.as_deref().map(encoding_by_name).transpose()?,
        encoding_by_profile: false,
        // The plan's file is read again as the plan read it: the locale settles the same
        // guesses (LC_ALL, else LC_CTYPE, else LANG).
        locale: ["LC_ALL", "LC_CTYPE", "LANG"]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
            .as_deref()
            .and_then(locale_hint),
        sheet: s.sheet.clone(),
        plus_prefix: s.plus_prefix.clone(),
        numbers_optional: false,
        // A vendor's own web layout is read unasked, as the plan read it.
        layouts: vendors::by_name(&plan.target.api).map_or(&[], |v| v.layouts),
    })
}

/// The import the plan was decided as, reporting as this run is told to.
pub(super) fn import_settings(
    plan: &Plan,
    read: ReadSettings,
    apply: &ApplySettings,
) -> anyhow::Result<ImportSettings> {
    let s = &plan.settings;
    let api = vendors::by_name(&plan.target.api)?;
    let api = match &plan.target.edition {
        Some(edition) => api.edition(edition).map_err(anyhow::Error::msg)?,
        None => api,
    };
    let mode = Mode::by_name(&s.mode).with_context(|| format!("the plan's mode {:?}", s.mode))?;
    let wire = WireOptions {
        xml: s.body == "xml",
        eid: s.eid.clone(),
        welcome_email: s.welcome_email,
    };
    let (mapping, columns) = columns(plan, api, &wire.eid)?;
    let report = apply
        .report
        .clone()
        .unwrap_or_else(|| PathBuf::from(&s.report));
    let report_format = match (apply.report_format, &apply.report) {
        (Some(format), _) => format,
        (None, Some(path))
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            ReportFormat::Xlsx
        }
        (None, Some(_)) => ReportFormat::Csv,
        (None, None) if s.report_format == "xlsx" => ReportFormat::Xlsx,
        (None, None) => ReportFormat::Csv,
    };
    Ok(ImportSettings {
        file: PathBuf::from(&plan.input.path),
        api,
        mapping,
        columns,
        connection: connection(plan, apply.password.clone())?,
        mode,
        wire,
        prune: prune(plan)?,
        // A plan records no leavers' guards of their own (plan refuses --match and the
        // like); the gate holds the run decided again to the plan's rows.
        safeguards: prune(plan)?.unwrap_or_default(),
        match_field: None,
        assign: Vec::new(),
        dry_run: false,
        resume: apply.resume,
        rate: rate(&s.rate)?,
        concurrency: s.concurrency,
        retry: RetryPolicy::new(s.retries),
        report,
        weak_passwords: s.weak_passwords,
        strict: s.strict,
        generate_passwords: s.generate_passwords,
        update_secrets: s.update_secrets,
        heartbeat: Duration::from_millis(s.heartbeat_ms),
        progress_every: apply.progress_every,
        summary_json: apply.summary_json.clone(),
        report_html: apply.report_html.clone(),
        verify: apply.verify,
        command: "apply",
        report_format,
        read,
    })
}

/// The plan's mapping of the file's columns, read again: a map file must be as planned.
fn columns(
    plan: &Plan,
    api: &'static vendors::Vendor,
    eid: &str,
) -> anyhow::Result<(Option<Mapping>, Option<Columns>)> {
    Ok(match &plan.settings.columns {
        None => (None, None),
        Some(PlanColumns::Map { path, sha256 }) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read --map {path}"))?;
            if hex::encode(Sha256::digest(&bytes)) != *sha256 {
                return Err(stale(format_args!(
                    "the map file {path} changed since the plan"
                )));
            }
            let path = PathBuf::from(path);
            (Some(Mapping::load(&path)?), Some(Columns::Map(path)))
        }
        Some(PlanColumns::FromApi { api: from }) => {
            let from = vendors::by_name(from)?;
            let mapping = vendors::conversion(from, api, eid, plan.settings.generate_passwords);
            (mapping, Some(Columns::FromApi(from)))
        }
    })
}

fn connection(plan: &Plan, password: Secret) -> anyhow::Result<Connection> {
    let s = &plan.settings;
    Ok(Connection {
        base_url: plan.target.url.clone(),
        user: plan.target.user.clone(),
        password,
        insecure: s.insecure,
        ca_cert: s.ca_cert.as_ref().map(|pem| pem.clone().into_bytes()),
        timeout: Duration::from_millis(s.timeout_ms),
        read_rate: s
            .read_rate
            .as_deref()
            .map(str::parse::<f64>)
            .transpose()
            .context("the plan's read rate")?,
    })
}

fn prune(plan: &Plan) -> anyhow::Result<Option<PruneSettings>> {
    let Some(prune) = &plan.settings.prune else {
        return Ok(None);
    };
    let ranges = prune
        .ranges
        .iter()
        .map(|r| parse_range(r).map_err(anyhow::Error::msg));
    Ok(Some(PruneSettings {
        ranges: ranges.collect::<anyhow::Result<_>>()?,
        max_delete: prune
            .max_delete
            .as_deref()
            .map(MaxDelete::parse)
            .transpose()
            .map_err(anyhow::Error::msg)?,
    }))
}

fn rate(text: &str) -> anyhow::Result<Rate> {
    Ok(match text {
        "auto" => Rate::Auto,
        "0" => Rate::Unlimited,
        text => Rate::PerSec(text.parse().context("the plan's rate")?),
    })
}
