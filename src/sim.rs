//! `pbxbulk sim`: a stateful stand-in for a PBX, served over real HTTP.
//!
//! This module holds what every simulated API shares: the extension store, tokens with an
//! idle expiry, the lockout after five failed logins, the fault knobs (latency, injected
//! transient errors, forced token expiry, a write-rate ceiling) and the counters and request
//! log that tests and rehearsals read at `GET /_sim/stats` and `GET /_sim/log`. Each API's
//! wire format lives in its own file beside this one.

mod auth;
mod log;
pub(crate) use auth::{LoginProblem, TokenProblem};
use log::ARRIVED;
pub(crate) use log::{LogEntry, Stats};
mod faults;
pub(crate) mod inferred;
pub(crate) use inferred::{Choice, Inferred};
mod settings;
pub(crate) use settings::{Knobs, SimSettings};
mod tls;
mod wire;
pub(crate) use wire::{Request, SimApi, Wire};

use std::any::Any;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::domain::Record;
use crate::input::{RawRow, ReadSettings, RowCells, Sheet, Source};
use crate::rules::{self, Cells, CheckContext, Problem, Table};

pub(crate) struct Sim {
    pub(crate) settings: SimSettings,
    /// Where it listens (the WSDL names it).
    pub(crate) addr: SocketAddr,
    pub(crate) table: &'static Table,
    /// The simulated API's answers.
    wire: Box<dyn Wire>,
    started: Instant,
    state: Mutex<Store>,
    /// Set by `POST /_sim/calm`: the PBX has recovered, no fault is injected any more (so a
    /// test can stop a run during a fault and finish it against the healthy PBX).
    calm: std::sync::atomic::AtomicBool,
}

pub(crate) struct Store {
    /// Keyed by number, or as the API files them (by tenant and number).
    pub(crate) extensions: BTreeMap<String, Record>,
    /// The simulated API's own state (its tenants and users), which only its `Wire` reads.
    pub(crate) own: Box<dyn Any + Send>,
    tokens: HashMap<String, auth::Token>,
    lockouts: HashMap<IpAddr, auth::Lockout>,
    recent_writes: VecDeque<Instant>,
    rng: fastrand::Rng,
    pub(crate) stats: Stats,
    log: Vec<LogEntry>,
    /// `--inferred drop-field=NAME`: the field every write leaves as it was.
    drop_field: Option<String>,
}

/// A running simulator.
pub(crate) struct SimServer {
    pub(crate) addr: SocketAddr,
    /// With `--tls`, the PEM of the certificate it serves.
    pub(crate) cert: Option<PathBuf>,
    pub(crate) sim: Arc<Sim>,
    pub(crate) task: tokio::task::JoinHandle<()>,
}

impl SimServer {
    pub(crate) fn url(&self) -> String {
        let scheme = if self.cert.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

/// Binds the listening socket and serves in the background.
pub(crate) async fn start(settings: SimSettings) -> anyhow::Result<SimServer> {
    let table = settings.api.table;
    let wire = (settings.api.wire)();
    let mut state = Store {
        extensions: BTreeMap::new(),
        own: wire.prepare(&settings)?,
        tokens: HashMap::new(),
        lockouts: HashMap::new(),
        recent_writes: VecDeque::new(),
        rng: (settings.knobs.random_seed).map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed),
        stats: Stats::default(),
        log: Vec::new(),
        drop_field: match settings.inferred.get(inferred::DROP_FIELD.key) {
            "none" => None,
            field => Some(field.to_string()),
        },
    };
    if let Some(seed) = &settings.knobs.seed {
        load_seed(&mut state, wire.as_ref(), table, seed, &settings.read)?;
    }
    let listener = tokio::net::TcpListener::bind(&settings.knobs.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.knobs.listen))?;
    let addr = listener.local_addr()?;
    let sim = Arc::new(Sim {
        settings,
        addr,
        table,
        wire,
        started: Instant::now(),
        state: Mutex::new(state),
        calm: std::sync::atomic::AtomicBool::new(false),
    });
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(sim.clone())
        .into_make_service_with_connect_info::<SocketAddr>();
    let (task, cert) = if sim.settings.knobs.tls {
        let (config, cert) = tls::self_signed(addr, sim.settings.knobs.tls_cert.as_deref()).await?;
        let listener = listener.into_std()?;
        let server = axum_server::from_tcp_rustls(listener, config)?;
        let task = tokio::spawn(async move {
            if let Err(e) = server.serve(app).await {
                eprintln!("pbxbulk sim: server stopped: {e}");
            }
        });
        (task, Some(cert))
    } else {
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                eprintln!("pbxbulk sim: server stopped: {e}");
            }
        });
        (task, None)
    };
    Ok(SimServer {
        addr,
        cert,
        sim,
        task,
    })
}

