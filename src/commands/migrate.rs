//! `pbxbulk migrate`: read the source PBX, import into the target, say how it went.

use std::time::SystemTime;

use super::import::{finished, how};
use super::summary::{self, reason_for};
use crate::domain::Exit;
use crate::output::progress::timestamp;
use crate::output::summary_json::{RunFacts, without_credentials};
use crate::run::MigrateSettings;
use crate::run::migrate::migrate as run_migration;
use crate::settings::{self, MigrateOptions, get};

/// `pbxbulk migrate`: the settings from `options`, then the migration.
pub(crate) fn run(options: MigrateOptions) -> anyhow::Result<Exit> {
    let json = get(&options.run.summary_json).cloned();
    let settings =
        settings::migrate(options).inspect_err(|e| summary::refused(json.as_deref(), None, e))?;
    super::runtime()?.block_on(migrate(settings))
}

async fn migrate(settings: MigrateSettings) -> anyhow::Result<Exit> {
    let import = &settings.import;
    super::warn_about(&[
        (&settings.source, "--from-url"),
        (&import.connection, "--to-url"),
    ]);
    let started = SystemTime::now();
    eprintln!(
        "{} pbxbulk migrate from {} at {} to {} at {}, mode {}{}",
        timestamp(started),
        settings.from.name(),
        without_credentials(&settings.source.base_url),
        import.api.name(),
        without_credentials(&import.connection.base_url),
        import.mode.name(),
        how(import)
    );
    let migrated = match run_migration(&settings).await {
        Ok(migrated) => migrated,
        Err(e) => {
            let message = format!("{e:#}");
            let facts = RunFacts {
                file: None,
                api: Some(import.api.api),
                url: Some(&import.connection.base_url),
                mode: Some(import.mode),
                dry_run: import.dry_run,
                started,
                ended: SystemTime::now(),
                reason: reason_for(&e),
                message: Some(&message),
                relogins: 0,
                report: Some(&import.report),
                rejects: None,
                journal: None,
            };
            let empty = crate::domain::Summary::default();
            summary::write(import.summary_json.as_deref(), &empty, &facts)?;
            return Err(e);
        }
    };
    let file = import.file.display();
    let line = match migrated.read {
        Some(n) => format!(
            "read {n} extension{} from {} ({}), kept in {file}",
            if n == 1 { "" } else { "s" },
            without_credentials(&settings.source.base_url),
            settings.from.name()
        ),
        None => format!("resuming with the extensions read before, in {file}"),
    };
    if import.summary_json.as_deref() == Some("-".as_ref()) {
        eprintln!("{line}");
    } else {
        say!("{line}");
    }
    finished(import, &migrated.outcome, started)
}
