//! Settings: what the command line, the environment, a profile and the defaults say, turned
//! into values the rest of the program can trust, before any file is read or request sent.
//!
//! Two stages, as ripgrep and uv have them. First [`Options`]: each layer's values, all
//! optional, each with its origin; `cli` makes one from the command line (it is the only
//! layer that knows clap), `profile.rs` one from a profile, `defaults.rs` names the defaults.
//! [`layered`] combines them in the one order, flag > environment > profile > default. Then
//! each command's settings are built whole from the combined options, in one function per
//! command (`import.rs`, `export.rs`, `migrate.rs`, `validate.rs`, `sim.rs`), and a mistake
//! is one line naming the flag (and the profile that gave the value, if one did). The types
//! built belong to the layers that use them (`run::ImportSettings`, `pbx::Connection`, …), so
//! nothing below knows the command line exists.

mod connect;
pub(crate) mod defaults;
mod export;
mod import;
mod migrate;
mod options;
mod profile;
mod show;
mod sim;
mod validate;
pub(crate) mod values;

use std::path::PathBuf;

use anyhow::Context;

pub(crate) use connect::with_edition;
pub(crate) use export::export;
pub(crate) use import::{import, read_settings};
pub(crate) use migrate::{MigrateOptions, migrate};
pub(crate) use options::{Given, Options, Origin, PasswordFrom, get};
pub(crate) use show::config_show;
pub(crate) use sim::{SimFlags, sim};
pub(crate) use validate::{ValidateSettings, validate};

/// `pbxbulk demo`.
#[derive(Debug, Clone)]
pub(crate) struct DemoSettings {
    pub(crate) report: PathBuf,
}

/// The command line's options over its profile's over the defaults: flag > environment >
/// profile > default, the one order every command's settings are built in.
pub(crate) fn layered(cli: Options) -> anyhow::Result<Options> {
    let profile = profile_of(&cli)?;
    Ok(cli.combine(profile).combine(Options::built_in()))
}

/// The profile `--profile` (or another profile flag, in `o.profile`) names, from `--config`
/// or the default config file; no profile gives no values.
fn profile_of(o: &Options) -> anyhow::Result<Options> {
    let Some(name) = get(&o.profile) else {
        return Ok(Options::default());
    };
    Ok(profile::load(&config_path(o)?, name)?)
}

/// `--config`, else the config file in the user's config directory.
fn config_path(o: &Options) -> anyhow::Result<PathBuf> {
    match get(&o.config) {
        Some(path) => Ok(path.clone()),
        None => profile::default_path().context(
            "--profile needs a config file: this system has no config directory; give --config FILE",
        ),
    }
}