fn load_seed(
    state: &mut Store,
    wire: &dyn Wire,
    table: &'static Table,
    path: &std::path::Path,
    read: &ReadSettings,
) -> anyhow::Result<()> {
    let source = Source::open(path, read)?;
    let mut sheet = Sheet::open(&source, table, None)?;
    for notice in sheet.notices() {
        eprintln!("pbxbulk sim: seed {notice}");
    }
    let (mut raw, mut buf) = (RawRow::default(), Vec::new());
    while let Some(row) = sheet.read(&mut raw)? {
        let cells = match sheet.row(&raw, &mut buf, Vec::new()) {
            RowCells::Cells {
                cells, problems, ..
            } if problems.is_empty() => cells,
            RowCells::Cells { problems, .. } | RowCells::Invalid { problems, .. } => {
                let why = problems.into_iter().next().map(|p| p.message);
                anyhow::bail!(
                    "{}: row {row}: {}",
                    source.name(),
                    why.unwrap_or_else(|| "cannot be read".into())
                );
            }
            RowCells::Skipped { .. } | RowCells::Removed { .. } => continue,
        };
        let ext = cells.record(table, 0..table.fields.len());
        wire.seed(state, table, ext)
            .map_err(|e| anyhow::anyhow!("{}: row {row}: {e}", source.name()))?;
    }
    Ok(())
}

async fn handle(
    State(sim): State<Arc<Sim>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let arrived = sim.elapsed_ms();
    if !sim.settings.knobs.latency.is_zero() {
        tokio::time::sleep(sim.settings.knobs.latency).await;
    }
    let mut response = if method == Method::GET && uri.path() == "/_sim/stats" {
        axum::Json(sim.stats()).into_response()
    } else if method == Method::GET && uri.path() == "/_sim/log" {
        axum::Json(sim.with_state(|s| s.log.clone())).into_response()
    } else if method == Method::POST && uri.path() == "/_sim/calm" {
        sim.calm.store(true, std::sync::atomic::Ordering::SeqCst);
        axum::Json(serde_json::json!({"calm": true})).into_response()
    } else {
        sim.with_state(|s| s.stats.requests += 1);
        let delivery = if sim.wire.is_login(&uri) {
            faults::Delivery::Normal
        } else {
            faults::choose(&sim)
        };
        let response = ARRIVED.sync_scope(arrived, || {
            let request = Request {
                peer: peer.ip(),
                method: &method,
                uri: &uri,
                headers: &headers,
                body: &body,
            };
            faults::with(delivery, || sim.wire.handle(&sim, &request))
        });
        faults::deliver(delivery, response, sim.settings.knobs.slow).await
    };
    let headers = response.headers_mut();
    // Like the real PBX: one request per connection, and the headers of its examples.
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(header::SERVER, HeaderValue::from_static("Boa/0.94.14rc21"));
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    response
}

