//! The page's markup. Elements that hold a figure carry a stable `id` (`count-ok`,
//! `count-add-failed`, `chart-throughput`, …) so a script or a test can read them back.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{PageData, PageRow, PageRows, RunFacts, charts};
use crate::domain::{Action, Status, Summary};
use crate::output::progress::timestamp;

const CSS: &str = include_str!("page.css");

/// Rows per block of the problem list. A block off screen is not laid out until scrolled near
/// (`content-visibility: auto`), so a page listing 20,000 invalid rows opens about as fast as
/// a short one; printing lays out every block.
const BLOCK: usize = 200;

/// No script may run and nothing may be fetched, whatever a cell holds: a second guard
/// behind the escaping.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'";

pub(super) fn render(data: &PageData) -> String {
    let run = &data.run;
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                title {
                    "pbxbulk " (run.command) " " (run.input.name) ", " (timestamp(run.started))
                }
                style { (PreEscaped(CSS)) }
            }
            body {
                (header(run))
                (facts(run))
                (counts(&data.counts))
                (errors(&data.rows))
                (timeline(run, &data.rows))
                (slowest(&data.rows.slowest))
                (problems(&data.rows.problems, &data.counts))
                footer {
                    "Written by pbxbulk " (env!("CARGO_PKG_VERSION")) " at " (timestamp(run.ended))
                }
            }
        }
    }
    .into_string()
}

fn header(run: &RunFacts) -> Markup {
    let class = match run.outcome.word {
        "ok" => "good",
        "rows_failed" => "rows",
        _ => "stop",
    };
    html! {
        header {
            h1 { "pbxbulk " (run.command) ": " span id="input-name" { (run.input.name) } }
            p.sub {
                "to " (run.api) " at " (run.target) ", mode " (run.mode) ", "
                (timestamp(run.started))
            }
            p id="outcome" class={"outcome " (class)} {
                "exit " span id="exit-code" { (run.outcome.exit) } ", "
                span id="reason" { (run.outcome.word) }
                @if let Some(message) = &run.outcome.message { ": " (message) }
            }
        }
    }
}

fn facts(run: &RunFacts) -> Markup {
    let seconds = run
        .ended
        .duration_since(run.started)
        .unwrap_or_default()
        .as_secs_f64();
    html! {
        section id="run" {
            h2 { "The run" }
            dl.facts {
                dt { "Command" } dd { "pbxbulk " (run.command) }
                dt { "Duration" } dd { (format!("{seconds:.1}")) " s" }
                dt { "Started" } dd { (timestamp(run.started)) }
                dt { "Ended" } dd { (timestamp(run.ended)) }
                dt { "PBX" } dd.wide.mono { (run.target) }
                dt { "API" } dd { (run.api) }
                dt { "Mode" } dd { (run.mode) }
                dt { "Input" }
                dd.wide.mono {
                    (run.input.name)
                    @if let Some(bytes) = run.input.bytes { " (" (bytes) " bytes)" }
                }
                dt { "Input SHA-256" }
                dd.wide.mono id="input-sha256" {
                    (run.input.sha256.as_deref().unwrap_or("not worked out"))
                }
            }
            h3 { "Settings" }
            dl.facts { @for (name, value) in &run.settings { dt { (name) } dd { (value) } } }
        }
    }
}

fn counts(summary: &Summary) -> Markup {
    let tiles = [
        ("total", "rows", summary.total()),
        ("ok", "ok", summary.ok),
        ("unchanged", "unchanged", summary.unchanged),
        ("invalid", "invalid", summary.invalid),
        ("failed", "failed", summary.failed),
        ("skipped", "skipped", summary.skipped),
    ];
    html! {
        section id="counts" {
            h2 { "Counts" }
            div.tiles {
                @for (key, what, n) in tiles {
                    div class={"tile " (key)} {
                        span.num id={"count-" (key)} { (n) } span.what { (what) }
                    }
                }
            }
            table id="counts-by-action" {
                thead { tr {
                    th { "action" }
                    @for status in Status::ALL { th.n { (status) } }
                    th.n { "rows" }
                } }
                tbody {
                    @for action in Action::ALL {
                        tr {
                            th { (action) }
                            @for status in Status::ALL {
                                @let n = summary.count(action, status);
                                td.n.zero[n == 0] id={"count-" (action) "-" (status)} { (n) }
                            }
                            td.n { (rows_of(summary, action)) }
                        }
                    }
                }
            }
        }
    }
}

