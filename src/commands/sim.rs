//! `pbxbulk sim`: serve a simulated PBX until killed.

use crate::domain::Exit;
use crate::sim::{self, SimSettings};

pub(crate) fn run(settings: SimSettings) -> anyhow::Result<Exit> {
    super::runtime()?.block_on(sim::serve_forever(settings))?;
    Ok(Exit::Ok)
}