impl Sim {
    pub(crate) fn with_state<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.state.lock().expect("sim state lock"))
    }

    pub(crate) fn stats(&self) -> Stats {
        self.with_state(|s| {
            let mut stats = s.stats.clone();
            stats.extensions = s.extensions.len() as u64;
            stats
        })
    }

    fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// Whether to answer this request with an injected transient error (`--fail-rate`).
    /// Whether `POST /_sim/calm` ended the fault injection.
    pub(crate) fn is_calm(&self) -> bool {
        self.calm.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(crate) fn inject_fault(&self) -> bool {
        let rate = self.settings.knobs.fail_rate;
        rate > 0.0
            && !self.is_calm()
            && self.with_state(|s| {
                let hit = s.rng.f64() < rate;
                if hit {
                    s.stats.injected_faults += 1;
                }
                hit
            })
    }

    pub(crate) fn pick<T: Copy>(&self, choices: &[T]) -> T {
        self.with_state(|s| choices[s.rng.usize(..choices.len())])
    }

    /// Counts a write request and says whether the write-rate ceiling lets it through.
    pub(crate) fn admit_write(&self) -> bool {
        let now = Instant::now();
        let ceiling = self.settings.knobs.max_writes_per_sec;
        self.with_state(|s| {
            s.stats.write_requests += 1;
            let Some(ceiling) = ceiling else { return true };
            while s
                .recent_writes
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                s.recent_writes.pop_front();
            }
            if s.recent_writes.len() as u32 >= ceiling {
                s.stats.throttled += 1;
                return false;
            }
            s.recent_writes.push_back(now);
            true
        })
    }

    pub(crate) fn log(&self, op: &'static str, number: &str, error: &str) {
        let t_ms = self.elapsed_ms();
        self.with_state(|s| s.push_log(t_ms, op, number, error));
    }

    /// The rule problems of a record as stored, checked with the same table as the client.
    pub(crate) fn problems(&self, record: &Record, adding: bool) -> Vec<Problem> {
        let cells = Cells::of_record(self.table, record);
        let ctx = CheckContext {
            adding,
            weak_passwords: self.settings.knobs.weak_passwords,
            // A PBX compares spellings; the lenient reading of a sheet is the client's.
            exact_spelling: self.settings.inferred.is(inferred::SPELLING.key, "exact"),
        };
        let mut problems = rules::check_cells(self.table, &cells, None, ctx);
        self.settings
            .inferred
            .drop_unstated(self.table, &mut problems);
        problems
    }
}

impl Store {
    /// 32 random hexadecimal digits: a token as the PBXs hand them out.
    pub(crate) fn random_token(&mut self) -> String {
        format!("{:032x}", self.rng.u128(..))
    }

    /// Files a written extension (added, or replacing the one under the same key). Every
    /// API's writes go through here, so a switch about storing holds for all of them.
    pub(crate) fn put(&mut self, key: String, record: Record) {
        let was = key.clone();
        self.put_over(&was, key, record);
    }

    /// Files a written extension under `key` in place of the one under `was` (a rename).
    /// With `--inferred drop-field=NAME` the write is answered as done, but that field keeps
    /// what the store had (nothing, for a new extension).
    pub(crate) fn put_over(&mut self, was: &str, key: String, mut record: Record) {
        let before = self.extensions.remove(was);
        if let Some(field) = &self.drop_field {
            match before.as_ref().and_then(|b| b.get(field)) {
                Some(old) => record.insert(field.clone(), old.clone()),
                None => record.remove(field),
            };
        }
        self.extensions.insert(key, record);
    }
}

/// Runs `pbxbulk sim` in the foreground until the process is killed.
pub(crate) async fn serve_forever(settings: SimSettings) -> anyhow::Result<()> {
    let api = settings.api.api;
    let server = start(settings).await?;
    say!("listening on {}", server.url());
    if let Some(cert) = &server.cert {
        say!("certificate: {}", cert.display());
    }
    use std::io::Write;
    std::io::stdout().flush()?;
    eprintln!(
        "simulating {} with {} extensions; counters at {}/_sim/stats, request log at {}/_sim/log",
        api.name,
        server.sim.stats().extensions,
        server.url(),
        server.url()
    );
    for line in server.sim.wire.banner(&server.sim) {
        eprintln!("{line}");
    }
    server.task.await.context("the simulator stopped")?;
    Ok(())
}
