//! Yeastar P-Series OpenAPI v1.0: JSON under `/openapi/v1.0/`, the token only in
//! `?access_token=`, GET for queries and deletes, POST for the rest, every answer HTTP 200
//! with an integer `errcode` (docs/vendor/yeastar-p-api.md).
//!
//! The API names extensions by a numeric `id`, not by their number: the listing, a search
//! and the query answers tell which id a number has, and the session keeps what it learnt
//! (`ids.rs`), so an update, a delete or a query of a number it has not seen searches first.

use futures::future::BoxFuture;
use serde_json::{Map, Value, json};

use super::envelope::envelope;
use super::errcode;
use super::ids::{Ids, query_known, resolve};
use super::json::{CREATE_DEFAULTS, PAGE_SIZE, PREFIX, from_wire, get, post, to_wire, typed};
use crate::domain::Record;
use crate::pbx::{ApiError, HttpRequest, Op, Protocol, Reply, Session, SessionToken};

pub(super) struct YeastarP {
    /// Send the Linkus welcome e-mail to each extension added (`--welcome-email`).
    pub(super) welcome: bool,
    pub(super) ids: Ids,
}

impl YeastarP {
    fn request(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        Ok(match op {
            Op::Login { user, password } => post(
                "get_token",
                &json!({ "username": user, "password": password.expose() }),
                None,
            ),
            Op::Refresh { token: refresh } => {
                post("refresh_token", &json!({ "refresh_token": refresh }), None)
            }
            Op::Logout => get("del_token", &[], token),
            // A small read keeps nothing alive (tokens live 30 minutes however used), but it
            // tells a quiet run that the PBX still answers.
            Op::Heartbeat => get(
                "extension/list",
                &[("page", "1".into()), ("page_size", "1".into())],
                token,
            ),
            Op::ListPage { page, size } => get(
                "extension/list",
                &[
                    ("page", page.to_string()),
                    ("page_size", size.to_string()),
                    ("sort_by", "number".into()),
                    ("order_by", "asc".into()),
                ],
                token,
            ),
            Op::Find(number) => get(
                "extension/search",
                &[
                    ("search_value", (*number).to_string()),
                    ("page", "1".into()),
                    ("page_size", PAGE_SIZE.to_string()),
                ],
                token,
            ),
            Op::Query(numbers) => get(
                "extension/query",
                &[("ids", self.ids.of(numbers).join(","))],
                token,
            ),
            Op::Add(record) => post("extension/create", &create_body(record), token),
            Op::Update(record) => post("extension/update", &self.update_body(record)?, token),
            Op::Delete([number]) => get(
                "extension/delete",
                &[("id", self.ids.require(number)?.to_string())],
                token,
            ),
            Op::Welcome(numbers) => {
                let ids: Vec<u64> = numbers.iter().filter_map(|n| self.ids.get(n)).collect();
                post(
                    "extension/send_welcome_email",
                    &json!({ "id_list": ids }),
                    token,
                )
            }
            Op::Delete(_) | Op::List | Op::Apply | Op::FindUser { .. } => {
                return Err(ApiError::NotSupported(format!(
                    "yeastar-p has no {} operation",
                    op.name()
                )));
            }
        })
    }
}

impl YeastarP {
    /// An update names the extension by its id alone: a number cannot be changed.
    fn update_body(&self, record: &Record) -> Result<Value, ApiError> {
        let mut body = to_wire(record, &["number"]);
        let number = record.get("number").map_or("", String::as_str);
        body.insert("id".into(), json!(self.ids.require(number)?));
        Ok(Value::Object(body))
    }
}

/// A create with the documented defaults of what the row leaves blank.
fn create_body(record: &Record) -> Value {
    let mut body = to_wire(record, &[]);
    for (field, default) in CREATE_DEFAULTS {
        body.entry(field).or_insert_with(|| typed(field, default));
    }
    Value::Object(body)
}

