//! `--report-html`: a real import against the simulator writes the page, and a real browser
//! (headless Chromium, Debian's `chromium` package, which `.ci/run` installs) loads it: its
//! DOM must hold the run's counts and a chart with data, nothing a cell holds may run as
//! script, and its screenshot must be a picture of something.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Api, PASSWORD, Run, Sim};

/// The browser, or a failure that says how to get it.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "this test loads the page in headless Chromium, which is not installed: run \
                 `bash .ci/run` (it installs Debian's chromium package), or `apt-get install -y \
                 chromium`"
            )
        })
}

/// Runs headless Chromium on `page` with `args`, in a fresh profile, killed after a minute.
fn headless(page: &Path, args: &[&str]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The text inside the element whose `id` is `id`, as the browser serialised it.
fn text_of<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!(r#"id="{id}""#))
        .unwrap_or_else(|| panic!("no element #{id} in the page"));
    let start = at + dom[at..].find('>').unwrap() + 1;
    let end = start + dom[start..].find('<').unwrap();
    &dom[start..end]
}

/// The serialised element `<svg id="{id}" …>…</svg>`.
fn svg<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!(r#"<svg id="{id}""#))
        .unwrap_or_else(|| panic!("no <svg id={id}> in the page"));
    let end = start + dom[start..].find("</svg>").unwrap();
    &dom[start..end]
}

const PWNED: &str = "document.documentElement.setAttribute('data-pwned', '1')";

#[test]
fn the_page_shows_the_runs_counts_and_charts_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = String::from("number,username,registername,registerpassword\n");
    for n in 1001..=1020 {
        seed.push_str(&format!("{n},Old {n},r{n},Kx7mQ2vRt9LpW4zA\n"));
    }
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    // 20 updates that go through, 4 of numbers the PBX does not have (refused, 10006), and
    // two invalid rows whose cells hold markup and an ampersand.
    let mut input = String::from("number,username,ringtimeout\n");
    for n in 1001..=1020 {
        input.push_str(&format!("{n},Staff {n},30\n"));
    }
    for n in 2001..=2004 {
        input.push_str(&format!("{n},Nobody {n},30\n"));
    }
    input.push_str(&format!("\"9<script>{PWNED}</script>&\",Bad number,30\n"));
    input.push_str("1030,\"<b>Tom & Jerry</b>\",45\n");
    let page = dir.path().join("page.html");
    let ran = Run::import(&sim)
        .file(&input)
        .args(&["--mode", "update", "--rate", "20", "--retries", "0"])
        .args(&["--report-html", page.to_str().unwrap()])
        .rows_failed();
    assert_eq!(ran.rows.len(), 26);
    let statuses = |status: &str| {
        ran.column("status")
            .iter()
            .filter(|s| **s == status)
            .count()
    };
    assert_eq!(
        (statuses("ok"), statuses("failed"), statuses("invalid")),
        (20, 4, 2)
    );

    let raw = std::fs::read_to_string(&page).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&page).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the page names people: private");
    }
    // Self-contained: nothing to fetch, no script of its own or from a cell.
    for needle in ["<script", "src=", "href=", "url(", "@import", "<link"] {
        assert!(
            !raw.to_lowercase().contains(needle),
            "the page holds {needle:?}"
        );
    }
    assert!(!raw.contains(PASSWORD));

    let dom = String::from_utf8(headless(&page, &["--dump-dom"]).stdout).unwrap();
    // The text of the cell is there, escaped; the attribute its script would set is not.
    assert!(!dom.contains(r#"data-pwned="1""#), "a cell's script ran");
    assert!(dom.contains(r"9&lt;script&gt;document.documentElement.setAttribute("));
    assert!(dom.contains("&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"));
    assert_eq!(text_of(&dom, "count-total"), "26");
    assert_eq!(text_of(&dom, "count-ok"), "20");
    assert_eq!(text_of(&dom, "count-failed"), "4");
    assert_eq!(text_of(&dom, "count-invalid"), "2");
    assert_eq!(text_of(&dom, "count-update-ok"), "20");
    assert_eq!(text_of(&dom, "count-update-failed"), "4");
    assert_eq!(text_of(&dom, "reason"), "rows_failed");
    assert_eq!(
        dom.matches(r#"<tr class="problem""#).count(),
        6,
        "every failed and invalid row"
    );
    assert!(
        dom.contains("<code>10006</code>"),
        "the PBX's refusals grouped by their code"
    );
    assert!(dom.contains("<code>BAD_VALUE</code>"));

    // The throughput chart: a bar per bucket with requests, 24 of them in all, under the
    // --rate line; the latency chart: lines through the buckets.
    let throughput = svg(&dom, "chart-throughput");
    let bars = throughput.matches(r#"<rect class="bar""#).count();
    assert!(bars >= 3, "{bars} bars for 24 requests at 20/s");
    assert!(throughput.contains(r#"class="limit""#));
    assert!(throughput.contains("--rate 20/s"));
    let latency = svg(&dom, "chart-latency");
    assert!(latency.contains("<polyline"), "{latency}");

    let shot = dir.path().join("page.png");
    let arg = format!("--screenshot={}", shot.display());
    headless(
        &page,
        &[arg.as_str(), "--window-size=1280,2000", "--hide-scrollbars"],
    );
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1280, 2000));
    // A blank page of that size compresses to a few kilobytes; text, tables and charts don't.
    assert!(png.len() > 40_000, "a {} byte screenshot", png.len());
}

/// The text of the element `id` in the page as written (no browser needed for a figure).
fn figure(page: &Path, id: &str) -> String {
    text_of(&std::fs::read_to_string(page).unwrap(), id).to_string()
}

#[test]
fn a_stopped_run_still_leaves_its_page_saying_why_and_how_far_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = String::from("number,username,registername,registerpassword\n");
    for n in 8001..=8040 {
        input.push_str(&format!("{n},Staff {n},r{n},Kx7mQ2vRt9LpW4zA\n"));
    }
    let page = dir.path().join("page.html");
    let sim = Sim::start(Api::YeastarV2);
    let mut running = Run::import(&sim)
        .file(&input)
        .args(&["--report-html", page.to_str().unwrap()])
        .args(&["--mode", "add", "--rate", "4"])
        .spawn();
    running.wait_for("two rows added", || sim.stat("extensions") >= 2);
    running.signal("TERM");
    let ran = running
        .ends_within(Duration::from_secs(30))
        .incomplete("interrupted");
    assert_eq!(figure(&page, "reason"), "interrupted");
    assert_eq!(figure(&page, "exit-code"), "2");
    assert_eq!(figure(&page, "count-total"), "40");
    let (ok, skipped) = (figure(&page, "count-ok"), figure(&page, "count-skipped"));
    let count = |status: &str| {
        ran.column("status")
            .iter()
            .filter(|s| **s == status)
            .count()
    };
    assert_eq!(
        (ok, skipped),
        (count("ok").to_string(), count("skipped").to_string())
    );
    assert!(
        count("skipped") > 20,
        "a stop at 4 rows a second leaves most rows unsent"
    );
}

#[test]
fn the_page_may_not_be_written_over_the_input_or_the_report() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let input = crate::support::write(dir.path(), "in.csv", "number,username\n1001,Ana\n");
    let report = dir.path().join("report.csv");
    for target in [&input, &report] {
        let ran = Run::import(&sim)
            .input(&input)
            .report(&report)
            .args(&["--report-html", target.to_str().unwrap()])
            .incomplete("bad_input");
        assert!(
            ran.stderr.contains("would be the same file as"),
            "{}",
            ran.stderr
        );
        assert_eq!(sim.stat("extensions"), 0, "nothing sent");
    }
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        "number,username\n1001,Ana\n"
    );
}
