//! Running it like an operator: stopping by signal and finishing with `--resume`, profiles,
//! the JSON summary, the start banner and progress lines, completions and the man page, and
//! the hints a person needs.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{
    PASSWORD, Sim, USER, bin, code, http, import, report_rows, run, stderr, stdout, write,
};

fn adds(from: u32, to: u32) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for n in from..=to {
        csv.push_str(&format!("{n},Stop {n},s{n},Kx7mQ2vRt9LpW4zA\n"));
    }
    csv
}

fn spawn_import(sim: &Sim, file: &Path, report: &Path, extra: &[&str]) -> Child {
    Command::new(bin())
        .args(["import", file.to_str().unwrap(), "--api", "yeastar-v2"])
        .args(["--url", &sim.url, "--user", USER])
        .args(["--report", report.to_str().unwrap()])
        .args(extra)
        .env("PBXBULK_PASSWORD", PASSWORD)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name}");
}

/// Polls until `check` holds; panics after a generous while.
fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(30), "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for the child to end, for at most `bound`: a generous bound that only a run which
/// ignored the signal would miss (the stop's own timing is measured by scripts/stop_time.py).
fn ends_within(mut child: Child, bound: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > bound {
            let _ = child.kill();
            panic!("still running {bound:?} after the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// The command failed before anything was sent (exit 2), saying `what` on stderr.
fn refused_saying(out: &Output, what: &str) {
    assert_eq!(code(out), 2, "{}", stderr(out));
    assert!(stderr(out).contains(what), "{}", stderr(out));
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

/// The first cell of every row of a CSV file (its numbers).
fn numbers_in(path: &Path) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect()
}

/// Every add the simulator accepted, by number: a number added twice shows 2.
fn accepted_adds(sim: &Sim) -> BTreeMap<String, usize> {
    let mut adds = BTreeMap::new();
    for entry in sim.log() {
        if entry["op"] == "add" {
            assert_eq!(entry["error"], "", "an add was refused: {entry}");
            let number = entry["number"].as_str().unwrap_or_default().to_string();
            *adds.entry(number).or_insert(0) += 1;
        }
    }
    adds
}

#[test]
fn a_signal_stops_starting_rows_at_once_and_resume_sends_nothing_twice() {
    for name in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "in.csv", &adds(8001, 8040));
        let report = dir.path().join("r.csv");
        let sim = Sim::start("yeastar-v2", &[]);
        let child = spawn_import(&sim, &file, &report, &["--mode", "add", "--rate", "4"]);
        wait_until("two rows added", || sim.stat("extensions") >= 2);
        signal(&child, name);
        let out = ends_within(child, Duration::from_secs(20));
        let err = text(&out.stderr);
        assert_eq!(code(&out), 2, "{name}: {err}");
        assert!(
            err.contains("requests in flight; Ctrl-C again to abandon them"),
            "{name}: {err}"
        );
        let rows = report_rows(&report);
        let order: Vec<String> = rows.iter().map(|r| r["row"].clone()).collect();
        let whole: Vec<String> = (2..=41).map(|n| n.to_string()).collect();
        assert_eq!(order, whole, "{name}: every row once, in order");
        let unattempted: Vec<String> = rows
            .iter()
            .filter(|r| r["status"] == "skipped" && r["error_code"] == "ABORTED")
            .map(|r| r["number"].clone())
            .collect();
        // At 4 rows/s, a stop that took effect at once leaves most rows unattempted.
        assert!(unattempted.len() > 20, "{name}: {unattempted:?}");
        let rejects = dir.path().join("r.rejects.csv");
        assert_eq!(
            numbers_in(&rejects),
            unattempted,
            "{name}: rejects hold them"
        );
        assert!(
            dir.path().join("r.journal").exists(),
            "{name}: journal kept"
        );
        let resume = err
            .lines()
            .find_map(|l| l.strip_prefix("resume with: "))
            .unwrap_or_else(|| panic!("{name}: no resume line: {err}"));
        assert!(
            resume.ends_with(" --mode add --rate 4 --resume") && resume.contains(" import "),
            "{resume}"
        );

        let out = import(
            &sim,
            "yeastar-v2",
            &file,
            &report,
            &["--mode", "add", "--rate", "0", "--resume"],
        );
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let adds = accepted_adds(&sim);
        assert_eq!(adds.len(), 40, "{name}");
        assert!(adds.values().all(|n| *n == 1), "{name}: {adds:?}");
        assert!(!dir.path().join("r.journal").exists());
    }
}

#[test]
fn requests_in_flight_get_the_timeout_and_a_second_signal_abandons_them() {
    // Every write is done at once but answered only after 20 s: three answers in flight.
    let slow = ["--slow-rate", "1", "--slow-ms", "20000"];
    for second_signal in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), "in.csv", &adds(8101, 8110));
        let report = dir.path().join("r.csv");
        let sim = Sim::start("yeastar-v2", &slow);
        let timeout = if second_signal { "120" } else { "2" };
        let child = spawn_import(
            &sim,
            &file,
            &report,
            &[
                "--mode",
                "add",
                "--rate",
                "0",
                "--concurrency",
                "3",
                "--timeout",
                timeout,
            ],
        );
        wait_until("three adds sent", || sim.stat("extensions") >= 3);
        signal(&child, "INT");
        if second_signal {
            std::thread::sleep(Duration::from_millis(300));
            signal(&child, "INT");
        }
        // Well before the 20 s answers: the 2 s timeout, or the second signal, ended them.
        let out = ends_within(child, Duration::from_secs(12));
        let err = text(&out.stderr);
        assert_eq!(code(&out), 2, "{err}");
        assert!(err.contains("stopping: 3 requests in flight"), "{err}");
        assert_eq!(report_rows(&report).len(), 10, "the report is whole");

        // The PBX recovers; the three that landed unanswered are found there, not re-sent.
        let (status, _) = http(sim.addr(), "POST", "/_sim/calm", "");
        assert_eq!(status, 200);
        let out = import(
            &sim,
            "yeastar-v2",
            &file,
            &report,
            &["--mode", "add", "--resume"],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        let adds = accepted_adds(&sim);
        assert_eq!(adds.len(), 10, "{adds:?}");
        assert!(adds.values().all(|n| *n == 1), "{adds:?}");
        let rows = report_rows(&report);
        assert!(rows.iter().all(|r| r["status"] == "ok"), "{rows:?}");
    }
}

