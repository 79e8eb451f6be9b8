//! Which numeric `id` the PBX gives each extension number: learnt from every listing, search
//! and query answer of the session, and searched for (`extension/search`) the first time a
//! write or a query names a number the session has not seen.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::{Code, Record};
use crate::pbx::{ApiError, ErrorClass, Op, Reply, Session};

#[derive(Default)]
pub(super) struct Ids {
    by_number: Mutex<HashMap<String, u64>>,
}

impl Ids {
    /// Files the id of every record that has a number and an id.
    pub(super) fn learn(&self, records: &[Record]) {
        let mut known = self.by_number.lock().expect("ids lock");
        for record in records {
            if let (Some(number), Some(id)) = (record.get("number"), record.get("id"))
                && let Ok(id) = id.parse()
            {
                known.insert(number.clone(), id);
            }
        }
    }

    pub(super) fn get(&self, number: &str) -> Option<u64> {
        self.by_number
            .lock()
            .expect("ids lock")
            .get(number)
            .copied()
    }

    /// The ids of the numbers known, as text.
    pub(super) fn of(&self, numbers: &[String]) -> Vec<String> {
        numbers
            .iter()
            .filter_map(|n| self.get(n))
            .map(|id| id.to_string())
            .collect()
    }

    /// The id of `number`, which a search must already have found.
    pub(super) fn require(&self, number: &str) -> Result<u64, ApiError> {
        self.get(number).ok_or_else(|| not_found(number))
    }
}

/// The id of `number`: known, or searched for; an error when the PBX has no such extension.
pub(super) async fn resolve(
    ids: &Ids,
    session: &dyn Session,
    number: &str,
) -> Result<u64, ApiError> {
    if let Some(id) = ids.get(number) {
        return Ok(id);
    }
    // The answer's records are learnt as it is decoded.
    session.call(&Op::Find(number)).await?;
    ids.require(number)
}

/// The records of `numbers`: the ids not yet known are searched for first, and numbers the
/// PBX does not have are left out (as `extension/query` leaves out unknown ids).
pub(super) async fn query_known(
    ids: &Ids,
    session: &dyn Session,
    numbers: &[String],
) -> Result<Reply, ApiError> {
    for number in numbers.iter().filter(|n| ids.get(n).is_none()) {
        match resolve(ids, session, number).await {
            Ok(_) => {}
            Err(ApiError::Refused { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    if ids.of(numbers).is_empty() {
        return Ok(Reply::Records(Vec::new()));
    }
    session.call(&Op::Query(numbers)).await
}

/// The refusal for a number the PBX does not have (no id to name it by).
fn not_found(number: &str) -> ApiError {
    ApiError::Refused {
        code: Code::NotFound.to_string(),
        meaning: format!("extension {number} is not on the PBX (a search for it found nothing)"),
        class: ErrorClass::Permanent,
    }
}
