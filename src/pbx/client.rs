//! The PBX session: requests with the shared token, reads paced and retried, the writes and
//! queries each API's protocol shapes, and the secrets to scrub from what the PBX echoes.
//!
//! Every request in flight shares one token (`session.rs`: logging in, renewing, one login or
//! renewal shared by every request that notices an expiry).

mod session;

use std::future::Future;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use governor::DefaultDirectRateLimiter;

use super::retry::RetryPolicy;
use super::scrub::Secrets;
use super::{ApiError, Connection, ErrorClass, Op, Protocol, Reply, Session, http, pace};
use crate::rules::Table;
use session::TokenState;

/// The fields of a session's requests that carry a secret, on every API: the login's
/// password and the token.
const SESSION_FIELDS: [&str; 2] = ["password", "token"];

/// How many times one request may trigger a new login before it gives up.
const MAX_RELOGINS_PER_REQUEST: u32 = 2;

pub(crate) struct Client {
    http: reqwest::Client,
    proto: Box<dyn Protocol>,
    conn: Connection,
    /// The current token, its generation (bumped at every login or renewal) and how to renew it.
    token: Mutex<TokenState>,
    login_lock: tokio::sync::Mutex<()>,
    /// Set once a login has been refused: no further attempt is made.
    refused: AtomicBool,
    last_use: Mutex<Instant>,
    /// The forms the API password takes on this API's wire (a hash), to scrub from echoes.
    password_forms: Vec<String>,
    /// The record fields that hold secrets, to scrub from what the PBX echoes of a write.
    secret_fields: Vec<&'static str>,
    /// `--read-rate`, where set.
    read_pace: Option<DefaultDirectRateLimiter>,
    /// When the session began, for the login budget.
    pub(super) began: Instant,
    /// What was made of the connection that its user should hear (the API's path taken off
    /// the URL).
    notes: Vec<String>,
    /// How often the first login is tried (`--retries`).
    login_policy: RetryPolicy,
    /// Where a request outside the rows that is tried again says so, as it happens: a PBX
    /// that does not answer is otherwise minutes of silence.
    say: Option<Box<dyn Fn(String) + Send + Sync>>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ClientError {
    #[error("cannot set up HTTPS: {0}")]
    Tls(String),
}

impl Client {
    /// A session speaking `proto` to the PBX of `conn`, whose records follow `table`.
    pub(crate) fn new(
        proto: Box<dyn Protocol>,
        table: &Table,
        mut conn: Connection,
    ) -> Result<Client, ClientError> {
        let http = http::client(&conn).map_err(ClientError::Tls)?;
        let notes = without_api_path(&mut conn, proto.api_path());
        Ok(Client {
            http,
            password_forms: proto.wire_forms(conn.password.expose()),
            secret_fields: table
                .fields
                .iter()
                .filter(|f| f.secret)
                .map(|f| f.name)
                .collect(),
            read_pace: conn.read_rate.map(pace::evenly),
            proto,
            conn,
            token: Mutex::new(TokenState::default()),
            login_lock: tokio::sync::Mutex::new(()),
            refused: AtomicBool::new(false),
            last_use: Mutex::new(Instant::now()),
            began: Instant::now(),
            notes,
            login_policy: RetryPolicy::LOGIN,
            say: None,
        })
    }

    /// The first login tried as often as `policy` says (`--retries`), not the default.
    #[must_use]
    pub(crate) fn login_retries(mut self, policy: RetryPolicy) -> Client {
        self.login_policy = policy;
        self
    }

    /// Each try again of a login or of a read outside the rows is said to `say` as it happens,
    /// with the time left at most.
    #[must_use]
    pub(crate) fn saying(mut self, say: impl Fn(String) + Send + Sync + 'static) -> Client {
        self.say = Some(Box::new(say));
        self
    }

    /// Says that `op` failed with `e` on try `attempt` of `policy` and goes again after
    /// `pause`.
    fn trying_again(
        &self,
        op: &Op<'_>,
        e: &ApiError,
        attempt: u32,
        policy: RetryPolicy,
        pause: Duration,
    ) {
        let Some(say) = &self.say else { return };
        let left = policy.longest_left(attempt, pause, self.conn.timeout);
        say(format!(
            "{} {}: {e} (try {attempt} of {}); trying again in {}, giving up within {} at most",
            doing(op),
            self.conn.base_url,
            policy.tries(),
            shown(pause),
            shown(left)
        ));
    }

