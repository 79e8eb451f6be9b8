//! Reading the PBX (the listing, the query chunks): concurrently under `--concurrency`, paced
//! by `--read-rate` and not by `--rate`, as the simulator's request log shows.

use serde_json::Value;

use crate::helpers::*;

const STRONG: &str = "Kx7mQ2vRt9LpW4zA";

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

#[test]
fn an_export_keeps_concurrency_reads_in_flight_and_writes_in_number_order() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded(
        "yeastar-v2",
        dir.path(),
        &extensions_csv(1000),
        &["--latency-ms", "50"],
    );
    let out_file = dir.path().join("out.csv");
    let out = export(&sim, "yeastar-v2", &out_file, &["--concurrency", "4"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let reads = reads(&sim);
    assert_eq!(reads.len(), 11, "one listing and ten chunks of a hundred");
    let most = most_in_flight(&reads);
    assert!(
        (2..=4).contains(&most),
        "{most} reads in flight at once with --concurrency 4"
    );
    let numbers: Vec<String> = csv::Reader::from_path(&out_file)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].trim_start_matches('\u{feff}').to_string())
        .collect();
    let expected: Vec<String> = (2000..3000).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn with_concurrency_one_the_reads_go_one_after_another() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded(
        "yeastar-v2",
        dir.path(),
        &extensions_csv(300),
        &["--latency-ms", "20"],
    );
    let out = export(
        &sim,
        "yeastar-v2",
        &dir.path().join("out.csv"),
        &["--concurrency", "1"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(most_in_flight(&reads(&sim)), 1);
}

#[test]
fn a_sync_reads_concurrently_and_is_not_held_to_the_write_rate() {
    let dir = tempfile::tempdir().unwrap();
    let file_text = extensions_csv(1000);
    let sim = Sim::seeded(
        "yeastar-v2",
        dir.path(),
        &file_text,
        &["--latency-ms", "20"],
    );
    let file = write(dir.path(), "in.csv", &file_text);
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &dir.path().join("r.csv"),
        &["--mode", "sync", "--rate", "1", "--concurrency", "4"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("1000 unchanged"), "{}", stdout(&out));
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
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::seeded("yeastar-v2", dir.path(), &extensions_csv(2000), &[]);
    let out = export(
        &sim,
        "yeastar-v2",
        &dir.path().join("out.csv"),
        &["--concurrency", "8", "--read-rate", "10"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let reads = reads(&sim);
    assert_eq!(reads.len(), 21);
    // 10 a second, evenly spaced: 11 in a one-second window at most, one more for arrival
    // jitter on a loaded machine. Unpaced, all 21 arrive within a fraction of a second.
    let busiest = busiest_second(&reads);
    assert!(busiest <= 12, "{busiest} reads within one second");
}

#[test]
fn a_read_rate_that_is_not_a_rate_is_refused_before_any_request() {
    let sim = Sim::start("yeastar-v2", &[]);
    let dir = tempfile::tempdir().unwrap();
    for bad in ["-1", "fast", "inf"] {
        let flag = format!("--read-rate={bad}");
        let out = export(&sim, "yeastar-v2", &dir.path().join("out.csv"), &[&flag]);
        assert_eq!(code(&out), 2, "--read-rate {bad}");
        assert!(stderr(&out).contains("--read-rate"), "{}", stderr(&out));
    }
    assert_eq!(sim.stat("requests"), 0);
}
