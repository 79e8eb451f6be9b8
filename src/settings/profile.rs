//! Named profiles from a TOML config file, so a cron line need not repeat every setting.
//!
//! The file holds `[profile.NAME]` tables whose keys are the flags' names. Each value is read
//! as the text the flag would take and parsed by the flag's own parser (`values.rs`), so a
//! profile cannot spell a value the command line would refuse, and a refusal names the file's
//! line. A password may sit in the file only when no one but its owner can read it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::options::{Given, Options, Origin, PasswordFrom, ProfileName, beside};
use super::values;
use crate::domain::Secret;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ProfileError {
    // The cause is in the message, not a `source` that a chain of causes would say again.
    #[error("cannot read the config file {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("the config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("no profile {name:?} in {path} (it has: {known})")]
    Unknown {
        name: String,
        path: PathBuf,
        known: String,
    },
    #[error(
        "the config file {path} holds a password but others can read it (mode {mode:o}): \
         chmod 600 {path}, or use password-file instead"
    )]
    PasswordReadable { path: PathBuf, mode: u32 },
    #[error("the config file {path} line {line}, profile {name:?}: {key} = {value:?}: {message}")]
    Value {
        path: PathBuf,
        line: usize,
        name: String,
        key: &'static str,
        value: String,
        message: String,
    },
}

/// A value as a flag would take it: TOML strings, integers, floats and booleans all become the
/// text clap would have been given (`rate = 5` and `rate = "auto"` both work).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text(pub(crate) String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            S(String),
            I(i64),
            F(f64),
            B(bool),
        }
        Ok(Text(match Any::deserialize(d)? {
            Any::S(s) => s,
            Any::I(i) => i.to_string(),
            Any::F(f) => f.to_string(),
            Any::B(b) => b.to_string(),
        }))
    }
}

type Key = Option<Spanned<Text>>;

/// One `[profile.NAME]` table: the keys a profile may give.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Profile {
    api: Key,
    edition: Key,
    url: Key,
    user: Key,
    password_file: Key,
    /// Allowed only in a file mode 0600 (checked when the file is loaded).
    password: Key,
    eid: Key,
    body: Key,
    timeout: Key,
    ca_cert: Key,
    rate: Key,
    read_rate: Key,
    concurrency: Key,
    retries: Key,
    weak_passwords: Key,
    map: Key,
    encoding: Key,
    report_format: Key,
    progress_every: Key,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profile: BTreeMap<String, Profile>,
}

/// Where the config file is when `--config` is not given: the user's config directory
/// (`~/.config/pbxbulk/config.toml` on Linux, honouring `$XDG_CONFIG_HOME`).
pub(crate) fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "pbxbulk").map(|d| d.config_dir().join("config.toml"))
}

/// Profile `name` of the config file at `path`, as one layer of [`Options`]. Paths inside the
/// profile are taken relative to the config file's folder, as a reader of that file would
/// expect.
pub(crate) fn load(path: &Path, name: &str) -> Result<Options, ProfileError> {
    let text = std::fs::read_to_string(path).map_err(|error| ProfileError::Read {
        path: path.to_owned(),
        error,
    })?;
    let mut file: File = toml::from_str(&text).map_err(|e| ProfileError::Parse {
        path: path.to_owned(),
        message: e.message().to_string() + &line_of(&text, e.span()),
    })?;
    let Some(profile) = file.profile.remove(name) else {
        let known: Vec<&str> = file.profile.keys().map(String::as_str).collect();
        return Err(ProfileError::Unknown {
            name: name.to_string(),
            path: path.to_owned(),
            known: if known.is_empty() {
                "no profiles".to_string()
            } else {
                known.join(", ")
            },
        });
    };
    if profile.password.is_some() {
        let mode = others_can_read(path);
        if mode != 0 {
            return Err(ProfileError::PasswordReadable {
                path: path.to_owned(),
                mode,
            });
        }
    }
    let keys = Keys {
        text: &text,
        profile: Arc::new(ProfileName {
            name: name.to_string(),
            path: path.to_owned(),
        }),
    };
    keys.options(&profile)
}

/// Reads one profile's keys, each by its flag's parser.
struct Keys<'a> {
    text: &'a str,
    profile: Arc<ProfileName>,
}

