//! `pbxbulk demo`: the whole job on one machine. Starts the simulator on a free loopback
//! port, imports the bundled sample into it (a few rows are invalid on purpose, each breaking
//! a different rule), prints the summary and where the report is.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

use crate::domain::{Exit, Mode, Secret};
use crate::input::ReadSettings;
use crate::output::workbook::ReportFormat;
use crate::output::{rejects_written, write_whole};
use crate::pbx::{Connection, RetryPolicy};
use crate::plan::PruneSettings;
use crate::run::ImportSettings;
use crate::run::import::run_import;
use crate::run::throttle::Rate;
use crate::settings::DemoSettings;
use crate::sim::{self, Inferred, Knobs, SimSettings};
use crate::vendors::DEMO;

/// The bundled sample, built into the binary so the demo runs from any directory.
const SAMPLE: &str = include_str!("../../samples/extensions.csv");

pub(crate) fn run(args: DemoSettings) -> anyhow::Result<Exit> {
    super::runtime()?.block_on(demo(args))
}

async fn demo(args: DemoSettings) -> anyhow::Result<Exit> {
    // A password made up for this run: the demo never shows it and nothing else knows it.
    let password = Secret::new(format!("Demo-{:016x}", fastrand::u64(..)));
    let server = sim::start(simulator(password.clone())).await?;

    let dir = std::env::temp_dir().join(format!("pbxbulk-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let file = dir.join("extensions.csv");
    write_whole(&file, SAMPLE.as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;

    let rows = SAMPLE.lines().count().saturating_sub(1);
    say!(
        "pbxbulk demo: a simulated PBX ({}, --api {}) is listening at {}",
        DEMO.about,
        DEMO.name(),
        server.url()
    );
    say!(
        "importing the bundled sample ({rows} rows; a few are invalid on purpose, and the \
         simulator fails 5% of requests to show retries at work)"
    );
    let settings = import(file, server.url(), password, &args);
    let outcome = run_import(&settings, || {}).await?;
    let (summary, aborted) = (outcome.summary, outcome.stopped.map(|(_, why)| why));
    let _ = std::fs::remove_dir_all(&dir);
    let on_pbx = server.sim.stats().extensions;
    say!("{}", summary.line());
    say!("the simulated PBX now holds {on_pbx} extensions");
    say!("report: {}", args.report.display());
    if summary.invalid > 0 {
        say!(
            "invalid rows, unchanged and ready to fix and re-import: {}",
            rejects_written(&args.report).display()
        );
    }
    Ok(match aborted {
        Some(why) => {
            eprintln!("pbxbulk: the demo stopped early: {why}");
            Exit::Incomplete
        }
        // The invalid rows are the demo's point; a failed valid row is not.
        None if summary.failed > 0 => Exit::RowsFailed,
        None => Exit::Ok,
    })
}

/// The simulated PBX: the demo's API, a password only this run knows, and a few passing
/// failures to show that retries absorb them.
fn simulator(password: Secret) -> SimSettings {
    SimSettings {
        api: DEMO.sim(),
        password,
        read: ReadSettings::default(),
        inferred: Inferred::new(DEMO.sim_inferred),
        tenants: Vec::new(),
        knobs: Knobs {
            listen: "127.0.0.1:0".into(),
            user: "demo".into(),
            seed: None,
            latency: Duration::from_millis(5),
            // A few passing failures, to show that retries absorb them.
            fail_rate: 0.05,
            drop_rate: 0.0,
            slow_rate: 0.0,
            slow: Duration::ZERO,
            token_ttl: Duration::from_secs(1800),
            token_max_age: None,
            token_max_uses: None,
            max_writes_per_sec: None,
            weak_passwords: false,
            random_seed: None,
            tls: false,
            tls_cert: None,
            users: None,
        },
    }
}

/// The import of the bundled sample (`file`) into the simulator at `url`.
fn import(file: PathBuf, url: String, password: Secret, args: &DemoSettings) -> ImportSettings {
    ImportSettings {
        file,
        api: DEMO,
        mapping: None,
        connection: Connection {
            base_url: url,
            user: "demo".into(),
            password,
            insecure: false,
            ca_cert: None,
            timeout: Duration::from_secs(10),
            read_rate: None,
        },
        mode: Mode::Upsert,
        wire: Default::default(),
        prune: None,
        safeguards: PruneSettings::default(),
        match_field: None,
        assign: Vec::new(),
        dry_run: false,
        resume: false,
        rate: Rate::PerSec(50.0),
        concurrency: 4,
        retry: RetryPolicy::new(3),
        report: args.report.clone(),
        generate_passwords: false,
        update_secrets: false,
        weak_passwords: false,
        strict: false,
        heartbeat: Duration::from_secs(300),
        read: ReadSettings::default(),
        progress_every: Duration::from_secs(30),
        summary_json: None,
        report_html: None,
        verify: false,
        command: "import",
        columns: None,
        report_format: ReportFormat::Csv,
    }
}
