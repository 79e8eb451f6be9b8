//! The PBX APIs, each behind one [`Protocol`] trait.
//!
//! A protocol only turns an operation into an HTTP request and an HTTP response back into a
//! reply or an error; it does no I/O. Transport, tokens, retries and rate limits live in
//! `client` and `engine` and are the same for every API, so JSON, XML and SOAP bodies differ
//! only here.

pub(crate) mod client;
mod connection;
pub(crate) mod hints;
mod http;
pub(crate) mod pace;
pub(crate) mod retry;
mod scrub;
pub(crate) mod snapshot;
pub(crate) mod soap;
mod users;
pub(crate) mod verba;
pub(crate) mod xml;
pub(crate) mod yeastar;

use std::time::Duration;

pub(crate) use client::Client;
pub(crate) use connection::{Connection, WireOptions};
pub(crate) use retry::RetryPolicy;

use crate::domain::{ApiKind, Code, Record, Secret};

/// The wire format of an API, with the choices the command line made for it.
pub(crate) fn protocol_for(kind: ApiKind, wire: &WireOptions) -> Box<dyn Protocol> {
    match yeastar::dialect(kind) {
        Some(dialect) => Box::new(yeastar::Yeastar::new(dialect, wire.xml)),
        None => Box::new(verba::Verba {
            eid: wire.eid.clone(),
        }),
    }
}

/// A JSON value as the text the PBX means: strings as they are, numbers written out, null as
/// nothing. JSON answers, XML and SOAP bodies, and the simulator all read values this way.
pub(crate) fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One request to the PBX.
#[derive(Debug)]
pub(crate) enum Op<'a> {
    Login {
        user: &'a str,
        password: &'a Secret,
    },
    Logout,
    Heartbeat,
    /// The numbers of every extension.
    List,
    /// Full records of the given extensions.
    Query(&'a [String]),
    Add(&'a Record),
    Update(&'a Record),
    /// Delete the given extensions (never the API's `all`).
    Delete(&'a [String]),
    /// Make the written configuration live (v1's `apply`).
    Apply,
    /// The users with this exact login name (Verba's ListUsers), in the tenant `eid` (blank:
    /// the session's).
    FindUser {
        login: &'a str,
        eid: &'a str,
    },
}

impl Op<'_> {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Login { .. } => "login",
            Op::Logout => "logout",
            Op::Heartbeat => "heartbeat",
            Op::List => "list",
            Op::Query(_) => "query",
            Op::Add(_) => "add",
            Op::Update(_) => "update",
            Op::Delete(_) => "delete",
            Op::Apply => "apply",
            Op::FindUser { .. } => "find user",
        }
    }
}

/// What a successful answer carried.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Done,
    Token(String),
    Numbers(Vec<String>),
    Records(Vec<Record>),
}

/// An HTTP request, ready to send: path and query below the base URL, and the body.
pub(crate) struct HttpRequest {
    pub(crate) path: String,
    pub(crate) content_type: &'static str,
    /// Further headers (SOAP's `SOAPAction`).
    pub(crate) headers: &'static [(&'static str, &'static str)],
    pub(crate) body: Vec<u8>,
}

/// How the engine should treat an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// Try the same request again after a pause.
    Transient,
    /// Log in again (once, shared by every request in flight), then retry.
    TokenExpired,
    /// The login itself was refused: stop, and never try to log in again.
    LoginRefused,
    /// The PBX refused this row; retrying would not help.
    Permanent,
}

#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum ApiError {
    /// The PBX answered and refused, with its own code.
    #[error("{meaning} ({code})")]
    Refused {
        code: String,
        meaning: String,
        class: ErrorClass,
    },
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("connection failed: {0}")]
    Connection(String),
    /// The TLS handshake failed: the certificate is not trusted, names another host, expired.
    #[error("the TLS handshake failed: {0}")]
    Tls(rustls::Error),
    /// The PBX answered with a redirect, which is never followed.
    #[error(
        "the PBX answered HTTP {status}, a redirect to {location:?}; pbxbulk never follows a \
         redirect, so nothing was sent there (give --url the address that answers)"
    )]
    Redirect { status: u16, location: String },
    #[error("HTTP status {status}{}", waited(*retry_after))]
    Http {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("unreadable answer: {0}")]
    BadResponse(String),
    /// The API has no such operation (a delete on Verba v2), or not for this value.
    #[error("{0}")]
    NotSupported(String),
}