#[test]
fn a_signal_while_the_pbx_is_read_ends_the_run_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &adds(8151, 8160));
    let report = dir.path().join("r.csv");
    // The listing (like every request but the login) is answered only after 20 s.
    let sim = Sim::start("yeastar-v2", &["--slow-rate", "1", "--slow-ms", "20000"]);
    let json = dir.path().join("s.json");
    let child = spawn_import(
        &sim,
        &file,
        &report,
        &["--mode", "upsert", "--summary-json", json.to_str().unwrap()],
    );
    wait_until("logged in", || sim.stat("logins") >= 1);
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "TERM");
    let out = ends_within(child, Duration::from_secs(12));
    let err = text(&out.stderr);
    assert_eq!(code(&out), 2, "{err}");
    assert!(
        err.contains("interrupted while reading the PBX; nothing was sent"),
        "{err}"
    );
    assert_eq!(sim.stat("write_requests"), 0);
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(summary["reason"], "interrupted");
}

fn private(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `KEY  VALUE  ORIGIN` lines of `config show`, by key.
fn shown(out: &Output) -> HashMap<String, String> {
    stdout(out)
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.split_once(' ')
                .map(|(k, rest)| (k.to_string(), rest.trim().to_string()))
        })
        .collect()
}

#[test]
fn a_profile_supplies_every_setting_and_flags_and_the_environment_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start("yeastar-v2", &["--tls", "--weak-passwords"]);
    let cert = sim.cert.clone().unwrap();
    let pw = write(dir.path(), "hq.password", &format!("{PASSWORD}\n"));
    private(&pw, 0o600);
    write(dir.path(), "hr.toml", "[columns]\n\"Desk\" = \"number\"\n");
    let config = write(
        dir.path(),
        "config.toml",
        &format!(
            "[profile.hq]\napi = \"yeastar-v2\"\nurl = \"{}\"\nuser = \"{USER}\"\n\
             password-file = \"hq.password\"\neid = \"0001\"\nbody = \"json\"\nrate = 0\n\
             concurrency = 2\nretries = 1\ntimeout = 7\nca-cert = \"{cert}\"\n\
             weak-passwords = true\n",
            sim.url.replace("http://", "https://")
        ),
    );
    let cfg = config.to_str().unwrap();
    // Only the weak policy lets this password through: the profile's weak-passwords is used.
    let file = write(
        dir.path(),
        "in.csv",
        "number,username,registername,registerpassword\n8201,Weak One,w8201,weakpass1\n",
    );
    let report = dir.path().join("r.csv");
    let report_arg = report.to_str().unwrap();
    // Only the file, the profile and the report on the command line: the rest is the profile's.
    let import_with_profile = |file: &Path| {
        let args = [
            "import",
            file.to_str().unwrap(),
            "--config",
            cfg,
            "--profile",
            "hq",
        ];
        let out = run(
            &[&args[..], &["--mode", "add", "--report", report_arg]].concat(),
            &[],
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        report_rows(&report)
    };
    assert_eq!(import_with_profile(&file)[0]["status"], "ok");

    // The profile's map file reads a sheet in other columns.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("map = \"hr.toml\"\n");
    std::fs::write(&config, text).unwrap();
    let hr = write(
        dir.path(),
        "hr.csv",
        "Desk,username,registername,registerpassword\n8202,Weak Two,w8202,weakpass2\n",
    );
    let rows = import_with_profile(&hr);
    assert_eq!(
        (rows[0]["number"].as_str(), rows[0]["status"].as_str()),
        ("8202", "ok")
    );

    let show = run(&["config", "show", "--config", cfg, "--profile", "hq"], &[]);
    assert_eq!(code(&show), 0, "{}", stderr(&show));
    assert!(!stdout(&show).contains(PASSWORD));
    let lines = shown(&show);
    for key in [
        "api",
        "url",
        "user",
        "password",
        "eid",
        "body",
        "rate",
        "concurrency",
        "retries",
        "timeout",
        "ca-cert",
        "weak-passwords",
        "map",
    ] {
        assert!(
            lines.get(key).is_some_and(|l| l.ends_with("profile hq")),
            "{key}: {}",
            stdout(&show)
        );
    }
    assert!(lines["concurrency"].starts_with("2 "), "{}", stdout(&show));

    let env = [
        ("PBXBULK_URL", "http://127.0.0.1:9"),
        ("PBXBULK_PASSWORD", "x"),
    ];
    let show = run(
        &[
            "config",
            "show",
            "--config",
            cfg,
            "--profile",
            "hq",
            "--rate",
            "7",
        ],
        &env,
    );
    let lines = shown(&show);
    assert!(
        lines["rate"].starts_with("7 ") && lines["rate"].ends_with("flag"),
        "{lines:?}"
    );
    assert!(lines["url"].starts_with("http://127.0.0.1:9 "), "{lines:?}");
    assert!(lines["url"].ends_with("environment"), "{lines:?}");
    assert!(lines["password"].ends_with("environment") && !lines["password"].contains('x'));

    // The default config file is found in the user's config directory.
    let home = dir.path().join("xdg");
    std::fs::create_dir_all(home.join("pbxbulk")).unwrap();
    std::fs::copy(&config, home.join("pbxbulk/config.toml")).unwrap();
    let show = run(
        &["config", "show", "--profile", "hq"],
        &[("XDG_CONFIG_HOME", home.to_str().unwrap())],
    );
    assert_eq!(code(&show), 0, "{}", stderr(&show));
    assert!(
        stdout(&show).contains("xdg/pbxbulk/config.toml"),
        "{}",
        stdout(&show)
    );
}

