//! `pbxbulk export`: every extension on the PBX into a spreadsheet that `import` takes back.
//!
//! Columns and order are the rule table's, so the file imports as it is. It is UTF-8 with a
//! BOM (Excel then reads it correctly) and, since it holds the extensions' SIP passwords,
//! readable by its owner only. Values the API hands out hashed (v1's `loginpassword`) are left
//! blank: importing the hash would set the password to the hash.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::Exit;
use crate::api::{ApiKind, Wire};
use crate::client::Client;
use crate::config::Connection;
use crate::directory;
use crate::import::login_failed;
use crate::progress::Progress;
use crate::report::private_file;
use crate::rules;

#[derive(Debug, Clone)]
pub struct ExportSettings {
    pub api: ApiKind,
    pub connection: Connection,
    pub output: PathBuf,
    pub retries: u32,
    pub wire: Wire,
}

pub async fn export(settings: ExportSettings) -> anyhow::Result<Exit> {
    let table = rules::table(settings.api);
    let url = &settings.connection.base_url;
    let client = Client::new(
        settings.api.protocol(&settings.wire),
        settings.connection.clone(),
    )?;
    client.login().await.map_err(|e| login_failed(url, &e))?;
    let progress = Progress::items("extensions read");
    let read = directory::fetch(&client, table, settings.retries, Some(&progress)).await;
    progress.finish();
    client.logout().await;
    let directory = read.with_context(|| format!("cannot read the extensions of {url}"))?;

    let path = &settings.output;
    let file = private_file(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = csv::Writer::from_writer(file);
    out.write_record(table.fields.iter().map(|f| f.name))?;
    for record in directory.values() {
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
        .map_err(|e| e.into_error())?
        .flush()
        .with_context(|| format!("cannot write {}", path.display()))?;
    say!(
        "exported {} extensions to {}",
        directory.len(),
        path.display()
    );
    if !table.hashed_on_read.is_empty() {
        say!(
            "left blank because {} only hands them out hashed: {}",
            table.api.name(),
            table.hashed_on_read.join(", ")
        );
    }
    Ok(Exit::Ok)
}
