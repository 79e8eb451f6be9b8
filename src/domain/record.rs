//! An extension as data: its fields by column name, the PBX's whole directory, and secrets
//! that never print.

use std::collections::BTreeMap;
use std::fmt;

/// An extension's fields by their column names in the rule table.
pub(crate) type Record = BTreeMap<String, String>;

/// Every extension on the PBX by number, as read at the start of a run.
pub(crate) type PbxSnapshot = BTreeMap<String, Record>;

/// A password or token: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<hidden>)")
    }
}

/// A record from `(column, value)` pairs, for tests.
#[cfg(test)]
pub(crate) fn record_of(pairs: &[(&str, &str)]) -> Record {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_does_not_print() {
        let secret = Secret::new("Hunter2-Secret");
        assert!(!format!("{secret:?}").contains("Hunter2"));
        assert_eq!(secret.expose(), "Hunter2-Secret");
    }
}
