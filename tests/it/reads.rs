//! Reading the PBX (the listing, the query chunks): concurrently under `--concurrency`, paced
//! by `--read-rate` and not by `--rate`, as the simulator's request log shows.

use serde_json::Value;

use crate::support::*;

/// A v2 file of `n` extensions from 2000 up.
fn extensions_csv(n: u32) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for number in 2000..2000 + n {
        csv.push_str(&format!("{number},User {number},r{number},{STRONG}\n"));
    }
    csv
}

/// The reads in the simulator's log, as (arrived, answered) in milliseconds.
fn reads(sim: &Sim) -> Vec<(f64, f64)> {
    let reads: Vec<(f64, f64)> = sim
        .log()
        .iter()
        .filter(|e| e["op"] == "list" || e["op"] == "query")
        .map(|e| {
            let ms = |name: &str| e[name].as_f64().unwrap_or_else(|| panic!("{name}: {e}"));
            (ms("start_ms"), ms("t_ms"))
        })
        .collect();
    assert!(!reads.is_empty(), "the simulator logged no reads");
    reads
}

/// The most reads the simulator was handling at one moment.
fn most_in_flight(reads: &[(f64, f64)]) -> usize {
    let mut events: Vec<(f64, i32)> = reads
        .iter()
        .flat_map(|&(start, end)| [(start, 1), (end, -1)])
        .collect();
    // At the same instant an answer goes out before the next request counts.
    events.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let (mut now, mut most) = (0, 0);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    usize::try_from(most).unwrap()
}

/// The most reads that arrived within any one second.
fn busiest_second(reads: &[(f64, f64)]) -> usize {
    let mut starts: Vec<f64> = reads.iter().map(|r| r.0).collect();
    starts.sort_by(f64::total_cmp);
    (0..starts.len())
        .map(|i| {
            starts[i..]
                .iter()
                .take_while(|t| **t < starts[i] + 1000.0)
                .count()
        })
        .max()
        .unwrap()
}

/// A simulator holding `n` extensions, answering after `latency_ms`.
fn seeded(n: u32, latency_ms: &str) -> Sim {
    Sim::with(Api::YeastarV2)
        .seed(&extensions_csv(n))
        .args(&["--latency-ms", latency_ms])
        .start()
}

#[test]
fn an_export_keeps_concurrency_reads_in_flight_and_writes_in_number_order() {
    let sim = seeded(1000, "50");
    let ran = Run::export(&sim).args(&["--concurrency", "4"]).ok();
    let reads = reads(&sim);
    assert_eq!(reads.len(), 11, "one listing and ten chunks of a hundred");
    let most = most_in_flight(&reads);
    assert!(
        (2..=4).contains(&most),
        "{most} reads in flight at once with --concurrency 4"
    );
    let expected: Vec<String> = (2000..3000).map(|n| n.to_string()).collect();
    assert_eq!(ran.column("number"), expected);
}

#[test]
fn with_concurrency_one_the_reads_go_one_after_another() {
    let sim = seeded(300, "20");
    Run::export(&sim).args(&["--concurrency", "1"]).ok();
    assert_eq!(most_in_flight(&reads(&sim)), 1);
}

#[test]
fn a_sync_reads_concurrently_and_is_not_held_to_the_write_rate() {
    let sim = seeded(1000, "20");
    let ran = Run::import(&sim)
        .file(&extensions_csv(1000))
        .args(&["--mode", "sync", "--rate", "1", "--concurrency", "4"])
        .ok();
    assert_eq!(ran.summary()["counts"]["none"]["unchanged"], 1000);
    let reads = reads(&sim);
    assert_eq!(reads.len(), 11);
    assert!(most_in_flight(&reads) >= 2);
    // --rate 1 is about writes: the eleven reads did not wait a second each.
    assert!(busiest_second(&reads) > 2, "{reads:?}");
    let writes = sim.log().iter().filter(|e| is_write(e)).count();
    assert_eq!(writes, 0);
}

fn is_write(entry: &Value) -> bool {
    ["add", "update", "delete"]
        .iter()
        .any(|op| entry["op"] == *op)
}

#[test]
fn read_rate_spaces_the_reads_in_every_second_of_the_simulators_clock() {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&extensions_csv(2000))
        .start();
    Run::export(&sim)
        .args(&["--concurrency", "8", "--read-rate", "10"])
        .ok();
    let reads = reads(&sim);
    assert_eq!(reads.len(), 21);
    // 10 a second, evenly spaced: 11 in a one-second window at most, one more for arrival
    // jitter on a loaded machine. Unpaced, all 21 arrive within a fraction of a second.
    let busiest = busiest_second(&reads);
    assert!(busiest <= 12, "{busiest} reads within one second");
}

#[test]
fn a_read_rate_that_is_not_a_rate_is_refused_before_any_request() {
    let sim = Sim::start(Api::YeastarV2);
    for bad in ["-1", "fast", "inf"] {
        let flag = format!("--read-rate={bad}");
        let ran = Run::export(&sim).args(&[&flag]).incomplete("bad_input");
        assert!(ran.stderr.contains("--read-rate"), "{}", ran.stderr);
    }
    assert_eq!(sim.stat("requests"), 0);
}
