//! The hint a person needs beside an error that no single API owns: what to try. An API's own
//! hints (the wrong version, the wrong endpoint) are its codec's `login_hint`.

/// Appended to an add refused because the number is already on the PBX.
pub(crate) const ALREADY_EXISTS: &str = "already exists: use --mode upsert";

/// `--url 10.0.0.1:8088` (no scheme) → "did you mean https://10.0.0.1:8088?".
pub(crate) fn url_hint(url: &str) -> Option<String> {
    let url = url.trim();
    (!url.is_empty() && !url.contains("://")).then(|| format!("did you mean https://{url}?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_without_a_scheme_gets_one_suggested() {
        assert_eq!(
            url_hint("127.0.0.1:33069").as_deref(),
            Some("did you mean https://127.0.0.1:33069?")
        );
        assert_eq!(url_hint("http://127.0.0.1:33069"), None);
    }
}
