//! The PBX's current extensions, read in chunks: the listing for the numbers (one answer, or
//! page after page where the API lists in pages, the pages after the first read side by side),
//! then queries of a hundred numbers at a time (never the API's `all`, which a large PBX
//! answers slowly and in one huge body), up to `concurrency` of them in flight, as the writes
//! are: read one chunk after another, a PBX far away makes the reading the run's longest part.
//! A record for a number the chunk did not ask for is left out and warned about: a PBX
//! answering what nobody asked had it exported, and deleted by a prune. A listing far larger
//! than what is plausible is refused before any query.

use futures::StreamExt;

use super::{ApiError, Client, Op, Protocol, Reply, RetryPolicy};
use crate::domain::values::list_some;
use crate::domain::{PbxSnapshot, Record};
use crate::rules::Table;

/// Numbers per `extension/query`.
const QUERY_CHUNK: usize = 100;

/// The most extensions a listing may name when nothing bigger makes more plausible: no PBX
/// pbxbulk speaks holds more. A listing of 1.3 million numbers (29 MiB) once sent 13,000
/// queries in 8 s; one past the limit is refused before any query is sent.
pub(crate) const MAX_LISTED: usize = 100_000;

/// Told how far the reading has come (the progress bar lives in a higher layer).
pub(crate) trait ReadProgress {
    fn set_length(&self, len: u64);
    fn inc(&self, n: u64);
    /// Something about the reading a person should know, in one line.
    fn warn(&self, line: &str);
}

/// Every extension on the PBX by number, with the fields the rule table knows; a listing of
/// more than `most` extensions is refused as implausible.
pub(crate) async fn fetch(
    client: &Client,
    table: &Table,
    policy: RetryPolicy,
    concurrency: usize,
    most: usize,
    progress: Option<&dyn ReadProgress>,
) -> Result<PbxSnapshot, ApiError> {
    let listed = match client.protocol().list_page_size() {
        Some(size) => Reply::Numbers(list_pages(client, size, policy, concurrency, most).await?),
        None => client.read(&Op::List, policy).await?,
    };
    let mut numbers = match listed {
        Reply::Numbers(numbers) => numbers,
        // Some APIs list whole records: nothing more to query.
        Reply::Records(records) => {
            let mut snapshot = PbxSnapshot::new();
            index(&mut snapshot, records, table, client.protocol());
            return Ok(snapshot);
        }
        other => return Err(unexpected(&other)),
    };
    numbers.sort();
    numbers.dedup();
    if numbers.len() > most {
        return Err(implausible(numbers.len(), most));
    }
    if let Some(p) = progress {
        p.set_length(numbers.len() as u64);
    }
    let queries = numbers.chunks(QUERY_CHUNK).map(|chunk| async move {
        match client.query(chunk, policy).await {
            Ok(Reply::Records(records)) => Ok((chunk, records)),
            // An extension deleted between the listing and the query is simply gone.
            Err(ApiError::Refused { .. }) if chunk.len() == 1 => Ok((chunk, Vec::new())),
            Ok(other) => Err(unexpected(&other)),
            Err(e) => Err(e),
        }
    });
    // The snapshot is ordered by number whatever order the answers come in, so a chunk that
    // needs a retry does not hold back the ones after it. The first error ends the reading
    // (the queries still in flight are dropped).
    let mut answers = futures::stream::iter(queries).buffer_unordered(concurrency.max(1));
    let mut snapshot = PbxSnapshot::new();
    let mut unasked = Vec::new();
    while let Some(answer) = answers.next().await {
        let (chunk, records) = answer?;
        let asked = |r: &Record| {
            let key = r.get(client.protocol().record_key());
            key.is_some_and(|k| chunk.binary_search(k).is_ok())
        };
        let (records, others): (Vec<Record>, Vec<Record>) = records.into_iter().partition(asked);
        let key = client.protocol().record_key();
        unasked.extend(
            others
                .iter()
                .map(|r| r.get(key).cloned().unwrap_or_default()),
        );
        index(&mut snapshot, records, table, client.protocol());
        if let Some(p) = progress {
            p.inc(chunk.len() as u64);
        }
    }
    if let (Some(p), false) = (progress, unasked.is_empty()) {
        p.warn(&format!(
            "the PBX answered {} record(s) for numbers its listing never named ({}); they \
             were left out: not exported, compared or deleted",
            unasked.len(),
            list_some(&unasked, 5)
        ));
    }
    Ok(snapshot)
}

/// A listing of `listed` numbers, more than `most`, refused before any query.
fn implausible(listed: usize, most: usize) -> ApiError {
    ApiError::BadResponse(format!(
        "the PBX lists {listed} extensions, more than the {most} pbxbulk takes as plausible \
         here; nothing was queried (is --url the PBX?)"
    ))
}

/// Every number of a paged listing: the first page says how many there are, the rest are
/// read `concurrency` at a time.
async fn list_pages(
    client: &Client,
    size: usize,
    policy: RetryPolicy,
    concurrency: usize,
    most: usize,
) -> Result<Vec<String>, ApiError> {
    let page = |page: usize| async move {
        match client.read(&Op::ListPage { page, size }, policy).await? {
            Reply::Page { numbers, total } => Ok((numbers, total)),
            other => Err(unexpected(&other)),
        }
    };
    let (mut numbers, total) = page(1).await?;
    if total > most {
        return Err(implausible(total, most));
    }
    let pages = total.div_ceil(size.max(1));
    let mut rest =
        futures::stream::iter((2..=pages).map(page)).buffer_unordered(concurrency.max(1));
    while let Some(answer) = rest.next().await {
        numbers.extend(answer?.0);
    }
    Ok(numbers)
}

/// Adds `records` to the snapshot under their keys (the number; Verba reading every tenant:
/// tenant and number), each with only the fields the rule table knows. One by one:
/// `BTreeMap::append` rebuilds the whole map, a hundred times for 10,000.
fn index(snapshot: &mut PbxSnapshot, records: Vec<Record>, table: &Table, proto: &dyn Protocol) {
    for mut record in records {
        record.retain(|name, _| table.index(name).is_some());
        // Each value in the one spelling the table sends: the PBX's `disable` is the sheet's
        // `Disabled`.
        table.canonicalise(&mut record);
        if let Some(key) = proto.snapshot_key(&record) {
            snapshot.insert(key, record);
        }
    }
}

fn unexpected(reply: &Reply) -> ApiError {
    ApiError::BadResponse(format!("unexpected answer: {reply:?}"))
}
