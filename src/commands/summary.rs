//! `--summary-json` on every exit of `import`, `migrate`, `export`, `validate` and `apply`: a
//! finished run, a run that stopped, a command line the settings refused and one clap could
//! not even parse, so a cron wrapper never reads yesterday's file as today's.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::domain::{RunEnd, Stopped, Summary};
use crate::input::SheetError;
use crate::output::summary_json::{RunFacts, SummaryJson};
use crate::output::{is_stdout, may_write};
use crate::pbx::ApiError;
use crate::run::import::reason_of;
use crate::run::journal::JournalError;

/// The commands that write a summary.
const SUMMARISED: [&str; 5] = ["import", "export", "migrate", "validate", "apply"];

/// Writes the summary of a run to `target`, if one was asked for.
pub(crate) fn write(
    target: Option<&Path>,
    summary: &Summary,
    facts: &RunFacts<'_>,
) -> anyhow::Result<()> {
    let Some(target) = target else {
        return Ok(());
    };
    SummaryJson::new(summary, facts)
        .write(target)
        .map_err(|e| anyhow::anyhow!("cannot write --summary-json {}: {e}", target.display()))
}

/// A command line the settings refused: the script that asked for a summary still gets one
/// (reason `bad_input`), unless its path is the input. Failing to write it changes nothing:
/// the error that refused the command is the one to report.
pub(crate) fn refused(target: Option<&Path>, input: Option<&Path>, e: &anyhow::Error) {
    let Some(target) = target else {
        return;
    };
    let stdout = Path::new("-");
    let input = input.filter(|i| *i != stdout);
    if !is_stdout(target) && !may_write(target, &input.into_iter().collect::<Vec<_>>()) {
        return;
    }
    let _ = SummaryJson::bad_input(input, &format!("{e:#}"), SystemTime::now()).write(target);
}

/// A command line clap could not parse: the summary path is found by a plain look at the
/// words (`--summary-json FILE` or `--summary-json=FILE`, after a command that writes one).
/// A file there is replaced only if it is a summary of ours, so a mistyped line never
/// replaces the input or anything else the path happens to name.
pub(crate) fn unparsed(args: &[OsString], message: &str) {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let command = words.iter().skip(1).find(|w| !w.starts_with('-'));
    if !command.is_some_and(|c| SUMMARISED.contains(&c.as_str())) {
        return;
    }
    let Some(target) = summary_path(&words) else {
        return;
    };
    if target != Path::new("-") && target.exists() && !is_summary(&target) {
        return;
    }
    let _ = SummaryJson::bad_input(None, message, SystemTime::now()).write(&target);
}

/// The path after the last `--summary-json` (a value may not look like a flag, except `-`).
fn summary_path(words: &[String]) -> Option<PathBuf> {
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        if let Some(value) = word.strip_prefix("--summary-json=") {
            found = Some(value.to_string());
        } else if word == "--summary-json" {
            found = words.get(i + 1).cloned();
        }
    }
    found
        .filter(|v| !v.is_empty() && (v == "-" || !v.starts_with('-')))
        .map(PathBuf::from)
}

/// Whether the file at `path` is a summary pbxbulk wrote (JSON with its `schema` and
/// `reason`).
fn is_summary(path: &Path) -> bool {
    let Ok(text) = std::fs::read(path) else {
        return false;
    };
    let json: Result<serde_json::Value, _> = serde_json::from_slice(&text);
    json.is_ok_and(|v| v.get("schema").is_some() && v.get("reason").is_some())
}

/// Why a run that could not start stopped, from the typed error inside it.
pub(crate) fn reason_for(e: &anyhow::Error) -> RunEnd {
    for cause in e.chain() {
        if let Some(stopped) = cause.downcast_ref::<Stopped>() {
            return stopped.reason;
        }
        if let Some(api) = cause.downcast_ref::<ApiError>() {
            return reason_of(api);
        }
        if cause.downcast_ref::<SheetError>().is_some() {
            return RunEnd::BadInput;
        }
        if let Some(journal) = cause.downcast_ref::<JournalError>() {
            return match journal {
                JournalError::Io { .. } | JournalError::Write { .. } => RunEnd::LocalFailure,
                JournalError::Missing(_)
                | JournalError::OtherInput { .. }
                | JournalError::OtherSettings { .. }
                | JournalError::Untrusted { .. } => RunEnd::BadInput,
            };
        }
        // The input's own errors are typed above; a bare one is this machine's disk.
        // (A value the output cannot hold is the input's, not the disk's.)
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && !matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
            )
        {
            return RunEnd::LocalFailure;
        }
    }
    RunEnd::BadInput
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn the_summary_path_is_found_in_either_spelling_and_never_taken_from_a_flag() {
        let path = |line| summary_path(&words(line));
        assert_eq!(
            path("pbxbulk import a.csv --summary-json s.json --bogus"),
            Some(PathBuf::from("s.json"))
        );
        assert_eq!(
            path("pbxbulk import --summary-json=s.json"),
            Some(PathBuf::from("s.json"))
        );
        assert_eq!(
            path("pbxbulk import --summary-json -"),
            Some(PathBuf::from("-"))
        );
        assert_eq!(path("pbxbulk import --summary-json --rate 5"), None);
        assert_eq!(path("pbxbulk import --summary-json"), None);
    }

    #[test]
    fn only_a_file_of_ours_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("staff.csv");
        std::fs::write(&input, "number\n1001\n").unwrap();
        let args: Vec<OsString> = ["pbxbulk", "import", "--bogus", "--summary-json"]
            .iter()
            .map(OsString::from)
            .chain([input.clone().into_os_string()])
            .collect();
        unparsed(&args, "unexpected argument '--bogus'");
        assert_eq!(std::fs::read_to_string(&input).unwrap(), "number\n1001\n");
        let old = dir.path().join("s.json");
        std::fs::write(&old, r#"{"schema": 1, "reason": "ok"}"#).unwrap();
        let mut args = args;
        args[4] = old.clone().into_os_string();
        unparsed(&args, "unexpected argument '--bogus'");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
        assert_eq!(json["reason"], "bad_input");
        assert_eq!(json["exit_code"], 2);
    }

    #[test]
    fn the_reason_comes_from_the_typed_error_not_its_words() {
        let e = anyhow::Error::new(Stopped::new(RunEnd::Safeguard, "refusing to delete"));
        assert_eq!(reason_for(&e.context("outer words")), RunEnd::Safeguard);
        let e = anyhow::Error::new(ApiError::Timeout(std::time::Duration::ZERO));
        assert_eq!(reason_for(&e), RunEnd::PbxUnreachable);
        assert_eq!(
            reason_for(&anyhow::anyhow!("login refused")),
            RunEnd::BadInput
        );
    }
}
