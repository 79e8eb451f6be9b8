//! `pbxbulk validate`: the sheet, the API whose rules apply, and what to write, from the
//! combined options (offline: a profile's API, map, encoding and password policy apply, its
//! connection is not used).

use std::path::PathBuf;

use anyhow::bail;

use super::connect;
use super::import::{read_settings, sheet, summary_json};
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
    pub(crate) mapping: Option<Mapping>,
    /// Print the first N rows as the mapping makes them.
    pub(crate) show_mapped: usize,
    pub(crate) generate_passwords: bool,
    pub(crate) read: ReadSettings,
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
    Ok(ValidateSettings {
        summary_json: summary_json(&o, &file)?,
        read: read_settings(&o),
        api,
        mode,
        report: get(&o.report).cloned(),
        weak_passwords: *set(&o.weak_passwords),
        mapping: get(&o.map).map(|path| Mapping::load(path)).transpose()?,
        show_mapped: *set(&o.show_mapped),
        generate_passwords: *set(&o.generate_passwords),
        file,
    })
}
