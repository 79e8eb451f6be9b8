//! The P-Series error codes (docs/vendor/yeastar-p-api.md, "errors"), in words for the report,
//! and how the client treats each. The same numbers mean other things in the S-Series table
//! (10004 is "token expired" here, "a required parameter is blank" there).

use crate::pbx::ErrorClass;

pub(super) const FAILURE: &str = "-1";
pub(super) const INTERNAL: &str = "-2";
pub(super) const NO_INTERFACE: &str = "10001";
pub(super) const VERSION_UNSUPPORTED: &str = "10003";
pub(super) const TOKEN_EXPIRED: &str = "10004";
pub(super) const ACCESS_DENIED: &str = "10005";
pub(super) const SYNTAX: &str = "40001";
pub(super) const PARAMETER: &str = "40002";
pub(super) const DUPLICATE: &str = "40003";
pub(super) const NOT_FOUND: &str = "60001";
pub(super) const MAX_LIMIT: &str = "60002";
pub(super) const IP_BLOCKED: &str = "70004";
pub(super) const OVERLOAD: &str = "70082";

/// The documented `errmsg` of each code, and what it means for a person.
const TABLE: &[(&str, &str, &str)] = &[
    ("-2", "INTERNAL SERVER ERROR", "the PBX failed internally"),
    ("-1", "FAILURE", "the request failed"),
    (
        "10001",
        "INTERFACE NOT EXISTED",
        "the PBX has no such endpoint",
    ),
    (
        "10002",
        "API VERSION OUT OF MAINTENANCE",
        "this API version is no longer maintained",
    ),
    (
        "10003",
        "API VERSION UNSUPPORTED",
        "the PBX does not speak this API version",
    ),
    ("10004", "TOKEN EXPIRED", "the access token expired"),
    ("10005", "ACCESS DENIED", "access denied"),
    ("10009", "OPERATION FAILED", "the operation failed"),
    (
        "40001",
        "PARAMETER SYNTAX ERROR",
        "the request is not well formed",
    ),
    ("40002", "PARAMETER ERROR", "a field breaks the PBX's rule"),
    (
        "40003",
        "DUPLICATE KEY VALUE",
        "a value that must be unique is already used",
    ),
    ("40004", "FILE SIZE EXCEEDED", "too large"),
    ("60001", "DATA NOT FOUND", "no such extension"),
    (
        "60002",
        "MAX LIMITATION EXCEEDED",
        "the application already holds the most access tokens allowed (8): wait until one expires, or revoke one",
    ),
    ("60101", "ROLE NOT EXISTED", "no such user role"),
    (
        "70004",
        "ACCOUNT IP BLOCKED",
        "this address is blocked after 5 failed logins; an administrator lifts it on the PBX (Security → Blocked IPs)",
    ),
    (
        "70082",
        "OVERLOAD_TASK_RUNNING",
        "the PBX is busy with another task",
    ),
    ("70084", "ACTION FORBIDDEN", "the action is forbidden"),
    (
        "70087",
        "IP FORBIDDEN",
        "this address may not use the API (the PBX's IP restriction)",
    ),
    (
        "70120",
        "ORGANIZATION DISABLED",
        "organization management is off",
    ),
    (
        "70123",
        "API UNAVAILABLE",
        "the API is not enabled on the PBX (Integrations → API)",
    ),
];

/// The `errmsg` the documents give for `code`.
pub(super) fn errmsg(code: &str) -> &'static str {
    TABLE
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or("FAILURE", |(_, msg, _)| msg)
}

/// What `code` means, in words for the report.
pub(super) fn meaning(code: &str) -> &'static str {
    TABLE
        .iter()
        .find(|(c, ..)| *c == code)
        .map_or("the PBX refused the request", |(.., words)| words)
}

/// How the client treats `code`, answered to a login (`login`) or to any other request.
pub(super) fn class(code: &str, login: bool) -> ErrorClass {
    match code {
        // A refused login is never repeated: five failures block the address for good.
        FAILURE | IP_BLOCKED | MAX_LIMIT if login => ErrorClass::LoginRefused,
        TOKEN_EXPIRED if !login => ErrorClass::TokenExpired,
        INTERNAL => ErrorClass::Transient,
        OVERLOAD => ErrorClass::SlowDown,
        _ => ErrorClass::Permanent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_login_is_final_and_an_expired_token_logs_in_again() {
        assert_eq!(class(FAILURE, true), ErrorClass::LoginRefused);
        assert_eq!(class(IP_BLOCKED, true), ErrorClass::LoginRefused);
        assert_eq!(class(TOKEN_EXPIRED, false), ErrorClass::TokenExpired);
        // A renewal refused because its refresh token expired is not final: a login follows.
        assert_eq!(class(TOKEN_EXPIRED, true), ErrorClass::Permanent);
        assert_eq!(class(PARAMETER, false), ErrorClass::Permanent);
        assert_eq!(errmsg(DUPLICATE), "DUPLICATE KEY VALUE");
        assert!(meaning(IP_BLOCKED).contains("Blocked IPs"));
    }
}
