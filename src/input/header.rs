//! The header row: which field each column is, checked once before any row is read.
//!
//! Names match the rule table case-insensitively, with the table's aliases. An unknown name
//! gets a did-you-mean (`User Name` → `username`). A file in another layout (a vendor's own
//! web-UI file) is read through that layout's mapping instead (`layouts`).

use super::suggest::did_you_mean;
use crate::domain::values::{list_some, shorten};
use crate::rules::Table;

/// How many known (and unknown) columns an error lists before "and N more".
const LISTED: usize = 20;
/// Characters of an unknown column's name shown.
const NAME_SHOWN: usize = 40;

/// What the header row says.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    /// Column position → field index in the table; `None` for a column with a blank header
    /// (spreadsheet programs write trailing delimiters), whose cells must then stay blank.
    pub(crate) columns: Vec<Option<usize>>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum HeaderError {
    #[error("unknown column(s) {unknown}. Columns {api} accepts: {known}{hint}")]
    Unknown {
        unknown: String,
        api: &'static str,
        known: String,
        /// When no column at all is known: where the header must be.
        hint: &'static str,
    },
    #[error("column {0} appears twice in the header")]
    Duplicate(String),
    #[error("the column {0} is missing; it names the extension on every row")]
    MissingKey(&'static str),
}

/// Maps the header's names (already decoded) to the table's fields; with `key_optional` the
/// key column may be missing (rows leave the number to the PBX).
pub(crate) fn map_header(
    names: &[&str],
    table: &'static Table,
    key_optional: bool,
) -> Result<Columns, HeaderError> {
    let lower: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    let key = table.key_index();
    let mut mapping = Columns {
        columns: Vec::with_capacity(names.len()),
    };
    let mut unknown = Vec::new();
    for (at, name) in lower.iter().enumerate() {
        if name.is_empty() {
            mapping.columns.push(None);
            continue;
        }
        match table.column_for(name) {
            Some(i) if mapping.columns.contains(&Some(i)) => {
                return Err(HeaderError::Duplicate(table.fields[i].name.to_string()));
            }
            Some(i) => mapping.columns.push(Some(i)),
            None => {
                let shown = shorten(names[at].trim(), NAME_SHOWN);
                let shown = shown.as_str();
                let spellings = table
                    .fields
                    .iter()
                    .map(|f| (f.name, f.name))
                    .chain(table.aliases.iter().copied());
                unknown.push(match did_you_mean(shown, spellings) {
                    Some(meant) => format!("{shown:?} (did you mean {meant}?)"),
                    None => format!("{shown:?}"),
                });
                mapping.columns.push(None);
            }
        }
    }
    if !unknown.is_empty() {
        let known: Vec<String> = table.fields.iter().map(|f| f.name.to_string()).collect();
        return Err(HeaderError::Unknown {
            unknown: list_some(&unknown, LISTED),
            api: table.api.name,
            known: list_some(&known, LISTED),
            hint: title_row_hint(&mapping),
        });
    }
    if !key_optional && !mapping.columns.contains(&Some(key)) {
        return Err(HeaderError::MissingKey(table.key));
    }
    Ok(mapping)
}

/// When not one column is known, most likely a title row sits above the header. It is not
/// skipped by guess (a file whose first row is data would be misread); it is named.
fn title_row_hint(mapping: &Columns) -> &'static str {
    match mapping.columns.iter().all(Option::is_none) {
        true => {
            ". No column is one it knows: the header must be the file's first row (delete a \
             title row above it)"
        }
        false => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(header: &str, api: &'static str) -> Result<Columns, HeaderError> {
        let names: Vec<&str> = header.split(',').collect();
        map_header(&names, crate::vendors::table(api), false)
    }

    #[test]
    fn unknown_columns_get_a_did_you_mean_and_a_short_list() {
        let err = map("number,User Name,E-mail,Department", "yeastar-v2").unwrap_err();
        let HeaderError::Unknown { unknown, known, .. } = &err else {
            panic!("{err:?}");
        };
        assert_eq!(
            unknown,
            r#""User Name" (did you mean username?), "E-mail" (did you mean email?), "Department""#
        );
        assert!(known.starts_with("number, username, callerid"), "{known}");
        assert!(known.ends_with(" and 17 more"), "{known}");
        assert!(!err.to_string().contains("first row"), "{err}");
    }

    #[test]
    fn a_title_row_above_the_header_is_named_as_the_likely_cause() {
        let err = map("ACME Corp extension list 2026,,,", "yeastar-v2").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("\"ACME Corp extension list 2026\""), "{text}");
        assert!(
            text.contains("the header must be the file's first row"),
            "{text}"
        );
    }

    #[test]
    fn duplicates_and_a_missing_key_are_refused() {
        assert_eq!(
            map("number,username,name", "yeastar-v2").unwrap_err(),
            HeaderError::Duplicate("username".into())
        );
        assert_eq!(
            map("username,email", "yeastar-v2").unwrap_err(),
            HeaderError::MissingKey("number")
        );
        // Unless rows may leave the number to the PBX.
        let names = ["username", "email"];
        assert!(map_header(&names, crate::vendors::table("yeastar-v2"), true).is_ok());
    }
}
