//! `pbxbulk config show`: the settings a profile gives, merged under the flags and the
//! environment, and where each value comes from. Secrets are shown only as their source.

use crate::domain::Exit;
use crate::settings::{self, Options};

pub(crate) fn show(options: Options) -> anyhow::Result<Exit> {
    say!("{}", settings::config_show(options)?.trim_end());
    Ok(Exit::Ok)
}
