//! One module per subcommand. Each takes validated settings, calls the layer that does the
//! work, prints what a person (or a script) needs, and returns the exit code.

pub(crate) mod apply;
pub(crate) mod config;
pub(crate) mod demo;
pub(crate) mod docs;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod migrate;
pub(crate) mod plan;
pub(crate) mod show;
pub(crate) mod sim;
pub(crate) mod template;
pub(crate) mod validate;

/// Prints the connection's warnings (plain http, `--insecure`) on stderr, one line each.
fn warn_about(connection: &crate::pbx::Connection) {
    for warning in connection.warnings() {
        eprintln!("pbxbulk: warning: {warning}");
    }
}
