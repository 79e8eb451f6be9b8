//! The settings a profile may give, resolved in one order — flag > environment > profile >
//! default — each with where it came from (what `pbxbulk config show` prints).
//!
//! clap has already put a flag above its environment variable; its `ArgMatches::value_source`
//! says which of the two a value came from. A profile's values are text, parsed here by the
//! same parsers as the flags (clap's `ValueEnum` for the words), so a profile cannot spell a
//! value the command line would refuse.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, bail};
use clap::ArgMatches;
use clap::ValueEnum;
use clap::parser::ValueSource;

use super::profile::{self, Chosen, Text};
use crate::cli::{ApiArg, BodyArg, ConnectArgs, PaceArgs};
use crate::domain::Secret;
use crate::output::summary_json::without_credentials;
use crate::vendors;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Flag,
    Env,
    Profile,
    Default,
}

/// Where the command line's values came from; without matches (settings built in code), a
/// given value counts as a flag.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Origins<'a>(pub(crate) Option<&'a ArgMatches>);

impl Origins<'_> {
    fn of(self, id: &str) -> Origin {
        // Only ask about an argument this command has (clap panics on any other).
        let matches = self.0.filter(|m| m.ids().any(|known| known.as_str() == id));
        match matches.and_then(|m| m.value_source(id)) {
            Some(ValueSource::EnvVariable) => Origin::Env,
            _ => Origin::Flag,
        }
    }
}

/// A setting's value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layered<T> {
    pub(crate) value: T,
    pub(crate) origin: Origin,
}

/// The first of: the command line (flag or environment), the profile, the default.
pub(crate) fn pick<T>(
    given: Option<T>,
    origin: Origin,
    profile: Option<T>,
    default: Option<T>,
) -> Option<Layered<T>> {
    let layer = |origin| move |value| Layered { value, origin };
    given
        .map(layer(origin))
        .or_else(|| profile.map(layer(Origin::Profile)))
        .or_else(|| default.map(layer(Origin::Default)))
}

/// Where the API password comes from (never the password itself, except from a 0600 config).
#[derive(Debug, Clone)]
pub(crate) enum PasswordFrom {
    File(PathBuf),
    Env,
    Config(Secret),
}

/// Every setting a profile may give, resolved.
#[derive(Debug)]
pub(crate) struct Layers {
    pub(crate) profile: Option<Chosen>,
    pub(crate) api: Option<Layered<ApiArg>>,
    pub(crate) url: Option<Layered<String>>,
    pub(crate) user: Option<Layered<String>>,
    pub(crate) password: Option<Layered<PasswordFrom>>,
    pub(crate) ca_cert: Option<Layered<PathBuf>>,
    pub(crate) timeout: Layered<f64>,
    pub(crate) body: Layered<BodyArg>,
    pub(crate) eid: Layered<String>,
    pub(crate) rate: Layered<String>,
    pub(crate) concurrency: Layered<usize>,
    pub(crate) retries: Layered<u32>,
    pub(crate) weak_passwords: Layered<bool>,
    pub(crate) map: Option<Layered<PathBuf>>,
}

