//! `pbxbulk validate`: the sheet, the API whose rules apply, and what to write, from the
//! combined options (offline: a profile's API, map, encoding and password policy apply, its
//! connection is not used).

use std::path::PathBuf;

use anyhow::bail;

use super::connect;
use super::import::{read_settings, sheet, summary_json};
use super::keyed::Keyed;
use super::options::{Options, get, set};
use crate::domain::Mode;
use crate::input::{Mapping, ReadSettings};
use crate::vendors::Vendor;

/// `pbxbulk validate`.
#[derive(Debug, Clone)]
pub(crate) struct ValidateSettings {
    pub(crate) file: PathBuf,
    pub(crate) api: &'static Vendor,
    pub(crate) mode: Mode,
    pub(crate) report: Option<PathBuf>,
    pub(crate) weak_passwords: bool,
    /// `--strict`: an inferred rule refuses rather than warns.
    pub(crate) strict: bool,
    pub(crate) mapping: Option<Mapping>,
    /// Print the first N rows as the mapping makes them.
    pub(crate) show_mapped: usize,
    pub(crate) generate_passwords: bool,
    pub(crate) read: ReadSettings,
    /// `--match`, `--assign-numbers`, as for an import (against an empty PBX).
    pub(crate) match_field: Option<usize>,
    pub(crate) assign: Vec<(u64, u64)>,
    /// Where to write the JSON summary (`-`: standard output).
    pub(crate) summary_json: Option<PathBuf>,
}

pub(crate) fn validate(cli: Options) -> anyhow::Result<ValidateSettings> {
    let o = super::layered(cli)?;
    let api = connect::api(&o, &connect::ONE)?;
    let mode = *set(&o.mode);
    if mode == Mode::Add && !api.api.caps.add {
        bail!(
            "{} cannot add extensions; validate with --mode update or upsert",
            api.name()
        );
    }
    let file = sheet(&o, "validate")?;
    let keyed = Keyed::given(&o, api)?;
    let mut read = read_settings(&o, api);
    read.numbers_optional = keyed.keyed();
    // --layout and --map exclude each other on the command line: a map beside a layout came
    // from the profile, and the flag wins.
    let mapping = match (get(&o.layout), get(&o.map)) {
        (Some(layout), _) => Some(layout.mapping(api.table)),
        (None, Some(path)) => Some(Mapping::load(path)?),
        (None, None) => None,
    };
    Ok(ValidateSettings {
        summary_json: summary_json(&o, &file)?,
        read,
        match_field: keyed.match_field,
        assign: keyed.assign,
        mapping,
        api,
        mode,
        report: get(&o.report).cloned(),
        weak_passwords: *set(&o.weak_passwords),
        strict: *set(&o.strict),
        show_mapped: *set(&o.show_mapped),
        generate_passwords: *set(&o.generate_passwords),
        file,
    })
}
