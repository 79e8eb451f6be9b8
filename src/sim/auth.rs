//! The simulator's logins and tokens: credentials, the lockout after failed logins (for the
//! APIs whose documents describe one: its `Capabilities::lockout`), and tokens that expire when
//! idle, at a maximum age, or after a number of uses (the fault knobs).

use std::time::{Duration, Instant};

use std::net::IpAddr;

use super::{Sim, Store};

pub(crate) struct Token {
    issued: Instant,
    last_use: Instant,
    uses: u64,
}

#[derive(Default)]
pub(crate) struct Lockout {
    failures: u32,
    /// Locked until then; `Some(None)`: until an administrator lifts it.
    until: Option<Option<Instant>>,
}

impl Lockout {
    fn locked(&self, now: Instant) -> bool {
        match self.until {
            Some(Some(until)) => until > now,
            Some(None) => true,
            None => false,
        }
    }
}

/// Why a token was not accepted.
pub(crate) enum TokenProblem {
    Blank,
    Unknown,
    Expired,
}

fn new_token(store: &mut Store, now: Instant) -> String {
    let token = store.random_token();
    store.tokens.insert(
        token.clone(),
        Token {
            issued: now,
            last_use: now,
            uses: 0,
        },
    );
    token
}

/// Why a login was refused.
pub(crate) enum LoginProblem {
    Locked,
    BadCredentials,
}

impl Sim {
    /// Checks the credentials and the lockout; on success, a new token.
    /// `password_ok` is the API's own check of the password it was sent (as sent: plain, or
    /// hashed the way its login hashes it) against the simulator's `--password`.
    pub(crate) fn login(
        &self,
        ip: IpAddr,
        user: &str,
        password_ok: bool,
    ) -> Result<String, LoginProblem> {
        let now = Instant::now();
        let t_ms = self.elapsed_ms();
        let rule = self.settings.api.api.caps.lockout;
        self.with_state(|s| {
            let lock = s.lockouts.entry(ip).or_default();
            let result = if rule.is_some() && lock.locked(now) {
                Err(LoginProblem::Locked)
            } else if user == self.settings.knobs.user && password_ok {
                *lock = Lockout::default();
                Ok(())
            } else {
                lock.failures += 1;
                if let Some(rule) = rule.filter(|r| lock.failures >= r.after) {
                    lock.until = Some(rule.secs.map(|secs| now + Duration::from_secs(secs)));
                    lock.failures = 0;
                }
                Err(LoginProblem::BadCredentials)
            };
            let error = if result.is_ok() { "" } else { "refused" };
            if result.is_err() {
                s.stats.failed_logins += 1;
            }
            s.push_log(t_ms, "login", "", error);
            result?;
            s.stats.logins += 1;
            Ok(new_token(s, now))
        })
    }

    /// A new token for a session renewed without its credentials (a refresh token), which
    /// the API has checked itself.
    pub(crate) fn renew(&self) -> String {
        self.with_state(|s| {
            s.stats.renewals += 1;
            new_token(s, Instant::now())
        })
    }

    /// Forgets a token, as a renewal or a revocation does (not counted as a logout).
    pub(crate) fn revoke(&self, token: &str) {
        self.with_state(|s| {
            s.tokens.remove(token);
        });
    }

    /// Whether failed logins locked this address.
    pub(crate) fn is_locked(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        self.settings.api.api.caps.lockout.is_some()
            && self.with_state(|s| s.lockouts.get(&ip).is_some_and(|l| l.locked(now)))
    }

    /// Accepts a token (and extends its idle life) or says why not.
    pub(crate) fn check_token(&self, token: Option<&str>) -> Result<(), TokenProblem> {
        let token = token.filter(|t| !t.is_empty()).ok_or(TokenProblem::Blank)?;
        let now = Instant::now();
        let (ttl, max_age) = (
            self.settings.knobs.token_ttl,
            self.settings.knobs.token_max_age,
        );
        let max_uses = self.settings.knobs.token_max_uses;
        self.with_state(|s| {
            let t = s.tokens.get_mut(token).ok_or(TokenProblem::Unknown)?;
            t.uses += 1;
            let expired = now.duration_since(t.last_use) > ttl
                || max_age.is_some_and(|age| now.duration_since(t.issued) > age)
                || max_uses.is_some_and(|uses| t.uses > uses);
            if expired {
                // The PBX erases an expired token; later uses of it are unknown tokens.
                s.tokens.remove(token);
                s.stats.expired_tokens += 1;
                s.stats.expired_token_requests += 1;
                return Err(TokenProblem::Expired);
            }
            t.last_use = now;
            Ok(())
        })
    }

    pub(crate) fn logout(&self, token: &str) {
        self.with_state(|s| {
            s.tokens.remove(token);
            s.stats.logouts += 1;
        });
    }
}
