//! What can go wrong with one request, typed, and how the engine should treat it.
//!
//! Each API's codec turns its own error codes into an [`ErrorClass`]: whether to retry, to
//! slow down, to log in again, or to give up on the row. Nothing here knows any API's codes.

use std::time::Duration;

use super::retry;
use super::scrub::Secrets;
use crate::domain::Code;

/// How the engine should treat an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorClass {
    /// Try the same request again after a pause.
    Transient,
    /// Try again after a pause, and send less often: the PBX says it is getting too much
    /// (Yeastar's errno 10025).
    SlowDown,
    /// Log in again (once, shared by every request in flight), then retry.
    TokenExpired,
    /// The login itself was refused: stop, and never try to log in again.
    LoginRefused,
    /// The PBX refused this row; retrying would not help.
    Permanent,
}

impl ErrorClass {
    /// Whether the same request may succeed if sent again after a pause.
    pub(crate) fn is_transient(self) -> bool {
        matches!(self, ErrorClass::Transient | ErrorClass::SlowDown)
    }
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
    /// The PBX asked for new logins faster than any token can expire: it is not working.
    #[error(
        "the PBX asked for a new login {logins} times in {secs} s (its tokens do not last); \
         pbxbulk stopped logging in"
    )]
    LoginBudget { logins: u64, secs: u64 },
}

impl ApiError {
    pub(crate) fn class(&self) -> ErrorClass {
        match self {
            ApiError::Refused { class, .. } => *class,
            ApiError::Timeout(_) | ApiError::Connection(_) => ErrorClass::Transient,
            ApiError::Http { status, .. } if *status == 429 || *status == 503 => {
                ErrorClass::SlowDown
            }
            ApiError::Http { status, .. } if *status >= 500 => ErrorClass::Transient,
            ApiError::Http { .. }
            | ApiError::BadResponse(_)
            | ApiError::NotSupported(_)
            | ApiError::Tls(_)
            | ApiError::Redirect { .. }
            | ApiError::LoginBudget { .. } => ErrorClass::Permanent,
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
            ApiError::LoginBudget { .. } => Code::Aborted.to_string(),
        }
    }

    /// The same error with every text the PBX supplied scrubbed of `secrets` and cut short
    /// (see `scrub`); our own words and codes pass unchanged.
    pub(crate) fn scrubbed(self, secrets: &Secrets) -> ApiError {
        let clean = |text: String| secrets.scrub(&text);
        match self {
            ApiError::Refused {
                code,
                meaning,
                class,
            } => ApiError::Refused {
                code: secrets.scrub_code(&code),
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
            | ApiError::Tls(_)
            | ApiError::LoginBudget { .. }) => other,
        }
    }

    /// How long the PBX asked us to wait, if it said.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The PBX says it is getting too much: slow down (its own "too often" code, HTTP 429 or
    /// 503, a timeout).
    pub(crate) fn is_pushback(&self) -> bool {
        self.class() == ErrorClass::SlowDown || matches!(self, ApiError::Timeout(_))
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
