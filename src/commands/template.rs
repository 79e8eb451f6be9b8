//! `pbxbulk template`: the header an API's spreadsheet takes, with one example row that
//! passes every rule; `--describe` prints the rules themselves, straight from the table.

use std::io::{self, Write};

use crate::domain::{ApiKind, Exit};
use crate::rules::{self, Cross, Need, Origin, Table};

/// Prints the template, or with `describe` the rules, of `api`.
pub(crate) fn run(
    api: ApiKind,
    describe_rules: bool,
    weak_passwords: bool,
) -> anyhow::Result<Exit> {
    let table = rules::table(api);
    let mut out = io::stdout().lock();
    if describe_rules {
        describe(table, weak_passwords, &mut out)?;
    } else {
        template(table, &mut out)?;
    }
    Ok(Exit::Ok)
}

/// The header and the example row, as CSV.
pub(crate) fn template(table: &Table, out: &mut impl Write) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(table.fields.iter().map(|f| f.name))?;
    csv.write_record(table.fields.iter().map(|f| {
        table
            .example
            .iter()
            .find(|(name, _)| *name == f.name)
            .map_or("", |(_, value)| value)
    }))?;
    csv.flush()
}

/// The rules as a table a person can read.
pub(crate) fn describe(
    table: &Table,
    weak_passwords: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(
        out,
        "Field rules for --api {} (key column: {})\n",
        table.api.name(),
        table.key
    )?;
    let rows: Vec<[String; 5]> = table
        .fields
        .iter()
        .map(|f| {
            let need = match f.need {
                Need::Always => "always",
                Need::OnAdd => "to add",
                Need::Optional => "",
            };
            let about = if f.secret {
                format!("{} (secret)", f.about)
            } else {
                f.about.to_string()
            };
            let source = match table.origin(f.name) {
                Origin::Documented(_) => "documented",
                Origin::Inferred(_) => "inferred",
            };
            [
                f.name.to_string(),
                need.to_string(),
                f.kind.describe(weak_passwords),
                source.to_string(),
                about,
            ]
        })
        .collect();
    let header = ["column", "required", "rule", "source", "meaning"].map(String::from);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in [&header].into_iter().chain(&rows) {
        writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )?;
    }
    writeln!(out, "\nWhere the fields come from:")?;
    writeln!(
        out,
        "  documented in {} unless listed here",
        table.documented_in
    )?;
    for f in table.fields {
        match table.origin(f.name) {
            Origin::Documented(doc) if doc == table.documented_in => {}
            Origin::Documented(doc) => writeln!(out, "  {}: documented in {doc}", f.name)?,
            Origin::Inferred(why) => writeln!(out, "  {}: inferred: {why}", f.name)?,
        }
    }
    writeln!(out, "\nRules between fields:")?;
    for rule in table.cross {
        match rule {
            Cross::NeededWhen {
                field,
                when,
                values,
            } => writeln!(
                out,
                "  {field} is required when {when} is {}",
                values.join(" or ")
            )?,
            Cross::OneNeededToAdd { fields } => writeln!(
                out,
                "  {} is required to add an extension",
                fields.join(" or ")
            )?,
            Cross::NotContaining { field, others } => writeln!(
                out,
                "  {field} must not contain the {} (strong password policy)",
                others.join(" or the ")
            )?,
        }
    }
    writeln!(out, "\nRules between rows:")?;
    writeln!(out, "  a {} may appear only once in a file", table.key)?;
    if let Some(rename) = table.rename {
        writeln!(out, "  {rename} must not be a number another row uses")?;
    }
    writeln!(out, "\nNotes:")?;
    for note in table.notes {
        writeln!(out, "  - {note}")?;
    }
    Ok(())
}
