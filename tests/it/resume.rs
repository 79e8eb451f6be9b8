//! Nothing lost on `--resume` (issue 27): a disk that fails under the run, a journal edited
//! by hand, a resume against another PBX, deletes whose answer never came. Each test is one
//! way it broke before, shown from the outside.

use std::path::Path;

use crate::support::*;

/// Makes `path` a pipe whose reader takes `lines` lines and goes away, as a disk that fills
/// up does: every write after that fails.
#[cfg(unix)]
fn failing_after(path: &Path, lines: usize) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
    let path = path.to_owned();
    // Not joined: a run that never opens the pipe must not hang the test.
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(std::fs::File::open(path).unwrap());
        let mut line = String::new();
        for _ in 0..lines {
            line.clear();
            std::io::BufRead::read_line(&mut reader, &mut line).unwrap();
        }
    });
}

#[cfg(unix)]
#[test]
fn a_report_the_disk_stops_taking_is_a_local_failure_with_its_counts_journal_and_resume_line() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "5"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", simple_rows(8001, 200));
    // A workbook report: its lines go to `r.xlsx.partial.csv` while the run goes, which is
    // the pipe (and the test does not read a workbook report back).
    let report = dir.path().join("r.xlsx");
    let lines = dir.path().join("r.xlsx.partial.csv");
    failing_after(&lines, 6);
    let ran = adds(&sim, &file, &report)
        .args(&["--rate", "0", "--concurrency", "1"])
        .incomplete("local_failure");
    let summary = ran.summary();
    let journal = report.with_extension("journal");
    assert_eq!(summary["journal"], journal.to_str().unwrap(), "{summary}");
    assert!(journal.exists());
    assert_eq!(summary["rows"], 200, "every row counted: {summary}");
    let added = summary["counts"]["add"]["ok"].as_u64().unwrap();
    assert!(added >= 5, "{summary}");
    assert_eq!(added, sim.stat("extensions"), "{summary}");
    assert!(ran.stderr.contains("resume with: "), "{}", ran.stderr);
    assert!(
        ran.stderr.contains("cannot write the report"),
        "{}",
        ran.stderr
    );

    // Once the disk takes the report again, the resume finishes the file: nothing lost, none
    // added twice.
    std::fs::remove_file(&lines).unwrap();
    let ran = adds(&sim, &file, &report).args(&["--resume"]).ok();
    assert_eq!(
        ran.summary()["counts"]["add"]["ok"],
        200,
        "{}",
        ran.summary()
    );
    assert_eq!(sim.stat("extensions"), 200);
    assert_eq!(sim.stat("write_requests"), 200, "none sent twice");
}

/// Adds `n` rows (8001…) to `sim` slowly and kills the run once a few have landed; the file
/// and the report it leaves.
fn killed_run(sim: &Sim, dir: &Path, n: u32) -> (std::path::PathBuf, std::path::PathBuf) {
    let file = write(dir, "in.csv", simple_rows(8001, n));
    let report = dir.join("r.csv");
    let mut running = adds(sim, &file, &report)
        .args(&["--rate", "20", "--concurrency", "2"])
        .spawn();
    running.wait_for("a few rows added", || sim.stat("extensions") >= 3);
    running.kill();
    (file, report)
}

#[test]
fn a_resume_against_another_pbx_or_mode_is_refused_naming_the_difference() {
    let first = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "30"])
        .start();
    let other = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let (file, report) = killed_run(&first, dir.path(), 40);
    let ran = adds(&other, &file, &report)
        .args(&["--resume"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("other settings"), "{}", ran.stderr);
    let named = format!("--url {} (the journal's: {})", other.url, first.url);
    assert!(ran.stderr.contains(&named), "{}", ran.stderr);
    assert_eq!(other.stat("logins"), 0, "nothing sent to the other PBX");
    let ran = Run::import(&first)
        .input(&file)
        .report(&report)
        .args(&["--mode", "upsert", "--resume"])
        .incomplete("bad_input");
    assert!(
        ran.stderr.contains("--mode upsert (the journal's: add)"),
        "{}",
        ran.stderr
    );
    // --strict decides which rows are sent.
    let ran = adds(&first, &file, &report)
        .args(&["--strict", "--resume"])
        .incomplete("bad_input");
    assert!(
        ran.stderr
            .contains("--strict on (the journal's: (not set))"),
        "{}",
        ran.stderr
    );

    // The interrupted run's own settings finish it.
    let ran = adds(&first, &file, &report).args(&["--resume"]).ok();
    assert_eq!(ran.rows.len(), 40);
    assert_eq!(first.stat("extensions"), 40);
}

