//! `--verify`: after the writes (and the final apply, where the API needs one), read back
//! every extension the run wrote and compare each field sent with what the PBX now holds.
//! Some PBXs answer "ok" and keep the old value (a login password rewritten on every sync
//! was one); only reading back catches that.
//!
//! The PBX is read as a run starts (`snapshot::fetch`: the listing, then queries of a hundred
//! numbers), not one query per written row: one way that works for every API, whether it
//! lists whole records or numbers, and a run that wrote thousands of rows reads no more than
//! the directory. Values are compared as the diff compares them (`plan::diff`): in the one
//! spelling the table sends, a secret handed out hashed through its hash. A secret the PBX
//! never hands back cannot be compared: the row names it as not verifiable, never as a
//! mismatch. Rows a resumed run took from its journal were written by the interrupted run,
//! whose records it no longer has: they are not read back.

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::domain::values::md5_hex;
use crate::domain::{Action, PbxSnapshot, Record, RowResult, Status, Summary, VerifyCounts};
use crate::output::html::PageCollector;
use crate::output::report::fill_verify;
use crate::pbx::{ApiError, Client, RetryPolicy, snapshot};
use crate::rules::Table;

/// One row the run wrote, as it was sent.
#[derive(Debug)]
pub(crate) struct Written {
    /// Its place in the run (its report line).
    pub(crate) seq: u64,
    /// Its report line.
    pub(crate) result: RowResult,
    pub(crate) record: Record,
}

impl Written {
    /// Whether a finished row wrote something to read back: an add or update the PBX took.
    pub(crate) fn is_written(result: &RowResult) -> bool {
        result.status == Status::Ok && matches!(result.action, Action::Add | Action::Update)
    }
}

/// What reading one written extension back found.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// One phrase per field that differs (or the extension that is gone).
    pub(crate) mismatches: Vec<String>,
    /// Secrets sent that the PBX does not hand back.
    pub(crate) unverifiable: Vec<&'static str>,
}

impl Verdict {
    pub(crate) fn is_mismatch(&self) -> bool {
        !self.mismatches.is_empty()
    }

    /// The report's `verify` cell: `verified`, or `mismatch: …`, naming what could not be
    /// compared either way.
    pub(crate) fn text(&self) -> String {
        let mut text = match self.mismatches.is_empty() {
            true => "verified".to_string(),
            false => format!("mismatch: {}", self.mismatches.join("; ")),
        };
        if !self.unverifiable.is_empty() {
            text.push_str(&format!(
                "; not verifiable: {} (the PBX does not hand {} back)",
                self.unverifiable.join(", "),
                if self.unverifiable.len() == 1 {
                    "it"
                } else {
                    "them"
                }
            ));
        }
        text
    }
}

/// Compares what was sent with the record read back (`None`: the PBX has no such extension).
pub(crate) fn compare(table: &Table, sent: &Record, read: Option<&Record>) -> Verdict {
    let mut verdict = Verdict::default();
    let Some(read) = read else {
        let number = sent_key(table, sent).unwrap_or_default();
        verdict
            .mismatches
            .push(format!("the PBX has no extension {number}"));
        return verdict;
    };
    for (name, value) in sent {
        let Some(field) = table.field(name) else {
            continue;
        };
        // The key named the extension, and a rename is checked by where it was found.
        if field.name == table.key || Some(field.name) == table.rename {
            continue;
        }
        let sent = field.kind.canonical(value);
        match (read.get(field.name).map(String::as_str), field.secret) {
            (None, true) => verdict.unverifiable.push(field.name),
            (Some(held), true) => {
                let hashed = table.hashed_on_read.contains(&field.name)
                    && md5_hex(sent).eq_ignore_ascii_case(held);
                if sent != held && !hashed {
                    verdict.mismatches.push(format!(
                        "{} sent (a secret, not shown), PBX has another",
                        field.name
                    ));
                }
            }
            (held, false) => {
                let held = field.kind.canonical(held.unwrap_or_default());
                if sent != held {
                    verdict
                        .mismatches
                        .push(format!("{} sent {sent:?}, PBX has {held:?}", field.name));
                }
            }
        }
    }
    verdict
}

/// The number a written record leaves the extension under: the rename's, where it renames.
fn sent_key<'a>(table: &Table, sent: &'a Record) -> Option<&'a str> {
    let renamed = table
        .rename
        .and_then(|r| sent.get(r))
        .filter(|n| !n.is_empty());
    renamed.or_else(|| sent.get(table.key)).map(String::as_str)
}

/// What reading back found, or why it could not be done.
pub(crate) enum ReadBack {
    Judged(Vec<(Written, Verdict)>),
    /// The writes went out, but the PBX could not be read afterwards.
    Failed(ApiError),
}

impl ReadBack {
    /// Reads back every row the run wrote (`written`, gathered by the engine).
    pub(crate) async fn of(
        client: &Arc<Client>,
        table: &Table,
        (retry, concurrency): (RetryPolicy, usize),
        written: &Mutex<Vec<Written>>,
    ) -> ReadBack {
        let written = std::mem::take(&mut *written.lock().expect("the written rows' lock"));
        match read_back(client, table, retry, concurrency, written).await {
            Ok(judged) => ReadBack::Judged(judged),
            Err(e) => ReadBack::Failed(e),
        }
    }

