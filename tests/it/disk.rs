//! Nothing lost, nothing leaked, whatever the disk or the user does (issue 14): an input
//! edited, rewritten or cut short, a journal that cannot be written, two runs on one report,
//! runs killed mid-way. Each test is one way it broke before, shown from the outside.

use crate::support::*;

#[test]
fn resume_refuses_a_same_size_edit_and_a_resorted_copy_and_takes_the_same_bytes_on_stdin() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "30"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let original = simple_rows(8001, 40);
    let file = write(dir.path(), "in.csv", &original);
    let report = dir.path().join("r.csv");
    let mut running = adds(&sim, &file, &report)
        .args(&["--rate", "20", "--concurrency", "2"])
        .spawn();
    running.wait_for("a few rows added", || sim.stat("extensions") >= 3);
    running.kill();
    #[cfg(unix)]
    assert_eq!(
        mode(&report.with_extension("journal")),
        0o600,
        "the journal holds personal data"
    );
    #[cfg(unix)]
    assert_eq!(mode(&report), 0o600);

    let edited = original.replace("Staff 8030", "Staff 8O30");
    let mut lines: Vec<&str> = original.lines().collect();
    lines[1..].reverse();
    let resorted = lines.join("\n") + "\n";
    for other in [edited, resorted] {
        assert_eq!(other.len(), original.len());
        std::fs::write(&file, &other).unwrap();
        let (logins, writes) = (sim.stat("logins"), sim.stat("write_requests"));
        let ran = adds(&sim, &file, &report)
            .args(&["--resume"])
            .incomplete("bad_input");
        assert!(ran.stderr.contains("other input"), "{}", ran.stderr);
        assert_eq!(sim.stat("logins"), logins, "refused before logging in");
        assert_eq!(sim.stat("write_requests"), writes);
    }

    // The very bytes of the interrupted run, even through standard input, finish it.
    std::fs::remove_file(&file).unwrap();
    let ran = adds(&sim, std::path::Path::new("-"), &report)
        .stdin(&original)
        .args(&["--resume"])
        .ok();
    assert_eq!(sim.stat("extensions"), 40);
    assert_eq!(ran.rows.len(), 40);
    assert!(
        ran.column("status").iter().all(|s| *s == "ok"),
        "{:?}",
        ran.rows
    );
}

#[cfg(unix)]
#[test]
fn a_journal_that_cannot_be_written_stops_the_run_before_another_request() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "5"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", simple_rows(8001, 200));
    let report = dir.path().join("r.csv");
    // The journal is a pipe whose reader goes away after a few lines, as a disk that fills
    // up does: every write after that fails (even as root, unlike a read-only file).
    let journal = report.with_extension("journal");
    let made = std::process::Command::new("mkfifo")
        .arg(&journal)
        .status()
        .unwrap();
    assert!(made.success());
    let reader_path = journal.clone();
    let reader = std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(std::fs::File::open(reader_path).unwrap());
        let mut line = String::new();
        for _ in 0..6 {
            line.clear();
            std::io::BufRead::read_line(&mut lines, &mut line).unwrap();
        }
    });
    let ran = adds(&sim, &file, &report)
        .args(&["--rate", "0", "--concurrency", "1"])
        .incomplete("local_failure");
    reader.join().unwrap();
    assert!(
        ran.stderr.contains("cannot write the journal"),
        "{}",
        ran.stderr
    );
    let sent = sim.stat("write_requests");
    assert!(
        sent < 200,
        "the run went on without its journal ({sent} writes)"
    );
    assert_eq!(ran.rows.len(), 200, "every row still has its line");
    let aborted = ran
        .column("error_code")
        .iter()
        .filter(|c| **c == "ABORTED")
        .count();
    assert_eq!(aborted as u64, 200 - sent, "each row not sent says so");
}

#[test]
fn a_second_run_on_the_same_report_is_refused_and_a_killed_runs_lock_blocks_nothing() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "20"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", simple_rows(8001, 30));
    let other = write(dir.path(), "other.csv", simple_rows(9001, 5));
    let report = dir.path().join("r.csv");
    let mut first = adds(&sim, &file, &report).args(&["--rate", "10"]).spawn();
    first.wait_for("the first run writes", || sim.stat("writes") >= 2);
    let logins = sim.stat("logins");
    let second = adds(&sim, &other, &report).incomplete("bad_input");
    let err = &second.stderr;
    assert!(
        err.contains("another pbxbulk run is using the report"),
        "{err}"
    );
    assert_eq!(second.said().len(), 1, "{err}");
    assert_eq!(sim.stat("logins"), logins, "the second run sent nothing");
    let first = first.wait().ok();
    let expected: Vec<String> = (8001..8031).map(|n| n.to_string()).collect();
    assert_eq!(
        first.column("number"),
        expected,
        "the first run's report, whole and alone"
    );
    assert!(
        !first.beside("lock").exists(),
        "a finished run removes its lock"
    );

    // A run killed while holding the lock leaves the file, but the OS dropped the lock.
    let report = dir.path().join("r2.csv");
    let third = write(dir.path(), "third.csv", simple_rows(9101, 40));
    let killed = adds(&sim, &third, &report).args(&["--rate", "10"]);
    let mut running = killed.clone().spawn();
    running.wait_for("the run writes", || sim.stat("extensions") >= 37);
    running.kill();
    assert!(report.with_extension("lock").exists());
    killed.args(&["--resume"]).ok();
}

