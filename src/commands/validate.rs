//! `pbxbulk validate`: every row against the API's rules, offline.
//!
//! Without `--report` the problems are listed on the terminal (the first ones, then a count);
//! with it, the report has the same columns as an import's.

use std::path::Path;
use std::time::SystemTime;

use anyhow::Context;

use super::summary::{self, reason_for};
use crate::domain::values::shorten;
use crate::domain::{Action, Exit, Mode, PbxSnapshot, RowResult, RunEnd, Status, Summary};
use crate::input::{RawRow, RowCells, Sheet, Source};
use crate::output::summary_json::RunFacts;
use crate::output::{Report, check_outputs, rejects_beside};
use crate::plan::matching::People;
use crate::plan::roster;
use crate::plan::{Planned, Planner, plan_sheet};
use crate::settings::{self, Options, ValidateSettings, get};
use csv::ByteRecord;

/// How many invalid rows are listed on the terminal before only counting the rest.
const SHOWN: u64 = 50;
/// Longest problem line listed (characters): a row may break many rules.
const SHOWN_LINE: usize = 1000;

/// `pbxbulk validate`: the settings from `options`, then the check, then its summary.
pub(crate) fn run(options: Options) -> anyhow::Result<Exit> {
    let (json, file) = (
        get(&options.summary_json).cloned(),
        get(&options.file).cloned(),
    );
    let settings = settings::validate(options)
        .inspect_err(|e| summary::refused(json.as_deref(), file.as_deref(), e))?;
    let started = SystemTime::now();
    let (summary, reason, message) = match validate(&settings) {
        Ok(summary) => {
            let reason = match Exit::of(&summary, false) {
                Exit::Ok => RunEnd::Done,
                Exit::RowsFailed | Exit::Incomplete => RunEnd::RowsFailed,
            };
            (summary, reason, None)
        }
        Err(e) => {
            let message = format!("{e:#}");
            let facts = facts(&settings, started, reason_for(&e), Some(&message));
            summary::write(
                settings.summary_json.as_deref(),
                &Summary::default(),
                &facts,
            )?;
            return Err(e);
        }
    };
    summary::write(
        settings.summary_json.as_deref(),
        &summary,
        &facts(&settings, started, reason, message),
    )?;
    Ok(reason.exit())
}

fn facts<'a>(
    settings: &'a ValidateSettings,
    started: SystemTime,
    reason: RunEnd,
    message: Option<&'a str>,
) -> RunFacts<'a> {
    RunFacts {
        file: Some(&settings.file),
        api: Some(settings.api.api),
        url: None,
        mode: Some(settings.mode),
        dry_run: false,
        started,
        ended: SystemTime::now(),
        reason,
        message,
        relogins: 0,
        report: settings.report.as_deref(),
        rejects: None,
        journal: None,
    }
}

/// Checks every row; the counts, by the action each valid row would take.
fn validate(settings: &ValidateSettings) -> anyhow::Result<Summary> {
    let started = std::time::Instant::now();
    let table = settings.api.table;
    if let Some(path) = &settings.report {
        let input = (settings.file != Path::new("-")).then_some(settings.file.as_path());
        let mut outputs = vec![("--report", path.clone())];
        outputs.extend(rejects_beside(path));
        check_outputs(input, &outputs).map_err(anyhow::Error::msg)?;
    }
    let source = Source::open(&settings.file, &settings.read)?;
    if settings.show_mapped > 0 {
        show_mapped(settings, &source)?;
    }
    let mut sheet = Sheet::open(&source, table, settings.mapping.as_ref())?;
    for notice in sheet.notices() {
        eprintln!("pbxbulk: {notice}");
    }
    let mut report = open_report(settings, &sheet)?;
    // Nothing is sent, so no line need reach the disk before the next row: a killed check
    // is run again.
    if let Some(report) = &mut report {
        report.flush_each_line(false);
    }
    let mut planner = Planner::new(table, settings.mode, None, settings.weak_passwords)
        .generate_passwords(settings.generate_passwords)
        .strict(settings.strict)
        .check_only(report.is_some())
        .people(people(settings, &source)?);
    let mut summary = Summary::default();
    let mut write_error = None;
    // Upsert and sync cannot know, offline, whether a row will add or update.
    let shown = |action| match settings.mode {
        Mode::Upsert | Mode::Sync => Action::None,
        Mode::Add | Mode::Update => action,
    };
    plan_sheet(&mut sheet, &mut planner, |_, planned, raw| {
        let (row, number, action, note) = match planned {
            Planned::Done(result) => {
                return done(
                    &result,
                    raw,
                    &mut summary,
                    report.as_mut(),
                    &mut write_error,
                );
            }
            // Without a report a valid row needs only counting: the fast path of a big file.
            Planned::Valid { action, .. } if report.is_none() => {
                summary.add_row(shown(action), Status::Ok, 0);
                return true;
            }
            Planned::Valid {
                row,
                number,
                action,
                note,
            } => (Some(row), number, action, note),
            // Validation plans nothing to send; a row that would be sent passed every rule.
            Planned::Send(send) => (send.row, send.number, send.action, send.note),
        };
        summary.add_row(shown(action), Status::Ok, 0);
        let written = report
            .as_mut()
            .map(|r| r.write_valid(row, &number, shown(action), &note));
        kept(written, &mut write_error)
    })?;
    if let Some(e) = write_error {
        return Err(e).context("cannot write the report");
    }
    summary.elapsed = started.elapsed();
    finish(settings, report, &summary)?;
    Ok(summary)
}

