//! The page's two charts, drawn by hand as inline SVG (a charting library would bring script
//! or a raster image; two charts of a few hundred shapes need neither): requests per second
//! per time bucket, retries stacked on top and the `--rate` limit as a dashed line; and the
//! rows' latency percentiles per bucket on a logarithmic axis, where a slow spell stands out.

use maud::{Markup, html};

use super::timeline::{Latency, Timeline};

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 250.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 40.0;

/// A coordinate, to a tenth of a unit.
fn at(x: f64) -> String {
    format!("{x:.1}")
}

/// The plot's frame: where time and values land.
struct Frame {
    /// The width of the timeline in milliseconds.
    span_ms: f64,
}

impl Frame {
    fn new(timeline: &Timeline) -> Frame {
        let span_ms = (timeline.buckets.len() as f64 * timeline.bucket_ms as f64).max(1.0);
        Frame { span_ms }
    }

    fn x(&self, ms: f64) -> f64 {
        LEFT + ms / self.span_ms * (WIDTH - LEFT - RIGHT)
    }

    /// `fraction` of the way up the plot.
    fn y(fraction: f64) -> f64 {
        HEIGHT - BOTTOM - fraction.clamp(0.0, 1.0) * (HEIGHT - TOP - BOTTOM)
    }

    /// The time axis: a tick and label every round number of seconds.
    fn time_axis(&self) -> Markup {
        let span_s = self.span_ms / 1000.0;
        let step = nice_step(span_s / 6.0);
        let ticks = (0..)
            .map(|i| f64::from(i) * step)
            .take_while(|t| *t <= span_s);
        html! {
            @let base = Frame::y(0.0);
            line class="axis" x1=(at(LEFT)) x2=(at(WIDTH - RIGHT)) y1=(at(base)) y2=(at(base)) {}
            @for t in ticks {
                @let x = self.x(t * 1000.0);
                line class="tick" x1=(at(x)) x2=(at(x)) y1=(at(base)) y2=(at(base + 5.0)) {}
                text class="label" x=(at(x)) y=(at(base + 18.0)) text-anchor="middle" {
                    (number(t)) " s"
                }
            }
            text class="label" x=(at(WIDTH - RIGHT)) y=(at(HEIGHT - 4.0)) text-anchor="end" {
                "seconds since the rows started"
            }
        }
    }
}

/// Requests per second in each bucket; `limit` is `--rate`.
pub(super) fn throughput(timeline: &Timeline, limit: Option<f64>) -> Markup {
    let frame = Frame::new(timeline);
    let width_ms = timeline.bucket_ms;
    let peak = timeline
        .buckets
        .iter()
        .map(|b| b.per_sec(width_ms))
        .fold(limit.unwrap_or(0.0), f64::max);
    let (step, top) = scale(peak);
    let bar_width = (frame.x(width_ms as f64) - LEFT - 1.0).max(1.0);
    let per_sec = |requests: u64| requests as f64 * 1000.0 / width_ms as f64;
    html! {
        svg id="chart-throughput" class="chart" viewBox={"0 0 " (WIDTH) " " (HEIGHT)} role="img"
            aria-label="Requests per second over the run" {
            (value_axis(step, top, "requests/s", number))
            @for bucket in timeline.buckets.iter().filter(|b| b.requests > 0) {
                @let x = at(frame.x(bucket_ms(bucket.start_ms)));
                @let first = per_sec(bucket.requests - bucket.retries) / top;
                @let all = per_sec(bucket.requests) / top;
                rect class="bar" x=(x) y=(at(Frame::y(first))) width=(at(bar_width))
                    height=(at(Frame::y(0.0) - Frame::y(first))) {
                    title {
                        (number(bucket_ms(bucket.start_ms) / 1000.0)) " s: "
                        (number(bucket.per_sec(width_ms))) " requests/s, "
                        (bucket.retries) " retries"
                    }
                }
                @if bucket.retries > 0 {
                    rect class="bar-retries" x=(x) y=(at(Frame::y(all))) width=(at(bar_width))
                        height=(at(Frame::y(first) - Frame::y(all))) {}
                }
            }
            @if let Some(limit) = limit {
                @let y = Frame::y(limit / top);
                line class="limit" x1=(at(LEFT)) x2=(at(WIDTH - RIGHT)) y1=(at(y)) y2=(at(y)) {}
                text class="limit-label" x=(at(WIDTH - RIGHT - 4.0)) y=(at(y - 5.0))
                    text-anchor="end" { "--rate " (number(limit)) "/s" }
            }
            (frame.time_axis())
        }
    }
}