#[test]
fn the_report_may_not_be_the_input_nor_the_journal() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let content = simple_rows(8001, 3);
    let file = write(dir.path(), "in.csv", &content);
    for report in [file.clone(), dir.path().join("out.journal")] {
        let ran = adds(&sim, &file, &report).incomplete("bad_input");
        assert!(
            ran.stderr.contains("would be the same file"),
            "{}",
            ran.stderr
        );
    }
    Run::validate(Api::YeastarV2)
        .input(&file)
        .report(&file)
        .incomplete("bad_input");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        content,
        "the input is untouched"
    );
    assert_eq!(sim.stat("logins"), 0);
}

#[test]
fn an_input_rewritten_during_the_run_stops_it() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "5"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", simple_rows(10_001, 3000));
    let mut running = adds(&sim, &file, &dir.path().join("r.csv"))
        .args(&["--rate", "200", "--concurrency", "2"])
        .spawn();
    running.wait_for("the run writes", || sim.stat("writes") >= 20);
    std::fs::write(&file, simple_rows(20_001, 3500)).unwrap();
    let ran = running.wait().incomplete("bad_input");
    assert!(
        ran.stderr.contains("changed while it was being read"),
        "{}",
        ran.stderr
    );
    let added = sim.extensions();
    assert!(
        added.len() < 3000,
        "the run stopped ({} added)",
        added.len()
    );
    assert!(
        added
            .iter()
            .all(|e| e["number"].as_str().unwrap().starts_with('1')),
        "no row of the new file was sent"
    );
}

#[test]
fn a_last_row_cut_short_is_refused() {
    let template = include_str!("../../templates/yeastar-v2.csv");
    let whole = template.trim_end();
    let open_quote = format!("{whole}\n1002,Bob,1002,1002,\"Kx7mQ2vRt9L");
    let few_cells = format!("{whole}\n1002,Bob,1002,1002,Kx7mQ2vRt9L");
    for (name, text) in [("quote.csv", open_quote), ("cells.csv", few_cells)] {
        let ran = Run::validate(Api::YeastarV2)
            .file_named(name, text)
            .with_report()
            .rows_failed();
        assert_eq!(ran.rows[0]["status"], "ok", "{name}");
        assert_eq!(
            ran.rows[1]["error_code"], "TRUNCATED_ROW",
            "{name}: {:?}",
            ran.rows[1]
        );
    }
    // A whole last row without its line end is fine.
    Run::validate(Api::YeastarV2)
        .file_named("whole.csv", whole)
        .ok();
}

#[test]
fn an_error_line_names_20_unknown_columns_then_counts() {
    let unknown: Vec<String> = (0..30).map(|i| format!("junk{i}")).collect();
    let header = format!("number,{},{}\n", unknown.join(","), "x".repeat(100_000));
    let ran = Run::validate(Api::YeastarV2)
        .file(&header)
        .incomplete("bad_input");
    let err = &ran.stderr;
    assert!(err.contains("\"junk19\" and 11 more"), "{err}");
    assert!(err.len() < 2_000, "{} bytes", err.len());
}

#[cfg(unix)]
#[test]
fn an_export_over_an_open_file_becomes_private() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let out_path = write(dir.path(), "directory.csv", "old\n");
    std::fs::set_permissions(
        &out_path,
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();
    Run::export(&sim).to(&out_path).ok();
    assert_eq!(mode(&out_path), 0o600);
}

#[test]
fn adds_that_landed_before_a_kill_are_ok_adds_after_an_upsert_resume() {
    // Every write lands at once and is answered only 1.5 s later, so a kill leaves rows
    // that are on the PBX although the run never heard so.
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--slow-rate", "1", "--slow-ms", "1500"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", simple_rows(8001, 12));
    let upsert = Run::import(&sim)
        .input(&file)
        .report(&dir.path().join("r.csv"))
        .args(&["--mode", "upsert", "--concurrency", "6", "--rate", "0"]);
    let mut running = upsert.clone().spawn();
    running.wait_for("adds landed", || sim.stat("extensions") >= 6);
    running.kill();
    let ran = upsert.args(&["--resume"]).ok();
    assert_eq!(ran.rows.len(), 12);
    for row in &ran.rows {
        assert_eq!(
            (row["action"].as_str(), row["status"].as_str()),
            ("add", "ok"),
            "{row:?}"
        );
    }
}
