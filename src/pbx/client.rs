//! The PBX session: the token, logging in again when it expires, and the secrets to scrub.
//!
//! Every request in flight shares one token. When the PBX says the token is gone, the first
//! request to notice logs in again while the others wait for it, so one expiry costs one login,
//! not one per request. A refused login is final: five refusals lock the client's address for
//! ten minutes, so the client never tries a second time.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use governor::DefaultDirectRateLimiter;

use super::retry::RetryPolicy;
use super::scrub::Secrets;
use super::{ApiError, Connection, ErrorClass, Op, Protocol, Reply, Session, http, pace};
use crate::rules::Table;

/// The fields of a session's requests that carry a secret, on every API: the login's
/// password and the token.
const SESSION_FIELDS: [&str; 2] = ["password", "token"];

/// How many times one request may trigger a new login before it gives up.
const MAX_RELOGINS_PER_REQUEST: u32 = 2;

/// Logins after the first that a session may make at once, and how much time earns one
/// more: a token lasts minutes (Yeastar's 30 idle), so a PBX that wants a login for every
/// request (106 logins for 200 rows in 1.5 s) is broken, and asking again only hammers it.
const RELOGIN_BURST: u64 = 10;
const RELOGIN_EARNED_EVERY: Duration = Duration::from_secs(30);

pub(crate) struct Client {
    http: reqwest::Client,
    proto: Box<dyn Protocol>,
    conn: Connection,
    /// The current token and its generation (bumped at every login).
    token: Mutex<(Arc<str>, u64)>,
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
    began: Instant,
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
        conn: Connection,
    ) -> Result<Client, ClientError> {
        let http = http::client(&conn).map_err(ClientError::Tls)?;
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
            token: Mutex::new((Arc::from(""), 0)),
            login_lock: tokio::sync::Mutex::new(()),
            refused: AtomicBool::new(false),
            last_use: Mutex::new(Instant::now()),
            began: Instant::now(),
        })
    }

    /// Successful logins so far (the first, and every shared re-login after it).
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

    async fn retrying(
        &self,
        op: &Op<'_>,
        policy: RetryPolicy,
        read: bool,
    ) -> Result<Reply, ApiError> {
        let mut attempt = 1;
        loop {
            if read {
                self.read_turn().await;
            }
            match self.call(op).await {
                Err(e) if e.class().is_transient() => {
                    let Some(pause) = policy.delay(attempt, e.retry_after()) else {
                        return Err(e);
                    };
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

    fn current(&self) -> (Arc<str>, u64) {
        self.token.lock().expect("token lock").clone()
    }

    /// Logs in again unless another request already did since `seen` was current.
    async fn relogin(&self, seen: u64) -> Result<(), ApiError> {
        let _one_at_a_time = self.login_lock.lock().await;
        if self.refused.load(Ordering::SeqCst) {
            return Err(refused_again());
        }
        if self.current().1 != seen {
            return Ok(());
        }
        self.within_login_budget(seen)?;
        let op = Op::Login {
            user: &self.conn.user,
            password: &self.conn.password,
        };
        // A login that failed for a passing reason (no answer, a busy PBX) is safe to repeat;
        // only a refusal of the credentials is final.
        let mut answer = self.send(&op, None).await;
        let mut attempt = 1;
        while let Err(e) = &answer {
            if !e.class().is_transient() {
                break;
            }
            let Some(pause) = RetryPolicy::LOGIN.delay(attempt, e.retry_after()) else {
                break;
            };
            tokio::time::sleep(pause).await;
            answer = self.send(&op, None).await;
            attempt += 1;
        }
        match answer {
            Ok(Reply::Token(token)) => {
                let mut current = self.token.lock().expect("token lock");
                *current = (Arc::from(token), current.1 + 1);
                Ok(())
            }
            Ok(_) => Err(ApiError::BadResponse("login answer has no token".into())),
            Err(e) => {
                if e.class() == ErrorClass::LoginRefused {
                    self.refused.store(true, Ordering::SeqCst);
                }
                Err(e)
            }
        }
    }

    /// An error once the logins after the first (`seen` so far) outrun the budget that the
    /// time since the session began has earned.
    fn within_login_budget(&self, seen: u64) -> Result<(), ApiError> {
        let elapsed = self.began.elapsed();
        let earned = elapsed.as_secs() / RELOGIN_EARNED_EVERY.as_secs();
        let relogins = seen.saturating_sub(1);
        match seen > 0 && relogins >= RELOGIN_BURST + earned {
            true => Err(ApiError::LoginBudget {
                logins: seen,
                secs: elapsed.as_secs(),
            }),
            false => Ok(()),
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
            Op::List => http::MAX_LISTING,
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

fn refused_again() -> ApiError {
    ApiError::Refused {
        code: String::new(),
        meaning: "not logging in again after a refused login (the PBX locks the address after 5)"
            .into(),
        class: ErrorClass::LoginRefused,
    }
}
