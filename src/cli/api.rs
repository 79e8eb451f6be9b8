//! `--api NAME`: parsed straight into the registry's entry, any case accepted; `--help` and
//! the shell completions list the registry's names with each one's line.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};

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
            let mut e = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
            if let Some(arg) = arg {
                e.insert(
                    ContextKind::InvalidArg,
                    ContextValue::String(arg.to_string()),
                );
            }
            e.insert(
                ContextKind::InvalidValue,
                ContextValue::String(text.to_string()),
            );
            e.insert(
                ContextKind::ValidValue,
                ContextValue::Strings(VENDORS.iter().map(|v| v.name().to_string()).collect()),
            );
            if let Some(closest) = unknown.closest {
                e.insert(
                    ContextKind::SuggestedValue,
                    ContextValue::String(closest.to_string()),
                );
            }
            e
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
