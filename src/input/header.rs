//! The header row: which field each column is, checked once before any row is read.
//!
//! Names match the rule table case-insensitively, with the table's aliases. An unknown name
//! gets a did-you-mean (`User Name` → `username`). The Yeastar web-UI import file, where
//! `username` is the extension *number* and `fullname` the name, is recognised by its
//! columns and read as such.

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
    /// The web-UI layout's `type` column, whose cells must be SIP (or blank).
    pub(crate) type_column: Option<usize>,
    /// Set when the header is the Yeastar web-UI import layout.
    pub(crate) web_ui: bool,
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
    #[error(
        "columns username and fullname both look like the name. If this is the Yeastar web-UI \
         import file, where username is the extension number, rename username to {key} and \
         fullname to username"
    )]
    WebUiMixed { key: &'static str },
}

/// Maps the header's names (already decoded) to the table's fields.
pub(crate) fn map_header(names: &[&str], table: &'static Table) -> Result<Columns, HeaderError> {
    let lower: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    let has = |name: &str| lower.iter().any(|n| n == name);
    let web_ui_like = table.key != "username"
        && table.index("username").is_some()
        && has("username")
        && (has("fullname") || has("type"));
    let key = table.key_index();
    let names_key = lower
        .iter()
        .any(|n| n != "username" && table.column_for(n) == Some(key));
    let web_ui = match (web_ui_like, names_key) {
        (true, false) => true,
        (true, true) if has("fullname") => {
            return Err(HeaderError::WebUiMixed { key: table.key });
        }
        _ => false,
    };

    let mut mapping = Columns {
        columns: Vec::with_capacity(names.len()),
        type_column: None,
        web_ui,
    };
    let mut unknown = Vec::new();
    for (at, name) in lower.iter().enumerate() {
        if name.is_empty() {
            mapping.columns.push(None);
            continue;
        }
        let field = match name.as_str() {
            "username" if web_ui => Some(key),
            "fullname" if web_ui => table.index("username"),
            "type" if web_ui => {
                mapping.type_column = Some(at);
                mapping.columns.push(None);
                continue;
            }
            _ => table.column_for(name),
        };
        match field {
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
    if !mapping.columns.contains(&Some(key)) {
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
        map_header(&names, crate::vendors::table(api))
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
    fn the_yeastar_web_ui_layout_is_read_with_username_as_the_number() {
        let m = map("type,username,registerpassword,fullname", "yeastar-v2").unwrap();
        let t = crate::vendors::table("yeastar-v2");
        assert!(m.web_ui);
        assert_eq!(m.type_column, Some(0));
        assert_eq!(
            m.columns,
            [
                None,
                Some(t.key_index()),
                t.index("registerpassword"),
                t.index("username")
            ]
        );
        // For v1 the number is extid.
        let m = map("username,fullname", "yeastar-v1").unwrap();
        assert_eq!(
            m.columns[0],
            crate::vendors::table("yeastar-v1").index("extid")
        );
    }

    #[test]
    fn a_header_mixing_both_layouts_is_refused_with_the_renames() {
        let err = map("number,username,fullname", "yeastar-v2").unwrap_err();
        assert_eq!(err, HeaderError::WebUiMixed { key: "number" });
        assert!(
            err.to_string()
                .contains("rename username to number and fullname to username")
        );
        // pbxbulk's own layout is untouched.
        assert!(!map("number,username,email", "yeastar-v2").unwrap().web_ui);
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
    }
}