#[test]
fn a_password_in_a_readable_config_is_refused_and_a_readable_password_file_warned() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start("yeastar-v2", &[]);
    let config = write(
        dir.path(),
        "config.toml",
        &format!(
            "[profile.hq]\napi = \"yeastar-v2\"\nurl = \"{}\"\nuser = \"{USER}\"\npassword = \"{PASSWORD}\"\n",
            sim.url
        ),
    );
    private(&config, 0o644);
    let file = write(dir.path(), "in.csv", &adds(8301, 8301));
    let report = dir.path().join("r.csv");
    let cfg = config.to_str().unwrap();
    let args = [
        "import",
        file.to_str().unwrap(),
        "--config",
        cfg,
        "--profile",
        "hq",
        "--report",
        report.to_str().unwrap(),
    ];
    let out = run(&args, &[]);
    refused_saying(&out, "chmod 600");
    assert!(!stderr(&out).contains(PASSWORD));
    assert_eq!(sim.stat("logins"), 0, "refused before any login");
    private(&config, 0o600);
    let out = run(&args, &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let pw = write(dir.path(), "pw", PASSWORD);
    private(&pw, 0o644);
    let out = run(
        &[&args[..], &["--password-file", pw.to_str().unwrap()]].concat(),
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("every user of this machine can read the password file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_json_summary_matches_the_report_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1005 {
        seed.push_str(&format!("{n},Old {n},r{n},Kx7mQ2vRt9LpW4zA\n"));
    }
    let sim = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "number,username,registername,registerpassword,ringtimeout,alwaysforward,atransferto,atransferext\n\
         2001,New One,n2001,Kx7mQ2vRt9LpW4zA,,,,\n\
         2002,New Two,n2002,Kx7mQ2vRt9LpW4zA,,,,\n\
         1001,Renamed 1001,,,,,,\n\
         1002,Old 1002,,,,,,\n\
         2003,Bad Ring,n2003,Kx7mQ2vRt9LpW4zA,45,,,\n\
         2004,Forwards Nowhere,n2004,Kx7mQ2vRt9LpW4zA,,on,Extension,9999\n",
    );
    let report = dir.path().join("r.csv");
    let json = dir.path().join("summary.json");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &[
            "--mode",
            "sync",
            "--prune",
            "--max-delete",
            "5",
            "--summary-json",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mut counted: BTreeMap<(String, String), u64> = BTreeMap::new();
    let rows = report_rows(&report);
    for row in &rows {
        *counted
            .entry((row["action"].clone(), row["status"].clone()))
            .or_insert(0) += 1;
    }
    for (action, by_status) in summary["counts"].as_object().unwrap() {
        for (status, n) in by_status.as_object().unwrap() {
            let key = (action.clone(), status.clone());
            assert_eq!(
                n.as_u64().unwrap(),
                counted.get(&key).copied().unwrap_or(0),
                "{key:?}"
            );
        }
    }
    for (key, expected) in [
        (("add", "ok"), 2),
        (("update", "ok"), 1),
        (("none", "unchanged"), 1),
        (("add", "invalid"), 1),
        (("add", "failed"), 1),
        (("delete", "ok"), 3),
    ] {
        let key = (key.0.to_string(), key.1.to_string());
        assert_eq!(
            counted.get(&key).copied(),
            Some(expected),
            "{key:?}: {counted:?}"
        );
    }
    assert_eq!(summary["rows"], rows.len());
    assert_eq!(summary["exit_code"], 1);
    assert_eq!(summary["reason"], "rows_failed");
    assert_eq!(summary["mode"], "sync");
    assert_eq!(summary["url"], sim.url.as_str());
    assert_eq!(summary["report"], report.to_str().unwrap());
    assert!(
        summary["rejects"]
            .as_str()
            .unwrap()
            .ends_with("r.rejects.csv")
    );
    assert!(summary["journal"].is_null());
    assert!(summary["rate_achieved"].as_f64().unwrap() > 0.0);
    assert!(summary["started_at"].as_str().unwrap().ends_with('Z'));
    // The final line counts adds, updates and deletes apart.
    assert!(
        stdout(&out).contains("9 rows: 6 ok (2 added, 1 updated, 3 deleted)"),
        "{}",
        stdout(&out)
    );
    // The report opens in Excel as UTF-8.
    assert!(std::fs::read(&report).unwrap().starts_with(b"\xEF\xBB\xBF"));

    // To standard output, the JSON is all there is on it.
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &["--mode", "upsert", "--summary-json", "-"],
    );
    let summary: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(summary["exit_code"], code(&out));
}

