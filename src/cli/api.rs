//! `--api NAME`: parsed straight into the registry's entry, any case accepted; `--help` and
//! the shell completions list the registry's names with each one's line.

use clap::builder::{PossibleValue, TypedValueParser};

use super::word::invalid_value;
use crate::vendors::{self, VENDORS, Vendor};

/// Parses an `--api` value (and `--from`, `--to`, `--from-api`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiParser;

impl TypedValueParser for ApiParser {
    type Value = &'static Vendor;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        let text = value.to_string_lossy();
        vendors::by_name(&text).map_err(|unknown| {
            let names = VENDORS.iter().map(|v| v.name().to_string()).collect();
            let closest = unknown.closest.map(str::to_string);
            invalid_value(cmd, arg, &text, names, closest)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            VENDORS
                .iter()
                .map(|v| PossibleValue::new(v.name()).help(v.about)),
        ))
    }
}
