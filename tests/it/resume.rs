//! Nothing lost on `--resume` (issue 27): a disk that fails under the run, a journal edited
//! by hand, a resume against another PBX, deletes whose answer never came. Each test is one
//! way it broke before, shown from the outside.

use std::path::Path;

use crate::support::*;

/// `n` rows of one length each (numbers `first`…), in the sim's simplest columns.
fn simple_rows(first: u32, n: u32) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for number in first..first + n {
        csv.push_str(&format!("{number},Staff {number},r{number},{STRONG}\n"));
    }
    csv
}

/// Adds to `sim` from `file`, the report at `report`.
fn adds(sim: &Sim, file: &Path, report: &Path) -> Run {
    Run::import(sim)
        .input(file)
        .report(report)
        .args(&["--mode", "add"])
}

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