impl Keys<'_> {
    fn options(&self, p: &Profile) -> Result<Options, ProfileError> {
        let path = |key, value: &Key| -> Result<_, ProfileError> {
            let given = self.read(key, value, values::path)?;
            Ok(given.map(|g| Given::new(beside(&self.profile.path, g.value), g.origin)))
        };
        let password_file = path("password-file", &p.password_file)?;
        let password = self.read("password", &p.password, |t| Ok(Secret::new(t)))?;
        Ok(Options {
            api: self.read("api", &p.api, values::api)?,
            edition: self.read("edition", &p.edition, values::text)?,
            url: self.read("url", &p.url, values::text)?,
            user: self.read("user", &p.user, values::text)?,
            password: (password_file.map(|g| Given::new(PasswordFrom::File(g.value), g.origin)))
                .or(password.map(|g| Given::new(PasswordFrom::Config(g.value), g.origin))),
            eid: self.read("eid", &p.eid, values::text)?,
            body: self.read("body", &p.body, values::word)?,
            timeout: self.read("timeout", &p.timeout, values::secs)?,
            ca_cert: path("ca-cert", &p.ca_cert)?,
            rate: self.read("rate", &p.rate, values::rate)?,
            read_rate: self.read("read-rate", &p.read_rate, values::read_rate)?,
            concurrency: self.read("concurrency", &p.concurrency, values::concurrency)?,
            retries: self.read("retries", &p.retries, values::retries)?,
            weak_passwords: self.read("weak-passwords", &p.weak_passwords, values::switch)?,
            map: path("map", &p.map)?,
            encoding: self.read("encoding", &p.encoding, values::encoding)?,
            report_format: self.read("report-format", &p.report_format, values::word)?,
            progress_every: self.read("progress-every", &p.progress_every, values::secs)?,
            ..Options::default()
        })
    }

    fn read<T>(
        &self,
        key: &'static str,
        value: &Key,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<Given<T>>, ProfileError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let text = &value.get_ref().0;
        let origin = Origin::Profile(self.profile.clone());
        let parsed = parse(text).map_err(|message| ProfileError::Value {
            path: self.profile.path.clone(),
            line: line_number(self.text, value.span().start),
            name: self.profile.name.clone(),
            key,
            value: text.clone(),
            message,
        })?;
        Ok(Some(Given::new(parsed, origin)))
    }
}

/// The file's permission bits if anyone but its owner may read or write it, else 0.
pub(crate) fn others_can_read(path: &Path) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0, |m| m.permissions().mode() & 0o777);
        if mode & 0o077 != 0 { mode } else { 0 }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        0
    }
}

/// Whether anyone at all may read the file (a warning for `--password-file`).
pub(crate) fn world_readable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o004 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map_or(String::new(), |span| {
        format!(" (line {})", line_number(text, span.start))
    })
}

/// The line (from 1) the byte at `offset` is on.
fn line_number(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str, mode: u32) -> PathBuf {
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        path
    }

    #[test]
    fn numbers_and_words_are_read_as_the_flag_would_take_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[profile.hq]\napi = \"yeastar-v2\"\nrate = 5\ntimeout = 2.5\nconcurrency = \"8\"\n\
             password-file = \"hq.pw\"\nweak-passwords = true\n",
            0o644,
        );
        let o = load(&path, "hq").unwrap();
        let value = |shown: &str| {
            let lines = o.shown();
            let found = lines.iter().find(|(key, _)| key == shown);
            found.and_then(|(_, v)| v.clone()).map(|(value, _)| value)
        };
        assert_eq!(value("rate").as_deref(), Some("5"));
        assert_eq!(value("timeout").as_deref(), Some("2.5"));
        assert_eq!(value("concurrency").as_deref(), Some("8"));
        assert_eq!(value("weak-passwords").as_deref(), Some("true"));
        let pw = dir.path().join("hq.pw");
        assert_eq!(o.password.unwrap().value, PasswordFrom::File(pw));
        assert!(matches!(o.api.unwrap().origin, Origin::Profile(p) if p.name == "hq"));
    }

    #[test]
    fn a_value_its_flag_would_refuse_names_the_key_the_valid_values_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[profile.hq]\nrate = 5\napi = \"yeastar-v3\"\n";
        let path = write(dir.path(), text, 0o600);
        let e = load(&path, "hq").unwrap_err().to_string();
        assert!(
            e.contains("line 3") && e.contains("api = \"yeastar-v3\""),
            "{e}"
        );
        assert!(e.contains("yeastar-v2, yeastar-v1, openvox, verba"), "{e}");
        let path = write(dir.path(), "[profile.hq]\nconcurrency = 0\n", 0o600);
        let e = load(&path, "hq").unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("from 1 to 1024"), "{e}");
    }

    #[test]
    fn encoding_and_the_output_keys_may_sit_in_a_profile() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[profile.hq]\nencoding = \"cp936\"\nreport-format = \"xlsx\"\n\
                    progress-every = 5\nread-rate = 2\n";
        let o = load(&write(dir.path(), text, 0o600), "hq").unwrap();
        assert_eq!(o.encoding.unwrap().value.name(), "GBK");
        assert_eq!(o.progress_every.unwrap().value.as_secs(), 5);
        assert_eq!(o.read_rate.unwrap().value, Some(2.0));
    }

    #[test]
    fn an_unknown_key_names_itself_and_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "[profile.hq]\napi = \"verba\"\nrat = 5\n",
            0o600,
        );
        let e = load(&path, "hq").unwrap_err().to_string();
        assert!(e.contains("rat") && e.contains("line 3"), "{e}");
    }

    #[test]
    fn an_unknown_profile_lists_the_known_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "[profile.hq]\n[profile.lab]\n", 0o600);
        let e = load(&path, "branch").unwrap_err().to_string();
        assert!(e.contains("hq, lab"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_password_is_refused_unless_only_the_owner_can_read_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[profile.hq]\npassword = \"Sim-Passw0rd\"\n";
        let path = write(dir.path(), text, 0o640);
        let e = load(&path, "hq").unwrap_err().to_string();
        assert!(
            e.contains("chmod 600") && !e.contains("Sim-Passw0rd"),
            "{e}"
        );
        let path = write(dir.path(), text, 0o600);
        assert!(load(&path, "hq").unwrap().password.is_some());
    }
}
