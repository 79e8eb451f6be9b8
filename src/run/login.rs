//! The words of a first login that failed: what happened and what to do about it, shared by
//! every command that logs in to a PBX (import, export, migrate, plan).

use crate::domain::{RunEnd, Stopped};
use crate::pbx::{ApiError, Connection, ErrorClass, Protocol, RetryPolicy, shown_wait};

/// Why the first login failed, in words that say what to do.
pub(crate) fn login_failed(
    proto: &dyn Protocol,
    conn: &Connection,
    retry: RetryPolicy,
    e: &ApiError,
) -> anyhow::Error {
    let url = &conn.base_url;
    let hint = proto
        .login_hint(e)
        .map_or(String::new(), |h| format!(": {h}"));
    let message = match e.class() {
        ErrorClass::LoginRefused => format!(
            "login to {url} refused: {e}. Nothing was sent. pbxbulk tried once and will not \
             retry: 5 refused logins lock this address for 10 minutes"
        ),
        _ if matches!(e, ApiError::Tls(_)) => format!(
            "cannot connect to {url}: {e}. If the PBX uses its own certificate, pass \
             --ca-cert PEM (or --insecure)"
        ),
        _ if matches!(e, ApiError::Redirect { .. }) => {
            format!("cannot log in to {url}: {e}. Nothing was sent")
        }
        _ if e.is_unreachable() => format!(
            "cannot reach {url}: {e}, {} tries in all; nothing was sent. If the PBX is only \
             slow, raise --timeout (now {}) or --retries (now {})",
            retry.tries(),
            shown_wait(conn.timeout),
            retry.retries
        ),
        _ => format!("cannot log in to {url}: {e}{hint}"),
    };
    Stopped::new(reason_of(e), message).into()
}

/// What an error from the PBX means for the run as a whole.
pub(crate) fn reason_of(e: &ApiError) -> RunEnd {
    match e.class() {
        ErrorClass::LoginRefused => RunEnd::LoginRefused,
        _ if e.is_unreachable() || matches!(e, ApiError::LoginBudget { .. }) => {
            RunEnd::PbxUnreachable
        }
        _ => RunEnd::BadInput,
    }
}
