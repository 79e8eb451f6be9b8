//! `pbxbulk import`: run the import, then say how it went and where the report is.

use crate::domain::{Exit, Summary};
use crate::output::{credentials_path, rejects_written};
use crate::run::ImportSettings;
use crate::run::import::{open_input, run_opened};

/// Runs an import and prints its summary; the exit code follows the design's contract.
pub(crate) async fn import(settings: ImportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&settings.connection);
    let opened = open_input(&settings)?;
    for notice in opened.notices() {
        eprintln!("pbxbulk: {notice}");
    }
    let (summary, aborted) = run_opened(&settings, opened).await?;
    Ok(finished(&settings, &summary, aborted.as_deref()))
}

/// Says how an import went and where its files are; the exit code.
pub(crate) fn finished(
    settings: &ImportSettings,
    summary: &Summary,
    aborted: Option<&str>,
) -> Exit {
    say!("{}", summary.line());
    say!("report: {}", settings.report.display());
    if summary.failed + summary.invalid > 0 {
        say!(
            "failed and invalid rows, ready to fix and re-import: {}",
            rejects_written(&settings.report).display()
        );
    }
    let credentials = credentials_path(&settings.report);
    if settings.generate_passwords && credentials.exists() {
        say!(
            "generated credentials of new extensions (hand them out, then delete the file): {}",
            credentials.display()
        );
    }
    if let Some(why) = aborted {
        eprintln!("pbxbulk: stopped early: {why}");
    }
    Exit::of(summary, aborted.is_some())
}
