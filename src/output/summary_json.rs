//! `--summary-json FILE|-`: how a run went, for the script that started it, however it ended.
//! The schema is documented in docs/REFERENCE.md and only ever grows (`schema` says which
//! version a file follows). A file is replaced whole (written beside it, then renamed), so a
//! script never reads half of one, nor yesterday's.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use serde::Serialize;

use super::files::write_whole;
use super::progress::timestamp;
use crate::domain::{Action, Api, Mode, RunEnd, Status, Summary};

/// The facts of a run besides its counts; `None` for what the command has not (validate has
/// no URL, export no input file) or a refused command line never settled.
pub(crate) struct RunFacts<'a> {
    pub(crate) file: Option<&'a Path>,
    pub(crate) api: Option<&'static Api>,
    pub(crate) url: Option<&'a str>,
    pub(crate) mode: Option<Mode>,
    pub(crate) dry_run: bool,
    pub(crate) started: SystemTime,
    pub(crate) ended: SystemTime,
    pub(crate) reason: RunEnd,
    /// The one line that explains a stop, if the run stopped.
    pub(crate) message: Option<&'a str>,
    pub(crate) relogins: u64,
    pub(crate) report: Option<&'a Path>,
    pub(crate) rejects: Option<&'a Path>,
    pub(crate) journal: Option<&'a Path>,
}

#[derive(Debug, Serialize)]
pub(crate) struct SummaryJson {
    schema: u32,
    exit_code: u8,
    reason: &'static str,
    message: Option<String>,
    /// `null` (as are `api`, `url`, `mode` and `report`) when the command has none, or the
    /// command line itself was refused before it said.
    file: Option<String>,
    api: Option<&'static str>,
    url: Option<String>,
    mode: Option<&'static str>,
    dry_run: bool,
    started_at: String,
    ended_at: String,
    duration_secs: f64,
    rows: u64,
    /// Rows by action, then by status; every action and status is present.
    counts: BTreeMap<String, BTreeMap<String, u64>>,
    requests: u64,
    /// Requests per second over the whole run.
    rate_achieved: f64,
    retries: u64,
    relogins: u64,
    report: Option<String>,
    rejects: Option<String>,
    journal: Option<String>,
    /// What `--verify` read back: `null` without it (or when the run stopped first).
    verify: Option<VerifyJson>,
}

/// Written rows read back, by what was found.
#[derive(Debug, Serialize)]
struct VerifyJson {
    verified: u64,
    mismatched: u64,
    /// Rows with a secret the PBX does not hand back (counted in one of the two above).
    with_unverifiable: u64,
}

impl SummaryJson {
    pub(crate) fn new(summary: &Summary, facts: &RunFacts<'_>) -> SummaryJson {
        let counts = Action::ALL
            .iter()
            .map(|action| {
                let by_status = Status::ALL
                    .iter()
                    .map(|status| (status.to_string(), summary.count(*action, *status)))
                    .collect();
                (action.to_string(), by_status)
            })
            .collect();
        let secs = facts
            .ended
            .duration_since(facts.started)
            .unwrap_or_default()
            .as_secs_f64();
        let rate = if secs > 0.0 {
            summary.requests as f64 / secs
        } else {
            0.0
        };
        let path = |p: &Path| p.display().to_string();
        SummaryJson {
            schema: 1,
            exit_code: facts.reason.exit() as u8,
            reason: facts.reason.word(),
            message: facts.message.map(str::to_string),
            file: facts.file.map(path),
            api: facts.api.map(|api| api.name),
            url: facts.url.map(without_credentials),
            mode: facts.mode.map(Mode::name),
            dry_run: facts.dry_run,
            started_at: timestamp(facts.started),
            ended_at: timestamp(facts.ended),
            duration_secs: round3(secs),
            rows: summary.total(),
            counts,
            requests: summary.requests,
            rate_achieved: round3(rate),
            retries: summary.retries,
            relogins: facts.relogins,
            report: facts.report.map(path),
            rejects: facts.rejects.map(path),
            journal: facts.journal.map(path),
            verify: summary.verify.map(|v| VerifyJson {
                verified: v.verified,
                mismatched: v.mismatched,
                with_unverifiable: v.with_unverifiable,
            }),
        }
    }