impl Layers {
    /// `run` for the commands that take the run flags; `retries` for export's own flag.
    pub(crate) fn resolve(
        connect: &ConnectArgs,
        run: Option<&PaceArgs>,
        retries: Option<u32>,
        origins: Origins<'_>,
    ) -> anyhow::Result<Layers> {
        let chosen = choose_profile(connect)?;
        let p = chosen.as_ref().map(|c| &c.profile);
        let at = |key: &'static str| ProfileValue {
            chosen: chosen.as_ref(),
            key,
        };
        let o = |id: &str| origins.of(id);
        let password = match (&connect.password_file, std::env::var_os("PBXBULK_PASSWORD")) {
            (Some(file), _) => Some(Layered {
                value: PasswordFrom::File(file.clone()),
                origin: Origin::Flag,
            }),
            (None, Some(env)) if !env.is_empty() => Some(Layered {
                value: PasswordFrom::Env,
                origin: Origin::Env,
            }),
            _ => p
                .and_then(|p| {
                    p.password_file.clone().map(PasswordFrom::File).or_else(|| {
                        p.password
                            .clone()
                            .map(|s| PasswordFrom::Config(Secret::new(s)))
                    })
                })
                .map(|value| Layered {
                    value,
                    origin: Origin::Profile,
                }),
        };
        let run_flag = |f: fn(&PaceArgs) -> Option<String>| run.and_then(f);
        Ok(Layers {
            api: pick(
                connect.api,
                o("api"),
                at("api").api(p.and_then(|p| p.api.as_ref()))?,
                None,
            ),
            url: pick(
                connect.url.clone(),
                o("url"),
                text(p.and_then(|p| p.url.as_ref())),
                None,
            ),
            user: pick(
                connect.user.clone(),
                o("user"),
                text(p.and_then(|p| p.user.as_ref())),
                None,
            ),
            password,
            ca_cert: pick(
                connect.ca_cert.clone(),
                o("ca_cert"),
                p.and_then(|p| p.ca_cert.clone()),
                None,
            ),
            timeout: required(pick(
                connect.timeout,
                o("timeout"),
                at("timeout").parse(p.and_then(|p| p.timeout.as_ref()))?,
                Some(30.0),
            )),
            body: required(pick(
                connect.body,
                o("body"),
                at("body").word(p.and_then(|p| p.body.as_ref()))?,
                Some(BodyArg::Json),
            )),
            eid: required(pick(
                connect.eid.clone(),
                o("eid"),
                text(p.and_then(|p| p.eid.as_ref())),
                Some("0000".to_string()),
            )),
            rate: required(pick(
                run_flag(|r| r.rate.clone()),
                o("rate"),
                text(p.and_then(|p| p.rate.as_ref())),
                Some(RATE.to_string()),
            )),
            concurrency: required(pick(
                run.and_then(|r| r.concurrency),
                o("concurrency"),
                at("concurrency").parse(p.and_then(|p| p.concurrency.as_ref()))?,
                Some(CONCURRENCY),
            )),
            retries: required(pick(
                run.and_then(|r| r.retries).or(retries),
                o("retries"),
                at("retries").parse(p.and_then(|p| p.retries.as_ref()))?,
                Some(RETRIES),
            )),
            weak_passwords: required(pick(
                run.and_then(|r| r.weak_passwords.then_some(true)),
                o("weak_passwords"),
                p.and_then(|p| p.weak_passwords),
                Some(false),
            )),
            map: pick(None, Origin::Flag, p.and_then(|p| p.map.clone()), None),
            profile: chosen,
        })
    }

    /// The name of the profile in use, for messages.
    fn where_to_set(&self) -> String {
        match &self.profile {
            Some(c) => format!(
                " (or set it in profile {:?} of {})",
                c.name,
                c.path.display()
            ),
            None => String::new(),
        }
    }

    pub(crate) fn need_api(&self) -> anyhow::Result<ApiArg> {
        match &self.api {
            Some(api) => Ok(api.value),
            None => bail!(
                "--api is required (or $PBXBULK_API, or --profile NAME){}",
                self.where_to_set()
            ),
        }
    }

    pub(crate) fn need_url(&self) -> anyhow::Result<&str> {
        match &self.url {
            Some(url) => Ok(&url.value),
            None => bail!(
                "--url is required (or $PBXBULK_URL, or --profile NAME){}",
                self.where_to_set()
            ),
        }
    }

    pub(crate) fn need_user(&self) -> anyhow::Result<&str> {
        match &self.user {
            Some(user) if !user.value.trim().is_empty() => Ok(user.value.trim()),
            _ => bail!(
                "--user is required (or $PBXBULK_USER, or --profile NAME){}",
                self.where_to_set()
            ),
        }
    }

    /// The password, from wherever it is to be read (a password file others can read gets a
    /// warning there).
    pub(crate) fn read_password(&self) -> anyhow::Result<Secret> {
        let env = "PBXBULK_PASSWORD";
        match self.password.as_ref().map(|p| &p.value) {
            Some(PasswordFrom::File(path)) => {
                super::read_password(Some(path), env, "--password-file")
            }
            Some(PasswordFrom::Config(secret)) => Ok(secret.clone()),
            Some(PasswordFrom::Env) | None => super::read_password(None, env, "--password-file"),
        }
    }

    /// The rate, concurrency, retries and password policy, as resolved.
    pub(crate) fn pace(&self) -> Pace {
        Pace {
            rate: self.rate.value.clone(),
            concurrency: self.concurrency.value,
            retries: self.retries.value,
            weak_passwords: self.weak_passwords.value,
        }
    }

    /// What `pbxbulk config show` prints: one line per setting, its value and its origin.
    /// Secrets are shown only as where they come from.
    pub(crate) fn show(&self) -> String {
        let origin = |o: Origin| match (o, &self.profile) {
            (Origin::Flag, _) => "flag".to_string(),
            (Origin::Env, _) => "environment".to_string(),
            (Origin::Profile, Some(c)) => format!("profile {}", c.name),
            (Origin::Profile, None) => "profile".to_string(),
            (Origin::Default, _) => "default".to_string(),
        };
        let mut lines: Vec<(&str, String, String)> = Vec::new();
        let mut line = |key, value: Option<(String, Origin)>| {
            let (value, from) = value.map_or(("(not set)".to_string(), String::new()), |(v, o)| {
                (v, origin(o))
            });
            lines.push((key, value, from));
        };
        fn shown<T: fmt::Display>(l: &Layered<T>) -> Option<(String, Origin)> {
            Some((l.value.to_string(), l.origin))
        }
        let path = |l: &Layered<PathBuf>| Some((l.value.display().to_string(), l.origin));
        line(
            "api",
            self.api
                .as_ref()
                .map(|l| (l.value.name().to_string(), l.origin)),
        );
        let url = |l: &Layered<String>| Some((without_credentials(&l.value), l.origin));
        line("url", self.url.as_ref().and_then(url));
        line("user", self.user.as_ref().and_then(shown));
        line(
            "password",
            self.password.as_ref().map(|l| {
                let value = match &l.value {
                    PasswordFrom::File(path) => format!("read from {}", path.display()),
                    PasswordFrom::Env => "from $PBXBULK_PASSWORD (hidden)".to_string(),
                    PasswordFrom::Config(_) => "in the config file (hidden)".to_string(),
                };
                (value, l.origin)
            }),
        );
        line("eid", shown(&self.eid));
        line("body", Some((word(&self.body.value), self.body.origin)));
        line("rate", shown(&self.rate));
        line("concurrency", shown(&self.concurrency));
        line("retries", shown(&self.retries));
        line("timeout", shown(&self.timeout));
        line("ca-cert", self.ca_cert.as_ref().and_then(path));
        line("weak-passwords", shown(&self.weak_passwords));
        line("map", self.map.as_ref().and_then(path));
        let width = lines.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
        let value_width = lines
            .iter()
            .map(|(_, v, _)| v.chars().count())
            .max()
            .unwrap_or(0);
        let mut text = match &self.profile {
            Some(c) => format!("profile {} from {}\n", c.name, c.path.display()),
            None => "no profile (give --profile NAME)\n".to_string(),
        };
        for (key, value, from) in lines {
            text.push_str(format!("{key:width$}  {value:value_width$}  {from}").trim_end());
            text.push('\n');
        }
        text
    }
}

