//! Naming a Verba user by login name: a row's `userloginname` becomes the `userid` that
//! createExtension and updateExtension take, looked up with ListUsers once per name per run
//! (every row of a team may name the same manager; the answer is shared, even by rows in
//! flight at the same time).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::domain::{Code, Record};
use crate::pbx::{ApiError, ErrorClass, Op, Reply, Session};

/// One lookup's answer, shared by every row that waits for it.
type Lookup = Arc<OnceCell<Result<String, ApiError>>>;

/// (login name, tenant) → the user id, or why there is none.
#[derive(Default)]
pub(crate) struct UserNames {
    found: Mutex<HashMap<(String, String), Lookup>>,
}

fn unknown(meaning: String) -> ApiError {
    ApiError::Refused {
        code: Code::UnknownUser.to_string(),
        meaning,
        class: ErrorClass::Permanent,
    }
}

impl UserNames {
    /// The id of the user called `login` in tenant `eid` (blank: the session's).
    async fn id(&self, session: &dyn Session, login: &str, eid: &str) -> Result<String, ApiError> {
        let cell = self
            .found
            .lock()
            .expect("user cache lock")
            .entry((login.to_string(), eid.to_string()))
            .or_default()
            .clone();
        cell.get_or_init(|| async {
            let op = Op::FindUser { login, eid };
            let users = match session.call(&op).await {
                Ok(Reply::Records(users)) => users,
                Ok(_) => Vec::new(),
                Err(ApiError::Refused { code, .. }) if code == "ERROR_NOT_FOUND" => Vec::new(),
                Err(e) => return Err(e),
            };
            // loginNameExact is asked for; a service that still matches loosely is checked.
            let ids: Vec<&str> = users
                .iter()
                .filter(|u| u.get("userloginname").is_some_and(|l| l == login))
                .filter_map(|u| u.get("userid").map(String::as_str))
                .collect();
            match ids[..] {
                [id] => Ok(id.to_string()),
                [] => Err(unknown(format!("no user has the login name {login}"))),
                _ => Err(unknown(format!(
                    "{} users have the login name {login}",
                    ids.len()
                ))),
            }
        })
        .await
        .clone()
    }

    /// `record` with its `userloginname` turned into the `userid` it names; a row that gives
    /// both must name one user.
    /// `session_tenant` is the tenant the session works in.
    pub(crate) async fn resolve(
        &self,
        session: &dyn Session,
        session_tenant: &str,
        record: &Record,
    ) -> Result<Record, ApiError> {
        let Some(login) = record.get("userloginname").filter(|l| !l.is_empty()) else {
            return Ok(record.clone());
        };
        // A row without its tenant is in the session's: one name, one lookup, either way.
        let eid = record
            .get("eid")
            .filter(|e| !e.is_empty())
            .map_or(session_tenant, String::as_str);
        let id = self.id(session, login, eid).await?;
        if let Some(given) = record.get("userid").filter(|g| !g.is_empty() && **g != id) {
            return Err(unknown(format!(
                "the login name {login} is user {id}, not user {given}"
            )));
        }
        let mut resolved = record.clone();
        resolved.remove("userloginname");
        resolved.insert("userid".into(), id);
        Ok(resolved)
    }
}
