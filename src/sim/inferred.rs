//! The simulator's choices where the vendor documents are silent (`--inferred KEY=VALUE`).
//!
//! Each API's simulator declares its own [`Choice`]s beside its answers; the keys every API
//! shares are [`SHARED`]. Each default is what the real device most plausibly does; each can
//! be switched so that a rehearsal or a test can meet the other behaviour before a real PBX
//! shows it.

use std::collections::BTreeMap;

use crate::rules::{self, Problem, Table};

/// One gap in the documents, and the behaviours the simulator can take there.
#[derive(Debug)]
pub(crate) struct Choice {
    pub(crate) key: &'static str,
    /// The values it takes, as `--help` shows them (`plain|md5`, `ok-empty|STATUS`).
    pub(crate) shown: &'static str,
    pub(crate) default: &'static str,
    /// Whether a value is one it takes.
    pub(crate) accepts: fn(&str) -> bool,
}

/// Accept values in any case and as `yes`/`1` (the client's reading) rather than only as the
/// documents spell them.
pub(crate) const SPELLING: Choice = Choice {
    key: "spelling",
    shown: "exact|lenient",
    default: "exact",
    accepts: |v| matches!(v, "exact" | "lenient"),
};

/// Answer every write as done but keep one field as it was: a PBX that silently loses a
/// value (a login password rewritten on every sync was one). No document says any PBX does
/// this; it is the behaviour `--verify` exists to catch, so a rehearsal can meet it. `none`
/// stores every field; a field is named as the API's rule table names it.
pub(crate) const DROP_FIELD: Choice = Choice {
    key: "drop-field",
    shown: "none|FIELD",
    default: "none",
    accepts: |v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
};

/// Refuse a value that breaks a rule no document of the API states (a field's rule marked
/// inferred), or take it as a PBX that holds such values does (yeastar-v2's `ringtimeout`
/// 10 and 12).
pub(crate) const INFERRED_RULES: Choice = Choice {
    key: "inferred-rules",
    shown: "refuse|accept",
    default: "refuse",
    accepts: |v| matches!(v, "refuse" | "accept"),
};

/// The choices of every API's simulator.
pub(crate) const SHARED: &[Choice] = &[SPELLING, DROP_FIELD, INFERRED_RULES];

/// A status word as SOAP services spell them: `ERROR_` and capitals.
pub(crate) fn is_status(value: &str) -> bool {
    value.starts_with("ERROR_") && value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

/// The choices in force: every declared key with its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inferred {
    values: BTreeMap<&'static str, String>,
}

impl Inferred {
    /// Takes out the problems of rules no document of the API states where the simulated
    /// PBX holds such values (`inferred-rules=accept`).
    pub(crate) fn drop_unstated(&self, table: &Table, problems: &mut Vec<Problem>) {
        if self.is(INFERRED_RULES.key, "accept") {
            problems.retain(|p| rules::inferred_rule(table, p).is_none());
        }
    }

    /// The defaults of the shared choices and of `api`'s own.
    pub(crate) fn new(api: &'static [Choice]) -> Inferred {
        let values = SHARED
            .iter()
            .chain(api)
            .map(|c| (c.key, c.default.to_string()))
            .collect();
        Inferred { values }
    }

    /// Applies one `KEY=VALUE`; `api` is the simulated API's own choices.
    pub(crate) fn set(&mut self, setting: &str, api: &'static [Choice]) -> Result<(), String> {
        let bad = || format!("--inferred {setting}: expected one of {}", keys(api));
        let (key, value) = setting.split_once('=').ok_or_else(bad)?;
        let choice = SHARED.iter().chain(api).find(|c| c.key == key);
        match choice {
            Some(c) if (c.accepts)(value) => {
                self.values.insert(c.key, value.to_string());
                Ok(())
            }
            _ => Err(bad()),
        }
    }

    /// The value of a declared choice.
    pub(crate) fn get(&self, key: &str) -> &str {
        self.values
            .get(key)
            .unwrap_or_else(|| panic!("no simulator choice {key:?} is declared"))
    }

    /// Whether a declared choice has the value `value`.
    pub(crate) fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == value
    }
}

/// Every key of `api` and the shared ones, for `--help`.
pub(crate) fn keys(api: &[Choice]) -> String {
    SHARED
        .iter()
        .chain(api)
        .map(|c| format!("{}={}", c.key, c.shown))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &[Choice] = &[Choice {
        key: "colour",
        shown: "red|blue",
        default: "red",
        accepts: |v| matches!(v, "red" | "blue"),
    }];

    #[test]
    fn each_choice_switches_and_nonsense_is_refused() {
        let mut inferred = Inferred::new(OWN);
        assert!(inferred.is("spelling", "exact") && inferred.is("colour", "red"));
        inferred.set("spelling=lenient", OWN).unwrap();
        inferred.set("colour=blue", OWN).unwrap();
        assert!(inferred.is("spelling", "lenient") && inferred.is("colour", "blue"));
        for bad in ["spelling", "spelling=loose", "colour=green", "size=big"] {
            let e = inferred.set(bad, OWN).unwrap_err();
            assert!(e.contains("colour=red|blue"), "{e}");
        }
        // Another API's keys are not this one's.
        assert!(inferred.set("colour=blue", &[]).is_err());
        // Every API's simulator can be told to lose one field on store.
        assert!(inferred.is("drop-field", "none"));
        inferred.set("drop-field=email_addr", &[]).unwrap();
        assert!(inferred.is("drop-field", "email_addr"));
        assert!(inferred.set("drop-field=", &[]).is_err());
        assert!(inferred.set("drop-field=a b", &[]).is_err());
    }
}
