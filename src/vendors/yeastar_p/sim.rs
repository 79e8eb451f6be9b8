//! The simulated P-Series OpenAPI v1.0 (docs/vendor/yeastar-p-api.md): `/openapi/v1.0/`, GET
//! for queries and deletes, POST for the rest, every answer HTTP 200 with an integer
//! `errcode` and its documented `errmsg`, the errors' `invalid_param_list` and
//! `duplicate_field_list`, tokens only in `?access_token=`, a `User-Agent` required.
//!
//! Inferred, each switchable with `--inferred` (see [`CHOICES`]): a request without a
//! User-Agent is refused with 10005; another API version is 10003, an unknown endpoint or the
//! wrong method 10001; a body that is not a JSON object 40001; a write over the write-rate
//! ceiling 70082; a page past the end of the listing answered empty. Paths outside `/openapi/`
//! are HTTP 404.

use std::any::Any;
use std::net::IpAddr;

use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::errcode::{self, errmsg};
use super::sim_answer::{Answer, Params, Refusal, log_name};
use super::sim_auth::{self, PState};
use super::{sim_records, sim_writes};
use crate::sim::{Choice, Request, Sim, SimSettings, Wire};

/// A request without a User-Agent: refused with 10005, or served.
pub(super) const USER_AGENT: &str = "yeastar-p-user-agent";

pub(super) const CHOICES: &[Choice] = &[
    Choice {
        key: USER_AGENT,
        shown: "refuse|ignore",
        default: "refuse",
        accepts: |v| matches!(v, "refuse" | "ignore"),
    },
    Choice {
        key: sim_records::PAST_THE_END,
        shown: "empty|refuse",
        default: "empty",
        accepts: |v| matches!(v, "empty" | "refuse"),
    },
];

/// The simulated PBX's API.
pub(super) struct PbxApi;

impl Wire for PbxApi {
    fn handle(&self, sim: &Sim, r: &Request<'_>) -> Response {
        if !r.uri.path().starts_with("/openapi/") {
            return (StatusCode::NOT_FOUND, "not found").into_response();
        }
        let answer = match refuses_agent(sim, r.headers) {
            true => Err(with_code(Refusal::plain(errcode::ACCESS_DENIED))),
            false => route(sim, r.peer, r.method, r.uri, r.body),
        };
        let mut map = match answer {
            Ok(fields) => fields,
            Err(refusal) => refusal.extra,
        };
        let code = map.remove("errcode").and_then(|c| c.as_i64()).unwrap_or(0);
        map.insert("errcode".into(), json!(code));
        map.insert(
            "errmsg".into(),
            json!(if code == 0 {
                "SUCCESS"
            } else {
                errmsg(&code.to_string())
            }),
        );
        axum::Json(Value::Object(map)).into_response()
    }

    fn prepare(&self, _settings: &SimSettings) -> anyhow::Result<Box<dyn Any + Send>> {
        Ok(Box::new(PState::default()))
    }

    fn seed(
        &self,
        store: &mut crate::sim::Store,
        table: &crate::rules::Table,
        record: crate::domain::Record,
    ) -> Result<(), String> {
        sim_records::seed(store, table, record)
    }

    fn is_login(&self, uri: &Uri) -> bool {
        uri.path().ends_with("/get_token") || uri.path().ends_with("/refresh_token")
    }

    fn banner(&self, sim: &Sim) -> Vec<String> {
        vec![format!(
            "P-Series OpenAPI at {}/openapi/v1.0/ (Client ID {:?}; the Client Secret is --password)",
            sim.addr, sim.settings.knobs.user
        )]
    }
}

/// The answer to one request, with `errcode` among the fields on a refusal.
fn route(sim: &Sim, ip: IpAddr, method: &Method, uri: &Uri, body: &[u8]) -> Answer {
    call(sim, ip, method, uri, body).map_err(with_code)
}

/// A refusal whose fields hold its `errcode`.
fn with_code(r: Refusal) -> Refusal {
    let mut extra = r.extra;
    extra.insert("errcode".into(), json!(r.code.parse::<i64>().unwrap_or(-1)));
    Refusal {
        code: r.code,
        extra,
    }
}

fn call(sim: &Sim, ip: IpAddr, method: &Method, uri: &Uri, body: &[u8]) -> Answer {
    let path = uri.path().trim_start_matches("/openapi/");
    let (version, endpoint) = path.split_once('/').unwrap_or((path, ""));
    if version != "v1.0" {
        return Err(Refusal::plain(errcode::VERSION_UNSUPPORTED));
    }
    let Some(post) = endpoint_method(endpoint) else {
        return Err(Refusal::plain(errcode::NO_INTERFACE));
    };
    if (method == Method::POST) != post {
        return Err(Refusal::plain(errcode::NO_INTERFACE));
    }
    let body = match post {
        true => parse_body(body)?,
        false => Map::new(),
    };
    let params = Params(uri);
    match endpoint {
        "get_token" => return sim_auth::get_token(sim, ip, &body),
        "refresh_token" => return sim_auth::refresh_token(sim, ip, &body),
        _ => {}
    }
    let token = params.get("access_token");
    sim_auth::check(sim, token)?;
    if endpoint == "del_token" {
        return sim_auth::del_token(sim, token.unwrap_or_default());
    }
    if sim.inject_fault() {
        sim.log(log_name(endpoint), "", errcode::INTERNAL);
        return Err(Refusal::plain(errcode::INTERNAL));
    }
    match endpoint {
        "extension/create" | "extension/update" | "extension/delete" => {
            sim_writes::write(sim, endpoint, &params, &body)
        }
        _ => sim_records::call(sim, endpoint, &params, &body),
    }
}

/// Whether `headers` would be refused for a missing User-Agent.
pub(super) fn refuses_agent(sim: &Sim, headers: &HeaderMap) -> bool {
    sim.settings.inferred.is(USER_AGENT, "refuse")
        && headers
            .get(axum::http::header::USER_AGENT)
            .is_none_or(|ua| ua.as_bytes().iter().all(u8::is_ascii_whitespace))
}

/// Whether the endpoint is POSTed (`Some(true)`) or read with GET; `None`: no such endpoint.
fn endpoint_method(endpoint: &str) -> Option<bool> {
    match endpoint {
        "get_token"
        | "refresh_token"
        | "extension/create"
        | "extension/update"
        | "extension/send_welcome_email" => Some(true),
        "del_token"
        | "extension/list"
        | "extension/search"
        | "extension/get"
        | "extension/query"
        | "extension/getpassword"
        | "extension/delete" => Some(false),
        _ => None,
    }
}

/// A POSTed body: a JSON object of at most 1 MiB, else 40001.
fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    if body.len() > 1 << 20 {
        return Err(Refusal::plain(errcode::SYNTAX));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Refusal::plain(errcode::SYNTAX)),
    }
}