#[test]
fn a_run_that_cannot_start_says_why_in_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &adds(8401, 8401));
    let report = dir.path().join("r.csv");
    let json = dir.path().join("s.json");
    let reason = |url: &str, password: &str, extra: &[&str]| {
        let args = [
            "import",
            file.to_str().unwrap(),
            "--api",
            "yeastar-v2",
            "--url",
            url,
            "--user",
            USER,
            "--report",
            report.to_str().unwrap(),
            "--summary-json",
            json.to_str().unwrap(),
        ];
        let out = run(
            &[&args[..], extra].concat(),
            &[("PBXBULK_PASSWORD", password)],
        );
        assert_eq!(code(&out), 2);
        let summary: Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        summary["reason"].as_str().unwrap().to_string()
    };
    let sim = Sim::start("yeastar-v2", &[]);
    assert_eq!(reason(&sim.url, "wrong", &[]), "login_refused");
    let url = sim.url.clone();
    drop(sim);
    assert_eq!(
        reason(&url, PASSWORD, &["--timeout", "2"]),
        "pbx_unreachable"
    );
    assert_eq!(reason("127.0.0.1:1", PASSWORD, &[]), "bad_input");
}

#[test]
fn a_redirected_run_starts_with_a_banner_and_is_never_silent() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start("yeastar-v2", &[]);
    let file = write(dir.path(), "in.csv", &adds(8501, 8508));
    let report = dir.path().join("r.csv");
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &["--mode", "add", "--rate", "4", "--progress-every", "0.5"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    let banner = err
        .lines()
        .find(|l| l.contains(" pbxbulk import "))
        .unwrap_or_default();
    assert!(
        banner.contains("pbxbulk import")
            && banner.contains("in.csv")
            && banner.contains("yeastar-v2")
            && banner.contains(&sim.url)
            && banner.contains("mode add"),
        "{banner}"
    );
    let progress: Vec<&str> = err.lines().filter(|l| l.contains("Z progress: ")).collect();
    assert!(!progress.is_empty(), "{err}");
    assert!(
        progress.iter().all(|l| l.contains(" rows: ")),
        "{progress:?}"
    );
}