#[test]
fn journal_lines_edited_by_hand_are_not_believed_and_a_bad_header_sends_nothing() {
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "30"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let (file, report) = killed_run(&sim, dir.path(), 40);
    let journal = report.with_extension("journal");
    let text = std::fs::read_to_string(&journal).unwrap();
    let done: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["entry"] == "done")
        .expect("a finished row");
    let done_line = serde_json::to_string(&done).unwrap();

    // A header that says another PBX: the journal is refused whole, nothing is sent.
    let (logins, writes) = (sim.stat("logins"), sim.stat("write_requests"));
    std::fs::write(&journal, text.replacen("http://", "https://", 1)).unwrap();
    let ran = adds(&sim, &file, &report)
        .args(&["--resume"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("cannot be trusted"), "{}", ran.stderr);
    assert_eq!(
        (sim.stat("logins"), sim.stat("write_requests")),
        (logins, writes)
    );

    // A finished row's line given another number, and a line made up for the file's last
    // row, which was never sent.
    let mut renumbered = done.clone();
    renumbered["result"]["number"] = "99999".into();
    let mut made_up = done.clone();
    made_up["seq"] = 39.into();
    made_up["result"]["row"] = 41.into();
    made_up["result"]["number"] = "8040".into();
    let edited = text.replace(&done_line, &serde_json::to_string(&renumbered).unwrap());
    let edited = format!("{edited}{}\n", serde_json::to_string(&made_up).unwrap());
    std::fs::write(&journal, edited).unwrap();
    assert_eq!(sim.field("username").get("8040"), None, "never sent");
    let ran = adds(&sim, &file, &report).args(&["--resume"]).ok();
    assert_eq!(ran.rows.len(), 40);
    assert!(
        !ran.column("number").contains(&"99999"),
        "{:?}",
        ran.column("number")
    );
    assert_eq!(ran.row("number", "8040")["status"], "ok");
    assert_eq!(
        sim.stat("extensions"),
        40,
        "the made-up row was sent after all"
    );
}

#[test]
fn a_delete_that_landed_unanswered_keeps_its_line_on_resume() {
    let mut seed = String::from("number,username\n");
    for n in 1001..=1010 {
        seed.push_str(&format!("{n},Staff {n}\n"));
    }
    for n in 2001..=2006 {
        seed.push_str(&format!("{n},Leaver {n}\n"));
    }
    // Every write lands at once and is answered only 1.5 s later.
    let sim = Sim::with(Api::YeastarV2)
        .seed(&seed)
        .args(&["--slow-rate", "1", "--slow-ms", "1500"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let keep: String = (1001..=1010).map(|n| format!("{n},Staff {n}\n")).collect();
    let file = write(dir.path(), "in.csv", format!("number,username\n{keep}"));
    let sync = Run::import(&sim)
        .input(&file)
        .report(&dir.path().join("r.csv"))
        .args(&["--mode", "sync", "--prune", "--max-delete", "6"])
        .args(&["--concurrency", "6", "--rate", "0"]);
    let mut running = sync.clone().spawn();
    running.wait_for("deletes landed", || sim.stat("extensions") <= 12);
    running.kill();
    let ran = sync.args(&["--resume"]).ok();
    for n in 2001..=2006 {
        let line = ran.row("number", &n.to_string());
        assert_eq!(
            (line["action"].as_str(), line["status"].as_str()),
            ("delete", "ok"),
            "{line:?}"
        );
    }
    assert_eq!(sim.stat("extensions"), 10);
}
