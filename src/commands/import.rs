//! `pbxbulk import`: run the import, then say how it went and where the report is.

use crate::domain::Exit;
use crate::output::rejects_path;
use crate::run::ImportSettings;
use crate::run::import::run_import;

/// Runs an import and prints its summary; the exit code follows the design's contract.
pub(crate) async fn import(settings: ImportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&settings.connection);
    let (summary, aborted) = run_import(&settings).await?;
    say!("{}", summary.line());
    say!("report: {}", settings.report.display());
    if summary.failed + summary.invalid > 0 {
        say!(
            "failed and invalid rows, ready to fix and re-import: {}",
            rejects_path(&settings.report).display()
        );
    }
    if let Some(why) = &aborted {
        eprintln!("pbxbulk: stopped early: {why}");
    }
    Ok(Exit::of(&summary, aborted.is_some()))
}
