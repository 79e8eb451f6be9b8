//! The flags several commands share, declared once (as cargo's `CommandExt` does) and turned
//! into [`Options`] once, each value with where it came from.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::api::ApiParser;
use super::origins::Origins;
use super::word::WordParser;
use crate::domain::Mode;
use crate::plan::prune::MaxDelete;
use crate::run::throttle::Rate;
use crate::settings::defaults::{self, env};
use crate::settings::values::{self, Body, Encoding};
use crate::settings::{Given, Options, Origin, PasswordFrom};
use crate::vendors::{VENDORS, Vendor};

/// Which config file and profile: the layer below the flags and the environment.
#[derive(Debug, Args)]
pub(crate) struct ProfileArgs {
    /// The config file that holds the profiles [default: pbxbulk/config.toml in the user's
    /// config directory].
    #[arg(long, env = env::CONFIG, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Take the settings this profile of the config file gives; flags and the environment
    /// still win.
    #[arg(long, env = env::PROFILE, value_name = "NAME")]
    pub(crate) profile: Option<String>,
}

impl ProfileArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            config: at.of("config", self.config.clone()),
            profile: at.of("profile", self.profile.clone()),
            ..Options::default()
        }
    }
}

/// Which PBX, and how to reach it.
#[derive(Debug, Args)]
pub(crate) struct ConnectArgs {
    /// The PBX's API.
    #[arg(long, env = env::API, value_parser = ApiParser)]
    pub(crate) api: Option<&'static Vendor>,
    /// The product edition whose rules apply, for an API whose editions differ (yeastar-p:
    /// appliance, software, cloud; cloud, the strictest, by default).
    #[arg(long, value_name = "EDITION")]
    pub(crate) edition: Option<String>,
    /// The PBX's base URL, e.g. https://192.0.2.10:8088 (Verba: the service endpoint,
    /// http://recorder:7002/provisioning).
    #[arg(long, env = env::URL)]
    pub(crate) url: Option<String>,
    /// The API user name.
    #[arg(long, env = env::USER)]
    pub(crate) user: Option<String>,
    /// A file whose first line is the API password (otherwise $PBXBULK_PASSWORD).
    #[arg(long, value_name = "FILE")]
    pub(crate) password_file: Option<PathBuf>,
    /// Accept any certificate (PBXs with self-signed certificates).
    #[arg(long, conflicts_with = "ca_cert")]
    pub(crate) insecure: bool,
    /// Trust this PEM certificate (the PBX's own, or its CA).
    #[arg(long, value_name = "PEM")]
    pub(crate) ca_cert: Option<PathBuf>,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECS", default_value = defaults::TIMEOUT, value_parser = values::secs)]
    pub(crate) timeout: Option<Duration>,
    #[arg(long, default_value = defaults::BODY, value_parser = WordParser::<Body>::new(), help = body_help("Request and answer bodies"))]
    pub(crate) body: Option<Body>,
    /// Verba: the tenant (environment ID) to request the token for; `all` (export only):
    /// every tenant the token may see, the token requested for the default tenant.
    #[arg(long, env = env::EID, default_value = defaults::EID)]
    pub(crate) eid: Option<String>,
}

impl ConnectArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            api: at.of("api", self.api),
            edition: at.of("edition", self.edition.clone()),
            url: at.of("url", self.url.clone()),
            user: at.of("user", self.user.clone()),
            password: password(at, "password_file", &self.password_file, env::PASSWORD),
            insecure: at.switch("insecure", self.insecure),
            ca_cert: at.of("ca_cert", self.ca_cert.clone()),
            timeout: at.of("timeout", self.timeout),
            body: at.of("body", self.body),
            eid: at.of("eid", self.eid.clone()),
            ..Options::default()
        }
    }
}

/// `--body`'s help, `what` it sets followed by which registered APIs take XML.
pub(crate) fn body_help(what: &str) -> String {
    let xml: Vec<&str> = (VENDORS.iter().filter(|v| v.api.caps.xml))
        .map(|v| v.name())
        .collect();
    format!("{what} (xml for --api {})", xml.join(" or --api "))
}