#[test]
fn a_dry_run_says_what_it_would_do_and_lists_deletes_a_real_run_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1010 {
        seed.push_str(&format!("{n},Old {n},r{n},Kx7mQ2vRt9LpW4zA\n"));
    }
    let sim = Sim::seeded("yeastar-v2", dir.path(), &seed, &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "number,username,registername,registerpassword\n1001,Changed,,\n2001,New,n2001,Kx7mQ2vRt9LpW4zA\n",
    );
    let report = dir.path().join("r.csv");
    let prune = ["--mode", "sync", "--prune"];
    let out = import(
        &sim,
        "yeastar-v2",
        &file,
        &report,
        &[&prune[..], &["--dry-run"]].concat(),
    );
    let said = stdout(&out);
    assert!(
        said.contains("dry run: would add 1, update 1, delete 9; nothing was sent"),
        "{said}"
    );
    assert!(
        said.contains("the real run would refuse: refusing to delete 9"),
        "{said}"
    );
    assert_eq!(code(&out), 2, "a tripped safeguard needs a human");
    let deletes = report_rows(&report)
        .into_iter()
        .filter(|r| r["action"] == "delete")
        .count();
    assert_eq!(deletes, 9, "the deletes are listed");
    assert_eq!(sim.stat("write_requests"), 0);
    let out = import(&sim, "yeastar-v2", &file, &report, &prune);
    refused_saying(&out, "refusing to delete 9");
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn completions_the_man_page_and_examples_in_every_help() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell], &[]);
        assert_eq!(code(&out), 0, "{shell}");
        assert!(stdout(&out).contains("summary-json"), "{shell}");
    }
    let out = run(&["man"], &[]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).contains(".TH pbxbulk"), "{}", stdout(&out));
    for sub in [
        "validate",
        "import",
        "export",
        "template",
        "sim",
        "demo",
        "completions",
        "man",
        "config",
    ] {
        let out = run(&[sub, "--help"], &[]);
        let help = stdout(&out);
        let examples = help.split("Examples:").nth(1).unwrap_or("");
        assert!(examples.matches("pbxbulk ").count() >= 2, "{sub}: {help}");
    }
    let out = run(&["config", "show", "--help"], &[]);
    assert!(stdout(&out).contains("Examples:"));
    let out = run(&["import", "--help"], &[]);
    let help = stdout(&out);
    assert!(
        help.contains("yeastar-v1: Yeastar S-Series API v1"),
        "--api values described: {help}"
    );
}