/// The latency percentiles of the rows that started in each bucket, on a log scale.
pub(super) fn latency(timeline: &Timeline) -> Markup {
    let frame = Frame::new(timeline);
    let slowest = timeline
        .buckets
        .iter()
        .filter_map(|b| b.latency)
        .map(|l| l.max)
        .max()
        .unwrap_or(1);
    // Decades from 1 ms to the first power of ten above the slowest.
    let decades = decades_above(slowest);
    let y = |ms: u64| {
        let log = (ms.max(1) as f64).log10();
        Frame::y(log / f64::from(decades))
    };
    let middle = timeline.bucket_ms as f64 / 2.0;
    let series = |pick: fn(&Latency) -> u64| -> Vec<String> {
        runs(timeline, |start, l| {
            format!(
                "{},{}",
                at(frame.x(bucket_ms(start) + middle)),
                at(y(pick(l)))
            )
        })
    };
    let lines: [(&str, &str, Vec<String>); 3] = [
        ("max", "max", series(|l| l.max)),
        ("p95", "95th percentile", series(|l| l.p95)),
        ("p50", "median", series(|l| l.p50)),
    ];
    html! {
        svg id="chart-latency" class="chart" viewBox={"0 0 " (WIDTH) " " (HEIGHT)} role="img"
            aria-label="Latency of the rows over the run" {
            @for decade in 0..=decades {
                @let ms = 10u64.pow(decade);
                @let y = at(Frame::y(f64::from(decade) / f64::from(decades)));
                line class="grid" x1=(at(LEFT)) x2=(at(WIDTH - RIGHT)) y1=(y) y2=(y) {}
                text class="label" x=(at(LEFT - 6.0)) y=(y) dy="4" text-anchor="end" {
                    (duration_label(ms))
                }
            }
            @for (class, name, runs) in &lines {
                @for points in runs {
                    polyline class={"line " (class)} points=(points) { title { (name) } }
                }
            }
            @for (i, (class, name, _)) in lines.iter().enumerate() {
                @let x = WIDTH - RIGHT - 330.0 + 115.0 * f64::from(u8::try_from(i).unwrap_or(0));
                @let y = at(TOP - 12.0);
                line class={"line " (class)} x1=(at(x)) x2=(at(x + 18.0)) y1=(y) y2=(y) {}
                text class="label" x=(at(x + 22.0)) y=(at(TOP - 8.0)) { (name) }
            }
            (frame.time_axis())
        }
    }
}

/// The value axis of the throughput chart: a gridline and label every `step` up to `top`.
fn value_axis(step: f64, top: f64, unit: &str, label: fn(f64) -> String) -> Markup {
    let ticks = (0..)
        .map(|i| f64::from(i) * step)
        .take_while(|v| *v <= top + step / 2.0);
    html! {
        @for value in ticks {
            @let y = at(Frame::y(value / top));
            line class="grid" x1=(at(LEFT)) x2=(at(WIDTH - RIGHT)) y1=(y) y2=(y) {}
            text class="label" x=(at(LEFT - 6.0)) y=(y) dy="4" text-anchor="end" { (label(value)) }
        }
        text class="label" x="4" y="12" { (unit) }
    }
}

/// The points of each stretch of consecutive buckets that have rows: a bucket without any
/// breaks the line rather than drawing it through zero.
fn runs(timeline: &Timeline, point: impl Fn(u64, &Latency) -> String) -> Vec<String> {
    let mut runs = vec![Vec::new()];
    for bucket in &timeline.buckets {
        match &bucket.latency {
            Some(latency) => runs
                .last_mut()
                .expect("one")
                .push(point(bucket.start_ms, latency)),
            None if runs.last().is_some_and(Vec::is_empty) => {}
            None => runs.push(Vec::new()),
        }
    }
    runs.into_iter()
        .filter(|run| !run.is_empty())
        .map(|run| match run.len() {
            // One point draws nothing as a line: give it a hair of width.
            1 => format!("{} {}", run[0], run[0]),
            _ => run.join(" "),
        })
        .collect()
}

fn bucket_ms(ms: u64) -> f64 {
    ms as f64
}

/// The step of about four gridlines up to `peak`, and the top of the axis.
fn scale(peak: f64) -> (f64, f64) {
    let step = nice_step((peak / 4.0).max(0.25));
    let top = ((peak / step).ceil() * step).max(step);
    (step, top)
}

/// The round number (1, 2 or 5 times a power of ten) at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = raw.max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw * 0.999)
        .unwrap_or(10.0 * magnitude)
}

/// How many powers of ten from 1 ms reach `ms`: at least one.
fn decades_above(ms: u64) -> u32 {
    let mut decades = 1;
    while 10u64.saturating_pow(decades) < ms {
        decades += 1;
    }
    decades
}

/// `12`, `2.5`, `0.25`: as short as the value allows.
fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn duration_label(ms: u64) -> String {
    match ms {
        0..1000 => format!("{ms} ms"),
        _ => format!("{} s", ms / 1000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gridlines_fall_on_round_numbers() {
        assert_eq!(nice_step(2.6), 5.0);
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(20.0), 20.0);
        assert_eq!(scale(18.0), (5.0, 20.0));
        assert_eq!(scale(0.0), (0.5, 0.5));
        assert_eq!(decades_above(1), 1);
        assert_eq!(decades_above(250), 3);
        assert_eq!(decades_above(1000), 3);
        assert_eq!(number(2.50), "2.5");
        assert_eq!(number(20.0), "20");
    }
}
