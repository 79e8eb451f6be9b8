//! The family's error numbers (docs/vendor/yeastar-api.md §6.2, §6.3): what each means for a
//! person, and how the client treats it.

use crate::pbx::ErrorClass;

/// The documented error numbers (docs/vendor/yeastar-api.md §6.2) that matter for extensions and sessions.
pub(crate) mod code {
    pub(crate) const BAD_XML: &str = "10002";
    pub(crate) const NOT_JSON: &str = "20000";
    pub(crate) const NOT_POST: &str = "20001";
    pub(crate) const LOCKED_OUT: &str = "20002";
    pub(crate) const BAD_LOGIN: &str = "20003";
    pub(crate) const NO_SUCH_TOKEN: &str = "20004";
    pub(crate) const BLANK_TOKEN: &str = "20005";
    pub(crate) const TOKEN_TIMEOUT: &str = "20006";
    pub(crate) const UNSUPPORTED: &str = "10003";
    pub(crate) const BLANK_PARAMETER: &str = "10004";
    pub(crate) const NO_SUCH_EXTENSION: &str = "10006";
    pub(crate) const CONFIG_FAILED: &str = "10017";
    pub(crate) const TOO_FREQUENT: &str = "10025";
    pub(crate) const APISRV_HANDOFF: &str = "20010";
    pub(crate) const API_CODES: &str = "30001";
    pub(crate) const APISRV_DOWN: &str = "30003";
}

const MEANINGS: &[(&str, &str)] = &[
    ("10002", "unsupported XML data packet format"),
    ("10003", "unsupported API request"),
    ("10004", "a required parameter is blank"),
    ("10006", "the extension does not exist"),
    ("10007", "the call does not exist"),
    ("10017", "the extension configuration failed"),
    ("10025", "the PBX is applying configuration too often"),
    ("10028", "the number cannot be blank"),
    ("20000", "the PBX only accepts JSON"),
    ("20001", "the PBX only accepts POST"),
    (
        "20002",
        "this address is locked out after 5 failed logins (for 10 minutes)",
    ),
    ("20003", "wrong API username or password"),
    ("20004", "no such token"),
    ("20005", "the token is blank"),
    ("20006", "the token timed out"),
    (
        "20010",
        "the PBX failed to hand the request to its API server",
    ),
    ("30001", "the PBX's API server failed"),
    ("30003", "the PBX's API server is not running"),
];

/// What an errno means, in words for the report.
pub(crate) fn meaning(code: &str) -> &'static str {
    MEANINGS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("the PBX refused the request", |(_, m)| m)
}

/// How the client treats an errno (docs/vendor/yeastar-api.md §6.3).
pub(crate) fn class(code: &str) -> ErrorClass {
    use code::*;
    match code {
        NO_SUCH_TOKEN | BLANK_TOKEN | TOKEN_TIMEOUT => ErrorClass::TokenExpired,
        LOCKED_OUT | BAD_LOGIN => ErrorClass::LoginRefused,
        TOO_FREQUENT => ErrorClass::SlowDown,
        APISRV_HANDOFF | API_CODES | APISRV_DOWN => ErrorClass::Transient,
        _ => ErrorClass::Permanent,
    }
}