    /// Why the run cannot say whether its writes hold, if it cannot.
    pub(crate) fn failure(&self) -> Option<&ApiError> {
        match self {
            ReadBack::Judged(_) => None,
            ReadBack::Failed(e) => Some(e),
        }
    }

    /// Puts the verdicts where people and scripts read them: the report's `verify` column
    /// (its lines at `lines`), the page's problem rows, and the summary's counts.
    pub(crate) fn record(
        &self,
        lines: &Path,
        page: Option<&mut PageCollector>,
        summary: &mut Summary,
    ) -> std::io::Result<()> {
        let ReadBack::Judged(judged) = self else {
            return Ok(());
        };
        let verdicts = judged.iter().map(|(w, v)| (w.seq, v.text())).collect();
        fill_verify(lines, &verdicts)?;
        if let Some(page) = page {
            for (written, _) in judged.iter().filter(|(_, v)| v.is_mismatch()) {
                page.mismatched(&written.result, &verdicts[&written.seq]);
            }
        }
        summary.verify = Some(counts(judged.iter().map(|(_, v)| v)));
        Ok(())
    }
}

/// Reads the PBX and judges every written row; an error means it could not be read.
async fn read_back(
    client: &Arc<Client>,
    table: &Table,
    retry: RetryPolicy,
    concurrency: usize,
    written: Vec<Written>,
) -> Result<Vec<(Written, Verdict)>, ApiError> {
    // The directory now holds at least what was written; the cap keeps a hostile listing's
    // memory bounded as the import's own read does.
    let most = snapshot::MAX_LISTED.max(written.len().saturating_mul(10));
    let now: PbxSnapshot = snapshot::fetch(client, table, retry, concurrency, most, None).await?;
    Ok(written
        .into_iter()
        .map(|w| {
            let key = sent_key(table, &w.record).unwrap_or(&w.result.number);
            let verdict = compare(table, &w.record, now.get(key));
            (w, verdict)
        })
        .collect())
}

/// The counts of a run's verdicts, for the summary.
fn counts<'a>(verdicts: impl Iterator<Item = &'a Verdict>) -> VerifyCounts {
    let mut counts = VerifyCounts::default();
    for verdict in verdicts {
        match verdict.is_mismatch() {
            true => counts.mismatched += 1,
            false => counts.verified += 1,
        }
        if !verdict.unverifiable.is_empty() {
            counts.with_unverifiable += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record_of;

    #[test]
    fn equal_in_the_spelling_sent_is_verified_and_a_difference_names_both_values() {
        let v2 = crate::vendors::table("yeastar-v2");
        let sent = record_of(&[("number", "1001"), ("email", "ana@x.org"), ("dnd", "on")]);
        let same = record_of(&[("number", "1001"), ("email", "ana@x.org"), ("dnd", "ON")]);
        assert_eq!(compare(v2, &sent, Some(&same)).text(), "verified");
        let lost = record_of(&[("number", "1001"), ("dnd", "on")]);
        assert_eq!(
            compare(v2, &sent, Some(&lost)).text(),
            r#"mismatch: email sent "ana@x.org", PBX has """#
        );
        assert_eq!(
            compare(v2, &sent, None).text(),
            "mismatch: the PBX has no extension 1001"
        );
    }

    #[test]
    fn a_secret_not_handed_back_is_named_and_never_shown() {
        let v2 = crate::vendors::table("yeastar-v2");
        let sent = record_of(&[("number", "1001"), ("registerpassword", "Kx7mQ2vRt9Lp")]);
        let read = record_of(&[("number", "1001")]);
        let verdict = compare(v2, &sent, Some(&read));
        assert!(!verdict.is_mismatch());
        assert_eq!(
            verdict.text(),
            "verified; not verifiable: registerpassword (the PBX does not hand it back)"
        );
        let other = record_of(&[("number", "1001"), ("registerpassword", "Other-pw-9x")]);
        let text = compare(v2, &sent, Some(&other)).text();
        assert!(
            text.starts_with("mismatch: registerpassword sent (a secret"),
            "{text}"
        );
        assert!(!text.contains("Kx7m") && !text.contains("Other"), "{text}");
    }

    #[test]
    fn a_renamed_extension_is_read_back_under_its_new_number_and_a_hash_matches() {
        let v1 = crate::vendors::table("yeastar-v1");
        let sent = record_of(&[
            ("extid", "1001"),
            ("extnumber", "2001"),
            ("loginpassword", "Login-pw1"),
        ]);
        assert_eq!(sent_key(v1, &sent), Some("2001"));
        let read = record_of(&[
            ("extid", "2001"),
            ("loginpassword", &md5_hex("Login-pw1").to_uppercase()),
        ]);
        assert_eq!(compare(v1, &sent, Some(&read)).text(), "verified");
    }
}
