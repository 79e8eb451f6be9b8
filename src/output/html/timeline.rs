//! Requests and their latency over the run, in time buckets: what shows the rate limiter's
//! pace and a PBX that slowed down.
//!
//! A row's requests are counted in the bucket of its first send (its finish time less its
//! latency), so the bars show the pace the limiter released them at. Buckets start 100 ms
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
    /// Requests whose row's first send fell in this bucket, retries included.
    pub(crate) requests: u64,
    pub(crate) retries: u64,
    /// `None` when no row started here.
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
        let mut index = sent_ms / self.width_ms;
        while index >= MAX_BUCKETS as u64 {
            self.widen();
            index = sent_ms / self.width_ms;
        }
        let index = usize::try_from(index).expect("below MAX_BUCKETS");
        if self.buckets.len() <= index {
            self.buckets.resize_with(index + 1, Tally::new);
        }
        let tally = &mut self.buckets[index];
        tally.requests += u64::from(attempts);
        tally.retries += u64::from(attempts.saturating_sub(1));
        record(&mut tally.latency, latency_ms);
        record(&mut self.overall, latency_ms);
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
        #[allow(clippy::cast_precision_loss)] // counts and widths far below 2^52
        let rate = self.requests as f64 * 1000.0 / width_ms.max(1) as f64;
        rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_the_bucket_of_their_first_send() {
        let mut builder = TimelineBuilder::default();
        builder.record(0, 1, 10);
        builder.record(50, 3, 900);
        builder.record(250, 1, 20);
        let timeline = builder.finish();
        assert_eq!(timeline.bucket_ms, 100);
        let counts: Vec<(u64, u64, u64)> = timeline
            .buckets
            .iter()
            .map(|b| (b.start_ms, b.requests, b.retries))
            .collect();
        assert_eq!(counts, [(0, 4, 2), (100, 0, 0), (200, 1, 0)]);
        assert_eq!(timeline.buckets[1].latency, None);
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
