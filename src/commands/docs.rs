//! `pbxbulk completions SHELL` and `pbxbulk man`: generated from the command line's own
//! definition (handed in by the crate root), so they never fall behind it.

use std::io::{self, Write};

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

pub(crate) fn man(command: clap::Command) -> anyhow::Result<Exit> {
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(command).render(&mut out)?;
    out.flush()?;
    Ok(Exit::Ok)
}
