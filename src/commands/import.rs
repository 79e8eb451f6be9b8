//! `pbxbulk import`: run the import, then say how it went and where the report is — to a
//! person (the summary lines) and to a script (`--summary-json`, the exit code and its reason).

use std::path::Path;
use std::time::SystemTime;

use crate::domain::{Exit, RunEnd, Stopped};
use crate::input::SheetError;
use crate::output::progress::timestamp;
use crate::output::summary_json::{RunFacts, SummaryJson, without_credentials};
use crate::output::{beside_report, credentials_path, is_stdout, may_write};
use crate::pbx::ApiError;
use crate::run::ImportSettings;
use crate::run::import::{ImportOutcome, reason_of, run_import};
use crate::run::journal::{JournalError, journal_path};

/// Runs an import and prints its summary; the exit code follows the design's contract.
pub(crate) async fn import(settings: ImportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&settings.connection);
    let started = SystemTime::now();
    let outcome = match run_import(&settings, || eprintln!("{}", banner(&settings, started))).await
    {
        Ok(outcome) => outcome,
        Err(e) => {
            // Nothing was sent; the script still learns why, in its word.
            let reason = reason_for(&e);
            write_json(&settings, started, reason, Some(&format!("{e:#}")), None)?;
            return Err(e);
        }
    };
    finished(&settings, &outcome, started)
}

/// Says how an import (or a migration) went and where its files are; the exit code, from the
/// reason the run ended.
pub(crate) fn finished(
    settings: &ImportSettings,
    outcome: &ImportOutcome,
    started: SystemTime,
) -> anyhow::Result<Exit> {
    // With the JSON on standard output, the lines for people go to standard error.
    let json_to_stdout = settings.summary_json.as_deref() == Some(Path::new("-"));
    let tell = move |line: &str| {
        if json_to_stdout {
            eprintln!("{line}");
        } else {
            say!("{line}");
        }
    };
    let summary = &outcome.summary;
    let reason = match (&outcome.stopped, &outcome.would_refuse) {
        (Some((reason, _)), _) => *reason,
        (None, Some(_)) => RunEnd::Safeguard,
        (None, None) if Exit::of(summary, false) == Exit::RowsFailed => RunEnd::RowsFailed,
        (None, None) => RunEnd::Done,
    };
    if settings.dry_run {
        tell(&summary.dry_run_line());
        if let Some(refuse) = &outcome.would_refuse {
            tell(refuse);
        }
    }
    tell(&summary.line());
    tell(&format!("report: {}", settings.report.display()));
    if let Some(rejects) = &outcome.rejects {
        tell(&format!(
            "failed, invalid and unfinished rows, ready to fix and re-import: {}",
            rejects.display()
        ));
    }
    let credentials = credentials_path(&settings.report);
    if settings.generate_passwords && credentials.exists() {
        tell(&format!(
            "generated credentials of new extensions (hand them out, then delete the file): {}",
            credentials.display()
        ));
    }
    if let Some((reason, why)) = &outcome.stopped {
        eprintln!("pbxbulk: stopped early: {why}");
        eprintln!("pbxbulk: {}: {}", reason.word(), reason.exit_text());
    }
    if outcome.journal_kept {
        let args: Vec<String> = std::env::args().collect();
        eprintln!("resume with: {}", resume_command(&args));
    }
    let message = outcome.stopped.as_ref().map(|(_, why)| why.as_str());
    let message = message.or(outcome.would_refuse.as_deref());
    write_json(settings, started, reason, message, Some(outcome))?;
    Ok(reason.exit())
}

/// A command line refused before anything started: the script that asked for a JSON summary
/// still gets one (reason `bad_input`). Failing to write it changes nothing: the error that
/// refused the command is the one to report.
pub(crate) fn refused(target: Option<&Path>, file: &Path, e: &anyhow::Error) {
    if let Some(target) = target.filter(|t| is_stdout(t) || may_write(t, &[file])) {
        let _ = SummaryJson::bad_input(file, &format!("{e:#}"), SystemTime::now()).write(target);
    }
}

