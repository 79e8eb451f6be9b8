//! `pbxbulk reference` (hidden): docs/REFERENCE.md, generated from the command line's own
//! definition (every command, every flag with its default and environment variable) and the
//! tables in the code (profile keys, exit codes and reason words, the summary's fields, the
//! report's columns, our error codes), as uv's `generate_options_reference` does. A test
//! compares the committed file with this output, so the reference cannot fall behind.

mod tables;

use std::fmt::Write as _;
use std::io::Write as _;

use crate::domain::Exit;
use crate::settings::Options;
use crate::vendors::VENDORS;

/// How to make the file again, said at its top and by the test that finds it stale.
pub(crate) const REGENERATE: &str = "cargo run --quiet -- reference > docs/REFERENCE.md";

pub(crate) fn print(command: clap::Command) -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    out.write_all(reference(command)?.as_bytes())?;
    out.flush()?;
    Ok(Exit::Ok)
}

/// The whole reference, as Markdown.
pub(crate) fn reference(command: clap::Command) -> anyhow::Result<String> {
    let mut md = String::new();
    writeln!(
        md,
        "# pbxbulk reference\n\n\
         Generated from the command line's definitions and the tables in the code; do not edit \
         it by hand. To make it again: `{REGENERATE}`. The guide to using pbxbulk is \
         [the README](../README.md) and the pages beside this one.\n"
    )?;
    apis(&mut md)?;
    md.push_str("## Commands\n\n");
    let root = super::docs::page(command, &[])?;
    commands(&root, &mut md)?;
    profile_keys(&mut md)?;
    tables::exit_codes(&mut md)?;
    tables::summary_fields(&mut md)?;
    tables::report_columns(&mut md)?;
    tables::error_codes(&mut md)?;
    Ok(md)
}

/// The registry's APIs, the values of every `--api` (and `--from`, `--to`, `--from-api`).
fn apis(md: &mut String) -> anyhow::Result<()> {
    md.push_str(
        "## APIs\n\nWhat `--api` (and `--from`, `--to`, `--from-api`) takes, in any case.\n\n",
    );
    md.push_str("| API | system |\n|---|---|\n");
    for vendor in VENDORS {
        writeln!(md, "| `{}` | {} |", vendor.name(), cell(vendor.about))?;
    }
    md.push('\n');
    Ok(())
}

/// Each visible command, depth first, with its flags.
fn commands(command: &clap::Command, md: &mut String) -> anyhow::Result<()> {
    for sub in command.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = sub
            .get_display_name()
            .unwrap_or(sub.get_name())
            .replace('-', " ");
        writeln!(md, "### `{name}`\n")?;
        if let Some(about) = sub.get_about() {
            writeln!(md, "{about}.\n")?;
        }
        let mut usage = sub.clone();
        let usage = usage.render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ");
        writeln!(md, "```\n{usage}\n```\n")?;
        flags(sub, md)?;
        if let Some(after) = sub.get_after_help() {
            let after = after.to_string();
            if let Some(examples) = after.split("Examples:\n").nth(1) {
                writeln!(md, "Examples:\n\n```sh\n{}\n```\n", dedent(examples))?;
            }
        }
        commands(sub, md)?;
    }
    Ok(())
}

/// The table of a command's flags (and arguments): what each does, its default, its
/// environment variable.
fn flags(command: &clap::Command, md: &mut String) -> anyhow::Result<()> {
    let args: Vec<&clap::Arg> = (command.get_arguments())
        .filter(|a| !a.is_hide_set() && !["help", "version"].contains(&a.get_id().as_str()))
        .collect();
    if args.is_empty() {
        return Ok(());
    }
    md.push_str("| flag | meaning | default | environment |\n|---|---|---|---|\n");
    for arg in args {
        // A switch's default is being off; only a value's default says something.
        let defaults: Vec<String> = (arg.get_default_values().iter())
            .filter(|_| arg.get_action().takes_values())
            .map(|v| format!("`{}`", v.to_string_lossy()))
            .collect();
        let env = arg
            .get_env()
            .map_or(String::new(), |e| format!("`{}`", e.to_string_lossy()));
        writeln!(
            md,
            "| {} | {} | {} | {env} |",
            cell(&name_of(arg)),
            cell(&meaning_of(arg)),
            defaults.join(", ")
        )?;
    }
    md.push('\n');
    Ok(())
}

/// `--rate <PER_SEC|auto>`, `-o, --output <FILE>`, `FILE`.
fn name_of(arg: &clap::Arg) -> String {
    let value = (arg.get_value_names())
        .and_then(|names| names.first())
        .map_or_else(|| arg.get_id().as_str().to_uppercase(), ToString::to_string);
    let takes_value =
        arg.get_num_args().is_some_and(|n| n.takes_values()) || arg.get_action().takes_values();
    match (arg.get_long(), arg.get_short()) {
        (Some(long), Some(short)) => format!("`-{short}, --{long} <{value}>`"),
        (Some(long), None) if takes_value => format!("`--{long} <{value}>`"),
        (Some(long), None) => format!("`--{long}`"),
        (None, _) => format!("`{value}`"),
    }
}

/// The flag's help on one line, then its words and what each means.
fn meaning_of(arg: &clap::Arg) -> String {
    let help = arg.get_help().map_or(String::new(), ToString::to_string);
    let mut text = help.split_whitespace().collect::<Vec<_>>().join(" ");
    let values = arg.get_possible_values();
    let words: Vec<String> = (values.iter())
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(help) => format!("`{}`: {help}", v.get_name()),
            None => format!("`{}`", v.get_name()),
        })
        .collect();
    let apis: Vec<&str> = VENDORS.iter().map(|v| v.name()).collect();
    let names: Vec<&str> = values
        .iter()
        .map(clap::builder::PossibleValue::get_name)
        .collect();
    if names == apis {
        text.push_str(" (one of the APIs above)");
    } else if !words.is_empty() && arg.get_id() != "shell" {
        text.push_str(&format!(" ({})", words.join("; ")));
    }
    text
}

/// The keys a `[profile.NAME]` table may hold, from the settings' own list.
fn profile_keys(md: &mut String) -> anyhow::Result<()> {
    let keys: Vec<String> = (Options::built_in().shown().into_iter())
        .map(|(key, _)| match key.as_str() {
            "password" => {
                "`password-file` (or `password`, in a file only its owner can read)".to_string()
            }
            _ => format!("`{key}`"),
        })
        .filter(|key| key != "`insecure`")
        .collect();
    writeln!(
        md,
        "## Profile keys\n\n\
         A config file (`--config`, or `pbxbulk/config.toml` in the user's config directory) \
         holds `[profile.NAME]` tables. A key takes what its flag takes (`rate = 5` or \
         `rate = \"auto\"`; paths relative to the file). Each value comes from the first of: \
         the flag, its environment variable, the profile, the default (`pbxbulk config show` \
         prints which). The keys: {}.\n\n\
         `migrate` takes each side's connection (`api`, `url`, `user`, the password, `eid`, \
         `body`, `timeout`, `ca-cert`) from `--from-profile` and `--to-profile`, and the other \
         keys but `map` from `--profile`.\n",
        keys.join(", ")
    )?;
    Ok(())
}

/// A table cell: one line, no `|` that would end it.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Example lines without the indent clap's help gives them.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.strip_prefix("  ").unwrap_or(l))
        .collect();
    lines.join("\n").trim_end().to_string()
}