    /// What was made of the connection that its user should hear.
    pub(crate) fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Successful logins and renewals so far (the first, and every shared one after it).
    pub(crate) fn logins(&self) -> u64 {
        self.current().1
    }

    /// Logs in; an error here means nothing can be attempted.
    pub(crate) async fn login(&self) -> Result<(), ApiError> {
        let generation = self.current().1;
        self.relogin(generation).await
    }

    /// Sends `op` with the session's token, logging in again (shared) if the token expired.
    pub(crate) async fn call(&self, op: &Op<'_>) -> Result<Reply, ApiError> {
        let mut relogins = 0;
        loop {
            let (token, generation) = self.current();
            if self.due_for_renewal() {
                // Renewed before it expires, where the API says when: no request is refused.
                self.relogin(generation).await?;
                continue;
            }
            match self.send(op, Some(&token)).await {
                Err(e)
                    if e.class() == ErrorClass::TokenExpired
                        && relogins < MAX_RELOGINS_PER_REQUEST =>
                {
                    relogins += 1;
                    self.relogin(generation).await?;
                }
                other => return other,
            }
        }
    }

    /// Like [`Client::call`], retrying passing failures under `policy`; for the calls
    /// around the rows (apply), which have no report line to record a failure in.
    pub(crate) async fn call_retrying(
        &self,
        op: &Op<'_>,
        policy: RetryPolicy,
    ) -> Result<Reply, ApiError> {
        self.retrying(op, policy, false).await
    }

    /// A read (the listing, a query) outside the rows: each try waits for its turn under
    /// `--read-rate`, and passing failures are retried under `policy`, as for writes.
    pub(crate) async fn read(&self, op: &Op<'_>, policy: RetryPolicy) -> Result<Reply, ApiError> {
        self.retrying(op, policy, true).await
    }

    /// The full records of the extensions with these numbers, as the API's protocol reads
    /// them (see [`Protocol::query`]), paced and retried like [`Client::read`].
    pub(crate) async fn query(
        &self,
        numbers: &[String],
        policy: RetryPolicy,
    ) -> Result<Reply, ApiError> {
        self.with_retries(policy, true, || self.proto.query(self, numbers))
            .await
    }

    async fn retrying(
        &self,
        op: &Op<'_>,
        policy: RetryPolicy,
        read: bool,
    ) -> Result<Reply, ApiError> {
        self.with_retries(policy, read, || self.call(op)).await
    }

