//! The PBX's current extensions, read in chunks: the listing for the numbers (one answer, or
//! page after page where the API lists in pages), and queries of a hundred numbers at a time
//! (never the API's `all`, which a large PBX answers slowly and in one huge body). Pages and
//! queries share `concurrency` slots: the first round guesses as many pages as there are
//! slots; after it each request runs on a task of its own, the pages before the queries, and
//! whoever takes the records ([`Filing`]) can use each as it arrives. Read one chunk after
//! another, a PBX far away makes the reading the run's longest part (docs/BENCHMARKS.md,
//! section g.).
//! A record for a number the chunk did not ask for is left out and warned about: a PBX
//! answering what nobody asked had it exported, and deleted by a prune. A listing far larger
//! than what is plausible is refused before any query.

use std::collections::HashSet;
use std::sync::Arc;

use futures::StreamExt;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use tokio_util::task::AbortOnDropHandle;

use super::{ApiError, Client, Op, Protocol, Reply, RetryPolicy};
use crate::domain::values::list_some;
use crate::domain::{PbxSnapshot, Record};
use crate::rules::Table;

/// Numbers per `extension/query`.
const QUERY_CHUNK: usize = 100;

/// Pages asked for at once before the listing's size is known, at most: one round of the
/// slots, and no more than a few answers past the end of a small listing, thrown away.
const MAX_FIRST_PAGES: usize = 8;

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

/// Where what is read goes, as it arrives: a snapshot, or rows decided meanwhile.
pub(crate) trait Filing {
    /// Numbers the listing names (a page of them; the same number may come twice).
    fn listed(&mut self, _numbers: &[String]) {}
    /// Every number the PBX lists has been passed to [`Filing::listed`].
    fn all_listed(&mut self) {}
    /// Records read, each under its snapshot key.
    fn file(&mut self, records: Vec<(String, Record)>);
}

impl Filing for PbxSnapshot {
    /// One by one: `BTreeMap::append` rebuilds the whole map, a hundred times for 10,000.
    fn file(&mut self, records: Vec<(String, Record)>) {
        for (key, record) in records {
            self.insert(key, record);
        }
    }
}

/// Every extension on the PBX by number, with the fields the rule table knows; a listing of
/// more than `most` extensions is refused as implausible.
pub(crate) async fn fetch(
    client: &Arc<Client>,
    table: &Table,
    policy: RetryPolicy,
    concurrency: usize,
    most: usize,
    progress: Option<&dyn ReadProgress>,
) -> Result<PbxSnapshot, ApiError> {
    let mut snapshot = PbxSnapshot::new();
    let reader = Reader {
        client,
        table,
        policy,
        concurrency: concurrency.max(1),
        most,
        progress,
    };
    reader.read(&mut snapshot).await?;
    Ok(snapshot)
}

/// How one reading of the PBX goes.
pub(crate) struct Reader<'a> {
    pub(crate) client: &'a Arc<Client>,
    pub(crate) table: &'a Table,
    pub(crate) policy: RetryPolicy,
    pub(crate) concurrency: usize,
    /// A listing of more extensions than this is refused as implausible.
    pub(crate) most: usize,
    pub(crate) progress: Option<&'a dyn ReadProgress>,
}

/// One request of the reading, and what it brought.
enum Task {
    Page(usize),
    Query(Vec<String>),
}

enum Read {
    Page(Vec<String>),
    Query(Vec<String>, Vec<Record>),
}

/// The numbers listed so far, and those not yet asked for.
#[derive(Default)]
struct Listed {
    seen: HashSet<String>,
    waiting: Vec<String>,
}

