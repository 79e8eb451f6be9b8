//! `pbxbulk migrate`: two connections and one import, from the combined options.
//!
//! Each side's connection (API, URL, user, password, eid, body, timeout, certificate) comes
//! from its flags (`--from-url`, `--to-url`, …) over its own profile (`--from-profile`,
//! `--to-profile`); the rest (pace, output, the run's flags) from the shared flags over
//! `--profile`, whose connection keys and map are not used: a migration has two PBXs, and its
//! `--map` is in the source's columns, not a sheet's.

use std::path::Path;

use super::connect::{self, FROM, TO};
use super::defaults;
use super::import::{Target, conversion, report, run_settings};
use super::options::{Options, get};
use super::profile_of;
use crate::input::Mapping;
use crate::output::source_path;
use crate::run::MigrateSettings;

/// What the command line said, by side.
#[derive(Debug, Clone, Default)]
pub(crate) struct MigrateOptions {
    /// The source's connection flags; `profile` is `--from-profile`.
    pub(crate) from: Options,
    /// The target's connection flags; `profile` is `--to-profile`.
    pub(crate) to: Options,
    /// Everything else; `profile` is `--profile`.
    pub(crate) run: Options,
}

pub(crate) fn migrate(cli: MigrateOptions) -> anyhow::Result<MigrateSettings> {
    let shared = Options {
        map: None,
        ..profile_of(&cli.run)?.without_connection()
    };
    let run = cli.run.combine(shared).combine(Options::built_in());
    let side = |o: Options| -> anyhow::Result<Options> {
        let profile = profile_of(&o)?.connection();
        // The side's own profile, for a message about a key it lacks.
        let named = Options {
            profile: o.profile.clone(),
            ..Options::default()
        };
        let own = o.connection().combine(named);
        Ok(own.combine(profile).combine(run.clone()))
    };
    let (from, to) = (side(cli.from)?, side(cli.to)?);
    let (from_api, to_api) = (connect::api(&from, &FROM)?, connect::api(&to, &TO)?);
    let source_wire = connect::wire(from_api, &from, &FROM)?;
    let target_wire = connect::wire(to_api, &to, &TO)?;
    // A pair that cannot work is refused before either PBX is asked anything.
    let converted = conversion(from_api, to_api, &to, &target_wire.eid)?;
    let mapping = match get(&to.map) {
        Some(path) => Some(Mapping::load(path)?),
        None => converted,
    };
    let source = connect::connection(&from, &FROM)?;
    let target = Target {
        connection: connect::connection(&to, &TO)?,
        wire: target_wire,
    };
    let report = report(&to, Path::new("-"), defaults::MIGRATE_REPORT);
    let file = source_path(&report.0);
    let import = run_settings(&to, to_api, target, mapping, file, report)?;
    Ok(MigrateSettings {
        from: from_api,
        source,
        source_wire,
        retry: import.retry,
        import,
    })
}