/// The password's source: the file flag, else the environment variable `env` when it is set.
pub(crate) fn password(
    at: Origins<'_>,
    id: &str,
    file: &Option<PathBuf>,
    env: &'static str,
) -> Option<Given<PasswordFrom>> {
    at.of(id, file.clone().map(PasswordFrom::File)).or_else(|| {
        let set = std::env::var_os(env).is_some_and(|v| !v.is_empty());
        set.then(|| Given::new(PasswordFrom::Env(env), Origin::Env))
    })
}

/// How hard to read the PBX.
#[derive(Debug, Args)]
pub(crate) struct ReadsArgs {
    /// Requests in flight at most, reads and writes alike.
    #[arg(long, value_name = "N", default_value = defaults::CONCURRENCY, value_parser = values::concurrency)]
    pub(crate) concurrency: Option<usize>,
    /// Retries of a request that failed for a passing reason (timeouts, HTTP 5xx, the PBX's
    /// "too frequent" answer).
    #[arg(long, value_name = "N", default_value = defaults::RETRIES, value_parser = values::retries)]
    pub(crate) retries: Option<u32>,
    /// Reads of the PBX (the listing, queries) per second at most; 0 for no limit.
    #[arg(long, value_name = "PER_SEC", default_value = defaults::READ_RATE, value_parser = values::reads_per_sec)]
    pub(crate) read_rate: Option<f64>,
}

impl ReadsArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        let read_rate = self.read_rate.map(|r| (r > 0.0).then_some(r));
        Options {
            concurrency: at.of("concurrency", self.concurrency),
            retries: at.of("retries", self.retries),
            read_rate: at.of("read_rate", read_rate),
            ..Options::default()
        }
    }
}

/// How hard to push the PBX, and its password policy.
#[derive(Debug, Args)]
pub(crate) struct PaceArgs {
    /// Writes per second at most; 0 for no limit; auto to find the PBX's own pace
    /// (--read-rate limits the reads).
    #[arg(long, value_name = "PER_SEC|auto", default_value = defaults::RATE, value_parser = values::rate)]
    pub(crate) rate: Option<Rate>,
    #[command(flatten)]
    pub(crate) reads: ReadsArgs,
    /// The PBX is set to weak passwords (shorter passwords pass).
    #[arg(long)]
    pub(crate) weak_passwords: bool,
    /// A broken rule that no document of the API states refuses the row; without it the row
    /// warns and is sent (template --describe marks such rules inferred).
    #[arg(long)]
    pub(crate) strict: bool,
}

impl PaceArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            rate: at.of("rate", self.rate),
            weak_passwords: at.switch("weak_passwords", self.weak_passwords),
            strict: at.switch("strict", self.strict),
            ..self.reads.options(at)
        }
    }
}

/// How a spreadsheet is read, on every command that reads one.
#[derive(Debug, Args)]
pub(crate) struct ReadArgs {
    /// The text file's encoding (utf-8, utf-16le, gbk, big5, shift_jis, windows-1252, cp936,
    /// …) instead of detecting it.
    #[arg(long, value_name = "NAME", value_parser = values::encoding)]
    pub(crate) encoding: Option<Encoding>,
    /// The workbook's sheet to read [default: the first].
    #[arg(long, value_name = "NAME", value_parser = values::sheet)]
    pub(crate) sheet: Option<String>,
    /// Turn a phone number's leading + into these digits (e.g. 00: +86… becomes 0086…);
    /// without it, a leading + is refused.
    #[arg(long, value_name = "DIGITS", value_parser = values::plus_prefix)]
    pub(crate) plus_prefix: Option<String>,
}

impl ReadArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            encoding: at.of("encoding", self.encoding),
            sheet: at.of("sheet", self.sheet.clone()),
            plus_prefix: at.of("plus_prefix", self.plus_prefix.clone()),
            ..Options::default()
        }
    }
}

