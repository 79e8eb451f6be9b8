//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.
//!
//! Columns and order are the rule table's, so the file imports as it is. It is CSV in UTF-8
//! with a BOM (Excel then reads it correctly), an XLSX workbook with every column as text, or
//! CSV on standard output (`output::SheetWriter`); a file, since it holds the extensions' SIP
//! passwords, is readable by its owner only. Values the API hands out hashed (v1's
//! `loginpassword`, and OpenVox's `userpassword` if it comes as an MD5) are left blank:
//! importing the hash would set the password to the hash. A login password handed out plain
//! is exported like the SIP one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::login::login_failed;
use crate::domain::PbxSnapshot;
use crate::input::layouts::Layout;
use crate::output::sheet_writer::SheetFormat;
use crate::output::workbook::ReportFormat;
use crate::output::{Progress, SheetWriter};
use crate::pbx::{Client, Connection, RetryPolicy, WireOptions, snapshot};
use crate::rules::Table;
use crate::vendors::Vendor;

#[derive(Debug, Clone)]
pub(crate) struct ExportSettings {
    pub(crate) api: &'static Vendor,
    pub(crate) connection: Connection,
    pub(crate) output: PathBuf,
    pub(crate) retry: RetryPolicy,
    /// Queries in flight at most.
    pub(crate) concurrency: usize,
    pub(crate) wire: WireOptions,
    /// Write this system's columns instead of the API's (`--layout`).
    pub(crate) layout: Option<&'static Layout>,
    /// What `output` is written as.
    pub(crate) format: ReportFormat,
    /// A CSV's encoding (`None`: UTF-8).
    pub(crate) encoding: Option<&'static encoding_rs::Encoding>,
    /// With stderr not a terminal: a progress line this often.
    pub(crate) progress_every: Duration,
    /// Where to write the JSON summary (`-`: standard output).
    pub(crate) summary_json: Option<PathBuf>,
}

/// What an export wrote.
pub(crate) struct Exported {
    pub(crate) extensions: usize,
    /// Columns left blank (somewhere) because the API handed them out hashed.
    pub(crate) left_blank: Vec<&'static str>,
}

pub(crate) async fn export(settings: &ExportSettings) -> anyhow::Result<Exported> {
    let table = settings.api.table;
    let snapshot = read_directory(
        settings.api,
        &settings.wire,
        &settings.connection,
        (settings.retry, settings.concurrency),
        settings.progress_every,
    )
    .await?;
    let how = SheetFormat {
        format: settings.format,
        encoding: settings.encoding,
    };
    let left_blank = write_sheet(&settings.output, how, table, &snapshot, settings.layout)?;
    Ok(Exported {
        extensions: snapshot.len(),
        left_blank,
    })
}

/// Every extension on the PBX, read in chunks (`concurrency` at a time) with a progress bar
/// (a line every `every` when stderr is not a terminal).
pub(crate) async fn read_directory(
    api: &Vendor,
    wire: &WireOptions,
    connection: &Connection,
    (retry, concurrency): (RetryPolicy, usize),
    every: Duration,
) -> anyhow::Result<PbxSnapshot> {
    let table = api.table;
    let url = &connection.base_url;
    let client = Arc::new(
        Client::new((api.codec)(wire), table, connection.clone())?
            .login_retries(retry)
            .saying(|line| eprintln!("pbxbulk: {line}")),
    );
    client
        .login()
        .await
        .map_err(|e| login_failed(client.protocol(), connection, retry, &e))?;
    for note in client.notes() {
        eprintln!("pbxbulk: {note}");
    }
    let progress = Progress::items("extensions read", every);
    let most = snapshot::MAX_LISTED;
    let read = snapshot::fetch(&client, table, retry, concurrency, most, Some(&progress)).await;
    progress.finish();
    client.logout().await;
    read.with_context(|| format!("cannot read the extensions of {url}"))
}

/// The extensions as a sheet in the table's columns, or in `layout`'s. Private (it holds SIP
/// passwords) from its first byte, and written beside the target then renamed over it only
/// when whole: a failed export leaves the last good one. Returns the columns left blank
/// somewhere because the API handed them out hashed.
pub(crate) fn write_sheet(
    path: &Path,
    how: SheetFormat,
    table: &Table,
    snapshot: &PbxSnapshot,
    layout: Option<&Layout>,
) -> anyhow::Result<Vec<&'static str>> {
    let header: Vec<&str> = match layout {
        Some(layout) => layout.header.to_vec(),
        None => table.fields.iter().map(|f| f.name).collect(),
    };
    let mut left_blank = Vec::new();
    let mut write = || -> std::io::Result<()> {
        let mut out = SheetWriter::create_as(path, how, &header)?;
        for record in snapshot.values() {
            let hashed = |name: &str, value: &str| {
                table.hashed_on_read.contains(&name) && looks_like_md5(value)
            };
            for &name in table.hashed_on_read {
                if hashed(name, record.get(name).map_or("", String::as_str))
                    && !left_blank.contains(&name)
                {
                    left_blank.push(name);
                }
            }
            let value = |name: &'static str| {
                let value = record.get(name).map_or("", String::as_str);
                if hashed(name, value) { "" } else { value }
            };
            match layout {
                Some(layout) => {
                    let cells = layout.row(|term| table.field_for(term).map(value));
                    out.row(&cells.iter().map(String::as_str).collect::<Vec<_>>())?;
                }
                None => {
                    let cells: Vec<&str> = table.fields.iter().map(|f| value(f.name)).collect();
                    out.row(&cells)?;
                }
            }
        }
        out.finish()
    };
    write().with_context(|| format!("cannot write {}", path.display()))?;
    Ok(left_blank)
}

/// 32 hex digits: what an MD5 looks like, and a password almost never does.
fn looks_like_md5(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}