fn text(value: Option<&Text>) -> Option<String> {
    value.map(|t| t.0.clone())
}

/// How hard to push the PBX, and its password policy, with every default applied.
#[derive(Debug, Clone)]
pub(crate) struct Pace {
    pub(crate) rate: String,
    pub(crate) concurrency: usize,
    pub(crate) retries: u32,
    pub(crate) weak_passwords: bool,
}

/// The defaults, named once: `--rate 10 --concurrency 4 --retries 3`.
const RATE: &str = "10";
const CONCURRENCY: usize = 4;
const RETRIES: u32 = 3;

impl Pace {
    /// For a command without profiles (`migrate`): the flags, else the defaults.
    pub(crate) fn without_profile(args: &PaceArgs) -> Pace {
        Pace {
            rate: args.rate.clone().unwrap_or_else(|| RATE.to_string()),
            concurrency: args.concurrency.unwrap_or(CONCURRENCY),
            retries: args.retries.unwrap_or(RETRIES),
            weak_passwords: args.weak_passwords,
        }
    }
}

fn required<T>(layer: Option<Layered<T>>) -> Layered<T> {
    layer.expect("a setting with a default is always set")
}

fn word(value: &impl ValueEnum) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_string())
}

/// The profile `--profile` names, from `--config` or the default config file.
fn choose_profile(connect: &ConnectArgs) -> anyhow::Result<Option<Chosen>> {
    let Some(name) = &connect.profile else {
        return Ok(None);
    };
    let path = match &connect.config {
        Some(path) => path.clone(),
        None => profile::default_path()
            .context("--profile needs a config file: this system has no config directory; give --config FILE")?,
    };
    Ok(Some(profile::load(&path, name)?))
}

