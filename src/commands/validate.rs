//! `pbxbulk validate`: every row against the API's rules, offline.
//!
//! Without `--report` the problems are listed on the terminal (the first ones, then a count);
//! with it, the report has the same columns as an import's.

use anyhow::Context;

use crate::domain::{Action, Exit, Mode, RowResult, Status, Summary};
use crate::input::Sheet;
use crate::output::Report;
use crate::plan::{Planned, Planner, plan_sheet};
use crate::rules;
use crate::settings::ValidateSettings;

/// How many invalid rows are listed on the terminal before only counting the rest.
const SHOWN: u64 = 50;

pub(crate) fn validate(settings: &ValidateSettings) -> anyhow::Result<Exit> {
    let started = std::time::Instant::now();
    let table = rules::table(settings.api);
    let mut sheet = Sheet::open(&settings.file, table)?;
    let mut report = match &settings.report {
        Some(path) => Some(
            Report::create(path, sheet.header().clone(), sheet.delimiter())
                .with_context(|| format!("cannot write the report {}", path.display()))?,
        ),
        None => None,
    };
    let mut planner =
        Planner::new(table, settings.mode, None, settings.weak_passwords).check_only();
    let mut summary = Summary::default();
    let mut write_error = None;
    plan_sheet(&mut sheet, &mut planner, |_, planned, raw| {
        let result = match planned {
            Planned::Done(result) => result,
            // Without a report a valid row needs only counting: the fast path of a big file.
            Planned::Valid { .. } if report.is_none() => {
                summary.add(Status::Ok);
                return true;
            }
            Planned::Valid {
                row,
                number,
                action,
            }
            | Planned::Send {
                row,
                number,
                action,
                ..
            } => {
                let action = if matches!(settings.mode, Mode::Upsert | Mode::Sync) {
                    Action::None
                } else {
                    action
                };
                RowResult::new(Some(row), number, action, Status::Ok).with_error("", "valid")
            }
        };
        summary.add(result.status);
        if result.status == Status::Invalid && summary.invalid <= SHOWN && report.is_none() {
            eprintln!("row {}: {}", result.row.unwrap_or(0), result.message);
        }
        match report.as_mut().map(|r| r.write(&result, Some(raw), false)) {
            Some(Err(e)) => {
                write_error = Some(e);
                false
            }
            _ => true,
        }
    })?;
    if let Some(e) = write_error {
        return Err(e).context("cannot write the report");
    }
    if summary.invalid > SHOWN && report.is_none() {
        eprintln!(
            "… and {} more invalid rows (use --report PATH for all)",
            summary.invalid - SHOWN
        );
    }
    summary.elapsed = started.elapsed();
    if let Some(report) = report {
        let path = report.path().to_owned();
        report.finish().context("cannot finish the report")?;
        say!("report: {}", path.display());
    }
    say!("{}", summary.line());
    Ok(Exit::of(&summary, false))
}
