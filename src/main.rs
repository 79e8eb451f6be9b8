//! The `pbxbulk` command: parse the command line, run it, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must still end in one line and exit code 2, never a stack trace.
    std::panic::set_hook(Box::new(|info| {
        if pbxbulk::panic_is_caught() {
            return;
        }
        let _ = writeln!(
            std::io::stderr(),
            "pbxbulk: internal error ({info}); please report it"
        );
    }));
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = match pbxbulk::command().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(e) => {
            // Help and version are no refusal; anything else leaves its summary first.
            if e.use_stderr() {
                pbxbulk::unparsed(&args, &e.kind().to_string());
            }
            e.exit()
        }
    };
    // Nothing the closure touches is used after a panic, only the exit code.
    let run = std::panic::AssertUnwindSafe(|| pbxbulk::run(&matches));
    match std::panic::catch_unwind(run) {
        Ok(Ok(exit)) => ExitCode::from(exit as u8),
        Ok(Err(error)) => {
            // The chain of causes on one line: what failed and why.
            let _ = writeln!(std::io::stderr(), "pbxbulk: {error:#}");
            ExitCode::from(pbxbulk::Exit::Incomplete as u8)
        }
        Err(_) => ExitCode::from(pbxbulk::Exit::Incomplete as u8),
    }
}
