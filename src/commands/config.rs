//! `pbxbulk config show`: the settings a profile gives, merged under the flags and the
//! environment, and where each value comes from. Secrets are shown only as their source.

use crate::domain::Exit;
use crate::settings::Layers;

pub(crate) fn show(layers: &Layers) -> Exit {
    say!("{}", layers.show().trim_end());
    Exit::Ok
}