/// Whether the summary may go to `target`: never over the input, the report or a file beside
/// it, nor through a link, even when the run was refused for naming such a file.
fn summary_may_go_to(target: &Path, settings: &ImportSettings) -> bool {
    let beside = beside_report(&settings.report);
    let mut others: Vec<&Path> = beside.iter().map(|(_, p)| p.as_path()).collect();
    others.extend([settings.file.as_path(), settings.report.as_path()]);
    is_stdout(target) || may_write(target, &others)
}

/// One line on stderr as the run starts (logged in, the file open): when, what, where, how.
fn banner(settings: &ImportSettings, at: SystemTime) -> String {
    format!(
        "{} pbxbulk import {} to {} at {}, mode {}{}",
        timestamp(at),
        settings.file.display(),
        settings.api.name(),
        without_credentials(&settings.connection.base_url),
        settings.mode.name(),
        match (settings.dry_run, settings.resume) {
            (true, _) => ", dry run",
            (false, true) => ", resuming",
            (false, false) => "",
        }
    )
}

/// Why a run that could not start stopped, from the typed error inside it.
fn reason_for(e: &anyhow::Error) -> RunEnd {
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
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return RunEnd::LocalFailure;
        }
    }
    RunEnd::BadInput
}

fn write_json(
    settings: &ImportSettings,
    started: SystemTime,
    reason: RunEnd,
    message: Option<&str>,
    outcome: Option<&ImportOutcome>,
) -> anyhow::Result<()> {
    let Some(target) = &settings.summary_json else {
        return Ok(());
    };
    if !summary_may_go_to(target, settings) {
        return Ok(());
    }
    let empty = crate::domain::Summary::default();
    let journal = journal_path(&settings.report);
    let facts = RunFacts {
        file: &settings.file,
        api: settings.api.api,
        url: &settings.connection.base_url,
        mode: settings.mode,
        dry_run: settings.dry_run,
        started,
        ended: SystemTime::now(),
        reason,
        message,
        relogins: outcome.map_or(0, |o| o.relogins),
        report: &settings.report,
        rejects: outcome.and_then(|o| o.rejects.as_deref()),
        journal: outcome
            .filter(|o| o.journal_kept)
            .map(|_| journal.as_path()),
    };
    let summary = outcome.map_or(&empty, |o| &o.summary);
    SummaryJson::new(summary, &facts)
        .write(target)
        .map_err(|e| anyhow::anyhow!("cannot write --summary-json {}: {e}", target.display()))
}

/// The command line as the user typed it, with `--resume` added (once) and credentials taken
/// out of any URL, quoted so it can be pasted into a shell.
pub(crate) fn resume_command(args: &[String]) -> String {
    let mut words: Vec<String> = args
        .iter()
        .filter(|a| *a != "--resume")
        .map(|a| shell_quote(&without_credentials(a)))
        .collect();
    words.push("--resume".to_string());
    words.join(" ")
}

fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn the_resume_line_is_the_command_line_with_resume_once_and_no_credentials() {
        let line = resume_command(&words(
            "pbxbulk import a.csv --url https://api:Secret1@10.0.0.1:8088 --rate 5",
        ));
        assert_eq!(
            line,
            "pbxbulk import a.csv --url https://10.0.0.1:8088 --rate 5 --resume"
        );
        let again = resume_command(&words("pbxbulk import a.csv --resume --rate 5"));
        assert_eq!(again, "pbxbulk import a.csv --rate 5 --resume");
    }

    #[test]
    fn words_a_shell_would_split_are_quoted() {
        let args = ["pbxbulk", "import", "my staff.csv", "it's.csv"].map(String::from);
        assert_eq!(
            resume_command(&args),
            r"pbxbulk import 'my staff.csv' 'it'\''s.csv' --resume"
        );
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
