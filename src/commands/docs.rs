//! `pbxbulk completions SHELL` and `pbxbulk man [COMMAND…]`: generated from the command
//! line's own definition (handed in by the crate root), so they never fall behind it.

use std::io::{self, Write};

use anyhow::bail;

use crate::domain::Exit;

pub(crate) fn completions(
    shell: clap_complete::Shell,
    mut command: clap::Command,
) -> anyhow::Result<Exit> {
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command, "pbxbulk", &mut out);
    out.flush()?;
    Ok(Exit::Ok)
}

/// The page of `pbxbulk` itself, or of the command `path` names (`import`, `config show`).
/// Every page names the pages of its commands (`pbxbulk-import(1)`), and each of those is
/// one this prints.
pub(crate) fn man(command: clap::Command, path: &[String]) -> anyhow::Result<Exit> {
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(page(command, path)?).render(&mut out)?;
    out.flush()?;
    Ok(Exit::Ok)
}

/// The command a man page is about: built (so each knows its full name, `pbxbulk-import`)
/// without clap's `help` command, which has no page.
pub(crate) fn page(command: clap::Command, path: &[String]) -> anyhow::Result<clap::Command> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    for word in path {
        let visible = |c: &&clap::Command| !c.is_hide_set();
        let Some(sub) = command.find_subcommand(word).filter(visible).cloned() else {
            let names: Vec<&str> = (command.get_subcommands().filter(visible))
                .map(clap::Command::get_name)
                .collect();
            let known = match names.is_empty() {
                true => "it has no commands".to_string(),
                false => format!("its commands: {}", names.join(", ")),
            };
            bail!(
                "no manual page for {} {word}: {known}",
                command.get_display_name().unwrap_or(command.get_name())
            );
        };
        command = sub;
    }
    Ok(command)
}
