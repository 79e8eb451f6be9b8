//! The simulated P-Series's tokens (docs/vendor/yeastar-p-api.md, "Authentication"): the
//! Client ID and Secret in plain text, an access token for 30 minutes and a refresh token for
//! 24 hours from issue, at most 8 valid access tokens per application (the 9th `get_token`:
//! 60002), a refresh that replaces both tokens, `del_token` that revokes a token and its
//! refresh token, and an address blocked after 5 failed logins (70004, for `get_token` and
//! `refresh_token` alike, until an administrator lifts it).
//!
//! Inferred: lifetimes count from issue, not from use; a missing, unknown, expired or revoked
//! token is 10004; the refresh token of a renewed pair stops working. `--token-max-age-secs`
//! shortens the access token's life (and the answer says so).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::errcode;
use super::sim_answer::{Answer, Refusal};
use crate::sim::{LoginProblem, Sim, Store};

const ACCESS_LIFE: Duration = Duration::from_secs(1800);
const REFRESH_LIFE: Duration = Duration::from_secs(86_400);
/// Valid access tokens an application may hold (token-cap).
const MAX_TOKENS: usize = 8;

/// The simulator's own state: tokens, and the ids of the extensions.
#[derive(Default)]
pub(super) struct PState {
    /// Access token → when it was issued, and its refresh token.
    access: HashMap<String, (Instant, String)>,
    /// Refresh token → when it was issued, and its access token.
    refresh: HashMap<String, (Instant, String)>,
    /// The next extension id (ids are never reused).
    pub(super) next_id: u64,
    /// Extension id → number.
    pub(super) numbers: HashMap<u64, String>,
    /// E-mail address (ASCII lower case) → the number of the extension that has it: the
    /// duplicate check of a create is one lookup, as a PBX's index makes it.
    pub(super) emails: HashMap<String, String>,
}

pub(super) fn state(store: &mut Store) -> &mut PState {
    store
        .own
        .downcast_mut()
        .expect("the P-Series simulator keeps its state in the store")
}

/// The state, for reading.
pub(super) fn state_of(store: &Store) -> &PState {
    store
        .own
        .downcast_ref()
        .expect("the P-Series simulator keeps its state in the store")
}

fn access_life(sim: &Sim) -> Duration {
    sim.settings.knobs.token_max_age.unwrap_or(ACCESS_LIFE)
}

fn text<'a>(body: &'a Map<String, Value>, name: &str) -> &'a str {
    body.get(name).and_then(Value::as_str).unwrap_or("")
}

/// `POST get_token`.
pub(super) fn get_token(sim: &Sim, ip: IpAddr, body: &Map<String, Value>) -> Answer {
    let (user, secret) = (text(body, "username"), text(body, "password"));
    // A missing username or password is a failed login like a wrong one (inferred).
    let ok = !secret.is_empty() && secret == sim.settings.password.expose();
    let access = match sim.login(ip, user, ok) {
        Ok(token) => token,
        Err(LoginProblem::Locked) => return Err(Refusal::plain(errcode::IP_BLOCKED)),
        Err(LoginProblem::BadCredentials) => {
            let item = json!({ "field": "username or password", "value": "error" });
            return Err(Refusal::list(
                errcode::FAILURE,
                "invalid_param_list",
                vec![item],
            ));
        }
    };
    let life = access_life(sim);
    let full = sim.with_state(|s| {
        let now = Instant::now();
        let p = state(s);
        p.access
            .retain(|_, (issued, _)| now.duration_since(*issued) < life);
        p.access.len() >= MAX_TOKENS
    });
    if full {
        sim.revoke(&access);
        return Err(Refusal::plain(errcode::MAX_LIMIT));
    }
    Ok(issue(sim, &access))
}

/// `POST refresh_token`: a new pair for a valid refresh token.
pub(super) fn refresh_token(sim: &Sim, ip: IpAddr, body: &Map<String, Value>) -> Answer {
    if sim.is_locked(ip) {
        return Err(Refusal::plain(errcode::IP_BLOCKED));
    }
    let wanted = text(body, "refresh_token");
    let old = sim.with_state(|s| {
        let p = state(s);
        let (issued, access) = p.refresh.remove(wanted)?;
        p.access.remove(&access);
        (issued.elapsed() < REFRESH_LIFE).then_some(access)
    });
    let Some(old_access) = old else {
        return Err(Refusal::plain(errcode::TOKEN_EXPIRED));
    };
    sim.revoke(&old_access);
    Ok(issue(sim, &sim.renew()))
}

/// The answer of a login or renewal that made `access`, with a new refresh token.
fn issue(sim: &Sim, access: &str) -> Map<String, Value> {
    let life = access_life(sim);
    let now = Instant::now();
    let refresh = sim.with_state(|s| {
        let refresh = s.random_token();
        let p = state(s);
        p.access.insert(access.to_string(), (now, refresh.clone()));
        p.refresh.insert(refresh.clone(), (now, access.to_string()));
        refresh
    });
    Map::from_iter([
        ("access_token_expire_time".into(), json!(life.as_secs())),
        ("access_token".into(), json!(access)),
        (
            "refresh_token_expire_time".into(),
            json!(REFRESH_LIFE.as_secs()),
        ),
        ("refresh_token".into(), json!(refresh)),
    ])
}

/// A request's token: valid, or 10004.
pub(super) fn check(sim: &Sim, token: Option<&str>) -> Result<(), Refusal> {
    let token = token.unwrap_or_default();
    let life = access_life(sim);
    let alive = sim.with_state(|s| {
        let p = state(s);
        match p.access.get(token) {
            Some((issued, _)) if issued.elapsed() < life => true,
            Some(_) => {
                p.access.remove(token);
                false
            }
            None => false,
        }
    });
    // The shared knobs (--token-max-uses) may expire it too.
    if !alive || sim.check_token(Some(token)).is_err() {
        sim.with_state(|s| state(s).access.remove(token));
        return Err(Refusal::plain(errcode::TOKEN_EXPIRED));
    }
    Ok(())
}

/// `GET del_token`: the token and its refresh token stop working.
pub(super) fn del_token(sim: &Sim, token: &str) -> Answer {
    sim.with_state(|s| {
        let p = state(s);
        if let Some((_, refresh)) = p.access.remove(token) {
            p.refresh.remove(&refresh);
        }
    });
    sim.logout(token);
    Ok(Map::new())
}
