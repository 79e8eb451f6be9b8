//! The session's token: logging in, renewing it before it expires where the API says when,
//! and one login (or renewal) shared by every request that notices the token has gone.
//!
//! A renewal uses the refresh token the last login handed out; only when the PBX refuses it
//! does the client log in again. A refused login is final: repeated refusals lock the client's
//! address, so the client never tries a second time.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::Client;
use crate::pbx::retry::RetryPolicy;
use crate::pbx::{ApiError, ErrorClass, Op, Reply, SessionToken};

/// The token in use.
#[derive(Default)]
pub(super) struct TokenState {
    value: Arc<str>,
    /// Bumped at every login or renewal.
    generation: u64,
    refresh: Option<Arc<str>>,
    /// When to renew it, where the API said how long it lives.
    renew_at: Option<Instant>,
}

/// Logins after the first that a session may make at once, and how much time earns one
/// more: a token lasts minutes (Yeastar's 30 idle), so a PBX that wants a login for every
/// request (106 logins for 200 rows in 1.5 s) is broken, and asking again only hammers it.
const RELOGIN_BURST: u64 = 10;
const RELOGIN_EARNED_EVERY: Duration = Duration::from_secs(30);

/// How long before its end a token with a known lifetime is renewed: a minute, or a tenth of
/// its life if that is shorter.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

impl Client {
    pub(super) fn current(&self) -> (Arc<str>, u64) {
        let token = self.token.lock().expect("token lock");
        (token.value.clone(), token.generation)
    }

    pub(super) fn due_for_renewal(&self) -> bool {
        let token = self.token.lock().expect("token lock");
        token.renew_at.is_some_and(|at| Instant::now() >= at)
    }

    /// Logs in again (or renews) unless another request already did since `seen` was current.
    pub(super) async fn relogin(&self, seen: u64) -> Result<(), ApiError> {
        let _one_at_a_time = self.login_lock.lock().await;
        if self.refused.load(Ordering::SeqCst) {
            return Err(refused_again());
        }
        if self.current().1 != seen {
            return Ok(());
        }
        self.within_login_budget(seen)?;
        let refresh = self.token.lock().expect("token lock").refresh.clone();
        if let Some(refresh) = refresh {
            match self.patiently(&Op::Refresh { token: &refresh }).await {
                Ok(Reply::Session(session)) => {
                    self.install(session);
                    return Ok(());
                }
                // The PBX is not answering: a login would not be answered either.
                Err(e) if e.class().is_transient() => return Err(e),
                // Refused (expired, revoked, used): a login starts a new session.
                Ok(_) | Err(_) => {}
            }
        }
        let login = Op::Login {
            user: &self.conn.user,
            password: &self.conn.password,
        };
        match self.patiently(&login).await {
            Ok(Reply::Session(session)) => {
                self.install(session);
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

    /// Sends a login or renewal, repeating it while it fails for a passing reason (no answer,
    /// a busy PBX), saying so each time; a refusal is returned at once. The first login is
    /// tried as `--retries` says, a later one (mid-run) as [`RetryPolicy::LOGIN`] does.
    async fn patiently(&self, op: &Op<'_>) -> Result<Reply, ApiError> {
        let policy = match self.current().1 {
            0 => self.login_policy,
            _ => RetryPolicy::LOGIN,
        };
        let mut answer = self.send(op, None).await;
        let mut attempt = 1;
        while let Err(e) = &answer {
            if !e.class().is_transient() {
                break;
            }
            let Some(pause) = policy.delay(attempt, e.retry_after()) else {
                break;
            };
            self.trying_again(op, e, attempt, policy, pause);
            tokio::time::sleep(pause).await;
            answer = self.send(op, None).await;
            attempt += 1;
        }
        answer
    }

    fn install(&self, session: SessionToken) {
        let mut token = self.token.lock().expect("token lock");
        *token = TokenState {
            value: Arc::from(session.token),
            generation: token.generation + 1,
            refresh: session.refresh.map(Arc::from),
            renew_at: session
                .lifetime
                .map(|life| Instant::now() + life - margin(life)),
        };
    }
}

fn refused_again() -> ApiError {
    ApiError::Refused {
        code: String::new(),
        meaning: "not logging in again after a refused login (repeated refusals lock the \
                  address)"
            .into(),
        class: ErrorClass::LoginRefused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_a_minute_or_a_tenth_of_its_life_early() {
        assert_eq!(margin(Duration::from_secs(1800)), Duration::from_secs(60));
        assert_eq!(margin(Duration::from_secs(10)), Duration::from_secs(1));
    }
}
