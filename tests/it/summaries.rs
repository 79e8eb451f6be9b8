//! `--summary-json` on every exit of import, export, migrate and validate: a finished run, a
//! run that could not start, a command line the settings refuse and one clap cannot parse;
//! never yesterday's file, and never over the input.

use crate::support::run::pbxbulk;
use crate::support::*;

/// What yesterday's successful run left.
const YESTERDAY: &str = r#"{"schema": 1, "exit_code": 0, "reason": "ok"}"#;

#[test]
fn a_command_line_clap_refuses_replaces_yesterdays_summary_with_bad_input() {
    for command in [
        Command::Import,
        Command::Export,
        Command::Migrate,
        Command::Validate,
    ] {
        let ran = Run::new(command)
            .stale_summary(YESTERDAY)
            .args(&["--no-such-flag"])
            .incomplete("bad_input");
        let message = ran.summary()["message"].as_str().unwrap_or("").to_string();
        assert!(!message.is_empty(), "{}: {}", command.word(), ran.summary());
        assert!(ran.stderr.contains("--no-such-flag"), "{}", ran.stderr);
    }
}

#[test]
fn a_command_line_the_settings_refuse_writes_bad_input_naming_the_mistake() {
    let ran = Run::new(Command::Export)
        .args(&["--api", "yeastar-v2", "--user", "api"])
        .stale_summary(YESTERDAY)
        .incomplete("bad_input");
    let message = ran.summary()["message"].as_str().unwrap().to_string();
    assert!(message.contains("--url is required"), "{message}");
    let ran = Run::validate(Api::YeastarV2)
        .file("number\n1001\n")
        .args(&["--mode", "add", "--map", "/nonexistent/map.toml"])
        .stale_summary(YESTERDAY)
        .incomplete("bad_input");
    assert_eq!(
        ran.summary()["api"],
        serde_json::Value::Null,
        "never settled"
    );
}

#[test]
fn a_mistyped_line_never_replaces_a_file_that_is_no_summary_nor_writes_over_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let staff = "number,username\n1001,Ana Lima\n";
    let input = write(dir.path(), "staff.csv", staff);
    let input_arg = input.to_str().unwrap();
    let status = pbxbulk()
        .args(["import", input_arg, "--bogus", "--summary-json", input_arg])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), staff);

    // (The builder would clear a summary's path before the run: the input, here.)
    let sim = Sim::start(Api::YeastarV2);
    let url = sim.api_url();
    let ran = pbxbulk()
        .args([
            "import",
            input_arg,
            "--api",
            "yeastar-v2",
            "--url",
            &url,
            "--user",
            USER,
        ])
        .args(["--summary-json", input_arg])
        .env("PBXBULK_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(ran.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&ran.stderr);
    assert!(stderr.contains("is the input file"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), staff);
    assert_eq!(sim.stat("logins"), 0);
}

#[test]
fn validate_and_export_count_their_rows_in_the_summary() {
    let ran = Run::validate(Api::YeastarV2)
        .file("number,username\n1001,Ana\n1002,Bo\n1003,\n")
        .ok();
    let summary = ran.summary();
    assert_eq!(
        (summary["rows"].as_u64(), summary["file"].is_string()),
        (Some(3), true)
    );
    assert_eq!(
        summary["counts"]["none"]["ok"], 3,
        "upsert cannot tell add from update"
    );
    assert!(
        ran.stdout.contains("3 rows: 3 valid, 0 invalid"),
        "{}",
        ran.stdout
    );

    let ran = Run::validate(Api::YeastarV2)
        .file("number,username\n10x1,Ana\n")
        .args(&["--mode", "add"])
        .rows_failed();
    assert_eq!(ran.summary()["counts"]["add"]["invalid"], 1);
    assert!(
        ran.stdout.contains("1 row: 0 valid, 1 invalid"),
        "{}",
        ran.stdout
    );

    let sim = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n2001,A,2001,{STRONG}\n"
        ))
        .start();
    let ran = Run::export(&sim).ok();
    let summary = ran.summary();
    assert_eq!(summary["rows"], 1);
    assert_eq!(summary["report"].as_str(), ran.report.to_str());
    let ran = Run::import_at(Api::YeastarV2, "http://127.0.0.1:9")
        .file("number\n1001\n")
        .args(&["--timeout", "1", "--retries", "0"])
        .incomplete("pbx_unreachable");
    assert!(ran.summary()["message"].is_string());
}
