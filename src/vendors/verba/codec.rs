//! Verba Recording provisioning API v2: SOAP 1.1 at the service URL, token as the first child
//! of every operation, results as `<statusCode>` inside HTTP 200, faults as HTTP 500.
//!
//! `updateExtension` replaces the whole record (a missing `<user>` deletes the user link), so
//! a write reads, merges and writes (the `write` hook, with the user lookup: `users.rs`). v2
//! has no delete.

use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::fields::status;
pub(crate) use super::fields::{BOOLEANS, FIELDS, from_wire, to_wire};
use super::soap::{self, as_fault};
use super::users::UserNames;
use crate::domain::{Code, Record};
use crate::pbx::xml::Element;
use crate::pbx::{
    ApiError, ErrorClass, HttpRequest, Method, Op, Protocol, Reply, Session, SessionToken,
};

/// The column that names an extension.
pub(crate) const KEY: &str = "extension";

pub(crate) const NS: &str = "http://v2.provisioning.ws.web.verba.com/";

/// `--eid all`: every tenant the token may see (export only).
pub(crate) const ALL_TENANTS: &str = "all";
/// The tenant of every documented example; with `--eid all` the token is requested for it, as
/// the provider's own (inferred: docs/vendor/verba-api.md shows no other way to reach them all).
pub(crate) const PROVIDER_TENANT: &str = "0000";

pub(crate) struct Verba {
    /// The tenant the token is requested for, or `all`.
    pub(crate) eid: String,
    /// Users named by login name, looked up once per name per run.
    pub(crate) users: UserNames,
}

impl Verba {
    fn operation(op: &Op<'_>) -> Option<&'static str> {
        Some(match op {
            Op::Login { .. } => "requestToken",
            Op::Logout => "releaseToken",
            // v2 has no heartbeat; a small read keeps the token in use.
            Op::Heartbeat => "listEnvironments",
            Op::List => "listExtensions",
            Op::Query(_) => "getExtension",
            Op::Add(_) => "createExtension",
            Op::Update(_) => "updateExtension",
            Op::Delete(_) => return None,
            Op::Apply => "applyExtensionConfiguration",
            Op::FindUser { .. } => "listUsers",
            Op::Refresh { .. } | Op::ListPage { .. } | Op::Find(_) | Op::Welcome(_) => {
                return None;
            }
        })
    }

    fn all_tenants(&self) -> bool {
        self.eid == ALL_TENANTS
    }

    /// The tenant `eid`, or the session's; with `--eid all` and no `eid`, no filter: every
    /// tenant ("use eid or shortName, but not both; neither means list all",
    /// docs/vendor/verba-api.md §4.7).
    fn environment_filter(&self, eid: &str) -> Value {
        match (eid, self.all_tenants()) {
            ("", true) => json!({}),
            ("", false) => json!({ "eid": self.eid, "eidExact": "1" }),
            (eid, _) => json!({ "eid": eid, "eidExact": "1" }),
        }
    }
}

impl Protocol for Verba {
    fn api(&self) -> &'static str {
        super::API.name
    }