/// Counts a row decided without a valid verdict (invalid, skipped) and reports it: on the
/// terminal while few, else only in the report. False once the report cannot be written.
fn done(
    result: &RowResult,
    raw: &ByteRecord,
    summary: &mut Summary,
    report: Option<&mut Report>,
    write_error: &mut Option<std::io::Error>,
) -> bool {
    summary.add_row(result.action, result.status, 0);
    if result.status == Status::Invalid && summary.invalid <= SHOWN && report.is_none() {
        // At most SHOWN lines of at most SHOWN_LINE characters, whatever the file holds.
        let message = shorten(&result.message, SHOWN_LINE);
        eprintln!("row {}: {message}", result.row.unwrap_or(0));
    }
    kept(
        report.map(|r| r.write(result, Some(raw), false)),
        write_error,
    )
}

/// Whether the run goes on after a line was (or was not) written: not after a write error,
/// which is kept to be said.
fn kept(written: Option<std::io::Result<()>>, write_error: &mut Option<std::io::Error>) -> bool {
    match written {
        Some(Err(e)) => {
            *write_error = Some(e);
            false
        }
        _ => true,
    }
}

/// The per-row report, when one is asked for.
fn open_report(settings: &ValidateSettings, sheet: &Sheet) -> anyhow::Result<Option<Report>> {
    let Some(path) = &settings.report else {
        return Ok(None);
    };
    let report = Report::create(path, sheet.header().clone(), sheet.layout())
        .with_context(|| format!("cannot write the report {}", path.display()))?;
    Ok(Some(report))
}

/// Finishes the report and says how the check went.
fn finish(
    settings: &ValidateSettings,
    report: Option<Report>,
    summary: &Summary,
) -> anyhow::Result<()> {
    if summary.invalid > SHOWN && report.is_none() {
        eprintln!(
            "… and {} more invalid (use --report PATH for all)",
            crate::domain::rows(summary.invalid - SHOWN)
        );
    }
    // With the JSON on standard output, the lines for people go to standard error.
    let json_to_stdout = settings.summary_json.as_deref() == Some(Path::new("-"));
    let tell = |line: String| match json_to_stdout {
        true => eprintln!("{line}"),
        false => say!("{line}"),
    };
    if let Some(report) = report {
        let path = report.path().to_owned();
        report.finish().1.context("cannot finish the report")?;
        tell(format!("report: {}", path.display()));
    }
    tell(summary.checked_line());
    Ok(())
}

/// `--match`, `--assign-numbers`: rows keyed by people, as an import on an empty PBX keys them
/// (the file is read once ahead for its keys and numbers).
fn people(settings: &ValidateSettings, source: &Source) -> anyhow::Result<Option<People>> {
    if settings.match_field.is_none() && settings.assign.is_empty() {
        return Ok(None);
    }
    let table = settings.api.table;
    let sheet = Sheet::open(source, table, settings.mapping.as_ref())?;
    let mut roster = roster::read(sheet, settings.match_field)?;
    let empty = PbxSnapshot::new();
    let assign = settings.assign.clone();
    Ok(Some(People::new(
        table,
        settings.match_field,
        &empty,
        &mut roster,
        assign,
    )))
}

/// `--show-mapped N`: the first N rows as the mapping makes them, field by field (a secret
/// only by name), or why a row is skipped or cannot be mapped. A first pass of its own, so
/// the check after it is the same as without.
/// (Standard input is spooled, so it can be read a second time too.)
fn show_mapped(settings: &ValidateSettings, source: &Source) -> anyhow::Result<()> {
    let table = settings.api.table;
    let mut sheet = Sheet::open(source, table, settings.mapping.as_ref())?;
    let (mut raw, mut mapped) = (RawRow::default(), Vec::new());
    for _ in 0..settings.show_mapped {
        let Some(row) = sheet.read(&mut raw)? else {
            break;
        };
        let line = match sheet.row(&raw, &mut mapped, Vec::new()) {
            RowCells::Cells {
                cells,
                note,
                problems,
                ..
            } => {
                let mut shown: Vec<String> = table
                    .fields
                    .iter()
                    .zip(&cells.values)
                    .filter(|(_, value)| !value.is_empty())
                    .map(|(field, value)| match field.secret {
                        true => format!("{}=(secret)", field.name),
                        false => format!("{}={value:?}", field.name),
                    })
                    .collect();
                shown.extend(note);
                shown.extend(
                    problems
                        .iter()
                        .map(|p| format!("{}: {}", p.code.as_str(), p.message)),
                );
                shown.join(" ")
            }
            RowCells::Skipped { why, .. } | RowCells::Removed { why, .. } => why,
            RowCells::Invalid { problems, .. } => problems
                .iter()
                .map(|p| format!("{}: {}", p.code.as_str(), p.message))
                .collect::<Vec<_>>()
                .join("; "),
        };
        say!("row {row}: {line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests;
