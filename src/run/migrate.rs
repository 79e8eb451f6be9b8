//! A migration: every extension of one PBX, converted to another's fields, imported.
//!
//! The source's directory is read once and written, in the source API's own columns, to
//! `REPORT.source.csv` beside the report (mode 0600: it holds SIP passwords); that file is
//! then imported into the target through the pair's field correspondence, by the same
//! pipeline as `import --from-api`. So the report's rows are that file's rows, its rejects can
//! be fixed and imported again, and `--resume` finishes the directory as it was read, without
//! asking the source again.

use super::export::{read_directory, write_sheet};
use super::import::{ImportOutcome, ImportSettings, claim_outputs, run_import_claimed};
use crate::output::sheet_writer::SheetFormat;
use crate::output::workbook::ReportFormat;
use crate::pbx::{Connection, RetryPolicy, WireOptions};
use crate::vendors::Vendor;

/// Everything a migration needs, validated (built by `settings`).
#[derive(Debug, Clone)]
pub(crate) struct MigrateSettings {
    pub(crate) from: &'static Vendor,
    pub(crate) source: Connection,
    pub(crate) source_wire: WireOptions,
    pub(crate) retry: RetryPolicy,
    /// The import into the target of the file the source's directory is written to.
    pub(crate) import: ImportSettings,
}

/// How a migration went.
pub(crate) struct Migrated {
    /// Extensions read from the source; `None` when a resume reused the file already read.
    pub(crate) read: Option<usize>,
    /// How the import into the target went.
    pub(crate) outcome: ImportOutcome,
}

pub(crate) async fn migrate(settings: &MigrateSettings) -> anyhow::Result<Migrated> {
    // Before the source's directory is written beside the report: a second migration on the
    // same report is refused here, not after it has replaced the first one's file.
    let claim = claim_outputs(&settings.import)?;
    let file = &settings.import.file;
    let read = match settings.import.resume && file.exists() {
        true => None,
        false => {
            let snapshot = read_directory(
                settings.from,
                &settings.source_wire,
                &settings.source,
                (settings.retry, settings.import.concurrency),
                settings.import.progress_every,
            )
            .await?;
            // In the encoding the import reads it back in (`--encoding`, else UTF-8).
            let how = SheetFormat {
                format: ReportFormat::Csv,
                encoding: settings.import.read.encoding,
            };
            write_sheet(file, how, settings.from.table, &snapshot, None)?;
            Some(snapshot.len())
        }
    };
    let outcome = run_import_claimed(&settings.import, claim, || {}).await?;
    Ok(Migrated { read, outcome })
}