    fn record_key(&self) -> &'static str {
        KEY
    }

    fn tenant(&self) -> &str {
        &self.eid
    }

    fn snapshot_key(&self, record: &Record) -> Option<String> {
        let extension = record.get(KEY)?;
        Some(if self.all_tenants() {
            format!(
                "{}/{extension}",
                record.get("eid").map_or("", String::as_str)
            )
        } else {
            extension.clone()
        })
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        let Some(operation) = Self::operation(op) else {
            return Err(ApiError::NotSupported(format!(
                "{} has no {} operation",
                self.api(),
                op.name()
            )));
        };
        let children = self.children(op, token);
        Ok(HttpRequest {
            method: Method::Post,
            path: String::new(),
            content_type: "text/xml; charset=utf-8",
            headers: &[("soapaction", "\"\"")],
            body: soap::request(NS, operation, &children),
        })
    }

    fn decode(&self, op: &Op<'_>, status_code: u16, body: &[u8]) -> Result<Reply, ApiError> {
        let element = answer(op, status_code, body)?;
        let ret = element
            .child("return")
            .ok_or_else(|| ApiError::BadResponse("answer has no <return>".into()))?;
        match op {
            Op::Login { .. } => match ret.child("token").map(|t| t.text.clone()) {
                Some(token) if !token.is_empty() => Ok(SessionToken::plain(token)),
                _ => Err(ApiError::BadResponse(
                    "requestToken answer has no token".into(),
                )),
            },
            Op::List => Ok(Reply::Records(
                ret.children
                    .iter()
                    .filter(|c| c.name == "extensions")
                    .map(from_wire)
                    .collect(),
            )),
            // An OK answer without an <extension> is "no such extension": an empty list.
            Op::Query(_) => Ok(Reply::Records(
                ret.child("extension").map(from_wire).into_iter().collect(),
            )),
            Op::FindUser { .. } => Ok(Reply::Records(
                ret.children
                    .iter()
                    .filter(|c| c.name == "users")
                    .map(|user| {
                        let text =
                            |name| user.child(name).map(|e| e.text.clone()).unwrap_or_default();
                        Record::from([
                            ("userid".to_string(), text("id")),
                            ("userloginname".to_string(), text("loginName")),
                        ])
                    })
                    .collect(),
            )),
            _ => Ok(Reply::Done),
        }
    }

    fn login_hint(&self, e: &ApiError) -> Option<&'static str> {
        matches!(e, ApiError::Http { status: 404, .. }).then_some(
            "the URL must end in /provisioning (the service endpoint, e.g. http://recorder:7002/provisioning)",
        )
    }

    fn may_already_exist(&self, e: &ApiError) -> bool {
        matches!(e, ApiError::Refused { code, .. } if code == "ERROR_ALREADY_EXISTS")
    }

    fn write<'a>(
        &'a self,
        session: &'a dyn Session,
        op: &'a Op<'a>,
        create_if_missing: bool,
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(self.write_merged(session, op, create_if_missing))
    }
}

impl Verba {
    /// Sends one write. A user named by login name is looked up first (once per name).
    /// `updateExtension` replaces the whole record, so the record is read first and the row's
    /// cells merged into it: fields the row leaves blank (the user link) keep their value.
    /// When the read finds no such extension, the update fails as `NOT_FOUND`, or with
    /// `create_if_missing` (upsert, sync) becomes the add of the row.
    async fn write_merged(
        &self,
        session: &dyn Session,
        op: &Op<'_>,
        create_if_missing: bool,
    ) -> Result<Reply, ApiError> {
        let record = match op {
            Op::Add(record) | Op::Update(record) => {
                self.users.resolve(session, self.tenant(), record).await?
            }
            _ => return session.call(op).await,
        };
        if matches!(op, Op::Add(_)) {
            return session.call(&Op::Add(&record)).await;
        }
        let extension = record.get(KEY).cloned().unwrap_or_default();
        // Read in the row's own tenant, which may not be the session's.
        let number = match record
            .get("eid")
            .filter(|e| !e.is_empty() && **e != self.eid)
        {
            Some(eid) => [format!("{eid}/{extension}")],
            None => [extension],
        };
        let mut merged = match session.call_paced(&Op::Query(&number)).await? {
            Reply::Records(mut records) if !records.is_empty() => records.swap_remove(0),
            _ if create_if_missing => return session.call(&Op::Add(&record)).await,
            _ => {
                return Err(ApiError::Refused {
                    code: Code::NotFound.to_string(),
                    meaning: format!(
                        "extension {} is not on the PBX: getExtension found no such record \
                         in this tenant (upsert or sync would create it)",
                        in_tenant(&number[0]).1
                    ),
                    class: ErrorClass::Permanent,
                });
            }
        };
        merged.extend(record.iter().map(|(k, v)| (k.clone(), v.clone())));
        session.call(&Op::Update(&merged)).await
    }
}

