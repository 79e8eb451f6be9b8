//! `pbxbulk migrate`: read the source PBX, import into the target, say how it went.

use super::import::finished;
use crate::domain::Exit;
use crate::run::MigrateSettings;
use crate::run::migrate::migrate as run_migration;

pub(crate) async fn migrate(settings: MigrateSettings) -> anyhow::Result<Exit> {
    let started = std::time::SystemTime::now();
    let migrated = run_migration(&settings).await?;
    let file = settings.import.file.display();
    match migrated.read {
        Some(n) => say!(
            "read {n} extensions from {} ({}), kept in {file}",
            settings.source.base_url,
            settings.from.name()
        ),
        None => say!("resuming with the extensions read before, in {file}"),
    }
    finished(&settings.import, &migrated.outcome, started)
}
