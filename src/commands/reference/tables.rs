//! The reference's tables that come from the code's own lists: each list is the code's, and
//! each meaning sits beside a match (or a check) that a new entry cannot slip past.

use std::fmt::Write as _;

use super::cell;
use crate::domain::{Action, Code, Exit, RunEnd, Status};
use crate::output::report::COLUMNS;

/// Why a run ended, in the order the reference lists them.
const REASONS: [RunEnd; 10] = [
    RunEnd::Done,
    RunEnd::RowsFailed,
    RunEnd::VerifyMismatch,
    RunEnd::PbxUnreachable,
    RunEnd::LoginRefused,
    RunEnd::Safeguard,
    RunEnd::StalePlan,
    RunEnd::BadInput,
    RunEnd::LocalFailure,
    RunEnd::Interrupted,
];

fn reason_meaning(reason: RunEnd) -> &'static str {
    match reason {
        RunEnd::Done => "every row ok or unchanged",
        RunEnd::RowsFailed => {
            "the run finished, but some rows were invalid or failed: see the report"
        }
        RunEnd::PbxUnreachable => {
            "the PBX could not be reached, before or during the run: try later"
        }
        RunEnd::LoginRefused => {
            "the PBX refused the credentials: fix them (the address may be locked for 10 minutes)"
        }
        RunEnd::Safeguard => {
            "a safeguard refused the run (the `--max-delete` limit): it needs a person"
        }
        RunEnd::BadInput => {
            "the command line, a config file or the input was unusable (the summary's `message` says which)"
        }
        RunEnd::LocalFailure => {
            "this machine failed under the run (a full or read-only disk, the journal or the report could not be written), or the PBX did not make the written changes live: fix it, then `--resume`"
        }
        RunEnd::Interrupted => "stopped by Ctrl-C or SIGTERM: finish it with `--resume`",
        RunEnd::VerifyMismatch => {
            "`--verify` read a written field back unlike what was sent (the PBX's silent loss): see the report's `verify` column; it wins over `rows_failed`"
        }
        RunEnd::StalePlan => {
            "`apply` refused its plan, nothing sent: the PBX, the input or the plan changed since it was made, or its signature does not hold; make a new plan"
        }
    }
}

pub(super) fn exit_codes(md: &mut String) -> anyhow::Result<()> {
    md.push_str("## Exit codes and reasons\n\n| exit | reason | meaning |\n|---|---|---|\n");
    for reason in REASONS {
        let exit = reason.exit() as u8;
        let word = reason.word();
        writeln!(md, "| {exit} | `{word}` | {} |", reason_meaning(reason))?;
    }
    writeln!(
        md,
        "\nExit {} means every row is ok or unchanged, {} that the run finished with rows \
         invalid or failed, {} that nothing or not everything could be attempted. The reason is \
         the `reason` of `--summary-json`, chosen from the typed error that stopped the run, \
         never from its words.\n",
        Exit::Ok as u8,
        Exit::RowsFailed as u8,
        Exit::Incomplete as u8
    )?;
    Ok(())
}

/// The fields of `--summary-json`, in the order it writes them.
pub(super) const SUMMARY_FIELDS: [(&str, &str); 22] = [
    (
        "schema",
        "the version of this layout; fields are only ever added",
    ),
    ("exit_code", "the exit code"),
    ("reason", "why, as a word from the table above"),
    ("message", "the one line that explains a stop, else `null`"),
    (
        "file",
        "the input (`validate`, `import`); `null` for `export`, `migrate` and a command line refused before it named one",
    ),
    (
        "api",
        "the API (the target's, for `migrate`); `null` when the command line was refused",
    ),
    (
        "url",
        "the PBX, never with credentials; `null` for `validate`",
    ),
    (
        "mode",
        "`add`, `update`, `upsert` or `sync`; `null` for `export`",
    ),
    ("dry_run", "whether nothing was to be written"),
    ("started_at", "UTC, RFC 3339"),
    ("ended_at", "UTC, RFC 3339"),
    ("duration_secs", "seconds, to the millisecond"),
    ("rows", "report lines (for `export`, extensions written)"),
    (
        "counts",
        "rows by `action`, then by `status`, every pair present (an exported extension is `none`/`ok`)",
    ),
    ("requests", "write requests sent, every try counted"),
    ("rate_achieved", "requests per second over the run"),
    ("retries", "tries beyond the first"),
    ("relogins", "logins after the first"),
    ("report", "the report (for `export`, the file written)"),
    ("rejects", "the rejects file, when a row went there"),
    ("journal", "the journal, when it is kept for `--resume`"),
    (
        "verify",
        "with `--verify`: `{\"verified\": N, \"mismatched\": N, \"with_unverifiable\": N}` (rows read back; the last counts rows with a secret the PBX does not hand back, inside the other two); `null` without it, or when the run stopped before reading back",
    ),
];

