//! `pbxbulk import`: run the import, then say how it went and where the report is — to a
//! person (the summary lines) and to a script (`--summary-json`, the exit code and its reason).

use std::path::Path;
use std::time::SystemTime;

use super::summary::{self, reason_for};
use crate::domain::{Exit, RunEnd};
use crate::output::progress::timestamp;
use crate::output::summary_json::{RunFacts, without_credentials};
use crate::output::{beside_report, credentials_path, is_stdout, may_write};
use crate::run::ImportSettings;
use crate::run::import::{ImportOutcome, run_import};
use crate::run::journal::journal_path;
use crate::settings::{self, Options, get};

/// `pbxbulk import`: the settings from `options`, then the import.
pub(crate) fn run(options: Options) -> anyhow::Result<Exit> {
    let (json, file) = (
        get(&options.summary_json).cloned(),
        get(&options.file).cloned(),
    );
    let settings = settings::import(options)
        .inspect_err(|e| summary::refused(json.as_deref(), file.as_deref(), e))?;
    super::runtime()?.block_on(import(settings))
}

/// Runs an import and prints its summary; the exit code follows the design's contract.
async fn import(settings: ImportSettings) -> anyhow::Result<Exit> {
    super::warn_about(&[(&settings.connection, "--url")]);
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
        (None, None) => summary.reason(),
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

/// One line on stderr as the run starts (logged in, the file open): when, what, where, how.
pub(super) fn banner(settings: &ImportSettings, at: SystemTime) -> String {
    format!(
        "{} pbxbulk {} {} to {} at {}, mode {}{}",
        timestamp(at),
        settings.command,
        settings.file.display(),
        settings.api.name(),
        without_credentials(&settings.connection.base_url),
        settings.mode.name(),
        how(settings)
    )
}

/// `, dry run` or `, resuming`, to end a start line.
pub(crate) fn how(settings: &ImportSettings) -> &'static str {
    match (settings.dry_run, settings.resume) {
        (true, _) => ", dry run",
        (false, true) => ", resuming",
        (false, false) => "",
    }
}

pub(super) fn write_json(
    settings: &ImportSettings,
    started: SystemTime,
    reason: RunEnd,
    message: Option<&str>,
    outcome: Option<&ImportOutcome>,
) -> anyhow::Result<()> {
    let empty = crate::domain::Summary::default();
    let journal = journal_path(&settings.report);
    let facts = RunFacts {
        file: Some(&settings.file),
        api: Some(settings.api.api),
        url: Some(&settings.connection.base_url),
        mode: Some(settings.mode),
        dry_run: settings.dry_run,
        started,
        ended: SystemTime::now(),
        reason,
        message,
        relogins: outcome.map_or(0, |o| o.relogins),
        report: Some(&settings.report),
        rejects: outcome.and_then(|o| o.rejects.as_deref()),
        journal: outcome
            .filter(|o| o.journal_kept)
            .map(|_| journal.as_path()),
    };
    let summary = outcome.map_or(&empty, |o| &o.summary);
    let target = settings.summary_json.as_deref();
    summary::write(
        target.filter(|t| summary_may_go_to(t, settings)),
        summary,
        &facts,
    )
}

/// Whether the summary may go to `target`: never over the input, the report or a file beside
/// it, nor through a link, even when the run was refused for naming such a file.
fn summary_may_go_to(target: &Path, settings: &ImportSettings) -> bool {
    let beside = beside_report(&settings.report);
    let mut others: Vec<&Path> = beside.iter().map(|(_, p)| p.as_path()).collect();
    others.extend([settings.file.as_path(), settings.report.as_path()]);
    is_stdout(target) || may_write(target, &others)
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
}
