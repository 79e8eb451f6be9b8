//! Requests and their latency over the run, in time buckets: what shows the rate limiter's
//! pace and a PBX that slowed down.
//!
//! A row's first request is counted in the bucket it went out in (the row's finish time less
//! its latency), its retries in the bucket it finished in (they go out after their backoff,
//! the last shortly before the answer), so the bars show the pace the limiter released them
//! at; its latency goes with its first request. Buckets start 100 ms
//! wide and double (merging pairs) whenever the run outgrows [`MAX_BUCKETS`], so a run of any
//! length keeps a fixed number of them (and are merged further at the end where they hold
//! only a few requests each). Latencies go into an HDR histogram per bucket
//! (`hdrhistogram`, 2 significant figures), whose percentiles are exact to 1 %.

use hdrhistogram::Histogram;

/// Buckets at most: enough for a readable chart, few enough to cost nothing.
const MAX_BUCKETS: usize = 120;
const FIRST_WIDTH_MS: u64 = 100;
/// Buckets enough to show the pace's ups and downs.
const READABLE_BUCKETS: usize = 40;

/// The run's requests over time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Timeline {
    pub(crate) bucket_ms: u64,
    /// One per bucket from the start, empty ones included.
    pub(crate) buckets: Vec<Bucket>,
    /// Over the whole run.
    pub(crate) overall: Option<Latency>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bucket {
    pub(crate) start_ms: u64,
    /// Requests sent in this bucket: first requests, and retries (of rows finished here).
    pub(crate) requests: u64,
    pub(crate) retries: u64,
    /// Of the rows whose first request went out here; `None` when none did.
    pub(crate) latency: Option<Latency>,
}

/// Percentiles of the rows' latencies (first send to final answer), in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Latency {
    pub(crate) p50: u64,
    pub(crate) p95: u64,
    pub(crate) max: u64,
}

/// Gathers [`Timeline`] one row at a time.
pub(super) struct TimelineBuilder {
    width_ms: u64,
    buckets: Vec<Tally>,
    overall: Histogram<u32>,
}

struct Tally {
    requests: u64,
    retries: u64,
    latency: Histogram<u32>,
}

fn histogram() -> Histogram<u32> {
    // Auto-resizing: it grows to the largest latency seen, from a few hundred counters.
    Histogram::new(2).expect("2 significant figures are within hdrhistogram's range")
}

/// Records `ms`, growing the histogram to it (`saturating_record` would clamp instead).
fn record(histogram: &mut Histogram<u32>, ms: u64) {
    if histogram.record(ms).is_err() {
        // Only a histogram that cannot grow any more (beyond any latency) gets here.
        histogram.saturating_record(ms);
    }
}

impl Tally {
    fn new() -> Tally {
        Tally {
            requests: 0,
            retries: 0,
            latency: histogram(),
        }
    }

    fn merge(mut self, other: &Tally) -> Tally {
        self.requests += other.requests;
        self.retries += other.retries;
        self.latency
            .add(&other.latency)
            .expect("an auto-resizing histogram takes any other's values");
        self
    }
}

impl Default for TimelineBuilder {
    fn default() -> Self {
        TimelineBuilder {
            width_ms: FIRST_WIDTH_MS,
            buckets: Vec::new(),
            overall: histogram(),
        }
    }
}

impl TimelineBuilder {
    /// One row that sent `attempts` requests, the first at `sent_ms`, answered (or given up)
    /// `latency_ms` later.
    pub(super) fn record(&mut self, sent_ms: u64, attempts: u32, latency_ms: u64) {
        // Retries go out after their backoff, the last one shortly before the answer: they
        // are counted where the row finished, not beside its first request.
        let retries = attempts.saturating_sub(1);
        if retries > 0 {
            let finished = self.bucket(sent_ms.saturating_add(latency_ms));
            finished.requests += u64::from(retries);
            finished.retries += u64::from(retries);
        }
        let sent = self.bucket(sent_ms);
        sent.requests += u64::from(attempts.min(1));
        record(&mut sent.latency, latency_ms);
        record(&mut self.overall, latency_ms);
    }

    /// The bucket of `ms`, made (and the buckets widened) as needed.
    fn bucket(&mut self, ms: u64) -> &mut Tally {
        while ms / self.width_ms >= MAX_BUCKETS as u64 {
            self.widen();
        }
        let index = usize::try_from(ms / self.width_ms).expect("below MAX_BUCKETS");
        if self.buckets.len() <= index {
            self.buckets.resize_with(index + 1, Tally::new);
        }
        &mut self.buckets[index]
    }