pub(super) fn summary_fields(md: &mut String) -> anyhow::Result<()> {
    md.push_str(
        "## `--summary-json`\n\n\
         `import`, `export`, `migrate`, `validate` and `apply` write it on every exit, a refused \
         command line included (reason `bad_input`, zero counts); `-` writes it to standard \
         output and moves the lines for people to standard error. It replaces the file whole \
         and is never written over the input; a command line that cannot be parsed replaces \
         only a file that is already a summary.\n\n| field | meaning |\n|---|---|\n",
    );
    for (field, meaning) in SUMMARY_FIELDS {
        writeln!(md, "| `{field}` | {} |", cell(meaning))?;
    }
    md.push('\n');
    Ok(())
}

/// What each report column holds.
pub(super) const COLUMN_MEANINGS: [(&str, &str); 11] = [
    (
        "row",
        "the row number a spreadsheet program shows (header = 1; blank lines count, quoted newlines do not); empty for a prune's delete",
    ),
    ("number", "the extension"),
    ("action", "what the row does (below)"),
    ("status", "what happened (below)"),
    (
        "error_code",
        "the API's own code (`10006`, `ERROR_ILLEGAL_ARGUMENT`) or one of ours (below)",
    ),
    ("message", "plain words; every problem of an invalid row"),
    ("field", "the fields the error is about"),
    (
        "changed",
        "the fields sent (a dry run: each as old → new, a secret only by name)",
    ),
    ("attempts", "tries, retries included"),
    ("latency_ms", "from the first send to the final answer"),
    (
        "verify",
        "with `--verify`, for a row written: `verified`, or `mismatch: FIELD sent \"x\", PBX has \"y\"`, then `not verifiable: FIELD, …` for secrets the PBX does not hand back; blank otherwise",
    ),
];

fn action_meaning(action: Action) -> &'static str {
    match action {
        Action::Add => "creates the extension",
        Action::Update => "changes the fields that differ",
        Action::Delete => "deletes it (`--mode sync --prune`)",
        Action::None => {
            "nothing to send (or, for `validate` in upsert and sync, not known offline)"
        }
    }
}

fn status_meaning(status: Status) -> &'static str {
    match status {
        Status::Ok => "done as asked",
        Status::Unchanged => "already as in the file; nothing sent",
        Status::Invalid => "failed validation; never sent",
        Status::Failed => "sent and refused, or given up after the retries",
        Status::Skipped => {
            "not attempted: a blank row, a dry run, a row the mapping skips, a run that stopped"
        }
    }
}

pub(super) fn report_columns(md: &mut String) -> anyhow::Result<()> {
    md.push_str(
        "## The report\n\nOne line per input row, in input order, each row exactly once.\n\n",
    );
    md.push_str("| column | meaning |\n|---|---|\n");
    for column in COLUMNS {
        let meaning = COLUMN_MEANINGS.iter().find(|(c, _)| *c == column);
        writeln!(
            md,
            "| `{column}` | {} |",
            cell(meaning.map_or("", |(_, m)| m))
        )?;
    }
    md.push_str("\n| action | meaning |\n|---|---|\n");
    for action in Action::ALL {
        writeln!(md, "| `{action}` | {} |", action_meaning(action))?;
    }
    md.push_str("\n| status | meaning |\n|---|---|\n");
    for status in Status::ALL {
        writeln!(md, "| `{status}` | {} |", status_meaning(status))?;
    }
    md.push('\n');
    Ok(())
}