impl Verba {
    /// The operation element's children for `op`, in the order the service's schema wants.
    fn children(&self, op: &Op<'_>, token: Option<&str>) -> Vec<(&'static str, Value)> {
        let token = || {
            (
                "token",
                Value::String(token.unwrap_or_default().to_string()),
            )
        };
        match op {
            Op::Login { user, password } => vec![
                (
                    "eid",
                    json!(if self.all_tenants() {
                        PROVIDER_TENANT
                    } else {
                        &self.eid
                    }),
                ),
                ("loginName", json!(user)),
                ("password", json!(password.expose())),
            ],
            Op::Logout => vec![token()],
            Op::Heartbeat => vec![token(), ("filter", self.environment_filter(""))],
            Op::List => vec![
                token(),
                (
                    "filter",
                    json!({ "environmentFilter": self.environment_filter("") }),
                ),
            ],
            // ListUsers (v2): UserFilter's loginName/loginNameExact (docs/vendor/verba-api.md
            // §4.7); GetUserByLoginNameAndEnvironment exists but its parameters are not known.
            Op::FindUser { login, eid } => vec![
                token(),
                (
                    "filter",
                    json!({
                        "environmentFilter": self.environment_filter(eid),
                        "loginName": login,
                        "loginNameExact": "1",
                        "skipExtensions": "1",
                        "skipGroups": "1",
                        "skipRoles": "1",
                    }),
                ),
            ],
            Op::Query(numbers) => {
                let (eid, extension) = in_tenant(numbers.first().map_or("", String::as_str));
                vec![
                    token(),
                    ("environmentFilter", self.environment_filter(eid)),
                    ("extension", json!(extension)),
                ]
            }
            Op::Add(record) => {
                let mut extension = to_wire(record);
                // A new extension needs its tenant; a row that names none gets the session's.
                if !extension.contains_key("eid")
                    && !extension.contains_key("environmentShortName")
                    && !self.all_tenants()
                {
                    extension.insert("eid".into(), json!(self.eid));
                }
                vec![token(), ("extension", Value::Object(extension))]
            }
            Op::Update(record) => vec![token(), ("extension", Value::Object(to_wire(record)))],
            // Refused above: v2 has no such operations.
            Op::Delete(_)
            | Op::Refresh { .. }
            | Op::ListPage { .. }
            | Op::Find(_)
            | Op::Welcome(_) => Vec::new(),
            Op::Apply => vec![
                token(),
                ("returnSuccessfulStatuses", json!("1")),
                ("forceEvenIfNotRegistered", json!("0")),
            ],
        }
    }
}

/// The SOAP body of an answer whose `<return>` says OK; a fault, or any other status code, is
/// the refusal it stands for.
fn answer(op: &Op<'_>, status_code: u16, body: &[u8]) -> Result<Element, ApiError> {
    let element = match soap::body(body) {
        Ok(element) => element,
        Err(_) if status_code != 200 => {
            return Err(ApiError::Http {
                status: status_code,
                retry_after: None,
            });
        }
        Err(e) => return Err(ApiError::BadResponse(format!("not a SOAP answer ({e})"))),
    };
    if let Some((code, message)) = as_fault(&element) {
        // A server-side fault may pass; a fault about the request itself will not.
        let class = if code.ends_with("Server") {
            ErrorClass::Transient
        } else {
            ErrorClass::Permanent
        };
        return Err(ApiError::Refused {
            code: Code::SoapFault.to_string(),
            meaning: format!("SOAP fault {code}: {message}"),
            class,
        });
    }
    let ret = element
        .child("return")
        .ok_or_else(|| ApiError::BadResponse("answer has no <return>".into()))?;
    let (code, message) = status(ret);
    if code.is_empty() {
        return Err(ApiError::BadResponse("the answer has no statusCode".into()));
    }
    if code != "OK" {
        let class = match (op, code.as_str()) {
            (Op::Login { .. }, _) => ErrorClass::LoginRefused,
            (_, "ERROR_UNAUTHORIZED") => ErrorClass::TokenExpired,
            _ => ErrorClass::Permanent,
        };
        let meaning = if message.is_empty() {
            "the service refused the request".to_string()
        } else {
            message
        };
        return Err(ApiError::Refused {
            code,
            meaning,
            class,
        });
    }
    Ok(element)
}

/// A query's extension, and its tenant where it is written `EID/EXTENSION` (the form the
/// snapshot files other tenants' extensions under): a row of another tenant than the
/// session's is read in its own.
fn in_tenant(key: &str) -> (&str, &str) {
    match key.split_once('/') {
        Some((eid, extension))
            if eid.len() == 4 && eid.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (eid, extension)
        }
        _ => ("", key),
    }
}

#[cfg(test)]
mod tests;
