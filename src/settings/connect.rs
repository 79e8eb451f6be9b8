//! A connection to one PBX from its resolved options: which API, the URL, the user, the
//! password (from its file, its environment variable or a 0600 profile; never from argv,
//! where `ps` would show it), certificates, timeouts and the wire choices.

use std::path::Path;

use anyhow::{Context, bail};

use super::defaults::env;
use super::options::{Options, PasswordFrom, get, set};
use super::profile;
use super::values::Body;
use crate::domain::Secret;
use crate::output::summary_json::without_credentials;
use crate::pbx::{Connection, WireOptions, hints};
use crate::vendors::{self, Vendor};

/// How one side's flags are spelled, for messages: an import's `--url`, a migration's
/// `--from-url` and `--to-url`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Side {
    /// How the side's flags begin: `--`, `--from-`, `--to-`.
    pub(crate) flags: &'static str,
    /// The flag that names the side's API (`--api`, `--from`, `--to`).
    pub(crate) api_flag: &'static str,
    /// The environment variables of its API, URL and user, where it has them.
    pub(crate) env: Option<[&'static str; 3]>,
    /// The environment variable its password may come from.
    pub(crate) password_env: &'static str,
    /// The flag naming the profile that may give the side's connection.
    pub(crate) profile_flag: &'static str,
}

/// The one PBX of `import`, `export`, `validate`, `config show`.
pub(crate) const ONE: Side = Side {
    flags: "--",
    api_flag: "--api",
    env: Some([env::API, env::URL, env::USER]),
    password_env: env::PASSWORD,
    profile_flag: "--profile",
};

/// The PBX a migration reads.
pub(crate) const FROM: Side = Side {
    flags: "--from-",
    api_flag: "--from",
    env: None,
    password_env: env::FROM_PASSWORD,
    profile_flag: "--from-profile",
};

/// The PBX a migration writes.
pub(crate) const TO: Side = Side {
    flags: "--to-",
    api_flag: "--to",
    env: None,
    password_env: env::TO_PASSWORD,
    profile_flag: "--to-profile",
};

impl Side {
    /// The flag for `key` on this side: `--url`, `--from-url`.
    fn flag(&self, key: &str) -> String {
        format!("{}{key}", self.flags)
    }

    /// Why a required setting is missing, and every place it may come from.
    fn missing(&self, o: &Options, key: &str, flag: &str, which: usize) -> anyhow::Error {
        let env = self
            .env
            .map_or(String::new(), |names| format!("${}, or ", names[which]));
        let profile = match get(&o.profile) {
            Some(name) => format!(" (profile {name:?} has no {key})"),
            None => String::new(),
        };
        anyhow::anyhow!(
            "{flag} is required (or {env}{} NAME){profile}",
            self.profile_flag
        )
    }
}

/// The side's API (required), the entry of its `--edition` where one is given.
pub(crate) fn api(o: &Options, side: &Side) -> anyhow::Result<&'static Vendor> {
    let Some(api) = get(&o.api) else {
        return Err(side.missing(o, "api", side.api_flag, 0));
    };
    match &o.edition {
        Some(edition) => (api.edition(&edition.value))
            .map_err(|e| anyhow::anyhow!("{e}{}", edition.origin.said())),
        None => Ok(api),
    }
}

/// The API's entry for `--edition`, where one is given (`template`, `sim`).
pub(crate) fn with_edition(
    api: &'static Vendor,
    edition: Option<&str>,
) -> anyhow::Result<&'static Vendor> {
    match edition {
        Some(name) => api.edition(name).map_err(anyhow::Error::msg),
        None => Ok(api),
    }
}

/// The wire choices; `--body xml` is for the APIs that take XML bodies.
pub(crate) fn wire(api: &Vendor, o: &Options, side: &Side) -> anyhow::Result<WireOptions> {
    let body = set(&o.body);
    let xml = match body {
        Body::Json => false,
        Body::Xml if api.api.caps.xml => true,
        Body::Xml => bail!(
            "{}body xml is for --api {}; {} does not take it{}",
            side.flags,
            vendors::VENDORS
                .iter()
                .filter(|v| v.api.caps.xml)
                .map(|v| v.name())
                .collect::<Vec<_>>()
                .join(" or --api "),
            api.name(),
            o.body.as_ref().map_or(String::new(), |b| b.origin.said())
        ),
    };
    if *set(&o.welcome_email) && !api.api.caps.welcome {
        bail!(
            "--welcome-email: {} cannot send welcome e-mails",
            api.name()
        );
    }
    Ok(WireOptions {
        xml,
        eid: set(&o.eid).trim().to_string(),
        welcome_email: *set(&o.welcome_email),
    })
}

/// The side's connection, its password read now.
pub(crate) fn connection(o: &Options, side: &Side) -> anyhow::Result<Connection> {
    let Some(url) = get(&o.url) else {
        return Err(side.missing(o, "url", &side.flag("url"), 1));
    };
    let user = match get(&o.user).map(|u| u.trim()) {
        Some(user) if !user.is_empty() => user.to_string(),
        _ => return Err(side.missing(o, "user", &side.flag("user"), 2)),
    };
    let parsed = reqwest::Url::parse(url.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some());
    let Some(parsed) = parsed else {
        let hint = hints::url_hint(url).map_or(String::new(), |h| format!(": {h}"));
        bail!(
            "{} must be http://HOST[:PORT] or https://HOST[:PORT], not {:?}{hint}",
            side.flag("url"),
            without_credentials(url)
        );
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // They would show in every message that names the PBX, and in `ps`.
        bail!(
            "{0} may not hold a user or password (USER:PASSWORD@): give the user with {1} and \
             the password in ${2} or {3}",
            side.flag("url"),
            side.flag("user"),
            side.password_env,
            side.flag("password-file")
        );
    }
    let ca_cert =
        match get(&o.ca_cert) {
            Some(path) => Some(std::fs::read(path).with_context(|| {
                format!("cannot read {} {}", side.flag("ca-cert"), path.display())
            })?),
            None => None,
        };
    Ok(Connection {
        base_url: parsed.as_str().trim_end_matches('/').to_string(),
        user,
        password: password(o, side)?,
        insecure: *set(&o.insecure),
        ca_cert,
        timeout: *set(&o.timeout),
        read_rate: *set(&o.read_rate),
    })
}

/// The password, from wherever the layers say; a password file others can read is used,
/// with a warning.
pub(crate) fn password(o: &Options, side: &Side) -> anyhow::Result<Secret> {
    let flag = side.flag("password-file");
    match get(&o.password) {
        Some(PasswordFrom::File(path)) => read_password_file(path, &flag),
        Some(PasswordFrom::Config(secret)) => Ok(secret.clone()),
        Some(PasswordFrom::Env(name)) => match std::env::var(name) {
            Ok(p) if !p.is_empty() => Ok(Secret::new(p)),
            _ => bail!("no password: ${name} is empty; set it or give {flag} FILE"),
        },
        None => bail!(
            "no password: set ${} or give {flag} FILE (or password-file in a profile)",
            side.password_env
        ),
    }
}

fn read_password_file(path: &Path, flag: &str) -> anyhow::Result<Secret> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {flag} {}", path.display()))?;
    // An editor's byte-order mark is no part of the password.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        bail!("{flag} {} is empty", path.display());
    }
    if profile::world_readable(path) {
        eprintln!(
            "pbxbulk: warning: every user of this machine can read the password file {0}; \
             chmod 600 {0}",
            path.display()
        );
    }
    Ok(Secret::new(line))
}
