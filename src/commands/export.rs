//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.

use crate::domain::Exit;
use crate::output::is_stdout;
use crate::run::ExportSettings;
use crate::run::export::export as run_export;

pub(crate) async fn export(settings: ExportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&settings.connection);
    let exported = run_export(&settings).await?;
    let mut lines = vec![format!(
        "exported {} extensions to {}",
        exported.extensions,
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
    for line in lines {
        // Standard output holds the spreadsheet itself then; what is said goes beside it.
        if is_stdout(&settings.output) {
            eprintln!("{line}");
        } else {
            say!("{line}");
        }
    }
    Ok(Exit::Ok)
}
