//! One API's wire format behind one trait, and the operations every API is asked for.
//!
//! A [`Protocol`] turns an operation into an HTTP request and an answer back into a reply or a
//! typed error; encoding and decoding do no I/O. What an API needs beyond one request per
//! operation (a lookup before a write, a read-merge-write) is its [`Protocol::write`] hook,
//! which sends through the shared [`Session`], so the HTTP client itself knows no API.

use std::time::Duration;

use futures::future::BoxFuture;

use super::ApiError;
use crate::domain::{Record, Secret};

/// One request to the PBX.
#[derive(Debug)]
pub(crate) enum Op<'a> {
    Login {
        user: &'a str,
        password: &'a Secret,
    },
    /// Renew the session with the refresh token the last login or renewal handed out.
    Refresh {
        token: &'a str,
    },
    Logout,
    Heartbeat,
    /// The numbers of every extension.
    List,
    /// One page (from 1) of the listing, where the API lists in pages
    /// ([`Protocol::list_page_size`]).
    ListPage {
        page: usize,
        size: usize,
    },
    /// The extension with this number, where the API names extensions otherwise (an id).
    Find(&'a str),
    /// Full records of the given extensions.
    Query(&'a [String]),
    Add(&'a Record),
    Update(&'a Record),
    /// Delete the given extensions (never the API's `all`).
    Delete(&'a [String]),
    /// Make the written configuration live (one apply at the end of a run).
    Apply,
    /// Tell the users of these new extensions how to reach them (a welcome e-mail).
    Welcome(&'a [String]),
    /// The users with this exact login name, in the tenant `eid` (blank: the session's).
    FindUser {
        login: &'a str,
        eid: &'a str,
    },
}

impl Op<'_> {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Op::Login { .. } => "login",
            Op::Refresh { .. } => "refresh",
            Op::Logout => "logout",
            Op::Heartbeat => "heartbeat",
            Op::List | Op::ListPage { .. } => "list",
            Op::Find(_) => "find",
            Op::Query(_) => "query",
            Op::Add(_) => "add",
            Op::Update(_) => "update",
            Op::Delete(_) => "delete",
            Op::Apply => "apply",
            Op::Welcome(_) => "welcome",
            Op::FindUser { .. } => "find user",
        }
    }
}

/// What a successful answer carried.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reply {
    Done,
    /// Done, with something the row's report line should say.
    Noted(String),
    Session(SessionToken),
    Numbers(Vec<String>),
    /// One page of a paged listing, and how many extensions the whole listing holds.
    Page {
        numbers: Vec<String>,
        total: usize,
    },
    Records(Vec<Record>),
}

/// What a login (or a renewal) hands out.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SessionToken {
    pub(crate) token: String,
    /// A token to renew the session with, where the API has one.
    pub(crate) refresh: Option<String>,
    /// How long the token lives from now, where the API says (otherwise it lives while in use).
    pub(crate) lifetime: Option<Duration>,
}

impl SessionToken {
    /// A token that lives while it is used, with no way to renew it but a new login.
    pub(crate) fn plain(token: String) -> Reply {
        Reply::Session(SessionToken {
            token,
            refresh: None,
            lifetime: None,
        })
    }
}

/// The HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
}

/// An HTTP request, ready to send: path and query below the base URL, and the body.
pub(crate) struct HttpRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) content_type: &'static str,
    /// Further headers (SOAP's `SOAPAction`).
    pub(crate) headers: &'static [(&'static str, &'static str)],
    pub(crate) body: Vec<u8>,
}

/// The requests a [`Protocol::write`] hook may send: the logged-in session's.
pub(crate) trait Session: Sync {
    /// Sends `op` with the session's token, logging in again (shared) if it expired.
    fn call<'a>(&'a self, op: &'a Op<'a>) -> BoxFuture<'a, Result<Reply, ApiError>>;
    /// Like `call`, after waiting for a read's turn under `--read-rate`.
    fn call_paced<'a>(&'a self, op: &'a Op<'a>) -> BoxFuture<'a, Result<Reply, ApiError>>;
}

/// One API's wire format, and what differs in how its session sends.
pub(crate) trait Protocol: Send + Sync {
    /// The API's `--api` name, for messages.
    fn api(&self) -> &'static str;
    /// The column of this tool's records that names the extension.
    fn record_key(&self) -> &'static str;
    /// The request for `op`, or why this API cannot do it.
    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError>;
    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError>;
    /// The key a read record is filed under in a snapshot: its number, or (reading every
    /// tenant) its tenant and number, so equal numbers of two tenants both stay.
    fn snapshot_key(&self, record: &Record) -> Option<String> {
        record.get(self.record_key()).cloned()
    }
    /// The tenant the session works in, where the API has tenants.
    fn tenant(&self) -> &str {
        ""
    }
    /// The forms a secret takes on this API's wire besides itself (a hash of the password),
    /// so that an echo of any of them is scrubbed.
    fn wire_forms(&self, _secret: &str) -> Vec<String> {
        Vec::new()
    }
    /// The path under the PBX's address where the API answers (`/api/v2.0.0/`), which a
    /// `--url` should not include; `None` where the URL names the service itself.
    fn api_path(&self) -> Option<&'static str> {
        None
    }
    /// What to try when the first login failed with `e`.
    fn login_hint(&self, _e: &ApiError) -> Option<&'static str> {
        None
    }
    /// Whether an add refused with `e` may have been refused because the number exists
    /// already (the caller asks the PBX before saying so).
    fn may_already_exist(&self, _e: &ApiError) -> bool {
        false
    }
    /// Numbers per page where the API lists extensions in pages (`Op::ListPage`); `None`
    /// where one `Op::List` gives them all.
    fn list_page_size(&self) -> Option<usize> {
        None
    }
    /// Reads the full records of the extensions with these numbers. An API that names
    /// extensions otherwise (by an id) looks the numbers up first.
    fn query<'a>(
        &'a self,
        session: &'a dyn Session,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(async move { session.call(&Op::Query(numbers)).await })
    }
    /// Sends one write (`Add`, `Update`, `Delete`). Most APIs send the request itself; one
    /// that must look something up first, or that replaces whole records (read, merge,
    /// write), does it here. `create_if_missing`: an update whose extension turns out to be
    /// gone may become an add (upsert, sync).
    fn write<'a>(
        &'a self,
        session: &'a dyn Session,
        op: &'a Op<'a>,
        _create_if_missing: bool,
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        session.call(op)
    }
}