fn errors(rows: &PageRows) -> Markup {
    html! {
        section id="errors" {
            h2 { "Errors by code" }
            @if rows.errors.is_empty() {
                p { "No row has an error code." }
            } @else {
                table id="errors-by-code" {
                    thead { tr {
                        th { "code" } th.n { "rows" } th { "what to try" } th { "first message" }
                        th { "rows, e.g." }
                    } }
                    tbody {
                        @for group in &rows.errors {
                            tr {
                                td { code { (group.code) } }
                                td.n.error-rows { (group.rows) }
                                td {
                                    @match group.hint {
                                        Some(hint) => (hint),
                                        None => "the PBX's own code: its meaning is in the message",
                                    }
                                }
                                td.message { (group.message) }
                                td {
                                    (group.examples.join(", "))
                                    @if group.rows > group.examples.len() as u64 { ", …" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn timeline(run: &RunFacts, rows: &PageRows) -> Markup {
    let timeline = &rows.timeline;
    html! {
        section id="timeline" {
            h2 { "Throughput and latency" }
            @if let Some(overall) = timeline.overall {
                p {
                    "Latency of the rows sent, from the first request to the final answer: median "
                    span id="latency-p50" { (overall.p50) } " ms, 95th percentile "
                    span id="latency-p95" { (overall.p95) } " ms, slowest "
                    span id="latency-max" { (overall.max) } " ms."
                }
                (charts::throughput(timeline, run.rate_limit))
                p.note {
                    "Requests per second in buckets of " (timeline.bucket_ms) " ms: each row's "
                    "first request where it went out, its retries (orange) where the row finished"
                    @if run.rate_limit.is_some() { ", the --rate limit dashed" } "."
                }
                (charts::latency(timeline))
                p.note {
                    "Each bucket's rows: median, 95th percentile and slowest, "
                    "on a logarithmic scale."
                }
            } @else {
                p id="no-requests" { "No request was sent in this run." }
            }
        }
    }
}

fn slowest(rows: &[PageRow]) -> Markup {
    html! {
        @if !rows.is_empty() {
            section id="slowest" {
                h2 { "The slowest rows" }
                table id="slowest-rows" {
                    thead { tr {
                        th.n { "row" } th { "number" } th { "action" } th { "status" }
                        th.n { "attempts" } th.n { "latency ms" } th.n { "finished at" }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td.n { (row_label(row)) } td.mono { (row.number) }
                                td { (row.action) } td { (row.status) } td.n { (row.attempts) }
                                td.n { (row.latency_ms) } td.n { (finished(row)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn problems(rows: &[PageRow], summary: &Summary) -> Markup {
    let verify = rows.iter().any(|r| r.verify.is_some());
    html! {
        section id="problems" {
            h2 { "Failed, invalid and mismatched rows" }
            @if summary.skipped > 0 {
                p.note {
                    (summary.skipped) " rows were skipped (not attempted); the report lists each, "
                    "and the rejects file holds those a stopped run left."
                }
            }
            @if rows.is_empty() {
                p id="no-problems" { "Every row went through." }
            } @else {
                div id="problem-rows" {
                    @for block in rows.chunks(BLOCK) {
                        div.block { table.rows {
                            (problem_columns(verify))
                            tbody { @for row in block { (problem_row(row, verify)) } }
                        } }
                    }
                }
            }
        }
    }
}

/// The problem list's columns, fixed in width so that its blocks line up as one table.
fn problem_columns(verify: bool) -> Markup {
    html! {
        colgroup {
            col.w-row {} col.w-number {} col.w-word {} col.w-word {} col.w-code {} col {}
            col.w-num {} col.w-num {} col.w-num {} @if verify { col.w-verify {} }
        }
        thead { tr {
            th.n { "row" } th { "number" } th { "action" } th { "status" } th { "code" }
            th { "message" } th.n { "attempts" } th.n { "latency ms" } th.n { "finished at" }
            @if verify { th { "verify" } }
        } }
    }
}

fn problem_row(row: &PageRow, verify: bool) -> Markup {
    html! {
        tr.problem data-status=(row.status) {
            td.n { (row_label(row)) } td.mono { (row.number) }
            td { (row.action) } td.status { (row.status) }
            td { code { (row.error_code) } } td.message { (row.message) }
            td.n { (row.attempts) }
            // A row never sent took no time.
            td.n { @if row.attempts > 0 { (row.latency_ms) } }
            td.n { (finished(row)) }
            @if verify { td.message { (row.verify.as_deref().unwrap_or("")) } }
        }
    }
}

/// Rows with `action`, whatever their status.
fn rows_of(summary: &Summary, action: Action) -> u64 {
    Status::ALL
        .map(|status| summary.count(action, status))
        .iter()
        .sum()
}

/// The spreadsheet row, or `–` for a delete of an extension the file does not list.
fn row_label(row: &PageRow) -> String {
    row.row.map_or_else(|| "–".to_string(), |r| r.to_string())
}

fn finished(row: &PageRow) -> String {
    row.finished_ms
        .map_or_else(String::new, |ms| format!("{:.1} s", ms as f64 / 1000.0))
}
