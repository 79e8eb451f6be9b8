//! Reading a mapping file: TOML through serde, each entry keeping its line (toml's spans) so
//! that an error names the line to fix, and the two small languages inside it: templates
//! (`"{First Name} {Last Name}"`) and skip conditions (`Status != "Active"`).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::filters::Filter;
use super::{Condition, Constant, Mapping, Piece, Rename, Template, Test, ValueTable};
use crate::domain::values::quoted;

/// What went wrong, and on which line of the mapping file (1-based; 0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct At {
    pub(crate) line: usize,
    pub(crate) message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    skip: Vec<Spanned<String>>,
    #[serde(default)]
    remove: Vec<Spanned<String>>,
    #[serde(default)]
    ignore_unmapped: bool,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    templates: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    constants: BTreeMap<Spanned<String>, Spanned<Scalar>>,
    #[serde(default)]
    values: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>,
}

/// A constant may be written as text or as a whole number (`ringtimeout = 30`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Number(i64),
}

/// Parses the text of a mapping file.
pub(super) fn parse(text: &str) -> Result<Mapping, At> {
    let line = |span: Range<usize>| line_of(text, span.start);
    let file: File = toml::from_str(text).map_err(|e| At {
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        message: with_hint(e.message().trim()),
    })?;
    let mut mapping = Mapping {
        ignore: file.ignore.into_iter().map(Spanned::into_inner).collect(),
        ignore_unmapped: file.ignore_unmapped,
        ..Mapping::default()
    };
    for (column, field) in file.columns {
        mapping.renames.push(Rename {
            line: line(column.span()),
            column: column.into_inner(),
            field: field.into_inner(),
        });
    }
    for (field, template) in file.templates {
        let at = line(field.span());
        let pieces = template_pieces(template.get_ref()).map_err(|why| At {
            line: at,
            message: format!("template {}: {why}", quoted(template.get_ref())),
        })?;
        mapping.templates.push(Template {
            line: at,
            field: field.into_inner(),
            pieces,
            skip_blanks: false,
        });
    }
    for (field, value) in file.constants {
        let value = match value.into_inner() {
            Scalar::Text(text) => text,
            Scalar::Number(n) => n.to_string(),
        };
        mapping.constants.push(Constant {
            line: line(field.span()),
            field: field.into_inner(),
            value,
        });
    }
    for (field, entries) in file.values {
        let mut table = ValueTable {
            line: line(field.span()),
            field: field.into_inner(),
            ..ValueTable::default()
        };
        for (from, to) in entries {
            match from.get_ref().as_str() {
                "*" => table.other = Some(to.into_inner()),
                _ => table.entries.push((from.into_inner(), to.into_inner())),
            }
        }
        mapping.values.push(table);
    }
    mapping.skip = conditions(file.skip, "skip", &line)?;
    mapping.remove = conditions(file.remove, "remove", &line)?;
    sort_by_line(&mut mapping);
    Ok(mapping)
}

/// The conditions of a `skip` or `remove` list, each with its line.
fn conditions(
    list: Vec<Spanned<String>>,
    what: &str,
    line: &impl Fn(Range<usize>) -> usize,
) -> Result<Vec<Condition>, At> {
    list.into_iter()
        .map(|condition| {
            let at = line(condition.span());
            let mut parsed = parse_condition(condition.get_ref()).map_err(|why| At {
                line: at,
                message: format!("{what} condition {}: {why}", quoted(condition.get_ref())),
            })?;
            parsed.line = at;
            Ok(parsed)
        })
        .collect()
}

/// TOML tables come back in key order; errors and `--show-mapped` read better in file order.
fn sort_by_line(mapping: &mut Mapping) {
    mapping.renames.sort_by_key(|r| r.line);
    mapping.templates.sort_by_key(|t| t.line);
    mapping.constants.sort_by_key(|c| c.line);
    mapping.values.sort_by_key(|v| v.line);
}

