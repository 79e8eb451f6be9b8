//! Secrets appear in no output and no file the tool writes, except the private rejects file;
//! report cells are safe to open in a spreadsheet program.

use crate::helpers::*;

#[test]
fn no_secret_reaches_the_terminal_or_the_report_through_faults_retries_and_dry_runs() {
    let sim = Sim::start(
        "yeastar-v2",
        &[
            "--fail-rate",
            "0.3",
            "--token-max-uses",
            "40",
            "--random-seed",
            "3",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let input = report_rows(&sample());
    let mut seen = String::new();
    let report = dir.path().join("r.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &sample(),
        &report,
        &["--rate", "0", "--retries", "1"],
    );
    seen += &format!(
        "{}{}{}",
        stdout(&out),
        stderr(&out),
        std::fs::read_to_string(&report).unwrap()
    );

    // A dry run that would change every password says so without showing one.
    let mut changed = String::from("number,registerpassword,loginpassword,vmsecret\n");
    for row in input
        .iter()
        .filter(|r| !r["registerpassword"].is_empty())
        .take(20)
    {
        changed += &format!(
            "{},Zq9{}x,Zq9{}y,97531\n",
            row["number"], row["registerpassword"], row["loginpassword"]
        );
    }
    let file = write(dir.path(), "changed.csv", &changed);
    let dry = dir.path().join("dry.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &dry,
        &["--mode", "sync", "--dry-run"],
    );
    let dry_text = std::fs::read_to_string(&dry).unwrap();
    assert!(
        dry_text.contains("registerpassword changes (secret, not shown)"),
        "{dry_text}"
    );
    seen += &format!("{}{}{}", stdout(&out), stderr(&out), dry_text);

    assert!(!seen.contains(PASSWORD) && !seen.contains(&md5_hex(PASSWORD)));
    for row in input.iter().chain(report_rows(&file).iter()) {
        for secret in ["registerpassword", "loginpassword"] {
            let value = &row[secret];
            assert!(
                value.len() < 6 || !seen.contains(value.as_str()),
                "{secret} of {} leaked",
                row["number"]
            );
        }
    }
    let cells: Vec<String> = seen
        .split([',', '\n', '"', ' '])
        .map(str::to_string)
        .collect();
    for row in &input {
        assert!(
            row["vmsecret"].is_empty() || !cells.contains(&row["vmsecret"]),
            "vmsecret of {} leaked",
            row["number"]
        );
    }
}

#[test]
fn report_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "in.csv",
        "number,username\n=1+2,x\n+15550100,y\n@SUM(A1),z\n",
    );
    let report = dir.path().join("r.csv");
    run(
        &[
            "validate",
            file.to_str().unwrap(),
            "--api",
            "openvox",
            "--report",
            report.to_str().unwrap(),
        ],
        &[],
    );
    let numbers: Vec<String> = report_rows(&report)
        .into_iter()
        .map(|r| r["number"].clone())
        .collect();
    assert_eq!(numbers, ["'=1+2", "'+15550100", "'@SUM(A1)"]);
    // The rejects file keeps the rows exactly as written, for re-import.
    let rejects = std::fs::read_to_string(dir.path().join("r.rejects.csv")).unwrap();
    assert!(rejects.contains("\n=1+2,x\n"), "{rejects}");
}