/// What a run says as it goes and when it ends, for a person and for a script.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// Write how the run went as JSON to FILE (- for standard output), however it ends;
    /// schema in docs/REFERENCE.md.
    #[arg(long, value_name = "FILE|-")]
    pub(crate) summary_json: Option<PathBuf>,
    /// When standard error is not a terminal: a progress line every SECS.
    #[arg(long, value_name = "SECS", default_value = defaults::PROGRESS_EVERY, value_parser = values::secs)]
    pub(crate) progress_every: Option<Duration>,
}

impl OutputArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            summary_json: at.of("summary_json", self.summary_json.clone()),
            progress_every: at.of("progress_every", self.progress_every),
            ..Options::default()
        }
    }
}

/// How an import (or a migration) runs: the flags `import` and `migrate` share.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// What each row does.
    #[arg(long, default_value = defaults::MODE, value_parser = WordParser::<Mode>::new())]
    pub(crate) mode: Option<Mode>,
    /// With --mode sync: delete extensions the file does not list.
    #[arg(long)]
    pub(crate) prune: bool,
    /// With --mode sync: delete (a prune, or a map's remove) only numbers in this range
    /// (repeatable), e.g. 1000-1999.
    #[arg(long, value_name = "FROM-TO", value_parser = values::range)]
    pub(crate) prune_range: Vec<(u64, u64)>,
    /// With --mode sync: refuse (exit 2, nothing written) above this many deletes (a prune's
    /// and a map's remove), or this share of the extensions on the PBX (e.g. 1%) [default: 10%].
    #[arg(long, value_name = "N|P%", value_parser = values::max_delete)]
    pub(crate) max_delete: Option<MaxDelete>,
    /// Log in and plan, but write nothing; the report shows what would be sent.
    #[arg(long, conflicts_with = "resume")]
    pub(crate) dry_run: bool,
    /// Finish an interrupted run (same file, same --report): rows it finished are not sent
    /// again, rows it had in flight are checked against the PBX first.
    #[arg(long)]
    pub(crate) resume: bool,
    #[command(flatten)]
    pub(crate) pace: PaceArgs,
    /// Rows that add an extension and leave its credentials blank get a registername (the
    /// number) and random passwords, written only to REPORT.credentials.csv (mode 0600).
    #[arg(long)]
    pub(crate) generate_passwords: bool,
    /// Send passwords in the sheet for extensions that exist even where the PBX does not hand
    /// them back to compare (without it, a sync never rewrites such a secret).
    #[arg(long)]
    pub(crate) update_secrets: bool,
    /// Send each added extension's user the PBX's welcome e-mail (yeastar-p); never by default.
    #[arg(long)]
    pub(crate) welcome_email: bool,
    /// After the writes, read every written extension back and compare the fields sent
    /// (report column verify); a mismatch is exit 1, reason verify_mismatch.
    #[arg(long)]
    pub(crate) verify: bool,
    /// Seconds without traffic before a heartbeat keeps the token alive.
    #[arg(long, hide = true, default_value = defaults::HEARTBEAT_SECS, value_parser = values::secs)]
    pub(crate) heartbeat_secs: Option<Duration>,
}

impl RunArgs {
    pub(crate) fn options(&self, at: Origins<'_>) -> Options {
        Options {
            mode: at.of("mode", self.mode),
            prune: at.switch("prune", self.prune),
            prune_range: at.list("prune_range", self.prune_range.clone()),
            max_delete: at.of("max_delete", self.max_delete),
            dry_run: at.switch("dry_run", self.dry_run),
            resume: at.switch("resume", self.resume),
            generate_passwords: at.switch("generate_passwords", self.generate_passwords),
            update_secrets: at.switch("update_secrets", self.update_secrets),
            welcome_email: at.switch("welcome_email", self.welcome_email),
            verify: at.switch("verify", self.verify),
            heartbeat: at.of("heartbeat_secs", self.heartbeat_secs),
            ..self.pace.options(at)
        }
    }
}
