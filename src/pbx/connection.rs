//! How to reach and log in to a PBX, and the wire choices the command line made. Owned here,
//! where they are used; `settings` builds them from the command line.

use std::time::Duration;

use crate::domain::Secret;

/// How to reach and log in to the PBX.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    /// Scheme, host and port, without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) user: String,
    pub(crate) password: Secret,
    pub(crate) insecure: bool,
    /// PEM bytes of an extra trusted certificate.
    pub(crate) ca_cert: Option<Vec<u8>>,
    pub(crate) timeout: Duration,
    /// Reads (listing, queries) per second at most (`--read-rate`); `None`: no limit.
    pub(crate) read_rate: Option<f64>,
}

impl Connection {
    /// Whether the address is plain `http://`: nothing is encrypted, and no certificate is
    /// ever checked.
    pub(crate) fn is_plain_http(&self) -> bool {
        self.base_url.starts_with("http://")
    }

    /// What about this connection a person should know before trusting it: one line each for
    /// a plain `http://` address (given with the flag `url_flag`) and for `--insecure`.
    pub(crate) fn warnings(&self, url_flag: &str) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.is_plain_http() {
            warnings.push(format!(
                "{url_flag} is http://: the API password (or its hash), the token and the \
                 extensions' passwords cross the network unencrypted"
            ));
        }
        if self.insecure {
            warnings.push(
                "--insecure: the PBX's certificate is not checked, so anyone on the way can pose \
                 as the PBX and read every password sent"
                    .to_string(),
            );
        }
        warnings
    }
}

/// Choices about the wire format that come from the command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct WireOptions {
    /// XML bodies (OpenVox `--body xml`).
    pub(crate) xml: bool,
    /// The tenant a token is requested for, where the API has tenants.
    pub(crate) eid: String,
    /// Send each new extension's user its welcome e-mail, where the API can (`--welcome-email`).
    pub(crate) welcome_email: bool,
}
