//! Moving a directory from one API to another (`migrate`, `import --from-api`) through the
//! vocabulary every API shares: each API's table says which of its fields holds which
//! [`Term`], so any two APIs correspond without a table per pair. The result is a
//! [`Mapping`], applied exactly where `--map` is, between reading and validation.
//!
//! A field with a term goes to the target's field of that term; a field without one carries
//! over under its own name where the target has it; every other source field is dropped and
//! named, with its value (a secret only by name), in the row's message. A term the source
//! lacks may be filled from another where the target says so (a registration name from the
//! number). A display name and a first and last name correspond: the last word of the one is
//! the last name, the words before it the first name, and the two joined make the one.
//! Values the source hands out only hashed cannot travel (its export leaves them blank): the
//! message of a row whose cell is blank says so.

use super::Vendor;
use crate::domain::Term;
use crate::input::mapping::filters::Filter;
use crate::input::mapping::{Constant, Dropped, Mapping, Piece, Rename, Template};
use crate::rules::{Need, Table};

/// Where a target field's value comes from in the source's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Column(&'static str),
    /// Part of a display name: its first names or its last name.
    Part(&'static str, NamePart),
    /// A first and a last name, joined.
    Joined(&'static str, &'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NamePart {
    First,
    Last,
}

impl Source {
    /// The source columns it reads.
    fn columns(self) -> Vec<&'static str> {
        match self {
            Source::Column(c) | Source::Part(c, _) => vec![c],
            Source::Joined(a, b) => vec![a, b],
        }
    }
}

/// A conversion, or why it cannot be done.
pub(crate) type Conversion = Option<Mapping>;

/// Whether `from` → `to` can be done, `adds` telling whether rows may create extensions; the
/// reason when not. Checked before any login.
pub(crate) fn refusal(from: &Vendor, to: &Vendor, adds: bool) -> Option<String> {
    if adds && !to.api.caps.add {
        return Some(format!(
            "{} cannot add extensions (its API has no extension/add), so it cannot take a \
             directory from {}; use --mode update to copy settings onto extensions it already has",
            to.name(),
            from.name()
        ));
    }
    if from == to {
        return None;
    }
    let missing: Vec<&str> = needed_to_add(to.table)
        .filter(|field| adds && source_of(from, to, field).is_none())
        .collect();
    // Rows that only update need something to write besides the number.
    let carried = adds
        || to
            .table
            .fields
            .iter()
            .filter(|f| f.name != to.table.key)
            .any(|f| source_of(from, to, f.name).is_some());
    if missing.is_empty() && carried {
        return None;
    }
    let what = if missing.is_empty() {
        format!("none of its fields has a counterpart on {}", to.name())
    } else {
        format!(
            "it has no {} to create {} extensions from",
            missing.join(", "),
            to.name()
        )
    };
    Some(format!("{} holds {}: {what}", from.name(), from.holds))
}

/// The target's fields a new extension needs, besides its secrets (which
/// `--generate-passwords` makes) and its key.
fn needed_to_add(table: &'static Table) -> impl Iterator<Item = &'static str> {
    table
        .fields
        .iter()
        .filter(|f| f.need == Need::OnAdd && !f.secret)
        .map(|f| f.name)
}

/// Where `to`'s field `field` takes its value from in `from`'s columns, if anywhere.
fn source_of(from: &Vendor, to: &Vendor, field: &str) -> Option<Source> {
    let term = to
        .table
        .terms
        .iter()
        .find(|(_, f)| *f == field)
        .map(|(t, _)| *t);
    let column = |term| from.table.field_for(term).map(Source::Column);
    match term {
        Some(term) => column(term)
            .or_else(|| name_parts(from.table, term))
            .or_else(|| {
                let (_, instead) = to.fills.iter().find(|(missing, _)| *missing == term)?;
                column(*instead)
            }),
        None => from.table.field(field).map(|f| Source::Column(f.name)),
    }
}

/// A name the source keeps the other way: split from a display name, or joined from a
/// first and a last name.
fn name_parts(source: &Table, term: Term) -> Option<Source> {
    let display = || source.field_for(Term::DisplayName);
    match term {
        Term::FirstName => display().map(|d| Source::Part(d, NamePart::First)),
        Term::LastName => display().map(|d| Source::Part(d, NamePart::Last)),
        Term::DisplayName => match (
            source.field_for(Term::FirstName),
            source.field_for(Term::LastName),
        ) {
            (Some(first), Some(last)) => Some(Source::Joined(first, last)),
            (Some(one), None) | (None, Some(one)) => Some(Source::Column(one)),
            (None, None) => None,
        },
        Term::Number
        | Term::Email
        | Term::Mobile
        | Term::CallerId
        | Term::SipUser
        | Term::SipSecret
        | Term::LoginSecret
        | Term::VoicemailPin
        | Term::MaxRegistrations
        | Term::Tenant => None,
    }
}

/// The conversion of a sheet in `from`'s columns into `to`'s fields; `None` when the APIs are
/// the same. `tenant` is the target's tenant, for a target field the source cannot name;
/// `generate`: `--generate-passwords` makes the credentials new extensions lack.
pub(crate) fn conversion(from: &Vendor, to: &Vendor, tenant: &str, generate: bool) -> Conversion {
    if from == to {
        return None;
    }
    let (source, target) = (from.table, to.table);
    let mut mapping = Mapping {
        origin: format!("the {} → {} correspondence", from.name(), to.name()),
        ..Mapping::default()
    };
    // Every target field and the source column it is filled from (its own name too: a
    // column renamed to one field is not passed on under its own name as well).
    let mut used = Vec::new();
    for field in target.fields {
        let Some(source) = source_of(from, to, field.name) else {
            continue;
        };
        used.extend(source.columns());
        match source {
            Source::Column(column) => mapping.renames.push(rename(column, field.name)),
            Source::Part(..) | Source::Joined(..) => {
                mapping.templates.push(template(source, field.name));
            }
        }
    }
    for field in source.fields {
        let renamed = used.contains(&field.name);
        let taken = mapping.renames.iter().any(|r| r.field == field.name)
            || mapping.templates.iter().any(|t| t.field == field.name);
        if taken && !renamed {
            mapping.dropped.push(Dropped {
                column: field.name.to_string(),
                why: format!(
                    "{} takes it from {}",
                    to.name(),
                    taken_from(from, &mapping, field.name)
                ),
                secret: field.secret,
            });
        } else if !renamed && !carried(from, to, field.name) {
            mapping.dropped.push(Dropped {
                column: field.name.to_string(),
                why: format!("{} has no such field", to.name()),
                secret: field.secret,
            });
        }
    }
    for hashed in source
        .hashed_on_read
        .iter()
        .filter(|h| carried(from, to, h))
    {
        mapping.notes.push((
            hashed.to_string(),
            match generate {
                true => format!(
                    "{hashed} not carried over: {} hands it out only hashed; a new extension gets \
                 a generated one, an existing one keeps its own",
                    from.name()
                ),
                false => format!(
                    "{hashed} not carried over: {} hands it out only hashed, so {} keeps its own \
                 unless --generate-passwords makes a new one",
                    from.name(),
                    to.name()
                ),
            },
        ));
    }
    if let Some(field) = target.field_for(Term::Tenant)
        && source.field_for(Term::Tenant).is_none()
    {
        mapping.constants.push(Constant {
            line: 0,
            field: field.to_string(),
            value: tenant.to_string(),
        });
    }
    Some(mapping)
}

/// Whether the source column `column` reaches the target: through its term, or under its own
/// name.
fn carried(from: &Vendor, to: &Vendor, column: &str) -> bool {
    match from.table.terms.iter().find(|(_, f)| *f == column) {
        Some((term, _)) => to.table.field_for(*term).is_some(),
        None => to.table.field(column).is_some(),
    }
}

/// The column the target field `field` is filled from, for a message.
fn taken_from<'a>(from: &Vendor, mapping: &'a Mapping, field: &str) -> &'a str {
    let column = mapping
        .renames
        .iter()
        .find(|r| r.field == field)
        .map_or("", |r| r.column.as_str());
    match from.table.field_for(Term::Number) {
        Some(number) if number == column => "the number",
        _ => column,
    }
}

/// The template that fills `field` from a name kept the other way.
fn template(source: Source, field: &str) -> Template {
    let column = |name: &str, filters: Vec<Filter>| Piece::Column {
        name: name.to_string(),
        filters,
    };
    let pieces = match source {
        Source::Part(name, NamePart::First) => vec![column(name, vec![Filter::Given])],
        Source::Part(name, NamePart::Last) => vec![column(name, vec![Filter::Family])],
        Source::Joined(first, last) => vec![
            column(first, Vec::new()),
            Piece::Text(" ".into()),
            column(last, Vec::new()),
        ],
        Source::Column(name) => vec![column(name, Vec::new())],
    };
    Template {
        line: 0,
        field: field.to_string(),
        pieces,
        skip_blanks: true,
    }
}

fn rename(column: &str, field: &str) -> Rename {
    Rename {
        line: 0,
        column: column.to_string(),
        field: field.to_string(),
    }
}

#[cfg(test)]
mod tests;
