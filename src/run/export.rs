//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.
//!
//! Columns and order are the rule table's, so the file imports as it is. It is CSV in UTF-8
//! with a BOM (Excel then reads it correctly), an XLSX workbook with every column as text, or
//! CSV on standard output (`output::SheetWriter`); a file, since it holds the extensions' SIP
//! passwords, is readable by its owner only. Values the API hands out hashed (v1's
//! `loginpassword`) are left blank: importing the hash would set the password to the hash.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::import::login_failed;
use crate::domain::{ApiKind, PbxSnapshot};
use crate::output::{Progress, SheetWriter};
use crate::pbx::{Client, Connection, RetryPolicy, WireOptions, protocol_for, snapshot};
use crate::rules::{self, Table};

#[derive(Debug, Clone)]
pub(crate) struct ExportSettings {
    pub(crate) api: ApiKind,
    pub(crate) connection: Connection,
    pub(crate) output: PathBuf,
    pub(crate) retry: RetryPolicy,
    /// Queries in flight at most.
    pub(crate) concurrency: usize,
    pub(crate) wire: WireOptions,
}

/// What an export wrote.
pub(crate) struct Exported {
    pub(crate) extensions: usize,
    /// Columns left blank because the API hands them out hashed.
    pub(crate) left_blank: &'static [&'static str],
}

pub(crate) async fn export(settings: &ExportSettings) -> anyhow::Result<Exported> {
    let table = rules::table(settings.api);
    let snapshot = read_directory(
        settings.api,
        &settings.wire,
        &settings.connection,
        settings.retry,
        settings.concurrency,
    )
    .await?;
    write_sheet(&settings.output, table, &snapshot)?;
    Ok(Exported {
        extensions: snapshot.len(),
        left_blank: table.hashed_on_read,
    })
}

/// Every extension on the PBX, read in chunks (`concurrency` at a time) with a progress bar.
pub(crate) async fn read_directory(
    api: ApiKind,
    wire: &WireOptions,
    connection: &Connection,
    retry: RetryPolicy,
    concurrency: usize,
) -> anyhow::Result<PbxSnapshot> {
    let table = rules::table(api);
    let url = &connection.base_url;
    let client = Client::new(protocol_for(api, wire), connection.clone())?;
    client.login().await.map_err(|e| login_failed(url, &e))?;
    let progress = Progress::items("extensions read");
    let read = snapshot::fetch(&client, table, retry, concurrency, Some(&progress)).await;
    progress.finish();
    client.logout().await;
    read.with_context(|| format!("cannot read the extensions of {url}"))
}

/// The extensions as a sheet in the table's columns. Private (it holds SIP passwords) from
/// its first byte, and written beside the target then renamed over it only when whole: a
/// failed export leaves the last good one.
pub(crate) fn write_sheet(
    path: &Path,
    table: &Table,
    snapshot: &PbxSnapshot,
) -> anyhow::Result<()> {
    let header: Vec<&str> = table.fields.iter().map(|f| f.name).collect();
    let write = || -> std::io::Result<()> {
        let mut out = SheetWriter::create(path, &header)?;
        for record in snapshot.values() {
            let cells: Vec<&str> = table
                .fields
                .iter()
                .map(|f| {
                    if table.hashed_on_read.contains(&f.name) {
                        ""
                    } else {
                        record.get(f.name).map_or("", String::as_str)
                    }
                })
                .collect();
            out.row(&cells)?;
        }
        out.finish()
    };
    write().with_context(|| format!("cannot write {}", path.display()))
}
