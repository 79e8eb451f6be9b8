//! HTTPS for the simulator: a self-signed certificate made at start and written out as PEM,
//! so a rehearsal can show both the refusal (certificates are checked by default) and the
//! fix (`--ca-cert` that file, or `--insecure`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use axum_server::tls_rustls::RustlsConfig;

/// A certificate for `localhost` and the listening address, its PEM written to `path` (or
/// to the temporary directory); returns the server config and where the PEM is.
pub(crate) async fn self_signed(
    addr: SocketAddr,
    path: Option<&Path>,
) -> anyhow::Result<(RustlsConfig, PathBuf)> {
    let names = vec!["localhost".to_string(), addr.ip().to_string()];
    let certified =
        rcgen::generate_simple_self_signed(names).context("cannot make a certificate")?;
    let cert = certified.cert.pem();
    let path = match path {
        Some(path) => path.to_owned(),
        None => std::env::temp_dir().join(format!("pbxbulk-sim-{}.pem", addr.port())),
    };
    std::fs::write(&path, &cert).with_context(|| format!("cannot write {}", path.display()))?;
    let config = RustlsConfig::from_pem(
        cert.into_bytes(),
        certified.signing_key.serialize_pem().into_bytes(),
    )
    .await
    .context("cannot set up TLS")?;
    Ok((config, path))
}