#[test]
fn describe_wraps_to_the_width_and_shows_the_policy_in_force() {
    let strong = run(
        &["template", "--api", "yeastar-v2", "--describe"],
        &[("COLUMNS", "60")],
    );
    let text = stdout(&strong);
    assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    assert!(text.contains("Password policy: strong") && text.contains("strong password policy"));
    assert!(
        !text.contains("Source:"),
        "developer notes stay in the code"
    );
    let weak = run(
        &[
            "template",
            "--api",
            "yeastar-v2",
            "--describe",
            "--weak-passwords",
        ],
        &[("COLUMNS", "60")],
    );
    let text = stdout(&weak);
    assert!(text.contains("Password policy: weak"), "{text}");
    assert!(!text.contains("strong password policy"), "{text}");
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(bin())
        .args(["template", "--api", "yeastar-v2", "--describe"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn a_missing_file_is_said_once() {
    let out = run(
        &["validate", "/nonexistent/staff.csv", "--api", "yeastar-v2"],
        &[],
    );
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.matches("No such file").count(), 1, "{err}");
}

#[test]
fn a_url_without_a_scheme_gets_one_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "in.csv", &adds(8601, 8601));
    let out = run(
        &[
            "import",
            file.to_str().unwrap(),
            "--api",
            "yeastar-v2",
            "--url",
            "127.0.0.1:33069",
            "--user",
            USER,
        ],
        &[("PBXBULK_PASSWORD", PASSWORD)],
    );
    refused_saying(&out, "did you mean https://127.0.0.1:33069?");
}

#[test]
fn the_wrong_yeastar_version_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start("yeastar-v1", &[]);
    let file = write(dir.path(), "in.csv", &adds(8701, 8701));
    let out = import(&sim, "yeastar-v2", &file, &dir.path().join("r.csv"), &[]);
    refused_saying(&out, "this PBX speaks yeastar-v1?");
}

#[test]
fn verba_without_its_endpoint_is_told_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start("verba", &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "extension,eid\nuser1@example.com,0000\n",
    );
    // The sim's base URL, without /provisioning.
    let out = run(
        &[
            "import",
            file.to_str().unwrap(),
            "--api",
            "verba",
            "--url",
            &sim.url,
            "--user",
            USER,
            "--report",
            dir.path().join("r.csv").to_str().unwrap(),
        ],
        &[("PBXBULK_PASSWORD", PASSWORD)],
    );
    refused_saying(&out, "the URL must end in /provisioning");
}

#[test]
fn an_add_of_an_existing_number_is_told_to_upsert() {
    let dir = tempfile::tempdir().unwrap();
    let seed = "number,username,registername,registerpassword\n1001,Old,r1001,Kx7mQ2vRt9LpW4zA\n";
    let sim = Sim::seeded("yeastar-v2", dir.path(), seed, &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "number,username,registername,registerpassword,alwaysforward,atransferto,atransferext\n\
         1001,Again,r1001,Kx7mQ2vRt9LpW4zA,,,\n\
         2001,Nowhere,n2001,Kx7mQ2vRt9LpW4zA,on,Extension,9999\n",
    );
    let report = dir.path().join("r.csv");
    let out = import(&sim, "yeastar-v2", &file, &report, &["--mode", "add"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let rows = report_rows(&report);
    assert_eq!(rows[0]["error_code"], "10017");
    assert!(
        rows[0]["message"].ends_with("already exists: use --mode upsert"),
        "{rows:?}"
    );
    // The same code for another reason gets no such hint.
    assert_eq!(rows[1]["error_code"], "10017");
    assert!(!rows[1]["message"].contains("upsert"), "{rows:?}");
}

#[test]
fn a_report_ending_in_xlsx_is_a_workbook_with_every_line() {
    use calamine::{Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start("yeastar-v2", &[]);
    let file = write(
        dir.path(),
        "in.csv",
        "number,username,registername,registerpassword\n8801,Zoë → Ünal,z8801,Kx7mQ2vRt9LpW4zA\n8802,Bad,,\n",
    );
    let report = dir.path().join("r.xlsx");
    let out = import(&sim, "yeastar-v2", &file, &report, &["--mode", "add"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        !dir.path().join("r.xlsx.partial.csv").exists(),
        "the lines became the workbook"
    );
    assert_eq!(numbers_in(&dir.path().join("r.rejects.csv")), ["8802"]);
    let mut workbook: Xlsx<_> = open_workbook(&report).unwrap();
    let sheet = workbook.worksheet_range("report").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows[0][..4], ["row", "number", "action", "status"]);
    assert_eq!(rows[1][..4], ["2", "8801", "add", "ok"]);
    assert_eq!(rows[2][..4], ["3", "8802", "add", "invalid"]);
    assert_eq!(rows.len(), 3);
}