    /// Tries `attempt` until it succeeds, fails for good, or `policy` gives up; a read first
    /// waits for its turn under `--read-rate`.
    async fn with_retries<'a, F, Fut>(
        &'a self,
        policy: RetryPolicy,
        read: bool,
        mut attempt_once: F,
    ) -> Result<Reply, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Reply, ApiError>> + 'a,
    {
        let mut attempt = 1;
        loop {
            if read {
                self.read_turn().await;
            }
            match attempt_once().await {
                Err(e) if e.class().is_transient() => {
                    let Some(pause) = policy.delay(attempt, e.retry_after()) else {
                        return Err(e);
                    };
                    self.trying_again(&Op::List, &e, attempt, policy, pause);
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The wire format this session speaks.
    pub(crate) fn protocol(&self) -> &dyn Protocol {
        self.proto.as_ref()
    }

    /// Sends one write, the way the API's protocol sends writes (see [`Protocol::write`]).
    pub(crate) async fn write(
        &self,
        op: &Op<'_>,
        create_if_missing: bool,
    ) -> Result<Reply, ApiError> {
        self.proto.write(self, op, create_if_missing).await
    }

    /// Ends the session; failures are ignored, the run's outcome is already decided.
    pub(crate) async fn logout(&self) {
        let (token, _) = self.current();
        if !token.is_empty() {
            let _ = self.send(&Op::Logout, Some(&token)).await;
        }
    }

    /// Keeps the token alive through quiet stretches (long backoffs, a slow plan): after
    /// `idle` without traffic a heartbeat is sent. Stops when the client is dropped.
    pub(crate) fn spawn_heartbeat(self: &Arc<Self>, idle: Duration) -> tokio::task::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let tick = (idle / 4).max(Duration::from_millis(50));
            loop {
                tokio::time::sleep(tick).await;
                let Some(client) = weak.upgrade() else { return };
                let quiet = client.last_use.lock().expect("last_use lock").elapsed();
                if quiet >= idle {
                    let _ = client.call(&Op::Heartbeat).await;
                }
            }
        })
    }

    /// Waits for a read's turn under `--read-rate` (at once without one).
    async fn read_turn(&self) {
        if let Some(pace) = &self.read_pace {
            pace.until_ready().await;
        }
    }

    /// One HTTP exchange. Whatever the PBX says in an error is scrubbed of every secret this
    /// request carried before it goes further (to a report line or the terminal).
    async fn send(&self, op: &Op<'_>, token: Option<&str>) -> Result<Reply, ApiError> {
        self.exchange(op, token)
            .await
            .map_err(|e| e.scrubbed(&self.secrets(op, token)))
    }

    async fn exchange(&self, op: &Op<'_>, token: Option<&str>) -> Result<Reply, ApiError> {
        let request = self.proto.encode(op, token)?;
        *self.last_use.lock().expect("last_use lock") = Instant::now();
        let limit = match op {
            Op::List | Op::ListPage { .. } => http::MAX_LISTING,
            _ => http::MAX_ANSWER,
        };
        let answer = http::exchange(&self.http, &self.conn, request, limit).await?;
        match self.proto.decode(op, answer.status, &answer.body) {
            Err(ApiError::Http { status, .. }) => Err(ApiError::Http {
                status,
                retry_after: answer.retry_after,
            }),
            other => other,
        }
    }

    /// Every secret `op` sends: the API password (plain and hashed), the token, and the
    /// record's secret fields; and the fields that carry them.
    fn secrets(&self, op: &Op<'_>, token: Option<&str>) -> Secrets {
        let mut values = vec![self.conn.password.expose()];
        values.extend(self.password_forms.iter().map(String::as_str));
        values.extend(token);
        if let Op::Add(record) | Op::Update(record) = op {
            values.extend(
                record
                    .iter()
                    .filter(|(name, _)| self.secret_fields.contains(&name.as_str()))
                    .map(|(_, value)| value.as_str()),
            );
        }
        let fields = SESSION_FIELDS.iter().chain(&self.secret_fields).copied();
        Secrets::new(fields, values)
    }
}

impl Session for Client {
    fn call<'a>(&'a self, op: &'a Op<'a>) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(Client::call(self, op))
    }

    fn call_paced<'a>(&'a self, op: &'a Op<'a>) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(async move {
            self.read_turn().await;
            Client::call(self, op).await
        })
    }
}

/// `--url http://pbx:8088/api/v2.0.0/` is the PBX's address with the API's own path on it,
/// which every request adds again: the path is taken off, and the note says so.
fn without_api_path(conn: &mut Connection, path: Option<&str>) -> Vec<String> {
    let Some(path) = path.map(|p| p.trim_end_matches('/')) else {
        return Vec::new();
    };
    let Some(address) = conn.base_url.strip_suffix(path) else {
        return Vec::new();
    };
    let note = format!(
        "--url ends in {path}, the API's own path, which pbxbulk adds itself: using {address}"
    );
    conn.base_url = address.to_string();
    vec![note]
}

/// What a request outside the rows was doing, for the line that says it is tried again.
fn doing(op: &Op<'_>) -> &'static str {
    match op {
        Op::Login { .. } => "logging in to",
        Op::Refresh { .. } => "renewing the session with",
        Op::Logout
        | Op::Heartbeat
        | Op::List
        | Op::ListPage { .. }
        | Op::Find(_)
        | Op::Query(_)
        | Op::Add(_)
        | Op::Update(_)
        | Op::Delete(_)
        | Op::Apply
        | Op::Welcome(_)
        | Op::FindUser { .. } => "talking to",
    }
}

/// `0.2s`, `1m31s`: a wait as a person reads it.
pub(crate) fn shown(wait: Duration) -> String {
    let secs = wait.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        format!("{}m{:02}s", wait.as_secs() / 60, wait.as_secs() % 60)
    }
}
