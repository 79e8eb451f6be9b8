//! `pbxbulk sim`: serve a simulated PBX until killed.

use crate::domain::Exit;
use crate::sim::{self, SimSettings};

pub(crate) async fn sim(settings: SimSettings) -> anyhow::Result<Exit> {
    sim::serve_forever(settings).await?;
    Ok(Exit::Ok)
}
