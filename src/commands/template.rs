//! `pbxbulk template`: the header an API's spreadsheet takes, with one example row that
//! passes every rule; `--describe` prints the rules themselves, straight from the table.

use std::io::{self, Write};

use crate::domain::Exit;
use crate::input::layouts::Layout;
use crate::rules::{Cross, Field, Kind, Need, Origin, Table};
use crate::vendors::Vendor;

/// Prints the template, or with `describe` the rules, of `api`.
pub(crate) fn run(
    api: &'static Vendor,
    describe_rules: bool,
    weak_passwords: bool,
) -> anyhow::Result<Exit> {
    let table = api.table;
    let mut out = io::stdout().lock();
    if describe_rules {
        if let Some(edition) = api.edition {
            let all: Vec<&str> = api.editions.iter().filter_map(|e| e.edition).collect();
            writeln!(
                out,
                "Rules of the edition {edition} (--edition {}; the first is the default).",
                all.join("|")
            )?;
        }
        describe(table, weak_passwords, out_width(), &mut out)?;
    } else {
        template(table, &mut out)?;
    }
    Ok(Exit::Ok)
}

/// `template --layout NAME`: the header of another system's own layout, as CSV.
pub(crate) fn layout(layout: &Layout) -> anyhow::Result<Exit> {
    let mut csv = csv::Writer::from_writer(io::stdout().lock());
    csv.write_record(layout.header)?;
    csv.flush()?;
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

/// The rules as a table a person can read, wrapped to `width` columns (see [`out_width`]),
/// under the password policy in force.
pub(crate) fn describe(
    table: &Table,
    weak_passwords: bool,
    width: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(out, "{}\n", wrap(&intro(table, weak_passwords), width, ""))?;
    field_rules(table, weak_passwords, width, out)?;
    origins(table, width, out)?;
    writeln!(out, "\nRules between fields:")?;
    for rule in table.cross {
        let text = match rule {
            Cross::NeededWhen {
                field,
                when,
                values,
            } => format!("{field} is required when {when} is {}", values.join(" or ")),
            Cross::OneNeededToAdd { fields } => {
                format!("{} is required to add an extension", fields.join(" or "))
            }
            // Not a rule under the weak policy: the PBX does not check it then.
            Cross::NotContaining { .. } if weak_passwords => continue,
            Cross::NotContaining { field, others } => format!(
                "{field} must not contain the {} (strong password policy)",
                others.join(" or the ")
            ),
        };
        writeln!(out, "{}", wrap(&text, width, "  "))?;
    }
    writeln!(out, "\nRules between rows:")?;
    let key = table.key;
    writeln!(
        out,
        "  {} {key} may appear only once in a file",
        article(key)
    )?;
    if let Some(rename) = table.rename {
        writeln!(out, "  {rename} must not be a number another row uses")?;
    }
    writeln!(out, "\nNotes:")?;
    for note in table.notes {
        writeln!(out, "{}", wrap(note, width, "  - "))?;
    }
    Ok(())
}

/// `text` wrapped to `width`, its first line after `first`, the others indented by four.
fn wrap(text: &str, width: usize, first: &str) -> String {
    let rest = if first.is_empty() { "" } else { "    " };
    let options = textwrap::Options::new(width)
        .initial_indent(first)
        .subsequent_indent(rest);
    textwrap::wrap(text, options).join("\n")
}

/// The line above the table: the API, its key and, where it has passwords, their policy.
fn intro(table: &Table, weak_passwords: bool) -> String {
    // Only an API with password fields has a password policy to speak of.
    let has_policy = (table.fields.iter()).any(|f| matches!(f.kind, Kind::Password(_)));
    let policy = match (has_policy, weak_passwords) {
        (false, _) => "",
        (true, true) => " Password policy: weak (--weak-passwords).",
        (true, false) => {
            " Password policy: strong (the PBX's default; --weak-passwords if the PBX is set \
             to weak)."
        }
    };
    format!(
        "Field rules for --api {} (key column: {}).{policy}",
        table.api.name, table.key
    )
}

/// One row per field: its name, when it is required, its rule and its meaning. The name and
/// "required" columns keep their width; the rule and the meaning share the rest, each
/// wrapped within its own column.
fn field_rules(
    table: &Table,
    weak_passwords: bool,
    width: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let header = ["column", "required", "rule", "meaning"].map(String::from);
    let rows: Vec<[String; 4]> = (table.fields.iter())
        .map(|f| field_row(table, f, weak_passwords))
        .collect();
    let longest = |i: usize| {
        let all = rows.iter().chain([&header]);
        all.map(|r| r[i].chars().count()).max().unwrap_or(0)
    };
    let (w0, w1) = (longest(0), longest(1));
    let rest = width.saturating_sub(w0 + w1 + 6).max(24);
    let w2 = longest(2).min(rest / 2);
    let w3 = rest - w2;
    for row in [&header].into_iter().chain(&rows) {
        let rule = textwrap::wrap(&row[2], w2);
        let meaning = textwrap::wrap(&row[3], w3);
        for line in 0..rule.len().max(meaning.len()).max(1) {
            let (name, need) = match line {
                0 => (row[0].as_str(), row[1].as_str()),
                _ => ("", ""),
            };
            let cell = |cells: &[std::borrow::Cow<'_, str>]| {
                cells.get(line).map_or(String::new(), ToString::to_string)
            };
            let (rule, meaning) = (cell(&rule), cell(&meaning));
            let text = format!("{name:w0$}  {need:w1$}  {rule:w2$}  {meaning}");
            writeln!(out, "{}", text.trim_end())?;
        }
    }
    Ok(())
}

/// A field's row of the table. Where its rule comes from is listed below the table, not in
/// a column of it: a narrow terminal keeps its width for the rules; only an inferred rule is
/// marked here, as it warns unless --strict.
fn field_row(table: &Table, f: &Field, weak_passwords: bool) -> [String; 4] {
    let need = match f.need {
        Need::Always => "always",
        Need::OnAdd => "to add",
        Need::Optional => "",
    };
    let about = match f.secret {
        true => format!("{} (secret)", f.about),
        false => f.about.to_string(),
    };
    let rule = match table.origin(f.name) {
        Origin::Documented(_) => f.kind.describe(weak_passwords),
        Origin::Inferred(_) => format!("{} [inferred]", f.kind.describe(weak_passwords)),
    };
    [f.name.to_string(), need.to_string(), rule, about]
}

/// Where the fields come from: the API's document, unless a field is listed with its own.
fn origins(table: &Table, width: usize, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "\nWhere the fields come from:")?;
    let documented = format!(
        "documented in {} unless listed here. A rule marked [inferred] is stated by no \
         document of this API: a value that breaks it warns and is sent (the PBX decides), \
         unless --strict; the other rules are documented and refuse the row",
        table.documented_in
    );
    writeln!(out, "{}", wrap(&documented, width, "  "))?;
    for f in table.fields {
        let text = match table.origin(f.name) {
            Origin::Documented(doc) if doc == table.documented_in => continue,
            Origin::Documented(doc) => format!("{}: documented in {doc}", f.name),
            Origin::Inferred(why) => format!("{}: inferred: {why}", f.name),
        };
        writeln!(out, "{}", wrap(&text, width, "  "))?;
    }
    Ok(())
}

/// `a` or `an`, as the word is said (by its first letter: the keys are plain words).
fn article(word: &str) -> &'static str {
    match word.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The width to wrap to: `$COLUMNS` if set, else the terminal's; a file or a pipe has no
/// width, so its lines are not wrapped (a pager or an editor wraps them its own way).
pub(crate) fn out_width() -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok());
    let terminal = || terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0));
    columns
        .or_else(terminal)
        .map_or(usize::MAX, |w: usize| w.clamp(40, 400))
}
