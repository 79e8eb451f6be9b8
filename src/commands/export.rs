//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.

use std::time::SystemTime;

use super::summary::{self, reason_for};
use crate::domain::{Action, Exit, RunEnd, Status, Summary};
use crate::output::is_stdout;
use crate::output::summary_json::RunFacts;
use crate::run::ExportSettings;
use crate::run::export::export as run_export;
use crate::settings::{self, Options, get};

/// `pbxbulk export`: the settings from `options`, then the export.
pub(crate) fn run(options: Options) -> anyhow::Result<Exit> {
    let json = get(&options.summary_json).cloned();
    let settings =
        settings::export(options).inspect_err(|e| summary::refused(json.as_deref(), None, e))?;
    super::runtime()?.block_on(export(settings))
}

async fn export(settings: ExportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&[(&settings.connection, "--url")]);
    let started = SystemTime::now();
    let exported = match run_export(&settings).await {
        Ok(exported) => exported,
        Err(e) => {
            let message = format!("{e:#}");
            let summary = Summary::default();
            let facts = facts(&settings, started, reason_for(&e), Some(&message));
            summary::write(settings.summary_json.as_deref(), &summary, &facts)?;
            return Err(e);
        }
    };
    let mut lines = vec![format!(
        "exported {} extension{} to {}",
        exported.extensions,
        if exported.extensions == 1 { "" } else { "s" },
        if is_stdout(&settings.output) {
            "standard output".to_string()
        } else {
            settings.output.display().to_string()
        }
    )];
    if !exported.left_blank.is_empty() {
        lines.push(format!(
            "left blank because {} only hands them out hashed: {}",
            settings.api.name(),
            exported.left_blank.join(", ")
        ));
    }
    // Standard output holds the spreadsheet itself then; what is said goes beside it.
    let to_stderr =
        is_stdout(&settings.output) || settings.summary_json.as_deref() == Some("-".as_ref());
    for line in lines {
        if to_stderr {
            eprintln!("{line}");
        } else {
            say!("{line}");
        }
    }
    // Each extension written is one row of the file, with nothing done to it.
    let mut summary = Summary::default();
    for _ in 0..exported.extensions {
        summary.add_row(Action::None, Status::Ok, 0);
    }
    let facts = facts(&settings, started, RunEnd::Done, None);
    summary::write(settings.summary_json.as_deref(), &summary, &facts)?;
    Ok(Exit::Ok)
}

fn facts<'a>(
    settings: &'a ExportSettings,
    started: SystemTime,
    reason: RunEnd,
    message: Option<&'a str>,
) -> RunFacts<'a> {
    RunFacts {
        file: None,
        api: Some(settings.api.api),
        url: Some(&settings.connection.base_url),
        mode: None,
        dry_run: false,
        started,
        ended: SystemTime::now(),
        reason,
        message,
        relogins: 0,
        report: Some(&settings.output),
        rejects: None,
        journal: None,
    }
}