impl Reader<'_> {
    /// Reads every extension into `filing`.
    pub(crate) async fn read(&self, filing: &mut dyn Filing) -> Result<(), ApiError> {
        let Some(size) = self.client.protocol().list_page_size() else {
            return self.read_whole(filing).await;
        };
        // The first round is as many pages as there are slots: only the first page says how
        // many there are, and waiting for it alone is one round of the PBX's latency more.
        let first = self.concurrency.clamp(1, MAX_FIRST_PAGES);
        let page = |page| page_of(self.client, self.policy, page, size);
        let (answer, guesses) = futures::join!(page(1), join_all((2..=first).map(page)));
        let (numbers, total) = answer?;
        self.expect(total)?;
        let pages = total.div_ceil(size.max(1));
        let mut listed = Listed::default();
        listed.add(numbers, filing, self.most)?;
        // A page past the end was only a guess: whatever it answered (nothing, or a refusal
        // of a page that does not exist) says nothing.
        for answer in guesses.into_iter().take(pages.saturating_sub(1)) {
            listed.add(answer?.0, filing, self.most)?;
        }
        self.pages_and_queries(listed, (first + 1, pages, size), filing)
            .await
    }

    /// An API that lists in one answer: its numbers, then the queries; or its records.
    async fn read_whole(&self, filing: &mut dyn Filing) -> Result<(), ApiError> {
        let mut numbers = match self.client.read(&Op::List, self.policy).await? {
            Reply::Numbers(numbers) => numbers,
            // Some APIs list whole records: nothing more to query.
            Reply::Records(records) => {
                filing.file(self.keyed(records));
                filing.all_listed();
                return Ok(());
            }
            other => return Err(unexpected(&other)),
        };
        numbers.sort();
        numbers.dedup();
        let total = numbers.len();
        self.expect(total)?;
        let mut listed = Listed::default();
        listed.add(numbers, filing, self.most)?;
        self.pages_and_queries(listed, (1, 0, total.max(1)), filing)
            .await
    }

    /// Takes the size of the listing: refused when implausible, else the progress bar's.
    fn expect(&self, total: usize) -> Result<(), ApiError> {
        if total > self.most {
            return Err(implausible(total, self.most, "nothing was queried"));
        }
        if let Some(p) = self.progress {
            p.set_length(total as u64);
        }
        Ok(())
    }

    /// The pages from `next` to `pages` and the queries, `concurrency` at a time: the pages
    /// first, then a query of each hundred listed numbers (and of what is left once the
    /// listing is in). Pages first, so that the last page does not come in at the end and
    /// hold its query back a round more; the rows wait for their records either way. The
    /// first error ends the reading (what is in flight is dropped).
    async fn pages_and_queries(
        &self,
        mut listed: Listed,
        (mut next, pages, size): (usize, usize, usize),
        filing: &mut dyn Filing,
    ) -> Result<(), ApiError> {
        let mut paging = 0;
        if pages < next {
            filing.all_listed();
        }
        let mut busy = FuturesUnordered::new();
        let mut unasked = Vec::new();
        loop {
            while busy.len() < self.concurrency {
                let task = if next <= pages {
                    (next, paging) = (next + 1, paging + 1);
                    Task::Page(next - 1)
                } else if let Some(chunk) = listed.chunk(paging == 0) {
                    Task::Query(chunk)
                } else {
                    break;
                };
                busy.push(self.send(task, size));
            }
            let Some(read) = busy.next().await else {
                break;
            };
            match read? {
                Read::Page(numbers) => {
                    paging -= 1;
                    listed.add(numbers, filing, self.most)?;
                    if next > pages && paging == 0 {
                        filing.all_listed();
                    }
                }
                Read::Query(chunk, records) => self.file(&chunk, records, filing, &mut unasked),
            }
        }
        self.warn_unasked(&unasked);
        Ok(())
    }

    /// Sends `task` on a task of its own, which connects, sends, reads and parses its answer
    /// while the others are filed: in one task, the requests that replace a round's answers
    /// went out only once every answer of the round was parsed, a round slower by that much
    /// (docs/BENCHMARKS.md, section g.). Dropped unfinished, the request is dropped too.
    fn send(&self, task: Task, size: usize) -> impl Future<Output = Result<Read, ApiError>> {
        let (client, policy) = (Arc::clone(self.client), self.policy);
        let sent = AbortOnDropHandle::new(tokio::spawn(async move {
            match task {
                Task::Page(page) => Ok(Read::Page(page_of(&client, policy, page, size).await?.0)),
                Task::Query(chunk) => query(&client, policy, chunk).await,
            }
        }));
        async move {
            match sent.await {
                Ok(read) => read,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(ApiError::BadResponse(format!(
                    "the request was dropped: {e}"
                ))),
            }
        }
    }

    /// Files the records of a query's answer; one for a number `chunk` did not ask for is
    /// left out and named in `unasked`.
    fn file(
        &self,
        chunk: &[String],
        records: Vec<Record>,
        filing: &mut dyn Filing,
        unasked: &mut Vec<String>,
    ) {
        let key = self.client.protocol().record_key();
        let asked = |r: &Record| r.get(key).is_some_and(|k| chunk.binary_search(k).is_ok());
        let (records, others): (Vec<Record>, Vec<Record>) = records.into_iter().partition(asked);
        unasked.extend(
            others
                .iter()
                .map(|r| r.get(key).cloned().unwrap_or_default()),
        );
        filing.file(self.keyed(records));
        if let Some(p) = self.progress {
            p.inc(chunk.len() as u64);
        }
    }

    /// `records` under their keys (the number; Verba reading every tenant: tenant and
    /// number), each with only the fields the rule table knows.
    fn keyed(&self, records: Vec<Record>) -> Vec<(String, Record)> {
        let proto: &dyn Protocol = self.client.protocol();
        let mut keyed = Vec::with_capacity(records.len());
        for mut record in records {
            record.retain(|name, _| self.table.index(name).is_some());
            // Each value in the one spelling the table sends: the PBX's `disable` is the
            // sheet's `Disabled`.
            self.table.canonicalise(&mut record);
            if let Some(key) = proto.snapshot_key(&record) {
                keyed.push((key, record));
            }
        }
        keyed
    }

    fn warn_unasked(&self, unasked: &[String]) {
        if let (Some(p), false) = (self.progress, unasked.is_empty()) {
            p.warn(&format!(
                "the PBX answered {} record(s) for numbers its listing never named ({}); they \
                 were left out: not exported, compared or deleted",
                unasked.len(),
                list_some(unasked, 5)
            ));
        }
    }
}

