//! Every file a run writes is claimed before anything is read or sent (issue 27.1, 27.16):
//! never the input, never another output of the same run, never through a symbolic link,
//! private from its first byte. Each test is one way it broke before, shown from the outside.

use std::path::{Path, PathBuf};

use crate::support::*;

const ROWS: &str = "number,username,registername,registerpassword\n\
                    8001,Ana,r8001,Kx7mQ2vRt9LpW4zA\n\
                    8002,Bo,r8002,Kx7mQ2vRt9LpW4zA\n";

/// A real workbook: what `export -o x.xlsx` writes of a PBX holding two extensions.
fn workbook(dir: &Path, name: &str) -> PathBuf {
    let sim = Sim::with(Api::YeastarV2).seed(ROWS).start();
    let path = dir.join(name);
    Run::export(&sim).to(&path).ok();
    path
}

#[test]
fn importing_or_validating_the_workbook_rejects_under_the_same_report_keeps_them() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    // The README's "fix and re-import" step, typed with the report of the run that made them.
    let rejects = workbook(dir.path(), "r.rejects.xlsx");
    let before = std::fs::read(&rejects).unwrap();
    let report = dir.path().join("r.csv");
    for run in [Run::import(&sim), Run::validate(Api::YeastarV2)] {
        let ran = run.input(&rejects).report(&report).incomplete("bad_input");
        let said = &ran.stderr;
        assert!(
            said.contains("would be the same file as the input"),
            "{said}"
        );
    }
    assert_eq!(
        std::fs::read(&rejects).unwrap(),
        before,
        "the input is intact"
    );
    assert_eq!(sim.stat("logins"), 0);
}

/// `pbxbulk import INPUT --report REPORT --summary-json SUMMARY …` to `sim`, outside the
/// builder (which clears the summary's path before a run): exit code and stderr.
fn import_summarised(sim: &Sim, input: &Path, report: &Path, summary: &Path) -> (i32, String) {
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let out = run::pbxbulk()
        .args(["import", &path(input), "--api", "yeastar-v2"])
        .args(["--url", &sim.api_url(), "--user", USER])
        .args(["--report", &path(report), "--summary-json", &path(summary)])
        .env("PBXBULK_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code().unwrap(), stderr)
}

#[test]
fn a_summary_json_naming_the_input_or_the_report_is_refused_and_overwrites_neither() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", ROWS);
    let report = dir.path().join("r.csv");
    let old_report = "an earlier run's report\n";
    std::fs::write(&report, old_report).unwrap();
    for target in [&input, &report] {
        let (code, stderr) = import_summarised(&sim, &input, &report, target);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("--summary-json"), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&input).unwrap(), ROWS);
    assert_eq!(std::fs::read_to_string(&report).unwrap(), old_report);
    assert_eq!(sim.stat("logins"), 0);
}

#[cfg(unix)]
#[test]
fn the_summary_is_private_and_no_output_is_written_through_a_link() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", ROWS);
    let summary = dir.path().join("summary.json");
    let ran = Run::import(&sim)
        .input(&input)
        .args(&["--summary-json", summary.to_str().unwrap()])
        .ok();
    assert_eq!(mode(&summary), 0o600, "{}", ran.stderr);

    // Each output in turn is a link to a file of the user's: the run is refused, and the
    // file is as it was.
    let precious = write(dir.path(), "precious.txt", "keep me\n");
    let report = dir.path().join("linked.csv");
    let beside = |ext: &str| report.with_extension(ext);
    for link in [
        report.clone(),
        beside("journal"),
        beside("rejects.csv"),
        beside("credentials.csv"),
    ] {
        std::os::unix::fs::symlink(&precious, &link).unwrap();
        let ran = Run::import(&sim)
            .input(&input)
            .report(&report)
            .args(&["--generate-passwords"])
            .incomplete("bad_input");
        assert!(
            ran.stderr.contains("symbolic link"),
            "{}: {}",
            link.display(),
            ran.stderr
        );
        std::fs::remove_file(&link).unwrap();
    }
    // The summary itself.
    let link = dir.path().join("linked-summary.json");
    std::os::unix::fs::symlink(&precious, &link).unwrap();
    let (code, stderr) = import_summarised(&sim, &input, &report, &link);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me\n");
    assert_eq!(sim.stat("write_requests"), 2, "only the first run wrote");
}

#[test]
fn a_second_migration_on_the_same_report_is_refused_before_it_touches_the_source_file() {
    let source = Sim::with(Api::YeastarV2).seed(ROWS).start();
    let other = Sim::with(Api::YeastarV2)
        .seed("number,username\n9001,Someone Else\n")
        .start();
    // Slow, so the first migration is still importing when the second one starts.
    let target = Sim::with(Api::YeastarV2)
        .args(&["--latency-ms", "400"])
        .start();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("m.csv");
    let source_file = dir.path().join("m.source.csv");
    let mut first = Run::migrate(&source, &target)
        .report(&report)
        .args(&["--rate", "0", "--concurrency", "1"])
        .spawn();
    first.wait_for("the first migration imports", || {
        target.stat("write_requests") >= 1
    });
    let read = std::fs::read(&source_file).unwrap();
    let ran = Run::migrate(&other, &target)
        .report(&report)
        .incomplete("bad_input");
    assert!(ran.stderr.contains("another pbxbulk run"), "{}", ran.stderr);
    assert_eq!(other.stat("logins"), 0, "refused before reading its source");
    assert_eq!(std::fs::read(&source_file).unwrap(), read);
    let ran = first.wait().ok();
    assert_eq!(ran.column("status"), ["ok", "ok"]);
}

#[test]
fn rejects_keep_the_inputs_line_ends_and_its_bom_or_the_lack_of_one() {
    for (what, input, rejects) in [
        (
            "CRLF, no BOM",
            "number,username\r\n1001,Ana\r\nabc,Bad\r\n",
            "number,username\r\nabc,Bad\r\n",
        ),
        (
            "CR only, no BOM",
            "number,username\r1001,Ana\rabc,Bad\r",
            "number,username\rabc,Bad\r",
        ),
        (
            "LF with a BOM",
            "\u{feff}number;username\n1001;Ana\nabc;Bad\n",
            "\u{feff}number;username\nabc;Bad\n",
        ),
    ] {
        let ran = Run::validate(Api::YeastarV2)
            .file_named("in.csv", input)
            .with_report()
            .rows_failed();
        let written = std::fs::read_to_string(ran.beside("rejects.csv")).unwrap();
        assert_eq!(written, rejects, "{what}");
    }
}