fn code_meaning(code: Code) -> &'static str {
    match code {
        Code::MissingField => "a required cell is blank (the key, or a field adding needs)",
        Code::BadValue => "a cell breaks its field's rule",
        Code::NeedsField => {
            "a cell is needed because of another (a forward to Mobile Number needs `mobile`)"
        }
        Code::DuplicateNumber => "the number already appears in an earlier row",
        Code::DuplicateValue => {
            "a value that must be unique (an e-mail address) already appears in an earlier row"
        }
        Code::RenameConflict => "a rename would land on a number another row uses",
        Code::NotUtf8 => {
            "a cell cannot be read in the file's encoding (only if the file changed while it was read)"
        }
        Code::ExtraCells => "a cell has a value under no column",
        Code::NotSupported => {
            "the row needs what the API cannot do (adding through an API without add)"
        }
        Code::NotFound => {
            "the PBX has no such extension (an update found none); upsert and sync add it instead"
        }
        Code::UnknownUser => {
            "no user has the row's login name (or several have), or it is not the row's user id"
        }
        Code::Timeout => "no answer within `--timeout`",
        Code::Connection => "the connection failed or was dropped",
        Code::HttpStatus => "the PBX answered with an HTTP error",
        Code::BadResponse => {
            "the PBX's answer could not be read (not its format, too large, or neither success nor error)"
        }
        Code::SoapFault => {
            "a SOAP service answered with a fault; `message` has its faultcode and faultstring"
        }
        Code::Internal => {
            "a bug in pbxbulk ended this row's sending; the run went on with the other rows. Whether the PBX took it is unknown: check it"
        }
        Code::Aborted => {
            "not attempted, or not finished, because the run stopped; `--resume` checks an abandoned request on the PBX"
        }
        Code::Redirect => {
            "the PBX answered with a redirect (3xx), which is never followed; `message` names the target"
        }
        Code::Tls => {
            "the TLS handshake failed: the certificate is not trusted, names another host or expired"
        }
        Code::TruncatedRow => {
            "the file ends inside this row (an interrupted download); it is not imported"
        }
        Code::BadNumber => {
            "`--prune`: the PBX lists a number that breaks the key's rule; reported, never deleted"
        }
        Code::Mapping => {
            "the `--map` mapping cannot fill the row (a template names a blank cell, a value not in its table)"
        }
        Code::FieldCount => {
            "the row has more or fewer fields than the header has columns (a `--layout` file, read as its own system reads it)"
        }
        Code::NoNumber => {
            "the row has no number and matches no extension (`--match`), and `--assign-numbers` hands out none"
        }
        Code::AmbiguousMatch => {
            "two rows, or two extensions, have the row's `--match` key; `message` names both, nothing is guessed"
        }
        Code::NoFreeNumber => "`--assign-numbers`: every number of the ranges is taken",
    }
}

pub(super) fn error_codes(md: &mut String) -> anyhow::Result<()> {
    md.push_str(
        "## Our error codes\n\nThe API's own codes pass through as they are, with their meaning \
         in `message`; these are ours, for everything else.\n\n| code | meaning |\n|---|---|\n",
    );
    for code in Code::ALL {
        writeln!(md, "| `{}` | {} |", code.as_str(), cell(code_meaning(code)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_column_and_summary_field_is_described() {
        for column in COLUMNS {
            assert!(
                COLUMN_MEANINGS.iter().any(|(c, _)| *c == column),
                "{column}"
            );
        }
        let summary = crate::output::summary_json::SummaryJson::bad_input(
            None,
            "x",
            std::time::SystemTime::UNIX_EPOCH,
        );
        let json = serde_json::to_value(summary).unwrap();
        let written: Vec<&String> = json.as_object().unwrap().keys().collect();
        let described: Vec<&str> = SUMMARY_FIELDS.iter().map(|(f, _)| *f).collect();
        assert_eq!(written.len(), described.len(), "{written:?}");
        for field in described {
            assert!(
                written.iter().any(|w| *w == field),
                "{field} is not written"
            );
        }
    }

    #[test]
    fn every_code_is_listed_once() {
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
