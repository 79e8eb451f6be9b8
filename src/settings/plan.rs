//! `pbxbulk plan`, `show` and `apply`: their settings, built whole from the combined options.
//!
//! `plan` is an import's settings (the flags that belong to `apply` refused) and where the
//! plan goes; `apply` takes everything else from the plan itself, so only how this run
//! reports, and the password, come from here. A signing key is only ever read from the file
//! `--sign-key` names: a key typed on a command line would stand in `ps` and shell history.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::connect;
use super::options::{Options, get, set};
use super::profile;
use crate::output::plan_file::seal::SignKey;
use crate::run::ImportSettings;
use crate::run::apply::ApplySettings;
use crate::run::plan::PlanTo;

/// `pbxbulk show`.
#[derive(Debug, Clone)]
pub(crate) struct ShowSettings {
    pub(crate) plan: PathBuf,
    pub(crate) json: bool,
    pub(crate) sign_key: Option<SignKey>,
    /// Sign the plan with `sign_key` once shown.
    pub(crate) approve: bool,
}

/// `pbxbulk plan FILE … --out PLAN`.
pub(crate) fn plan(cli: Options) -> anyhow::Result<(ImportSettings, PlanTo)> {
    for (given, flag, why) in [
        (
            get(&cli.dry_run),
            "--dry-run",
            "a plan sends nothing already",
        ),
        (get(&cli.resume), "--resume", "resume the apply instead"),
        (get(&cli.verify), "--verify", "give it to apply"),
    ] {
        if given == Some(&true) {
            bail!("plan does not take {flag}: {why}");
        }
    }
    for (given, flag) in [
        (cli.summary_json.is_some(), "--summary-json"),
        (cli.report_html.is_some(), "--report-html"),
    ] {
        if given {
            bail!("plan does not take {flag}: give it to apply");
        }
    }
    let Some(out) = get(&cli.output).cloned() else {
        bail!("where should the plan go? give --out PLAN");
    };
    let to = PlanTo {
        out,
        sign_key: sign_key(get(&cli.sign_key))?,
    };
    Ok((super::import(cli)?, to))
}

/// `pbxbulk show PLAN`.
pub(crate) fn show(cli: Options) -> anyhow::Result<ShowSettings> {
    let o = cli.combine(Options::built_in());
    Ok(ShowSettings {
        plan: plan_path(&o, "show")?,
        json: *set(&o.json),
        sign_key: sign_key(get(&o.sign_key))?,
        approve: *set(&o.approve),
    })
}

/// `pbxbulk apply PLAN`.
pub(crate) fn apply(cli: Options) -> anyhow::Result<ApplySettings> {
    let o = cli.combine(Options::built_in());
    let plan = plan_path(&o, "apply")?;
    // apply takes no profile: the PBX is the plan's, the password a file's or the environment's.
    if o.password.is_none() {
        bail!(
            "no password: set ${} or give --password-file FILE",
            super::defaults::env::PASSWORD
        );
    }
    Ok(ApplySettings {
        plan,
        password: connect::password(&o, &connect::ONE)?,
        sign_key: sign_key(get(&o.sign_key))?,
        report: get(&o.report).cloned(),
        report_format: get(&o.report_format).copied(),
        report_html: get(&o.report_html).cloned(),
        summary_json: get(&o.summary_json).cloned(),
        verify: *set(&o.verify),
        resume: *set(&o.resume),
        progress_every: *set(&o.progress_every),
    })
}

fn plan_path(o: &Options, command: &str) -> anyhow::Result<PathBuf> {
    match get(&o.plan) {
        Some(plan) => Ok(plan.clone()),
        None => bail!("the plan is missing: pbxbulk {command} PLAN"),
    }
}

/// `--sign-key FILE`: the key is the file's bytes, at least `SignKey::MIN_LEN` of them.
fn sign_key(path: Option<&PathBuf>) -> anyhow::Result<Option<SignKey>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read --sign-key {}", path.display()))?;
    if bytes.len() < SignKey::MIN_LEN {
        bail!(
            "--sign-key {} holds {} bytes; a key needs at least {} (e.g. openssl rand -hex 32)",
            path.display(),
            bytes.len(),
            SignKey::MIN_LEN
        );
    }
    warn_if_readable(path);
    Ok(Some(SignKey::new(bytes)))
}

fn warn_if_readable(path: &Path) {
    if profile::world_readable(path) {
        eprintln!(
            "pbxbulk: warning: every user of this machine can read the key {0}; chmod 600 {0}",
            path.display()
        );
    }
}
