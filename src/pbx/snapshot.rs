//! The PBX's current extensions, read in chunks: one listing for the numbers, then queries of
//! a hundred numbers at a time (never the API's `all`, which a large PBX answers slowly and
//! in one huge body).

use super::{ApiError, Client, Op, Reply, RetryPolicy};
use crate::domain::{PbxSnapshot, Record};
use crate::rules::Table;

/// Numbers per `extension/query`.
const QUERY_CHUNK: usize = 100;

/// Told how far the reading has come (the progress bar lives in a higher layer).
pub(crate) trait ReadProgress {
    fn set_length(&self, len: u64);
    fn inc(&self, n: u64);
}

/// Every extension on the PBX by number, with the fields the rule table knows.
pub(crate) async fn fetch(
    client: &Client,
    table: &Table,
    policy: RetryPolicy,
    progress: Option<&dyn ReadProgress>,
) -> Result<PbxSnapshot, ApiError> {
    let mut numbers = match client.call_retrying(&Op::List, policy).await? {
        Reply::Numbers(numbers) => numbers,
        // Some APIs (Verba) list whole records: nothing more to query.
        Reply::Records(records) => return Ok(index(records, table)),
        other => return Err(unexpected(&other)),
    };
    numbers.sort();
    numbers.dedup();
    if let Some(p) = progress {
        p.set_length(numbers.len() as u64);
    }
    let mut snapshot = PbxSnapshot::new();
    for chunk in numbers.chunks(QUERY_CHUNK) {
        let records = match client.call_retrying(&Op::Query(chunk), policy).await {
            Ok(Reply::Records(records)) => records,
            // An extension deleted between the listing and the query is simply gone.
            Err(ApiError::Refused { .. }) if chunk.len() == 1 => Vec::new(),
            Ok(other) => return Err(unexpected(&other)),
            Err(e) => return Err(e),
        };
        snapshot.append(&mut index(records, table));
        if let Some(p) = progress {
            p.inc(chunk.len() as u64);
        }
    }
    Ok(snapshot)
}

/// Records by number, with only the fields the rule table knows.
fn index(records: Vec<Record>, table: &Table) -> PbxSnapshot {
    records
        .into_iter()
        .filter_map(|mut record| {
            record.retain(|name, _| table.index(name).is_some());
            Some((record.get(table.key)?.clone(), record))
        })
        .collect()
}

fn unexpected(reply: &Reply) -> ApiError {
    ApiError::BadResponse(format!("unexpected answer: {reply:?}"))
}