    /// The summary of a run whose command line was refused before anything started.
    pub(crate) fn bad_input(file: Option<&Path>, message: &str, at: SystemTime) -> SummaryJson {
        SummaryJson::refused(file, RunEnd::BadInput, message, at)
    }

    /// The summary of a run refused before anything started (its command line, or its
    /// plan), and why.
    pub(crate) fn refused(
        file: Option<&Path>,
        reason: RunEnd,
        message: &str,
        at: SystemTime,
    ) -> SummaryJson {
        let facts = RunFacts {
            file,
            api: None,
            url: None,
            mode: None,
            dry_run: false,
            started: at,
            ended: at,
            reason,
            message: Some(message),
            relogins: 0,
            report: None,
            rejects: None,
            journal: None,
        };
        SummaryJson::new(&Summary::default(), &facts)
    }

    /// Writes the summary to `target` (`-` is standard output).
    pub(crate) fn write(&self, target: &Path) -> io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        text.push('\n');
        if target == Path::new("-") {
            io::stdout().lock().write_all(text.as_bytes())
        } else {
            // Private (it names the file and the PBX), whole, and never through a link.
            write_whole(target, text.as_bytes())
        }
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `https://user:pw@host:8088/x` → `https://host:8088/x`; anything else as it is. For every
/// place a URL or a command line is shown.
pub(crate) fn without_credentials(text: &str) -> String {
    if let Some((flag, value)) = text.split_once('=')
        && flag.starts_with("--")
    {
        return format!("{flag}={}", without_credentials(value));
    }
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Capabilities;

    static TEST_API: Api = Api {
        name: "yeastar-v2",
        caps: Capabilities::BASE,
    };
    use std::time::Duration;

    #[test]
    fn every_action_and_status_is_counted_and_named_by_its_report_word() {
        let mut summary = Summary::default();
        summary.add_row(Action::Add, Status::Ok, 2);
        summary.add_row(Action::Update, Status::Failed, 1);
        summary.add_row(Action::Delete, Status::Ok, 1);
        summary.add_row(Action::None, Status::Invalid, 0);
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let facts = RunFacts {
            file: Some(Path::new("staff.csv")),
            api: Some(&TEST_API),
            url: Some("https://api:Secret-1@192.0.2.10:8088"),
            mode: Some(Mode::Sync),
            dry_run: false,
            started,
            ended: started + Duration::from_secs(2),
            reason: RunEnd::RowsFailed,
            message: None,
            relogins: 1,
            report: Some(Path::new("staff.report.csv")),
            rejects: Some(Path::new("staff.report.rejects.csv")),
            journal: None,
        };
        let json = serde_json::to_value(SummaryJson::new(&summary, &facts)).unwrap();
        assert_eq!(json["exit_code"], 1);
        assert_eq!(json["reason"], "rows_failed");
        assert_eq!(json["url"], "https://192.0.2.10:8088");
        assert_eq!(json["mode"], "sync");
        assert_eq!(json["started_at"], "2027-01-15T08:00:00Z");
        assert_eq!(json["counts"]["add"]["ok"], 1);
        assert_eq!(json["counts"]["update"]["failed"], 1);
        assert_eq!(json["counts"]["none"]["invalid"], 1);
        assert_eq!(json["counts"]["delete"]["skipped"], 0);
        assert_eq!(
            (json["requests"].as_u64(), json["retries"].as_u64()),
            (Some(4), Some(1))
        );
        assert_eq!(json["rate_achieved"], 2.0);
        assert_eq!(json["journal"], serde_json::Value::Null);
    }

    #[test]
    fn credentials_never_leave_a_url() {
        assert_eq!(
            without_credentials("--url=http://u:p@h/provisioning"),
            "--url=http://h/provisioning"
        );
        assert_eq!(without_credentials("http://h/a@b"), "http://h/a@b");
        assert_eq!(without_credentials("staff.csv"), "staff.csv");
    }
}
