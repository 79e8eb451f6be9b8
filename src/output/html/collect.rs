//! The page's rows, gathered from the report's lines as they are written (every finished row,
//! in input order). What is kept is bounded by what the page lists, not by the run's length:
//! failed, invalid and mismatched rows whole (the page lists each), a tally per error code,
//! the slowest few rows, and the time buckets.

use std::time::Instant;

use super::timeline::TimelineBuilder;
use super::{ErrorGroup, PageRow, PageRows, is_problem};
use crate::domain::{Code, RowResult};

/// The slowest rows the page lists.
const SLOWEST: usize = 10;
/// The rows named as examples of an error code.
const EXAMPLES: usize = 5;

/// Gathers [`PageRows`]; times are counted from `started`.
pub(crate) struct PageCollector {
    started: Instant,
    problems: Vec<PageRow>,
    /// In the order codes were first seen.
    errors: Vec<ErrorGroup>,
    slowest: Vec<PageRow>,
    timeline: TimelineBuilder,
}

impl PageCollector {
    pub(crate) fn new(started: Instant) -> PageCollector {
        PageCollector {
            started,
            problems: Vec::new(),
            errors: Vec::new(),
            slowest: Vec::new(),
            timeline: TimelineBuilder::default(),
        }
    }

    /// One row's report line.
    pub(crate) fn add(&mut self, result: &RowResult) {
        let finished_ms = result
            .finished_at
            .map(|at| millis(at.saturating_duration_since(self.started)));
        if let (Some(done), 1..) = (finished_ms, result.attempts) {
            let sent = done.saturating_sub(result.latency_ms);
            self.timeline
                .record(sent, result.attempts, result.latency_ms);
        }
        if !result.error_code.is_empty() {
            self.tally(result);
        }
        let row = || page_row(result, finished_ms);
        if result.attempts > 0 && self.is_among_slowest(result.latency_ms) {
            if self.slowest.len() == SLOWEST {
                self.slowest.pop();
            }
            let at = self
                .slowest
                .partition_point(|r| r.latency_ms >= result.latency_ms);
            self.slowest.insert(at, row());
        }
        // No `verify` column yet: see `page_row`.
        if is_problem(result.status, None) {
            self.problems.push(row());
        }
    }

    fn is_among_slowest(&self, latency_ms: u64) -> bool {
        self.slowest.len() < SLOWEST
            || self
                .slowest
                .last()
                .is_some_and(|r| r.latency_ms < latency_ms)
    }

    fn tally(&mut self, result: &RowResult) {
        let example = result
            .row
            .map_or_else(|| result.number.clone(), |r| r.to_string());
        match self.errors.iter_mut().find(|g| g.code == result.error_code) {
            Some(group) => {
                group.rows += 1;
                if group.examples.len() < EXAMPLES {
                    group.examples.push(example);
                }
            }
            None => self.errors.push(ErrorGroup {
                code: result.error_code.clone(),
                hint: Code::parse(&result.error_code).map(Code::hint),
                rows: 1,
                examples: vec![example],
                message: result.message.clone(),
            }),
        }
    }

    pub(crate) fn finish(mut self) -> PageRows {
        // The commonest first; a stable sort keeps first-seen order among equals.
        self.errors
            .sort_by_key(|group| std::cmp::Reverse(group.rows));
        PageRows {
            problems: self.problems,
            errors: self.errors,
            slowest: self.slowest,
            timeline: self.timeline.finish(),
        }
    }
}

fn page_row(result: &RowResult, finished_ms: Option<u64>) -> PageRow {
    PageRow {
        row: result.row,
        number: result.number.clone(),
        action: result.action,
        status: result.status,
        error_code: result.error_code.clone(),
        message: result.message.clone(),
        attempts: result.attempts,
        latency_ms: result.latency_ms,
        finished_ms,
        // Filled once the report has a `verify` column.
        verify: None,
    }
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Action, Status};
    use std::time::Duration;

    fn line(row: u64, status: Status, code: &str, attempts: u32, latency_ms: u64) -> RowResult {
        let mut result = RowResult::new(Some(row), format!("{}", 1000 + row), Action::Add, status)
            .with_error(code, format!("row {row}: {code}"));
        result.attempts = attempts;
        result.latency_ms = latency_ms;
        result
    }

    #[test]
    fn failed_and_invalid_rows_are_kept_whole_the_rest_only_counted() {
        let started = Instant::now();
        let mut collector = PageCollector::new(started);
        for row in 2..40 {
            let (status, code) = match row % 10 {
                3 => (Status::Invalid, "BAD_VALUE"),
                7 => (Status::Failed, "10006"),
                9 => (Status::Skipped, "ABORTED"),
                _ => (Status::Ok, ""),
            };
            let sent = matches!(status, Status::Ok | Status::Failed);
            let mut result = line(row, status, code, u32::from(sent), row * 10);
            result.finished_at = Some(started + Duration::from_millis(row * 100));
            collector.add(&result);
        }
        let rows = collector.finish();
        let problems: Vec<(Option<u64>, Status)> =
            rows.problems.iter().map(|r| (r.row, r.status)).collect();
        assert_eq!(
            problems,
            [
                (Some(3), Status::Invalid),
                (Some(7), Status::Failed),
                (Some(13), Status::Invalid),
                (Some(17), Status::Failed),
                (Some(23), Status::Invalid),
                (Some(27), Status::Failed),
                (Some(33), Status::Invalid),
                (Some(37), Status::Failed),
            ]
        );
        let groups: Vec<(&str, u64)> = rows
            .errors
            .iter()
            .map(|g| (g.code.as_str(), g.rows))
            .collect();
        assert_eq!(groups, [("BAD_VALUE", 4), ("10006", 4), ("ABORTED", 4)]);
        assert_eq!(rows.errors[0].examples, ["3", "13", "23", "33"]);
        assert_eq!(rows.errors[0].message, "row 3: BAD_VALUE");
        assert_eq!(rows.errors[0].hint, Some(Code::BadValue.hint()));
        // The PBX's own code has no hint of ours: its meaning is in the message.
        assert_eq!(rows.errors[1].hint, None);
        let slowest: Vec<u64> = rows.slowest.iter().map(|r| r.latency_ms).collect();
        assert_eq!(slowest, [380, 370, 360, 350, 340, 320, 310, 300, 280, 270]);
        // Invalid and skipped rows sent nothing: 38 rows, 4 invalid, 4 skipped.
        let requests: u64 = rows.timeline.buckets.iter().map(|b| b.requests).sum();
        assert_eq!(requests, 30);
    }
}
