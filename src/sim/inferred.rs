//! The simulator's choices where the vendor documents are silent (`--inferred KEY=VALUE`).
//!
//! Each default is what the real device most plausibly does; each can be switched so that a
//! rehearsal or a test can meet the other behaviour before a real PBX shows it.

/// One choice per gap in the documents; the defaults are the plausible ones.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // independent choices, each its own flag
pub(crate) struct Inferred {
    /// OpenVox hands the login password out as its MD5 (like Yeastar v1) instead of plain.
    /// docs/vendor/openvox-extension-query.md does not say which.
    pub(crate) openvox_userpassword_md5: bool,
    /// Accept values in any case and as `yes`/`1` (the client's reading) rather than only as
    /// the documents spell them.
    pub(crate) lenient_spelling: bool,
    /// What Verba's getExtension answers for an extension it does not have: `None` = OK with
    /// no `<extension>` (docs/vendor/verba-api.md §4.3 lists no not-found code), or this status code.
    pub(crate) verba_get_missing: Option<String>,
    /// The status of a Verba create/update naming a user id that does not exist
    /// (docs/vendor/verba-api.md §9.2: ERROR_ILLEGAL_ARGUMENT or ERROR_GENERAL).
    pub(crate) verba_unknown_user: String,
    /// The status of a Verba updateExtension of an extension that does not exist
    /// (docs/vendor/verba-api.md §4.1: undocumented).
    pub(crate) verba_update_missing: String,
    /// The Verba tenant whose tokens see every tenant (the provider's own; every documented
    /// example uses `0000`); a token of another tenant sees only its own.
    pub(crate) verba_provider_eid: String,
}

impl Default for Inferred {
    fn default() -> Self {
        Inferred {
            openvox_userpassword_md5: false,
            lenient_spelling: false,
            verba_get_missing: None,
            verba_unknown_user: "ERROR_ILLEGAL_ARGUMENT".into(),
            verba_update_missing: "ERROR_GENERAL".into(),
            verba_provider_eid: "0000".into(),
        }
    }
}

/// The keys `--inferred` takes, with their values, for the error message and `--help`.
pub(crate) const KEYS: &str = "openvox-userpassword=plain|md5, spelling=exact|lenient, \
     verba-get-missing=ok-empty|STATUS, verba-unknown-user=STATUS, \
     verba-update-missing=STATUS, verba-provider-eid=EID";

impl Inferred {
    /// Applies one `KEY=VALUE`.
    pub(crate) fn set(&mut self, setting: &str) -> Result<(), String> {
        let bad = || format!("--inferred {setting}: expected one of {KEYS}");
        let (key, value) = setting.split_once('=').ok_or_else(bad)?;
        let status = |v: &str| {
            (v.starts_with("ERROR_") && v.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
                .then(|| v.to_string())
                .ok_or_else(bad)
        };
        match (key, value) {
            ("openvox-userpassword", "plain" | "md5") => {
                self.openvox_userpassword_md5 = value == "md5";
            }
            ("spelling", "exact" | "lenient") => self.lenient_spelling = value == "lenient",
            ("verba-get-missing", "ok-empty") => self.verba_get_missing = None,
            ("verba-get-missing", v) => self.verba_get_missing = Some(status(v)?),
            ("verba-unknown-user", v) => self.verba_unknown_user = status(v)?,
            ("verba-update-missing", v) => self.verba_update_missing = status(v)?,
            ("verba-provider-eid", v) if !v.is_empty() => self.verba_provider_eid = v.into(),
            _ => return Err(bad()),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_switches_and_nonsense_is_refused() {
        let mut inferred = Inferred::default();
        inferred.set("openvox-userpassword=md5").unwrap();
        inferred.set("spelling=lenient").unwrap();
        inferred.set("verba-get-missing=ERROR_GENERAL").unwrap();
        assert!(inferred.openvox_userpassword_md5 && inferred.lenient_spelling);
        assert_eq!(inferred.verba_get_missing.as_deref(), Some("ERROR_GENERAL"));
        inferred.set("verba-get-missing=ok-empty").unwrap();
        assert_eq!(inferred.verba_get_missing, None);
        for bad in [
            "spelling",
            "spelling=loose",
            "verba-unknown-user=oops",
            "colour=red",
        ] {
            assert!(inferred.set(bad).is_err(), "{bad}");
        }
    }
}
