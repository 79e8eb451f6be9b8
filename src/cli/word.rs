//! A flag that takes one of a type's words (`--mode upsert`, `--body xml`): parsed by the
//! type's own list ([`Word`]), as a profile's key is, and listed with each word's line in
//! `--help` and the completions.

use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::domain::Word;

/// Parses a flag's value into `T`.
#[derive(Debug)]
pub(crate) struct WordParser<T>(PhantomData<T>);

impl<T> Clone for WordParser<T> {
    fn clone(&self) -> Self {
        WordParser(PhantomData)
    }
}

impl<T> WordParser<T> {
    pub(crate) fn new() -> WordParser<T> {
        WordParser(PhantomData)
    }
}

impl<T: Word + Send + Sync + Clone> TypedValueParser for WordParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        let text = value.to_string_lossy();
        T::from_word(&text).ok_or_else(|| {
            let words = T::WORDS.iter().map(|(word, _, _)| (*word).to_string());
            invalid_value(cmd, arg, &text, words.collect(), None)
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(T::WORDS.iter().map(|(word, _, help)| {
            PossibleValue::new(*word).help(*help)
        })))
    }
}

/// clap's own "invalid value" error for `text`, listing the `valid` words and, when there is
/// one, the closest.
pub(crate) fn invalid_value(
    cmd: &clap::Command,
    arg: Option<&clap::Arg>,
    text: &str,
    valid: Vec<String>,
    closest: Option<String>,
) -> clap::Error {
    let mut e = clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd);
    if let Some(arg) = arg {
        let arg = ContextValue::String(arg.to_string());
        e.insert(ContextKind::InvalidArg, arg);
    }
    let text = ContextValue::String(text.to_string());
    e.insert(ContextKind::InvalidValue, text);
    e.insert(ContextKind::ValidValue, ContextValue::Strings(valid));
    if let Some(closest) = closest {
        e.insert(ContextKind::SuggestedValue, ContextValue::String(closest));
    }
    e
}
