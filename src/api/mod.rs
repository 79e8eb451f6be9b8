//! The PBX APIs, each behind one [`Protocol`] trait.
//!
//! A protocol only turns an operation into an HTTP request and an HTTP response back into a
//! reply or an error; it does no I/O. Transport, tokens, retries and rate limits live in
//! `client` and `engine` and are the same for every API, so JSON, XML and SOAP bodies differ
//! only here.

pub mod xml;
pub mod yeastar;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::config::Secret;
use crate::outcome::Code;

/// The APIs pbxbulk talks to (`--api`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiKind {
    YeastarV2,
    YeastarV1,
    Openvox,
}

impl ApiKind {
    pub const ALL: [ApiKind; 3] = [ApiKind::YeastarV2, ApiKind::YeastarV1, ApiKind::Openvox];

    pub fn name(self) -> &'static str {
        match self {
            ApiKind::YeastarV2 => "yeastar-v2",
            ApiKind::YeastarV1 => "yeastar-v1",
            ApiKind::Openvox => "openvox",
        }
    }

    pub fn from_name(name: &str) -> Option<ApiKind> {
        ApiKind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn flavor(self) -> &'static yeastar::Flavor {
        match self {
            ApiKind::YeastarV2 => &yeastar::V2,
            ApiKind::YeastarV1 => &yeastar::V1,
            ApiKind::Openvox => &yeastar::OPENVOX,
        }
    }

    /// Whether the API can create extensions (Yeastar v1 has no `extension/add`).
    pub fn can_add(self) -> bool {
        self.flavor().add_key.is_some()
    }

    /// Whether the API can delete extensions (only Yeastar v2 has `extension/delete`).
    pub fn can_delete(self) -> bool {
        self.flavor().can_delete
    }

    /// The wire format; `xml` bodies only where the API takes them (OpenVox).
    pub fn protocol(self, xml: bool) -> Box<dyn Protocol> {
        let flavor = self.flavor();
        Box::new(yeastar::Yeastar {
            flavor,
            xml: xml && flavor.typed,
        })
    }
}

/// An extension's fields by their column names in the rule table.
pub type Record = BTreeMap<String, String>;

/// One request to the PBX.
#[derive(Debug)]
pub enum Op<'a> {
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
}

impl Op<'_> {
    pub fn name(&self) -> &'static str {
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
        }
    }
}

/// What a successful answer carried.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    Done,
    Token(String),
    Numbers(Vec<String>),
    Records(Vec<Record>),
}

/// An HTTP request, ready to send: path and query below the base URL, and the body.
pub struct HttpRequest {
    pub path: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// How the engine should treat an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
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
pub enum ApiError {
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
    #[error("HTTP status {status}")]
    Http {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("unreadable answer: {0}")]
    BadResponse(String),
}

impl ApiError {
    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::Refused { class, .. } => *class,
            ApiError::Timeout(_) | ApiError::Connection(_) => ErrorClass::Transient,
            ApiError::Http { status, .. } if *status == 429 || *status >= 500 => {
                ErrorClass::Transient
            }
            ApiError::Http { .. } | ApiError::BadResponse(_) => ErrorClass::Permanent,
        }
    }

    /// The code for the report: the API's own where there is one.
    pub fn code(&self) -> String {
        match self {
            ApiError::Refused { code, .. } => code.clone(),
            ApiError::Timeout(_) => Code::Timeout.to_string(),
            ApiError::Connection(_) => Code::Connection.to_string(),
            ApiError::Http { .. } => Code::HttpStatus.to_string(),
            ApiError::BadResponse(_) => Code::BadResponse.to_string(),
        }
    }

    /// How long the PBX asked us to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The PBX could not be reached at all (as opposed to answering badly).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, ApiError::Connection(_) | ApiError::Timeout(_))
    }
}

/// One API's wire format.
pub trait Protocol: Send + Sync {
    fn kind(&self) -> ApiKind;
    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> HttpRequest;
    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError>;
}
