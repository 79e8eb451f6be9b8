//! Named PBX profiles from a TOML config file, so a cron line need not repeat every setting.
//!
//! The file holds `[profile.NAME]` tables with the same names as the flags. Values are kept as
//! the text a flag would take and parsed by the same code as the flag, so a profile cannot spell
//! a value the command line would refuse. A password may sit in the file only when no one but
//! its owner can read it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ProfileError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
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

/// A password in the file, which must be a quoted string. serde's own error for anything else
/// quotes the value (`invalid type: integer `123456``): this one never does.
fn quoted_password<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Any {
        Quoted(String),
        Other(serde::de::IgnoredAny),
    }
    match Any::deserialize(d)? {
        Any::Quoted(password) => Ok(Some(password)),
        Any::Other(_) => Err(serde::de::Error::custom(
            "password must be a quoted string (password = \"…\"); its value is not shown",
        )),
    }
}

/// One `[profile.NAME]` table.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct Profile {
    pub(crate) api: Option<Text>,
    pub(crate) url: Option<Text>,
    pub(crate) user: Option<Text>,
    pub(crate) password_file: Option<PathBuf>,
    /// Allowed only in a file mode 0600 (checked when the file is loaded).
    #[serde(default, deserialize_with = "quoted_password")]
    pub(crate) password: Option<String>,
    pub(crate) eid: Option<Text>,
    pub(crate) body: Option<Text>,
    pub(crate) rate: Option<Text>,
    pub(crate) concurrency: Option<Text>,
    pub(crate) retries: Option<Text>,
    pub(crate) timeout: Option<Text>,
    pub(crate) ca_cert: Option<PathBuf>,
    pub(crate) weak_passwords: Option<bool>,
    pub(crate) map: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    profile: BTreeMap<String, Profile>,
}

/// The profile chosen with `--profile`, and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Chosen {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) profile: Profile,
}

/// Where the config file is when `--config` is not given: the user's config directory
/// (`~/.config/pbxbulk/config.toml` on Linux, honouring `$XDG_CONFIG_HOME`).
pub(crate) fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "pbxbulk").map(|d| d.config_dir().join("config.toml"))
}

/// Loads profile `name` from `path`. Paths inside the profile are taken relative to the
/// config file's folder, as a reader of that file would expect.
pub(crate) fn load(path: &Path, name: &str) -> Result<Chosen, ProfileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut file: File = toml::from_str(&text).map_err(|e| ProfileError::Parse {
        path: path.to_owned(),
        message: e.message().to_string() + &line_of(&text, e.span()),
    })?;
    let Some(mut profile) = file.profile.remove(name) else {
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
    let base = path.parent().unwrap_or(Path::new("."));
    for p in [
        &mut profile.password_file,
        &mut profile.ca_cert,
        &mut profile.map,
    ]
    .into_iter()
    .flatten()
    {
        if p.is_relative() {
            *p = base.join(&*p);
        }
    }
    Ok(Chosen {
        name: name.to_string(),
        path: path.to_owned(),
        profile,
    })
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
    match span {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!(" (line {line})")
        }
        None => String::new(),
    }
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
        let chosen = load(&path, "hq").unwrap();
        let p = chosen.profile;
        assert_eq!(p.rate, Some(Text("5".into())));
        assert_eq!(p.timeout, Some(Text("2.5".into())));
        assert_eq!(p.concurrency, Some(Text("8".into())));
        assert_eq!(p.weak_passwords, Some(true));
        assert_eq!(p.password_file, Some(dir.path().join("hq.pw")));
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
        assert!(load(&path, "hq").unwrap().profile.password.is_some());
    }
}
