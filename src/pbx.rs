//! Talking to a PBX: the session (token, re-login, heartbeat), the one retry policy, chunked
//! reads, and the [`Protocol`] trait each API's codec implements in its vendor folder.
//!
//! Transport, tokens, retries and rate limits are the same for every API, so JSON, XML and
//! SOAP bodies differ only in the codecs. Nothing here names an API.

pub(crate) mod client;
mod connection;
mod error;
pub(crate) mod hints;
mod http;
pub(crate) mod pace;
mod protocol;
pub(crate) mod retry;
mod scrub;
pub(crate) mod snapshot;
pub(crate) mod xml;

pub(crate) use client::Client;
pub(crate) use connection::{Connection, WireOptions};
pub(crate) use error::{ApiError, ErrorClass};
pub(crate) use protocol::{HttpRequest, Method, Op, Protocol, Reply, Session, SessionToken};
pub(crate) use retry::RetryPolicy;

/// A JSON value as the text the PBX means: strings as they are, numbers written out, null as
/// nothing. JSON answers, XML and SOAP bodies, and the simulator all read values this way.
pub(crate) fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