impl ApiError {
    pub(crate) fn class(&self) -> ErrorClass {
        match self {
            ApiError::Refused { class, .. } => *class,
            ApiError::Timeout(_) | ApiError::Connection(_) => ErrorClass::Transient,
            ApiError::Http { status, .. } if *status == 429 || *status >= 500 => {
                ErrorClass::Transient
            }
            ApiError::Http { .. }
            | ApiError::BadResponse(_)
            | ApiError::NotSupported(_)
            | ApiError::Tls(_)
            | ApiError::Redirect { .. } => ErrorClass::Permanent,
        }
    }

    /// The code for the report: the API's own where there is one.
    pub(crate) fn code(&self) -> String {
        match self {
            ApiError::Refused { code, .. } => code.clone(),
            ApiError::Timeout(_) => Code::Timeout.to_string(),
            ApiError::Connection(_) => Code::Connection.to_string(),
            ApiError::Http { .. } => Code::HttpStatus.to_string(),
            ApiError::BadResponse(_) => Code::BadResponse.to_string(),
            ApiError::NotSupported(_) => Code::NotSupported.to_string(),
            ApiError::Tls(_) => Code::Tls.to_string(),
            ApiError::Redirect { .. } => Code::Redirect.to_string(),
        }
    }

    /// The same error with every text the PBX supplied scrubbed of `secrets` and cut short
    /// (see `scrub`); our own words and codes pass unchanged.
    pub(crate) fn scrubbed(self, secrets: &[&str]) -> ApiError {
        let clean = |text: String| scrub::scrub(&text, secrets);
        match self {
            ApiError::Refused {
                code,
                meaning,
                class,
            } => ApiError::Refused {
                code: scrub::scrub_code(&code, secrets),
                meaning: clean(meaning),
                class,
            },
            ApiError::Connection(text) => ApiError::Connection(clean(text)),
            ApiError::Redirect { status, location } => ApiError::Redirect {
                status,
                location: clean(location),
            },
            ApiError::BadResponse(text) => ApiError::BadResponse(clean(text)),
            // A TLS error is rustls' own words about the certificate, not an echo.
            other @ (ApiError::Timeout(_)
            | ApiError::Http { .. }
            | ApiError::NotSupported(_)
            | ApiError::Tls(_)) => other,
        }
    }

    /// How long the PBX asked us to wait, if it said.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The PBX says it is getting too much: slow down (errno 10025, HTTP 429/503, a timeout).
    pub(crate) fn is_pushback(&self) -> bool {
        match self {
            ApiError::Refused { code, .. } => code == yeastar::errno::TOO_FREQUENT,
            ApiError::Http { status, .. } => matches!(status, 429 | 503),
            ApiError::Timeout(_) => true,
            _ => false,
        }
    }

    /// The PBX could not be reached at all (as opposed to answering badly).
    pub(crate) fn is_unreachable(&self) -> bool {
        matches!(self, ApiError::Connection(_) | ApiError::Timeout(_))
    }
}

/// What a `Retry-After` meant for the retries, for the message.
fn waited(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) if !retry::honoured(Some(wait)) => format!(
            " (the PBX asked to wait {} s before a retry, longer than the {} s pbxbulk waits)",
            wait.as_secs(),
            retry::MAX_RETRY_AFTER.as_secs()
        ),
        Some(wait) => format!(" (Retry-After {} s)", wait.as_secs()),
        None => String::new(),
    }
}

/// One API's wire format.
pub(crate) trait Protocol: Send + Sync {
    fn kind(&self) -> ApiKind;
    /// The column of this tool's records that names the extension.
    fn record_key(&self) -> &'static str;
    /// The request for `op`, or why this API cannot do it.
    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError>;
    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError>;
    /// The key a read record is filed under in a snapshot: its number, or (Verba reading
    /// every tenant) its tenant and number, so equal numbers of two tenants both stay.
    fn snapshot_key(&self, record: &Record) -> Option<String> {
        record.get(self.record_key()).cloned()
    }
    /// The tenant the session works in, where the API has tenants (Verba's eid).
    fn tenant(&self) -> &str {
        ""
    }
}