/// One key of the chosen profile, parsed as its flag would be.
struct ProfileValue<'a> {
    chosen: Option<&'a Chosen>,
    key: &'a str,
}

impl ProfileValue<'_> {
    fn parse<T: FromStr>(&self, value: Option<&Text>) -> anyhow::Result<Option<T>> {
        value
            .map(|t| t.0.trim().parse::<T>().map_err(|_| self.bad(&t.0)))
            .transpose()
    }

    fn word<T: ValueEnum>(&self, value: Option<&Text>) -> anyhow::Result<Option<T>> {
        value
            .map(|t| T::from_str(t.0.trim(), false).map_err(|_| self.bad(&t.0)))
            .transpose()
    }

    /// An API name, in any case; a near miss names the closest.
    fn api(&self, value: Option<&Text>) -> anyhow::Result<Option<ApiArg>> {
        value
            .map(|t| {
                vendors::by_name(&t.0).map_err(|e| {
                    let (name, path) = self.chosen.map_or(("?", Path::new("?")), |c| {
                        (c.name.as_str(), c.path.as_path())
                    });
                    anyhow::anyhow!("profile {name:?} in {}: api = {e}", path.display())
                })
            })
            .transpose()
    }

    fn bad(&self, value: &str) -> anyhow::Error {
        let (name, path) = self.chosen.map_or(("?", Path::new("?")), |c| {
            (c.name.as_str(), c.path.as_path())
        });
        anyhow::anyhow!(
            "profile {name:?} in {}: {} = {value:?} is not a value --{} takes",
            path.display(),
            self.key,
            self.key.replace('_', "-")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_comes_from_the_first_layer_that_has_one() {
        let flag = pick(Some(5), Origin::Flag, Some(9), Some(10)).unwrap();
        assert_eq!((flag.value, flag.origin), (5, Origin::Flag));
        let env = pick(Some(6), Origin::Env, Some(9), Some(10)).unwrap();
        assert_eq!((env.value, env.origin), (6, Origin::Env));
        let profile = pick(None, Origin::Flag, Some(9), Some(10)).unwrap();
        assert_eq!((profile.value, profile.origin), (9, Origin::Profile));
        let default = pick(None, Origin::Flag, None, Some(10)).unwrap();
        assert_eq!((default.value, default.origin), (10, Origin::Default));
        assert_eq!(pick::<u32>(None, Origin::Flag, None, None), None);
    }

    #[test]
    fn clap_says_whether_a_value_came_from_the_flag_or_the_environment() {
        use clap::{CommandFactory, FromArgMatches, Parser};
        #[derive(Parser)]
        struct Args {
            #[arg(long, env = "PBXBULK_TEST_LAYERS_URL")]
            url: Option<String>,
        }
        // The environment's side is shown by the integration tests (a process of its own).
        let matches = Args::command().get_matches_from(["x", "--url", "http://flag"]);
        let args = Args::from_arg_matches(&matches).unwrap();
        assert_eq!(args.url.as_deref(), Some("http://flag"));
        assert_eq!(Origins(Some(&matches)).of("url"), Origin::Flag);
        assert_eq!(Origins(None).of("url"), Origin::Flag);
    }
}
