//! Where each value on the command line came from, as clap saw it: typed, or read from the
//! flag's environment variable; a value clap filled in from its `default_value` is no value at
//! all here, since the defaults are the bottom layer of the settings, below a profile.

use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::settings::{Given, Origin};

/// One command's matches, asked about by argument id (a field's name).
#[derive(Clone, Copy)]
pub(crate) struct Origins<'a>(pub(crate) &'a ArgMatches);

impl Origins<'_> {
    /// `value` with where it came from; `None` when clap only filled in the default.
    pub(crate) fn of<T>(self, id: &str, value: Option<T>) -> Option<Given<T>> {
        let origin = match self.0.value_source(id)? {
            ValueSource::EnvVariable => Origin::Env,
            ValueSource::DefaultValue => return None,
            // `ValueSource` is non-exhaustive; anything else was typed.
            _ => Origin::Flag,
        };
        Some(Given::new(value?, origin))
    }

    /// A switch (`--dry-run`): given only when it is on.
    pub(crate) fn switch(self, id: &str, on: bool) -> Option<Given<bool>> {
        self.of(id, on.then_some(true))
    }

    /// A repeatable flag: given when it was given at least once.
    pub(crate) fn list<T>(self, id: &str, values: Vec<T>) -> Option<Given<Vec<T>>> {
        self.of(id, (!values.is_empty()).then_some(values))
    }
}
