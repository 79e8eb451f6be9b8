//! What each layer said, before anything is decided: [`Options`], every setting optional,
//! each value with where it came from, as uv's `Options` and `Combine` have it.
//!
//! The command line (`cli` converts its flags and their environment variables, clap telling
//! which was which), a profile (`profile.rs`, the same keys in TOML) and the defaults
//! (`defaults.rs`) each become one `Options`; [`Options::combine`] keeps the first value a
//! layer gives, so `flag.combine(profile).combine(defaults)` reads as the precedence itself.
//! The keys are declared once, below, in three groups: a connection's (one per side of a
//! migration), the other keys a profile may give, and the command line's own.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

mod shown;

use shown::Shown;

use super::defaults;
use super::values::{self, Body, Encoding};
use crate::domain::{Mode, Secret};
use crate::input::layouts::Layout;
use crate::output::workbook::ReportFormat;
use crate::plan::prune::MaxDelete;
use crate::run::throttle::Rate;
use crate::vendors::Vendor;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Flag,
    /// The flag's environment variable.
    Env,
    Profile(Arc<ProfileName>),
    Default,
}

/// A profile, as messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProfileName {
    pub(crate) name: String,
    pub(crate) path: PathBuf,
}

impl Origin {
    /// ` (from profile "hq" in FILE)` for a value a person did not type on this command line,
    /// to follow a message about it.
    pub(crate) fn said(&self) -> String {
        match self {
            Origin::Flag | Origin::Default => String::new(),
            Origin::Env => " (from the environment)".to_string(),
            Origin::Profile(p) => format!(" (from profile {:?} in {})", p.name, p.path.display()),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag => f.write_str("flag"),
            Origin::Env => f.write_str("environment"),
            Origin::Profile(p) => write!(f, "profile {}", p.name),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// A value one layer gave, and which layer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) origin: Origin,
}

impl<T> Given<T> {
    pub(crate) fn new(value: T, origin: Origin) -> Given<T> {
        Given { value, origin }
    }
}

/// Where the API password is to be read from (the password itself only from a 0600 config).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PasswordFrom {
    File(PathBuf),
    /// The environment variable of that name.
    Env(&'static str),
    Config(Secret),
}

/// The value of a setting the defaults always fill (see [`Options::built_in`]).
pub(crate) fn set<T>(given: &Option<Given<T>>) -> &T {
    &given
        .as_ref()
        .expect("the defaults fill every setting that has one")
        .value
}

/// The value of a setting, if any layer gave one.
pub(crate) fn get<T>(given: &Option<Given<T>>) -> Option<&T> {
    given.as_ref().map(|g| &g.value)
}

macro_rules! options {
    (
        connection { $($(#[$cm:meta])* $c:ident: $ct:ty,)* }
        profile { $($(#[$pm:meta])* $p:ident: $pt:ty,)* }
        command_line { $($(#[$fm:meta])* $f:ident: $ft:ty,)* }
    ) => {
        /// Every setting of every command that talks to a PBX or reads a sheet, as one layer
        /// gave them.
        #[derive(Debug, Clone, Default)]
        pub(crate) struct Options {
            $($(#[$cm])* pub(crate) $c: Option<Given<$ct>>,)*
            $($(#[$pm])* pub(crate) $p: Option<Given<$pt>>,)*
            $($(#[$fm])* pub(crate) $f: Option<Given<$ft>>,)*
        }

        impl Options {
            /// `self`, its gaps filled from `other`: the earlier layer wins, key by key.
            #[must_use]
            pub(crate) fn combine(self, other: Options) -> Options {
                Options {
                    $($c: self.$c.or(other.$c),)*
                    $($p: self.$p.or(other.$p),)*
                    $($f: self.$f.or(other.$f),)*
                }
            }

            /// Only the keys of a connection (for one side of a migration).
            #[must_use]
            pub(crate) fn connection(self) -> Options {
                Options { $($c: self.$c,)* ..Options::default() }
            }

            /// Everything but the keys of a connection.
            #[must_use]
            pub(crate) fn without_connection(self) -> Options {
                Options { $($p: self.$p,)* $($f: self.$f,)* ..Options::default() }
            }

            /// Each key a profile may give (as the profile spells it), its value as shown to a
            /// person and where it came from; secrets only as where they are read.
            pub(crate) fn shown(&self) -> Vec<(String, Option<(String, Origin)>)> {
                let line = |key: &str, value: Option<(String, Origin)>| {
                    (key.replace('_', "-"), value)
                };
                vec![
                    $(line(stringify!($c), self.$c.as_ref().map(|g| (g.value.shown(), g.origin.clone()))),)*
                    $(line(stringify!($p), self.$p.as_ref().map(|g| (g.value.shown(), g.origin.clone()))),)*
                ]
            }
        }
    };
}

options! {
    connection {
        api: &'static Vendor,
        /// The product edition whose rules apply, for an API whose editions differ.
        edition: String,
        url: String,
        user: String,
        password: PasswordFrom,
        eid: String,
        body: Body,
        timeout: Duration,
        ca_cert: PathBuf,
        /// Accept any certificate (the command line only).
        insecure: bool,
    }
    profile {
        rate: Rate,
        /// Reads per second; `None`: no limit.
        read_rate: Option<f64>,
        concurrency: usize,
        retries: u32,
        weak_passwords: bool,
        map: PathBuf,
        encoding: Encoding,
        report_format: ReportFormat,
        progress_every: Duration,
    }
    command_line {
        config: PathBuf,
        profile: String,
        /// The sheet to read (`-`: standard input).
        file: PathBuf,
        /// Export's `-o`, plan's `--out`.
        output: PathBuf,
        /// The plan `show` and `apply` read.
        plan: PathBuf,
        /// `--sign-key`: the file holding the key that signs a plan (never the key itself).
        sign_key: PathBuf,
        report: PathBuf,
        summary_json: PathBuf,
        report_html: PathBuf,
        mode: Mode,
        prune: bool,
        prune_range: Vec<(u64, u64)>,
        max_delete: MaxDelete,
        dry_run: bool,
        strict: bool,
        resume: bool,
        generate_passwords: bool,
        update_secrets: bool,
        welcome_email: bool,
        heartbeat: Duration,
        /// Read the written extensions back and compare (`--verify`).
        verify: bool,
        /// `show --json`.
        json: bool,
        /// `show --approve`: sign the plan once shown.
        approve: bool,
        from_api: &'static Vendor,
        /// Another system's own layout (`--layout`), a built-in mapping.
        layout: &'static Layout,
        /// `--match FIELD`, as typed (checked against the API's table).
        match_field: String,
        assign_numbers: Vec<(u64, u64)>,
        show_mapped: usize,
        sheet: String,
        plus_prefix: String,
    }
}

impl Options {
    /// The defaults, read through the same parsers as the flags.
    pub(crate) fn built_in() -> Options {
        fn default<T>(text: &str, parse: fn(&str) -> Result<T, String>) -> Option<Given<T>> {
            let value = parse(text).unwrap_or_else(|e| panic!("default {text:?}: {e}"));
            Some(Given::new(value, Origin::Default))
        }
        let off = || Some(Given::new(false, Origin::Default));
        Options {
            eid: default(defaults::EID, values::text),
            body: default(defaults::BODY, values::word::<Body>),
            timeout: default(defaults::TIMEOUT, values::secs),
            insecure: off(),
            rate: default(defaults::RATE, values::rate),
            read_rate: default(defaults::READ_RATE, values::read_rate),
            concurrency: default(defaults::CONCURRENCY, values::concurrency),
            retries: default(defaults::RETRIES, values::retries),
            weak_passwords: off(),
            progress_every: default(defaults::PROGRESS_EVERY, values::secs),
            mode: default(defaults::MODE, values::word::<Mode>),
            prune: off(),
            prune_range: Some(Given::new(Vec::new(), Origin::Default)),
            assign_numbers: Some(Given::new(Vec::new(), Origin::Default)),
            dry_run: off(),
            strict: off(),
            resume: off(),
            generate_passwords: off(),
            update_secrets: off(),
            welcome_email: off(),
            verify: off(),
            json: off(),
            approve: off(),
            heartbeat: default(defaults::HEARTBEAT_SECS, values::secs),
            show_mapped: default(defaults::SHOW_MAPPED, values::count),
            ..Options::default()
        }
    }
}

/// `path`, relative to the folder of the config file that named it.
pub(crate) fn beside(config: &Path, path: PathBuf) -> PathBuf {
    match config.parent() {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flag<T>(value: T) -> Option<Given<T>> {
        Some(Given::new(value, Origin::Flag))
    }

    #[test]
    fn the_first_layer_that_gives_a_value_wins_key_by_key() {
        let profile = Arc::new(ProfileName {
            name: "hq".into(),
            path: "c.toml".into(),
        });
        let cli = Options {
            concurrency: flag(8),
            ..Options::default()
        };
        let from_profile = Options {
            concurrency: Some(Given::new(2, Origin::Profile(profile.clone()))),
            retries: Some(Given::new(1, Origin::Profile(profile.clone()))),
            ..Options::default()
        };
        let o = cli.combine(from_profile).combine(Options::built_in());
        assert_eq!(o.concurrency, flag(8));
        assert_eq!(o.retries.unwrap().origin, Origin::Profile(profile));
        let timeout = o.timeout.unwrap();
        assert_eq!(
            (timeout.value, timeout.origin),
            (Duration::from_secs(30), Origin::Default)
        );
        assert_eq!(o.url, None, "no default");
    }

    #[test]
    fn a_side_keeps_only_its_connection_and_the_rest_keeps_the_others() {
        let o = Options {
            url: flag("http://pbx".to_string()),
            rate: flag(Rate::Auto),
            ..Options::default()
        };
        assert!(o.clone().connection().rate.is_none());
        assert!(o.clone().connection().url.is_some());
        assert!(o.clone().without_connection().url.is_none());
        assert!(o.without_connection().rate.is_some());
    }

    #[test]
    fn every_key_config_show_prints_is_named_as_a_profile_spells_it() {
        let keys: Vec<String> = Options::built_in()
            .shown()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        for key in [
            "api",
            "ca-cert",
            "weak-passwords",
            "report-format",
            "progress-every",
        ] {
            assert!(keys.iter().any(|k| k == key), "{key}: {keys:?}");
        }
    }
}
