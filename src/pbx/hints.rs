//! The hint a person needs beside an error: what the PBX's answer most likely means for them
//! and what to try. Pure functions of the API and the typed error, so each is tested here.

use super::ApiError;
use super::yeastar::errno;
use crate::domain::ApiKind;

/// Appended to an add refused because the number is already on the PBX.
pub(crate) const ALREADY_EXISTS: &str = "already exists: use --mode upsert";

/// What to try when the first login failed with `e`.
pub(crate) fn login_hint(api: ApiKind, e: &ApiError) -> Option<&'static str> {
    match (api, e) {
        // 10003 to the login itself: the endpoint's version is not one this PBX has.
        (ApiKind::YeastarV2, ApiError::Refused { code, .. }) if code == errno::UNSUPPORTED => {
            Some("this PBX speaks yeastar-v1? (try --api yeastar-v1)")
        }
        (ApiKind::YeastarV1, ApiError::Refused { code, .. }) if code == errno::UNSUPPORTED => {
            Some("this PBX speaks yeastar-v2? (try --api yeastar-v2)")
        }
        (ApiKind::Openvox, ApiError::Refused { code, .. }) if code == errno::UNSUPPORTED => Some(
            "this PBX does not speak openvox: a Yeastar one? (try --api yeastar-v2 or yeastar-v1)",
        ),
        (ApiKind::Verba, ApiError::Http { status: 404, .. }) => Some(
            "the URL must end in /provisioning (the service endpoint, e.g. http://recorder:7002/provisioning)",
        ),
        _ => None,
    }
}

/// Whether an add refused with `e` may have been refused because the number exists already
/// (Yeastar answers a duplicate add with the generic 10017; Verba says so outright). The
/// caller asks the PBX before saying so.
pub(crate) fn may_already_exist(e: &ApiError) -> bool {
    matches!(e, ApiError::Refused { code, .. }
        if code == errno::CONFIG_FAILED || code == "ERROR_ALREADY_EXISTS")
}

/// `--url 10.0.0.1:8088` (no scheme) → "did you mean https://10.0.0.1:8088?".
pub(crate) fn url_hint(url: &str) -> Option<String> {
    let url = url.trim();
    (!url.is_empty() && !url.contains("://")).then(|| format!("did you mean https://{url}?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pbx::ErrorClass;

    fn refused(code: &str) -> ApiError {
        ApiError::Refused {
            code: code.into(),
            meaning: String::new(),
            class: ErrorClass::Permanent,
        }
    }

    #[test]
    fn the_wrong_yeastar_version_names_the_other_one() {
        let hint = login_hint(ApiKind::YeastarV2, &refused("10003")).unwrap();
        assert!(hint.contains("yeastar-v1"), "{hint}");
        let hint = login_hint(ApiKind::YeastarV1, &refused("10003")).unwrap();
        assert!(hint.contains("yeastar-v2"), "{hint}");
        assert_eq!(login_hint(ApiKind::YeastarV2, &refused("20003")), None);
    }

    #[test]
    fn verba_without_its_endpoint_is_told_where_it_is() {
        let not_found = ApiError::Http {
            status: 404,
            retry_after: None,
        };
        assert!(
            login_hint(ApiKind::Verba, &not_found)
                .unwrap()
                .contains("/provisioning")
        );
        assert_eq!(login_hint(ApiKind::YeastarV2, &not_found), None);
    }

    #[test]
    fn only_the_refusals_a_duplicate_gets_are_checked() {
        assert!(may_already_exist(&refused("10017")));
        assert!(may_already_exist(&refused("ERROR_ALREADY_EXISTS")));
        assert!(!may_already_exist(&refused("10006")));
        assert!(!may_already_exist(&ApiError::Timeout(
            std::time::Duration::ZERO
        )));
    }

    #[test]
    fn a_url_without_a_scheme_gets_one_suggested() {
        assert_eq!(
            url_hint("127.0.0.1:33069").as_deref(),
            Some("did you mean https://127.0.0.1:33069?")
        );
        assert_eq!(url_hint("http://127.0.0.1:33069"), None);
    }
}
