//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.
//!
//! Columns and order are the rule table's, so the file imports as it is. It is UTF-8 with a
//! BOM (Excel then reads it correctly) and, since it holds the extensions' SIP passwords,
//! readable by its owner only. Values the API hands out hashed (v1's `loginpassword`) are left
//! blank: importing the hash would set the password to the hash.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::import::login_failed;
use crate::domain::ApiKind;
use crate::output::{Progress, private_file};
use crate::pbx::{Client, Connection, RetryPolicy, WireOptions, protocol_for, snapshot};
use crate::rules;

#[derive(Debug, Clone)]
pub(crate) struct ExportSettings {
    pub(crate) api: ApiKind,
    pub(crate) connection: Connection,
    pub(crate) output: PathBuf,
    pub(crate) retry: RetryPolicy,
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
    let url = &settings.connection.base_url;
    let client = Client::new(
        protocol_for(settings.api, &settings.wire),
        settings.connection.clone(),
    )?;
    client
        .login()
        .await
        .map_err(|e| login_failed(settings.api, url, &e))?;
    let progress = Progress::items("extensions read");
    let read = snapshot::fetch(&client, table, settings.retry, Some(&progress)).await;
    progress.finish();
    client.logout().await;
    let snapshot = read.with_context(|| format!("cannot read the extensions of {url}"))?;

    let path = &settings.output;
    let file = private_file(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = csv::Writer::from_writer(file);
    out.write_record(table.fields.iter().map(|f| f.name))?;
    for record in snapshot.values() {
        out.write_record(table.fields.iter().map(|f| {
            if table.hashed_on_read.contains(&f.name) {
                ""
            } else {
                record.get(f.name).map_or("", String::as_str)
            }
        }))?;
    }
    out.flush()?;
    out.into_inner()
        .map_err(csv::IntoInnerError::into_error)?
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Exported {
        extensions: snapshot.len(),
        left_blank: table.hashed_on_read,
    })
}
