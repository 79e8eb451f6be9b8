//! `--report-html`: the facts of an import for the page (`output::html`), gathered where the
//! run's settings and its ending are known. Never a secret: the URL without its credentials,
//! and of the connection only what shapes the run (pace, timeout, how certificates are
//! checked), never the password or the token.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Context;

use super::import::settings::ImportSettings;
use super::throttle::Rate;
use crate::domain::{RunEnd, Summary};
use crate::input::{Fingerprint, SheetError};
use crate::output::html::{self, InputFacts, Outcome, PageCollector, PageData, RunFacts};
use crate::output::summary_json::without_credentials;
use crate::plan::prune::MaxDelete;

/// How the run ended, as `run_import` knows it.
#[derive(Clone, Copy)]
pub(crate) struct Ending<'a> {
    pub(crate) started: SystemTime,
    pub(crate) summary: &'a Summary,
    /// Why it stopped early, if it did (a signal, the PBX), or why its writes could not be
    /// read back.
    pub(crate) stopped: Option<(RunEnd, &'a str)>,
    /// The file broke (or changed) under the run.
    pub(crate) broke: Option<&'a SheetError>,
    /// A dry run's prune over the limit: what the real run would refuse.
    pub(crate) refusing: Option<&'a str>,
    /// The input's fingerprint, as its sheet defines it, when it could be taken.
    pub(crate) fingerprint: Option<&'a Fingerprint>,
}

/// Writes the page of an import, if it was asked for (`rows` were gathered).
pub(crate) fn write(
    settings: &ImportSettings,
    rows: Option<PageCollector>,
    ending: Ending<'_>,
) -> anyhow::Result<()> {
    let (Some(path), Some(rows)) = (&settings.report_html, rows) else {
        return Ok(());
    };
    let stopped = match (ending.stopped, ending.broke) {
        (Some((reason, why)), _) => Some((reason, why.to_string())),
        (None, Some(broke)) => Some((RunEnd::BadInput, broke.to_string())),
        (None, None) => None,
    };
    let (reason, message) = match (stopped, ending.refusing) {
        (Some((reason, why)), _) => (reason, Some(why)),
        (None, Some(refuse)) => (RunEnd::Safeguard, Some(refuse.to_string())),
        (None, None) => (ending.summary.reason(), None),
    };
    let name = match settings.file.as_path() {
        p if p == Path::new("-") => "standard input".to_string(),
        p => p.display().to_string(),
    };
    let data = PageData {
        run: RunFacts {
            command: settings.command,
            started: ending.started,
            ended: SystemTime::now(),
            target: without_credentials(&settings.connection.base_url),
            api: settings.api.name(),
            mode: settings.mode.name(),
            outcome: Outcome {
                word: reason.word(),
                exit: reason.exit() as u8,
                message,
            },
            input: InputFacts {
                name,
                sha256: ending.fingerprint.map(|f| f.sha256.clone()),
                bytes: ending.fingerprint.map(|f| f.size),
            },
            settings: shown_settings(settings, ending.summary),
            rate_limit: match settings.rate {
                Rate::PerSec(limit) => Some(limit),
                Rate::Unlimited | Rate::Auto => None,
            },
        },
        counts: ending.summary.clone(),
        rows: rows.finish(),
    };
    html::write(path, &data)
        .with_context(|| format!("cannot write --report-html {}", path.display()))
}

/// The settings that shaped the run, as a person would name them.
fn shown_settings(settings: &ImportSettings, summary: &Summary) -> Vec<(&'static str, String)> {
    let yes = |on: bool| if on { "yes" } else { "no" }.to_string();
    let connection = &settings.connection;
    let mut shown = vec![
        ("API user", connection.user.clone()),
        ("Dry run", yes(settings.dry_run)),
        ("Resumed", yes(settings.resume)),
        ("--rate (writes)", rate(settings.rate, summary.settled_rate)),
        (
            "--read-rate",
            connection
                .read_rate
                .map_or_else(|| "no limit".to_string(), |r| format!("{r}/s")),
        ),
        ("--concurrency", settings.concurrency.to_string()),
        ("--retries", settings.retry.retries.to_string()),
        (
            "--timeout",
            format!("{} s", connection.timeout.as_secs_f64()),
        ),
        (
            "Certificates",
            match (connection.insecure, &connection.ca_cert) {
                (true, _) => "not checked (--insecure)",
                (false, Some(_)) => "checked against --ca-cert",
                (false, None) => "checked",
            }
            .to_string(),
        ),
    ];
    if settings.wire.xml {
        shown.push(("--body", "xml".to_string()));
    }
    if let Some(mapping) = &settings.mapping {
        shown.push(("Columns read through", mapping.origin.clone()));
    }
    if let Some(prune) = &settings.prune {
        shown.push(("--prune", prune_text(&prune.ranges, prune.max_delete)));
    }
    shown.push(("--generate-passwords", yes(settings.generate_passwords)));
    shown.push(("--weak-passwords", yes(settings.weak_passwords)));
    shown.push(("--verify", yes(settings.verify)));
    shown.push(("--report", settings.report.display().to_string()));
    shown
}

fn rate(rate: Rate, settled: Option<f64>) -> String {
    match (rate, settled) {
        (Rate::PerSec(limit), _) => format!("{limit}/s"),
        (Rate::Unlimited, _) => "no limit".to_string(),
        (Rate::Auto, Some(settled)) => format!("auto, settled at {settled:.0}/s"),
        (Rate::Auto, None) => "auto".to_string(),
    }
}

fn prune_text(ranges: &[(u64, u64)], max_delete: Option<MaxDelete>) -> String {
    let ranges = match ranges {
        [] => "any number".to_string(),
        _ => ranges
            .iter()
            .map(|(from, to)| format!("{from}-{to}"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let most = match max_delete.unwrap_or(MaxDelete::DEFAULT) {
        MaxDelete::Count(n) => n.to_string(),
        share @ MaxDelete::Share(_) => format!("{share} of the directory"),
    };
    format!("{ranges}, at most {most} deletes")
}