impl Protocol for YeastarP {
    fn api(&self) -> &'static str {
        super::API.name
    }

    fn record_key(&self) -> &'static str {
        "number"
    }

    fn encode(&self, op: &Op<'_>, token: Option<&str>) -> Result<HttpRequest, ApiError> {
        self.request(op, token)
    }

    fn decode(&self, op: &Op<'_>, status: u16, body: &[u8]) -> Result<Reply, ApiError> {
        let map = envelope(op, status, body)?;
        let data = |name: &str| {
            map.get(name)
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
        };
        let records = |items: &[Value]| -> Vec<Record> {
            let records: Vec<Record> = items
                .iter()
                .filter_map(Value::as_object)
                .map(from_wire)
                .collect();
            self.ids.learn(&records);
            records
        };
        match op {
            Op::Login { .. } | Op::Refresh { .. } => session(&map),
            Op::ListPage { .. } => {
                let found = records(data("data"));
                let total = map.get("total_number").and_then(Value::as_u64).unwrap_or(0);
                Ok(Reply::Page {
                    numbers: found
                        .into_iter()
                        .filter_map(|r| r.get("number").cloned())
                        .collect(),
                    total: usize::try_from(total).unwrap_or(usize::MAX),
                })
            }
            Op::Find(number) => {
                let found = records(data("data"));
                Ok(Reply::Records(
                    found
                        .into_iter()
                        .filter(|r| r.get("number").is_some_and(|n| n == number))
                        .collect(),
                ))
            }
            Op::Query(_) => Ok(Reply::Records(records(data("data")))),
            _ => Ok(Reply::Done),
        }
    }

    fn login_hint(&self, e: &ApiError) -> Option<&'static str> {
        match e {
            ApiError::Http { status: 404, .. } => Some(
                "the P-Series API answers under /openapi/v1.0 on the PBX's web port: give --url https://HOST:8088, and enable the API (Integrations → API)",
            ),
            ApiError::Refused { code, .. }
                if code == errcode::VERSION_UNSUPPORTED || code == errcode::NO_INTERFACE =>
            {
                Some(
                    "this PBX does not speak the P-Series OpenAPI v1.0 (an S-Series? try --api yeastar-v2)",
                )
            }
            _ => None,
        }
    }

    fn may_already_exist(&self, e: &ApiError) -> bool {
        matches!(e, ApiError::Refused { code, meaning, .. } if code == errcode::DUPLICATE && meaning.contains("number \""))
    }

    fn api_path(&self) -> Option<&'static str> {
        Some(PREFIX)
    }

    fn list_page_size(&self) -> Option<usize> {
        Some(PAGE_SIZE)
    }

    fn query<'a>(
        &'a self,
        session: &'a dyn Session,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(query_known(&self.ids, session, numbers))
    }

    fn write<'a>(
        &'a self,
        session: &'a dyn Session,
        op: &'a Op<'a>,
        _create_if_missing: bool,
    ) -> BoxFuture<'a, Result<Reply, ApiError>> {
        Box::pin(async move {
            match op {
                Op::Update(record) => {
                    resolve(
                        &self.ids,
                        session,
                        record.get("number").map_or("", String::as_str),
                    )
                    .await?;
                    session.call(op).await
                }
                Op::Delete(numbers) => {
                    for number in *numbers {
                        resolve(&self.ids, session, number).await?;
                    }
                    session.call(op).await
                }
                Op::Add(record) => {
                    session.call(op).await?;
                    match self.welcome {
                        true => Ok(welcome(&self.ids, session, record).await),
                        false => Ok(Reply::Done),
                    }
                }
                _ => session.call(op).await,
            }
        })
    }
}

/// After an add: the Linkus welcome e-mail to the new extension. The add has landed either
/// way, so a failure here is said in the row's message, not a failed row.
async fn welcome(ids: &Ids, session: &dyn Session, record: &Record) -> Reply {
    let number = record.get("number").cloned().unwrap_or_default();
    let sent = async {
        resolve(ids, session, &number).await?;
        session
            .call(&Op::Welcome(std::slice::from_ref(&number)))
            .await
    };
    match sent.await {
        Ok(_) => Reply::Noted("welcome e-mail sent".into()),
        Err(e) => Reply::Noted(format!("added, but the welcome e-mail was not sent: {e}")),
    }
}

/// A login's or renewal's answer: the access token, the refresh token and their lifetimes.
fn session(map: &Map<String, Value>) -> Result<Reply, ApiError> {
    let text = |name: &str| {
        map.get(name)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let token = text("access_token")
        .ok_or_else(|| ApiError::BadResponse("the answer has no access_token".into()))?;
    Ok(Reply::Session(SessionToken {
        token,
        refresh: text("refresh_token"),
        lifetime: map
            .get("access_token_expire_time")
            .and_then(Value::as_u64)
            .map(std::time::Duration::from_secs),
    }))
}

#[cfg(test)]
mod tests;
