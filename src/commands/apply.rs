//! `pbxbulk apply PLAN`: carry out an approved plan, then say how it went as `import` does
//! (the summary lines, `--summary-json`, the exit code). A plan that no longer holds is
//! refused before anything is sent: exit 2, reason `stale_plan`.

use std::time::SystemTime;

use super::import::{banner, finished, reason_for, write_json};
use crate::domain::Exit;
use crate::output::summary_json::SummaryJson;
use crate::run::apply::{ApplySettings, approve};
use crate::run::import::run_gated;

pub(crate) async fn apply(settings: ApplySettings) -> anyhow::Result<Exit> {
    let started = SystemTime::now();
    let (import, approved, source) = match approve(&settings) {
        Ok(approved) => approved,
        Err(e) => {
            if let Some(target) = &settings.summary_json {
                let json = SummaryJson::refused(&settings.plan, reason_for(&e), &format!("{e:#}"));
                json.write(target).map_err(|w| {
                    anyhow::anyhow!("cannot write --summary-json {}: {w}", target.display())
                })?;
            }
            return Err(e);
        }
    };
    super::warn_about(&import.connection);
    let on_start = || eprintln!("{}", banner(&import, started));
    let outcome = match run_gated(&import, on_start, Some((Box::new(approved), source))).await {
        Ok(outcome) => outcome,
        Err(e) => {
            let message = format!("{e:#}");
            write_json(&import, started, reason_for(&e), Some(&message), None)?;
            return Err(e);
        }
    };
    finished(&import, &outcome, started)
}
