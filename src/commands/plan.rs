//! `pbxbulk plan`: decide every row as `import` would, write the plan, and say what it holds
//! and how to review it. Exit 0 once the plan is written; 1 when some rows are invalid (as
//! a dry run's would be); 2 when no plan could be made.

use crate::domain::Exit;
use crate::output::progress::timestamp;
use crate::output::summary_json::without_credentials;
use crate::run::ImportSettings;
use crate::run::plan::{PlanTo, run_plan};
use crate::settings::{self, Options};

/// `pbxbulk plan`: the settings from `options`, then the plan.
pub(crate) fn run(options: Options) -> anyhow::Result<Exit> {
    let (settings, to) = settings::plan(options)?;
    super::runtime()?.block_on(plan(settings, to))
}

async fn plan(settings: ImportSettings, to: PlanTo) -> anyhow::Result<Exit> {
    super::warn_about(&[(&settings.connection, "--url")]);
    let banner = || {
        eprintln!(
            "{} pbxbulk plan {} against {} at {}, mode {}",
            timestamp(std::time::SystemTime::now()),
            settings.file.display(),
            settings.api.name(),
            without_credentials(&settings.connection.base_url),
            settings.mode.name()
        );
    };
    let counts = run_plan(&settings, &to, banner).await?;
    let count = |word: &str| counts.get(word).copied().unwrap_or(0);
    say!(
        "plan: {} to add, {} to update, {} to delete; {} unchanged, {} invalid, {} skipped",
        count("add"),
        count("update"),
        count("delete"),
        count("unchanged"),
        count("invalid"),
        count("skipped")
    );
    let out = to.out.display();
    say!(
        "written to {out}{}; review it with: pbxbulk show {out}",
        if to.sign_key.is_some() {
            ", signed"
        } else {
            ""
        }
    );
    Ok(match count("invalid") {
        0 => Exit::Ok,
        _ => Exit::RowsFailed,
    })
}
