//! One module per subcommand. Each builds its settings from the options `cli` gives (through
//! `settings`, the one place they are resolved), calls the layer that does the work, prints
//! what a person (or a script) needs, and returns the exit code. `summary.rs` writes the
//! `--summary-json` of every command that takes one, however it ends.

use anyhow::Context;

pub(crate) mod config;
pub(crate) mod demo;
pub(crate) mod docs;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod migrate;
pub(crate) mod reference;
pub(crate) mod sim;
pub(crate) mod summary;
pub(crate) mod template;
pub(crate) mod validate;

/// Prints the connections' warnings (plain http, `--insecure`) on stderr, one line each and
/// each once; `url_flag` is the flag each URL was given with.
fn warn_about(connections: &[(&crate::pbx::Connection, &str)]) {
    let mut said: Vec<String> = Vec::new();
    for (connection, url_flag) in connections {
        for warning in connection.warnings(url_flag) {
            if !said.contains(&warning) {
                eprintln!("pbxbulk: warning: {warning}");
                said.push(warning);
            }
        }
    }
}

/// The async runtime the commands that talk to a PBX run on.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
