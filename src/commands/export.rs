//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.

use crate::domain::Exit;
use crate::run::ExportSettings;
use crate::run::export::export as run_export;

pub(crate) async fn export(settings: ExportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&settings.connection);
    let exported = run_export(&settings).await?;
    say!(
        "exported {} extensions to {}",
        exported.extensions,
        settings.output.display()
    );
    if !exported.left_blank.is_empty() {
        say!(
            "left blank because {} only hands them out hashed: {}",
            settings.api.name(),
            exported.left_blank.join(", ")
        );
    }
    Ok(Exit::Ok)
}
