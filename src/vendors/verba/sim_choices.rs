//! The simulated service's choices where the documents are silent (`--inferred`), read by
//! the service and its reads and writes alike.

use crate::sim::Choice;
use crate::sim::inferred::is_status;

/// The tenant whose tokens see every tenant (the provider's own; every documented example
/// uses `0000`); a token of another tenant sees only its own.
pub(super) const PROVIDER_EID: &str = "verba-provider-eid";
/// What getExtension answers for an extension it does not have: OK with no `<extension>`
/// (docs/vendor/verba-api.md §4.3 lists no not-found code), or this status code.
pub(super) const GET_MISSING: &str = "verba-get-missing";
/// The status of a create/update naming a user id that does not exist
/// (docs/vendor/verba-api.md §9.2: ERROR_ILLEGAL_ARGUMENT or ERROR_GENERAL).
pub(super) const UNKNOWN_USER: &str = "verba-unknown-user";
/// The status of an updateExtension of an extension that does not exist (undocumented).
pub(super) const UPDATE_MISSING: &str = "verba-update-missing";

/// The simulator's choices where the documents are silent.
pub(super) const CHOICES: &[Choice] = &[
    Choice {
        key: GET_MISSING,
        shown: "ok-empty|STATUS",
        default: "ok-empty",
        accepts: |v| v == "ok-empty" || is_status(v),
    },
    Choice {
        key: UNKNOWN_USER,
        shown: "STATUS",
        default: "ERROR_ILLEGAL_ARGUMENT",
        accepts: is_status,
    },
    Choice {
        key: UPDATE_MISSING,
        shown: "STATUS",
        default: "ERROR_GENERAL",
        accepts: is_status,
    },
    Choice {
        key: PROVIDER_EID,
        shown: "EID",
        default: "0000",
        accepts: |v| !v.is_empty(),
    },
];