/// toml's message, with a hint where it means a value was left unquoted (`= number` reads as
/// a malformed number to TOML).
fn with_hint(message: &str) -> String {
    let syntax = message.starts_with("invalid")
        && !message.starts_with("invalid type")
        && !message.starts_with("invalid value");
    match syntax {
        true => format!("{message} (text is written in double quotes, e.g. \"number\")"),
        false => message.to_string(),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// `"{First Name} {Last Name}"` → column, text, column; `{{` and `}}` are literal braces.
pub(super) fn template_pieces(template: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let parts = reference(&mut chars)?;
                let mut parts = parts.iter();
                let column = parts.next().map_or("", |c| c.trim()).to_string();
                if column.is_empty() {
                    return Err("{} names no column".into());
                }
                let filters = parts
                    .map(|f| Filter::parse(f))
                    .collect::<Result<Vec<_>, _>>()?;
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Column {
                    name: column,
                    filters,
                });
            }
            '}' => return Err("a } has no {; write }} for a literal brace".into()),
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    if !pieces.iter().any(|p| matches!(p, Piece::Column { .. })) {
        return Err("it names no column; use [constants] for a fixed value".into());
    }
    Ok(pieces)
}

/// The inside of a `{…}` up to its `}`, split at each `|`: a column and its filters. A `|` or
/// `}` inside double quotes (a `replace` filter's texts) is text.
fn reference(chars: &mut impl Iterator<Item = char>) -> Result<Vec<String>, String> {
    let mut parts = vec![String::new()];
    let (mut quoted, mut escaped) = (false, false);
    loop {
        let c = chars
            .next()
            .ok_or("a { is not closed by }; write {{ for a literal brace")?;
        match c {
            '}' if !quoted => return Ok(parts),
            '{' if !quoted => {
                return Err("a { is not closed by }; write {{ for a literal brace".into());
            }
            '|' if !quoted => parts.push(String::new()),
            c => {
                quoted ^= c == '"' && !escaped;
                escaped = quoted && c == '\\' && !escaped;
                parts.last_mut().expect("one part at least").push(c);
            }
        }
    }
}

/// `COLUMN == "v"`, `COLUMN != "v"`, `COLUMN in ["a", "b"]`, `COLUMN not in ["a", "b"]`.
/// The column is written bare or in double quotes (needed when its name holds `=`, `!` or
/// the word `in`); values are TOML strings, read by the toml crate itself.
pub(super) fn parse_condition(text: &str) -> Result<Condition, String> {
    let (column, rest) = split_column(text.trim())?;
    let rest = rest.trim_start();
    let (negated, list, value) = if let Some(v) = rest.strip_prefix("==") {
        (false, false, v)
    } else if let Some(v) = rest.strip_prefix("!=") {
        (true, false, v)
    } else if let Some(v) = word(rest, "in") {
        (false, true, v)
    } else if let Some(v) = word(rest, "not").and_then(|r| word(r.trim_start(), "in")) {
        (true, true, v)
    } else {
        return Err("expected ==, !=, in or not in after the column name".into());
    };
    let values = literal(value.trim(), list)?;
    Ok(Condition {
        line: 0,
        column,
        test: if negated {
            Test::NotIn(values)
        } else {
            Test::In(values)
        },
        text: text.trim().to_string(),
    })
}

/// The column name and the text after it.
fn split_column(text: &str) -> Result<(String, &str), String> {
    if let Some(quoted) = text.strip_prefix('"') {
        let end = quoted
            .find('"')
            .ok_or("the quoted column name is not closed")?;
        return Ok((quoted[..end].to_string(), &quoted[end + 1..]));
    }
    let ops = ["==", "!=", " not in ", " in "];
    let at = ops
        .iter()
        .filter_map(|op| text.find(op))
        .min()
        .ok_or("expected ==, !=, in or not in after the column name")?;
    let column = text[..at].trim();
    if column.is_empty() {
        return Err("no column name before the operator".into());
    }
    Ok((column.to_string(), &text[at..]))
}

/// `rest` after the whole word `w`.
fn word<'a>(rest: &'a str, w: &str) -> Option<&'a str> {
    let after = rest.strip_prefix(w)?;
    after.starts_with([' ', '[', '"']).then_some(after)
}

/// A TOML string (`"Active"`) or, for `in`, a list of them (`["A", "B"]`).
fn literal(text: &str, list: bool) -> Result<Vec<String>, String> {
    #[derive(Deserialize)]
    struct One {
        v: String,
    }
    #[derive(Deserialize)]
    struct Many {
        v: Vec<String>,
    }
    let doc = format!("v = {text}");
    if list {
        toml::from_str::<Many>(&doc)
            .map(|m| m.v)
            .map_err(|_| "in needs a list of quoted values, e.g. [\"Left\", \"Terminated\"]".into())
    } else {
        toml::from_str::<One>(&doc)
            .map(|o| vec![o.v])
            .map_err(|_| "the value must be a quoted string, e.g. \"Active\"".into())
    }
}
