//! `pbxbulk apply PLAN`: carry out an approved plan, then say how it went as `import` does
//! (the summary lines, `--summary-json`, the exit code). A plan that no longer holds is
//! refused before anything is sent: exit 2, reason `stale_plan`.

use std::time::SystemTime;

use super::import::{banner, finished, write_json};
use super::summary::{self, reason_for};
use crate::domain::Exit;
use crate::output::summary_json::SummaryJson;
use crate::run::apply::{ApplySettings, approve};
use crate::run::import::{claim_outputs, run_gated};
use crate::settings::{self, Options, get};

/// `pbxbulk apply`: the settings from `options`, then the plan carried out.
pub(crate) fn run(options: Options) -> anyhow::Result<Exit> {
    let (json, plan) = (
        get(&options.summary_json).cloned(),
        get(&options.plan).cloned(),
    );
    let settings = settings::apply(options)
        .inspect_err(|e| summary::refused(json.as_deref(), plan.as_deref(), e))?;
    super::runtime()?.block_on(apply(settings))
}

async fn apply(settings: ApplySettings) -> anyhow::Result<Exit> {
    let started = SystemTime::now();
    let (import, approved, source) = match approve(&settings) {
        Ok(approved) => approved,
        Err(e) => {
            if let Some(target) = &settings.summary_json {
                let json = SummaryJson::refused(
                    Some(&settings.plan),
                    reason_for(&e),
                    &format!("{e:#}"),
                    started,
                );
                json.write(target).map_err(|w| {
                    anyhow::anyhow!("cannot write --summary-json {}: {w}", target.display())
                })?;
            }
            return Err(e);
        }
    };
    super::warn_about(&[(&import.connection, "--url")]);
    let on_start = || eprintln!("{}", banner(&import, started));
    let gated = Some((Box::new(approved) as _, source));
    let run = async { run_gated(&import, claim_outputs(&import)?, on_start, gated).await };
    let outcome = match run.await {
        Ok(outcome) => outcome,
        Err(e) => {
            let message = format!("{e:#}");
            write_json(&import, started, reason_for(&e), Some(&message), None)?;
            return Err(e);
        }
    };
    finished(&import, &outcome, started)
}
