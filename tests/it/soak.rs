//! A small fault soak: every kind of fault at once, and still every valid row `ok`, every row
//! once in the report, and no extension written more often than lost answers explain.
//! `scripts/soak.sh` runs the same at 10,000 rows.

use std::collections::HashMap;

use crate::support::*;

#[test]
fn every_fault_at_once_loses_no_row_and_writes_nothing_twice_without_cause() {
    let mut csv = String::from("number,username,registername,registerpassword,email\n");
    for n in 10001..=10300 {
        csv.push_str(&format!("{n},Soak {n},r{n},{STRONG},s{n}@example.com\n"));
    }
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--fail-rate", "0.05", "--drop-rate", "0.05"])
        .args(&["--slow-rate", "0.03", "--slow-ms", "1500"])
        .args(&["--token-max-uses", "100", "--max-writes-per-sec", "150"])
        .args(&["--random-seed", "11"])
        .start();
    let ran = Run::import(&sim)
        .file_named("soak.csv", &csv)
        .args(&[
            "--rate",
            "0",
            "--concurrency",
            "8",
            "--timeout",
            "1",
            "--retries",
            "10",
        ])
        .ok();

    let rows = &ran.rows;
    let numbers: Vec<&str> = rows.iter().map(|r| r["row"].as_str()).collect();
    let expected: Vec<String> = (2..=301).map(|n: u32| n.to_string()).collect();
    assert_eq!(
        numbers,
        expected.iter().map(String::as_str).collect::<Vec<_>>(),
        "every row once, in order"
    );
    assert!(
        rows.iter().all(|r| r["status"] == "ok"),
        "{:?}",
        rows.iter().find(|r| r["status"] != "ok")
    );
    assert_eq!(sim.stat("extensions"), 300, "the PBX has every row");

    let stats = sim.stats();
    for fault in ["injected_faults", "dropped", "slowed", "expired_tokens"] {
        assert!(
            stats[fault].as_u64().unwrap() > 0,
            "{fault} never happened: {stats}"
        );
    }
    // Writes that changed the PBX, per extension, against the writes whose answer was lost.
    let mut applied: HashMap<String, (u32, u32)> = HashMap::new();
    for entry in sim
        .log()
        .iter()
        .filter(|e| e["op"] == "add" || e["op"] == "update")
    {
        let counts = applied
            .entry(entry["number"].as_str().unwrap().to_string())
            .or_default();
        if entry["error"] == "" {
            counts.0 += 1;
        }
        if entry["answered"] == false {
            counts.1 += 1;
        }
    }
    for (number, (writes, lost)) in applied {
        assert!(
            writes <= 1 + lost,
            "{number}: {writes} writes, only {lost} lost answers"
        );
    }
}
