//! One HTTP exchange with the PBX, and the rules that keep it safe whatever the other end does.
//!
//! - Redirects are never followed: a `3xx` would re-send the login and every row's passwords
//!   to another address (a 302 even turns an add into a body-less GET that "succeeds"). It
//!   becomes [`ApiError::Redirect`], naming the target, and nothing goes there.
//! - Answers are read in chunks and capped ([`MAX_ANSWER`], [`MAX_LISTING`] for the one listing
//!   of a whole directory): a larger one is a `BAD_RESPONSE`, not a gigabyte in memory.
//! - A failed TLS handshake is recognised by its type (a `rustls::Error` in the error's
//!   source chain), not by its wording, and becomes [`ApiError::Tls`].

use std::time::Duration;

use super::{ApiError, Connection, HttpRequest, Method};

/// Largest answer read (bytes); a query of 100 extensions is about 100 kB.
pub(crate) const MAX_ANSWER: usize = 4 << 20;
/// Largest listing read (bytes): a directory's listing grows with the PBX (Verba's carries
/// whole records, about 600 bytes per extension).
pub(crate) const MAX_LISTING: usize = 32 << 20;

/// An answer as it came: status, `Retry-After` and body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

/// The HTTP client for one connection's settings: certificates as asked, no redirects, no proxy.
pub(crate) fn client(conn: &Connection) -> Result<reqwest::Client, String> {
    // reqwest is built without a crypto provider of its own (ring needs no cmake, see
    // Cargo.toml): it takes the process default, so that must be set. An error only says one
    // is set already (the simulator's server may have set the same one).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("pbxbulk/", env!("CARGO_PKG_VERSION")))
        .timeout(conn.timeout)
        .connect_timeout(conn.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if conn.is_plain_http() {
        // No certificate is ever checked (no redirect is followed): the system's store,
        // which the platform verifier reads file by file, was most of a run's start
        // (docs/BENCHMARKS.md, section g.).
        builder = builder.tls_certs_only([]);
    }
    if conn.insecure {
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(pem) = &conn.ca_cert {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("--ca-cert is not a PEM certificate: {e}"))?;
        if certs.is_empty() {
            // reqwest would accept such a file and trust nothing more: say so instead.
            return Err(
                "--ca-cert holds no certificate (no -----BEGIN CERTIFICATE----- block)".into(),
            );
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| e.to_string())
}

/// Sends `request` to `base_url` and reads the answer, at most `limit` bytes of it.
pub(crate) async fn exchange(
    http: &reqwest::Client,
    conn: &Connection,
    request: HttpRequest,
    limit: usize,
) -> Result<Answer, ApiError> {
    let transport = |e: &reqwest::Error| transport_error(e, conn.timeout);
    let url = format!("{}{}", conn.base_url, request.path);
    let builder = match request.method {
        Method::Post => http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, request.content_type)
            .body(request.body),
        Method::Get => http.get(url),
    };
    let mut response = builder
        .headers(extra_headers(request.headers))
        .send()
        .await
        .map_err(|e| transport(&e))?;
    let status = response.status();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    if status.is_redirection() {
        return Err(ApiError::Redirect {
            status: status.as_u16(),
            location: header(reqwest::header::LOCATION).unwrap_or_default(),
        });
    }
    let retry_after = header(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let too_large = || {
        ApiError::BadResponse(format!(
            "the answer is larger than {} MiB, more than pbxbulk reads",
            limit >> 20
        ))
    };
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport(&e))? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status: status.as_u16(),
        retry_after,
        body,
    })
}

fn transport_error(e: &reqwest::Error, timeout: Duration) -> ApiError {
    if e.is_timeout() {
        return ApiError::Timeout(timeout);
    }
    if let Some(tls) = tls_cause(e) {
        return ApiError::Tls(tls.clone());
    }
    // The innermost cause says what actually happened (refused, reset).
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    ApiError::Connection(cause.to_string())
}

/// The TLS error behind `e`, if a handshake failed. An `io::Error` hides the error it wraps
/// from `source()`, so the walk looks inside each one it meets.
fn tls_cause(e: &reqwest::Error) -> Option<&rustls::Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(current) = cause {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        cause = match current.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                None => std::error::Error::source(io),
            },
            None => current.source(),
        };
    }
    None
}

fn extra_headers(headers: &[(&'static str, &'static str)]) -> reqwest::header::HeaderMap {
    headers
        .iter()
        .map(|(name, value)| {
            // Names are static and written in lower case where they are defined.
            (
                reqwest::header::HeaderName::from_static(name),
                reqwest::header::HeaderValue::from_static(value),
            )
        })
        .collect()
}