    /// Doubles the buckets' width, merging each pair.
    fn widen(&mut self) {
        let old = std::mem::take(&mut self.buckets);
        let mut pairs = old.into_iter();
        while let Some(first) = pairs.next() {
            let merged = match pairs.next() {
                Some(second) => first.merge(&second),
                None => first,
            };
            self.buckets.push(merged);
        }
        self.width_ms *= 2;
    }

    pub(super) fn finish(mut self) -> Timeline {
        // A bucket of a few requests shows the rounding of its edges more than the pace:
        // many buckets of under ten requests each are merged into fewer.
        let requests: u64 = self.buckets.iter().map(|t| t.requests).sum();
        while self.buckets.len() > READABLE_BUCKETS && requests < 10 * self.buckets.len() as u64 {
            self.widen();
        }
        let width = self.width_ms;
        let buckets = (0u64..)
            .zip(self.buckets)
            .map(|(i, tally)| Bucket {
                start_ms: i * width,
                requests: tally.requests,
                retries: tally.retries,
                latency: latency(&tally.latency),
            })
            .collect();
        Timeline {
            bucket_ms: width,
            buckets,
            overall: latency(&self.overall),
        }
    }
}

fn latency(histogram: &Histogram<u32>) -> Option<Latency> {
    (!histogram.is_empty()).then(|| Latency {
        p50: histogram.value_at_quantile(0.5),
        p95: histogram.value_at_quantile(0.95),
        max: histogram.max(),
    })
}

impl Bucket {
    /// Requests per second over the bucket.
    pub(crate) fn per_sec(&self, width_ms: u64) -> f64 {
        self.requests as f64 * 1000.0 / width_ms.max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_requests_land_where_they_went_out_and_retries_where_the_row_finished() {
        let mut builder = TimelineBuilder::default();
        builder.record(0, 1, 10);
        // Sent at 50 ms, retried twice, given up at 950 ms.
        builder.record(50, 3, 900);
        builder.record(250, 1, 20);
        let timeline = builder.finish();
        assert_eq!(timeline.bucket_ms, 100);
        let counts: Vec<(u64, u64, u64)> = timeline
            .buckets
            .iter()
            .map(|b| (b.start_ms, b.requests, b.retries))
            .collect();
        let mut expected = vec![(0, 2, 0), (100, 0, 0), (200, 1, 0)];
        expected.extend((300..900).step_by(100).map(|start| (start, 0, 0)));
        expected.push((900, 2, 2));
        assert_eq!(counts, expected);
        assert_eq!(timeline.buckets[1].latency, None);
        assert_eq!(
            timeline.buckets[9].latency, None,
            "latency goes with the first request"
        );
        let first = timeline.buckets[0].latency.unwrap();
        // Exact below 256 ms; within 1 % above.
        assert_eq!(first.p50, 10);
        assert!((900..=909).contains(&first.max), "{first:?}");
        assert_eq!(timeline.buckets[2].per_sec(timeline.bucket_ms), 10.0);
    }

    #[test]
    fn a_sparse_run_gets_fewer_wider_buckets() {
        let mut builder = TimelineBuilder::default();
        // 4 requests every 100 ms for 10 s: a hundred buckets of 4.
        for i in 0..400 {
            builder.record(i * 25, 1, 5);
        }
        let timeline = builder.finish();
        assert_eq!((timeline.bucket_ms, timeline.buckets.len()), (400, 25));
        assert!(timeline.buckets.iter().all(|b| b.requests == 16));
    }

    #[test]
    fn a_long_run_keeps_a_bounded_number_of_wider_buckets_and_every_request() {
        let mut builder = TimelineBuilder::default();
        // One request every 100 ms for 100 s: a thousand rows.
        for i in 0..1000 {
            builder.record(i * 100, 1, i);
        }
        let timeline = builder.finish();
        assert!(
            timeline.buckets.len() <= MAX_BUCKETS,
            "{}",
            timeline.buckets.len()
        );
        assert_eq!(timeline.bucket_ms, 1600);
        let total: u64 = timeline.buckets.iter().map(|b| b.requests).sum();
        assert_eq!(total, 1000);
        // Merged buckets keep the pace: 16 requests per 1.6 s is 10 a second.
        assert_eq!(timeline.buckets[3].per_sec(timeline.bucket_ms), 10.0);
        let overall = timeline.overall.unwrap();
        assert!((999..=1009).contains(&overall.max), "{overall:?}");
        assert!((495..=505).contains(&overall.p50), "{overall:?}");
    }
}
