//! `pbxbulk import`: read, plan and send a spreadsheet, then report.
//!
//! Order matters for the unattended user: the file's header is checked before logging in (a
//! broken file costs no login), the login before the report is created, and nothing is sent
//! until the PBX's listing (for upsert) is in hand.

use std::collections::HashSet;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::mpsc;

use crate::Exit;
use crate::api::{ApiError, ApiKind, ErrorClass, Op, Reply};
use crate::client::Client;
use crate::config::{ImportSettings, Mode};
use crate::engine::{self, Abort, EngineSettings, Job, Task, Work};
use crate::outcome::{RowResult, Status};
use crate::plan::{Planned, Planner, plan_sheet};
use crate::progress::Progress;
use crate::report::{Report, Summary};
use crate::rules;
use crate::sheet::Sheet;

/// Runs an import and prints its summary; the exit code follows the design's contract.
pub async fn import(settings: ImportSettings) -> anyhow::Result<Exit> {
    let (summary, aborted) = run_import(&settings).await?;
    println!("{}", summary.line());
    println!("report: {}", settings.report.display());
    if summary.failed + summary.invalid > 0 {
        println!(
            "failed and invalid rows, ready to fix and re-import: {}",
            crate::config::rejects_path(&settings.report).display()
        );
    }
    if let Some(why) = &aborted {
        eprintln!("pbxbulk: stopped early: {why}");
    }
    Ok(exit_code(&summary, aborted.is_some()))
}

/// The import itself: its summary and, if it stopped early, why.
pub async fn run_import(settings: &ImportSettings) -> anyhow::Result<(Summary, Option<String>)> {
    let started = std::time::Instant::now();
    let table = rules::table(settings.api);
    let mut sheet = Sheet::open(&settings.file, table)?;
    let client = Client::new(settings.api.protocol(), settings.connection.clone())?;
    let client = Arc::new(client);
    let url = &settings.connection.base_url;
    client.login().await.map_err(|e| login_failed(url, &e))?;
    let heartbeat = client.spawn_heartbeat(settings.heartbeat);

    let existing =
        match settings.mode {
            Mode::Upsert => Some(list_numbers(&client, settings.retries).await.with_context(
                || format!("cannot list the extensions on {url}; nothing was sent"),
            )?),
            Mode::Add | Mode::Update => None,
        };
    let mut planner = Planner::new(table, settings.mode, existing, settings.weak_passwords);
    let mut report = Report::create(&settings.report, sheet.header().clone(), sheet.delimiter())
        .with_context(|| format!("cannot write the report {}", settings.report.display()))?;

    let abort = Arc::new(Abort::default());
    let interrupt = {
        let abort = abort.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                abort.stop("interrupted (Ctrl-C); rows in flight were finished");
            }
        })
    };

    let (tx, rx) = mpsc::channel::<Work>(1024);
    let dry_run = settings.dry_run;
    let producer = tokio::task::spawn_blocking(move || {
        let mut seq = 0;
        plan_sheet(&mut sheet, &mut planner, |offset, planned, raw| {
            let task = to_task(planned, dry_run);
            let work = Work {
                seq,
                offset,
                raw: Some(raw),
                task,
            };
            seq += 1;
            tx.blocking_send(work).is_ok()
        })
    });

    let progress = Progress::new(file_len(settings));
    let engine_settings = EngineSettings {
        rate: settings.rate,
        concurrency: settings.concurrency,
        retries: settings.retries,
    };
    engine::run(
        rx,
        client.clone(),
        &engine_settings,
        &mut report,
        &progress,
        abort.clone(),
    )
    .await
    .with_context(|| format!("cannot write the report {}", settings.report.display()))?;
    progress.finish();
    interrupt.abort();
    let read = producer.await.context("the reader stopped unexpectedly")?;

    let wrote = report.summary.ok > 0;
    if wrote && settings.api == ApiKind::YeastarV1 && abort.reason().is_none() {
        // v1 applies each write by itself but recommends one apply after a batch.
        if let Err(e) = client.call_retrying(&Op::Apply, settings.retries).await {
            abort.stop(format!(
                "the changes were written but the final apply failed: {e}"
            ));
        }
    }
    client.logout().await;
    heartbeat.abort();
    let mut summary = report.finish().context("cannot finish the report")?;
    summary.elapsed = started.elapsed();
    // A file that broke halfway is reported after the rows that were read.
    read?;
    Ok((summary, abort.reason().map(str::to_string)))
}

fn to_task(planned: Planned, dry_run: bool) -> Task {
    match planned {
        Planned::Done(result) => Task::Done(result),
        Planned::Send {
            row,
            number,
            action,
            changed,
            ..
        } if dry_run => {
            let mut result = RowResult::new(Some(row), number, action, Status::Skipped)
                .with_error("", format!("dry run: would {action}"));
            result.changed = changed;
            Task::Done(result)
        }
        Planned::Send {
            row,
            number,
            action,
            record,
            changed,
        } => Task::Send(Job {
            row,
            number,
            action,
            record,
            changed,
        }),
    }
}

pub async fn list_numbers(client: &Client, retries: u32) -> Result<HashSet<String>, ApiError> {
    match client.call_retrying(&Op::List, retries).await? {
        Reply::Numbers(numbers) => Ok(numbers.into_iter().collect()),
        other => Err(ApiError::BadResponse(format!(
            "unexpected answer to a listing: {other:?}"
        ))),
    }
}

fn file_len(settings: &ImportSettings) -> Option<u64> {
    std::fs::metadata(&settings.file).ok().map(|m| m.len())
}

fn exit_code(summary: &Summary, aborted: bool) -> Exit {
    if aborted {
        Exit::Incomplete
    } else if summary.failed + summary.invalid > 0 {
        Exit::RowsFailed
    } else {
        Exit::Ok
    }
}

/// Why the first login failed, in words that say what to do.
pub fn login_failed(url: &str, e: &ApiError) -> anyhow::Error {
    match e.class() {
        ErrorClass::LoginRefused => anyhow::anyhow!(
            "login to {url} refused: {e}. Nothing was sent. pbxbulk tried once and will not \
             retry: 5 refused logins lock this address for 10 minutes"
        ),
        _ if e.to_string().contains("certificate") => anyhow::anyhow!(
            "cannot connect to {url}: {e}. If the PBX uses its own certificate, pass \
             --ca-cert PEM (or --insecure)"
        ),
        _ if e.is_unreachable() => anyhow::anyhow!("cannot reach {url}: {e}"),
        _ => anyhow::anyhow!("cannot log in to {url}: {e}"),
    }
}
