//! The PBX APIs, each behind one [`Protocol`] trait.
//!
//! A protocol only turns an operation into an HTTP request and an HTTP response back into a
//! reply or an error; it does no I/O. Transport, tokens, retries and rate limits live in
//! `client` and `engine` and are the same for every API, so JSON, XML and SOAP bodies differ
//! only here.

pub mod soap;
pub mod verba;
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
    Verba,
}

impl ApiKind {
    pub const ALL: [ApiKind; 4] = [
        ApiKind::YeastarV2,
        ApiKind::YeastarV1,
        ApiKind::Openvox,
        ApiKind::Verba,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ApiKind::YeastarV2 => "yeastar-v2",
            ApiKind::YeastarV1 => "yeastar-v1",
            ApiKind::Openvox => "openvox",
            ApiKind::Verba => "verba",
        }
    }

    pub fn from_name(name: &str) -> Option<ApiKind> {
        ApiKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The Yeastar-family flavour, for the APIs of that family.
    pub fn flavor(self) -> Option<&'static yeastar::Flavor> {
        match self {
            ApiKind::YeastarV2 => Some(&yeastar::V2),
            ApiKind::YeastarV1 => Some(&yeastar::V1),
            ApiKind::Openvox => Some(&yeastar::OPENVOX),
            ApiKind::Verba => None,
        }
    }

    /// Whether the API can create extensions (Yeastar v1 has no `extension/add`).
    pub fn can_add(self) -> bool {
        self.flavor().is_none_or(|f| f.add_key.is_some())
    }

    /// Whether the API can delete extensions (only Yeastar v2 has `extension/delete`).
    pub fn can_delete(self) -> bool {
        self.flavor().is_some_and(|f| f.can_delete)
    }

    /// Whether requests may carry XML bodies instead of JSON (OpenVox `--body xml`).
    pub fn takes_xml(self) -> bool {
        self.flavor().is_some_and(|f| f.typed)
    }

    /// The wire format.
    pub fn protocol(self, wire: &Wire) -> Box<dyn Protocol> {
        match self.flavor() {
            Some(flavor) => Box::new(yeastar::Yeastar {
                flavor,
                xml: wire.xml && flavor.typed,
            }),
            None => Box::new(verba::Verba {
                eid: wire.eid.clone(),
            }),
        }
    }
}

/// A JSON value as the text the PBX means: strings as they are, numbers written out, null as
/// nothing. JSON answers, XML and SOAP bodies, and the simulator all read values this way.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Choices about the wire format that come from the command line.
#[derive(Debug, Clone, Default)]
pub struct Wire {
    /// XML bodies (OpenVox `--body xml`).
    pub xml: bool,
    /// The tenant a Verba token is requested for.
    pub eid: String,
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
    /// Further headers (SOAP's `SOAPAction`).
    pub headers: &'static [(&'static str, &'static str)],
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

    /// The PBX says it is getting too much: slow down (errno 10025, HTTP 429/503, a timeout).
    pub fn is_pushback(&self) -> bool {
        match self {
            ApiError::Refused { code, .. } => code == yeastar::errno::TOO_FREQUENT,
            ApiError::Http { status, .. } => matches!(status, 429 | 503),
            ApiError::Timeout(_) => true,
            _ => false,
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

    /// An update replaces the whole record (Verba), so it must be read, merged and written.
    fn update_replaces_record(&self) -> bool {
        false
    }

    /// The written configuration goes live only after one `Op::Apply` at the end of a run.
    fn applies_at_end(&self) -> bool {
        false
    }
}
