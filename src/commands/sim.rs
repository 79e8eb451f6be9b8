//! `pbxbulk sim`: serve a simulated PBX until killed.

use crate::domain::Exit;
use crate::sim::{self, SimSettings};

/// Serves until killed; `accepts` (the user, and where the password came from) goes to
/// stderr first, beside the simulator's own lines.
pub(crate) fn run(settings: SimSettings, accepts: &str) -> anyhow::Result<Exit> {
    eprintln!("{accepts}");
    super::runtime()?.block_on(sim::serve_forever(settings))?;
    Ok(Exit::Ok)
}
