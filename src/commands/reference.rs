//! `pbxbulk reference` (hidden): docs/REFERENCE.md, generated.
use crate::domain::Exit;

pub(crate) fn print(_command: clap::Command) -> anyhow::Result<Exit> {
    Ok(Exit::Ok)
}