/// One page (from 1) of a paged listing, and how many extensions the listing holds.
async fn page_of(
    client: &Client,
    policy: RetryPolicy,
    page: usize,
    size: usize,
) -> Result<(Vec<String>, usize), ApiError> {
    match client.read(&Op::ListPage { page, size }, policy).await? {
        Reply::Page { numbers, total } => Ok((numbers, total)),
        other => Err(unexpected(&other)),
    }
}

/// The records of the extensions numbered `chunk`.
async fn query(client: &Client, policy: RetryPolicy, chunk: Vec<String>) -> Result<Read, ApiError> {
    match client.query(&chunk, policy).await {
        Ok(Reply::Records(records)) => Ok(Read::Query(chunk, records)),
        // An extension deleted between the listing and the query is simply gone.
        Err(ApiError::Refused { .. }) if chunk.len() == 1 => Ok(Read::Query(chunk, Vec::new())),
        Ok(other) => Err(unexpected(&other)),
        Err(e) => Err(e),
    }
}

impl Listed {
    /// Takes a page's numbers; a listing that names more than `most` is refused.
    fn add(
        &mut self,
        numbers: Vec<String>,
        filing: &mut dyn Filing,
        most: usize,
    ) -> Result<(), ApiError> {
        let start = self.waiting.len();
        for number in numbers {
            if self.seen.insert(number.clone()) {
                self.waiting.push(number);
            }
        }
        filing.listed(&self.waiting[start..]);
        match self.seen.len() > most {
            true => Err(implausible(
                self.seen.len(),
                most,
                "the reading stopped there",
            )),
            false => Ok(()),
        }
    }

    /// The next query's numbers, sorted: a full chunk, or with the listing in (`all`) what
    /// is left.
    fn chunk(&mut self, all: bool) -> Option<Vec<String>> {
        let take = match self.waiting.len() {
            n if n >= QUERY_CHUNK => QUERY_CHUNK,
            n if all && n > 0 => n,
            _ => return None,
        };
        let mut chunk: Vec<String> = self.waiting.drain(..take).collect();
        chunk.sort();
        Some(chunk)
    }
}

/// A listing of `listed` numbers, more than `most`, refused (`then`: what became of the
/// reading).
fn implausible(listed: usize, most: usize, then: &str) -> ApiError {
    ApiError::BadResponse(format!(
        "the PBX lists {listed} extensions, more than the {most} pbxbulk takes as plausible \
         here; {then} (is --url the PBX?)"
    ))
}

fn unexpected(reply: &Reply) -> ApiError {
    ApiError::BadResponse(format!("unexpected answer: {reply:?}"))
}
