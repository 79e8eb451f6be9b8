//! `pbxbulk show PLAN`: a plan as a person reviews it: where it goes and from what, the
//! counts, then every change as `old → new`, the deletes first; `--json` prints the file as
//! it is. `--approve --sign-key FILE` signs the plan once it is reviewed, so `apply
//! --sign-key FILE` (cron's) takes it.

use crate::domain::{Action, Exit};
use crate::output::plan_file::seal::SignKey;
use crate::output::plan_file::{Change, Plan, PlanFile, PlanRow, PlanStatus};
use crate::settings::{self, Options, ShowSettings};

/// `pbxbulk show`: the settings from `options`, then the plan printed.
pub(crate) fn run(options: Options) -> anyhow::Result<Exit> {
    show(&settings::show(options)?)
}

fn show(settings: &ShowSettings) -> anyhow::Result<Exit> {
    let mut file = PlanFile::read(&settings.plan)?;
    if settings.json {
        say!("{}", serde_json::to_string_pretty(&file)?);
    } else {
        for line in lines(&file.plan) {
            say!("{line}");
        }
        say!("signed: {}", signed(&file, settings.sign_key.as_ref()));
    }
    if let (true, Some(key)) = (settings.approve, &settings.sign_key) {
        file.signature = Some(key.sign(&file.plan));
        file.write(&settings.plan)?;
        eprintln!(
            "approved: {} is signed; pbxbulk apply {0} --sign-key FILE applies it",
            settings.plan.display()
        );
    }
    Ok(Exit::Ok)
}

fn signed(file: &PlanFile, key: Option<&SignKey>) -> &'static str {
    match (&file.signature, key) {
        (None, _) => "no",
        (Some(_), None) => "yes (give --sign-key to check with which key)",
        (Some(seal), Some(key)) if key.signed(&file.plan, seal) => "yes, with this --sign-key",
        (Some(_), Some(_)) => "NOT with this --sign-key: it was changed, or signed with another",
    }
}

/// The plan in lines: what it is, the counts, then the rows.
fn lines(plan: &Plan) -> Vec<String> {
    let count = |word: &str| plan.counts.get(word).copied().unwrap_or(0);
    let t = &plan.target;
    let mut lines = vec![
        format!("plan made {} by {}", plan.created_at, plan.created_by),
        format!(
            "  PBX:   {} at {}, user {}, mode {}",
            t.api, t.url, t.user, plan.settings.mode
        ),
        format!(
            "  input: {} (SHA-256 {}, {} bytes)",
            plan.input.path, plan.input.sha256, plan.input.bytes
        ),
        format!(
            "{} to add, {} to update, {} to delete; {} unchanged, {} invalid, {} skipped",
            count("add"),
            count("update"),
            count("delete"),
            count("unchanged"),
            count("invalid"),
            count("skipped")
        ),
    ];
    // The deletes first: what a reviewer must not miss.
    let deletes = |r: &&PlanRow| r.status == PlanStatus::Write && r.action == Action::Delete;
    let writes = |r: &&PlanRow| r.status == PlanStatus::Write && r.action != Action::Delete;
    let others = |r: &&PlanRow| r.status != PlanStatus::Write;
    for rows in [
        plan.rows.iter().filter(deletes).collect::<Vec<_>>(),
        plan.rows.iter().filter(writes).collect(),
        plan.rows.iter().filter(others).collect(),
    ] {
        if !rows.is_empty() {
            lines.push(String::new());
        }
        lines.extend(rows.into_iter().map(row_line));
    }
    lines
}

/// `update 1001 (row 5): email "a@x" → "b@x"; registerpassword changes (secret, not shown)`.
fn row_line(row: &PlanRow) -> String {
    let place = match row.row {
        Some(n) => format!("row {n}"),
        None => "not in the file".to_string(),
    };
    let what = match row.status {
        PlanStatus::Write => row.action.to_string(),
        PlanStatus::Invalid => "invalid".to_string(),
        PlanStatus::Skipped => "skipped".to_string(),
    };
    let mut line = format!("{what} {} ({place})", row.number);
    let changes: Vec<String> = row.changes.iter().map(change).collect();
    if !changes.is_empty() {
        line.push_str(&format!(": {}", changes.join("; ")));
    }
    if !row.message.is_empty() {
        line.push_str(&format!(" — {}", row.message));
    }
    line
}

fn change(change: &Change) -> String {
    let field = &change.field;
    match (&change.secret, &change.old, &change.new) {
        (Some(seal), ..) if seal == "generated" => format!("{field} generated at apply"),
        (Some(_), ..) => format!("{field} changes (secret, not shown)"),
        (None, old, Some(new)) => {
            format!("{field} {:?} → {new:?}", old.as_deref().unwrap_or(""))
        }
        (None, Some(old), None) => format!("{field} was {old:?}"),
        (None, None, None) => field.clone(),
    }
}
