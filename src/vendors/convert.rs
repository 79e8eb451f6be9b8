//! Moving a directory from one API to another (`migrate`, `import --from-api`) through the
//! vocabulary every API shares: each API's table says which of its fields holds which
//! [`Term`], so any two APIs correspond without a table per pair. The result is a
//! [`Mapping`], applied exactly where `--map` is, between reading and validation.
//!
//! A field with a term goes to the target's field of that term; a field without one carries
//! over under its own name where the target has it; every other source field is dropped and
//! named, with its value (a secret only by name), in the row's message. A term the source
//! lacks may be filled from another where the target says so (a registration name from the
//! number). Values the source hands out only hashed cannot travel: the message says so.

use super::Vendor;
use crate::domain::Term;
use crate::input::mapping::{Constant, Dropped, Mapping, Rename};
use crate::rules::{Need, Table};

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
fn source_of(from: &Vendor, to: &Vendor, field: &str) -> Option<&'static str> {
    let term = to
        .table
        .terms
        .iter()
        .find(|(_, f)| *f == field)
        .map(|(t, _)| *t);
    match term {
        Some(term) => from.table.field_for(term).or_else(|| {
            let (_, instead) = to.fills.iter().find(|(missing, _)| *missing == term)?;
            from.table.field_for(*instead)
        }),
        None => from.table.field(field).map(|f| f.name),
    }
}

/// The conversion of a sheet in `from`'s columns into `to`'s fields; `None` when the APIs are
/// the same. `tenant` is the target's tenant, for a target field the source cannot name.
pub(crate) fn conversion(from: &Vendor, to: &Vendor, tenant: &str) -> Conversion {
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
        if let Some(column) = source_of(from, to, field.name) {
            mapping.renames.push(rename(column, field.name));
            used.push(column);
        }
    }
    for field in source.fields {
        let renamed = used.contains(&field.name);
        let taken = mapping.renames.iter().any(|r| r.field == field.name);
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
        mapping.notes.push(format!(
            "{hashed} not carried over: {} hands it out only hashed, so {} keeps its own \
             unless --generate-passwords makes a new one",
            from.name(),
            to.name()
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

fn rename(column: &str, field: &str) -> Rename {
    Rename {
        line: 0,
        column: column.to_string(),
        field: field.to_string(),
    }
}

#[cfg(test)]
mod tests;
