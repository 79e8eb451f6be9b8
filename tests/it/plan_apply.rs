//! Review before writing: `plan` decides every row as `import` would and writes it down,
//! `show` prints it, `apply` sends exactly it. Apply refuses (exit 2, reason `stale_plan`,
//! nothing sent) a plan whose extensions changed on the PBX, whose input changed, whose file
//! was edited, or whose signature is not `--sign-key`'s. No secret of the input stands in a
//! plan. `--max-delete` takes a share of the directory.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::*;

/// The writes a simulator took, in order: `op number error`.
fn writes(sim: &Sim) -> Vec<String> {
    sim.log()
        .iter()
        .filter(|e| {
            matches!(
                e["op"].as_str(),
                Some("add" | "update" | "delete" | "apply")
            )
        })
        .map(|e| format!("{} {} {}", e["op"], e["number"], e["error"]))
        .collect()
}

/// `number,username,email,registerpassword` rows for `numbers`.
fn directory(numbers: impl IntoIterator<Item = u32>) -> String {
    let mut csv = String::from("number,username,email,registerpassword\n");
    for n in numbers {
        csv.push_str(&format!("{n},User {n},u{n}@example.com,{STRONG}\n"));
    }
    csv
}

/// The scenario of a nightly sync: 1001-1020 on the PBX; the file keeps 13 as they are,
/// changes five e-mails, drops 1016 and 1017 (deleted by the prune), adds three, and has
/// one invalid row.
fn nightly() -> (String, String) {
    let seed = directory(1001..=1020);
    let mut file = String::from("number,username,email,registerpassword,registername\n");
    for n in (1001..=1015).chain(1018..=1020) {
        let email = match n {
            1011..=1015 => format!("new{n}@example.com"),
            _ => format!("u{n}@example.com"),
        };
        file.push_str(&format!("{n},User {n},{email},{STRONG},\n"));
    }
    for n in 2001..=2003 {
        file.push_str(&format!(
            "{n},New {n},n{n}@example.com,Nw7mQ2vRt9LpW4zB,{n}\n"
        ));
    }
    file.push_str("2004,Bad Row,not-an-email,Nw7mQ2vRt9LpW4zB,2004\n");
    (seed, file)
}

const SYNC: [&str; 7] = [
    "--mode",
    "sync",
    "--prune",
    "--max-delete",
    "20%",
    "--concurrency",
    "1",
];

#[test]
fn plan_then_apply_sends_what_a_direct_import_sends_write_for_write() {
    let (seed, file) = nightly();
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "staff.csv", &file);
    let plan = dir.path().join("night.plan");

    let direct = Sim::with(Api::YeastarV2).seed(&seed).start();
    let imported = Run::import(&direct).input(&input).args(&SYNC).rows_failed();

    let reviewed = Sim::with(Api::YeastarV2).seed(&seed).start();
    let planned = Run::plan(&reviewed, &plan)
        .input(&input)
        .args(&SYNC)
        .any_exit();
    assert_eq!(planned.code, 1, "one row is invalid: {}", planned.stderr);
    assert!(
        planned
            .stdout
            .contains("plan: 3 to add, 5 to update, 2 to delete; 13 unchanged, 1 invalid"),
        "{}",
        planned.stdout
    );
    assert!(writes(&reviewed).is_empty(), "plan sends nothing");
    let applied = Run::apply(&plan).rows_failed();

    assert_eq!(writes(&reviewed), writes(&direct));
    assert_eq!(writes(&direct).len(), 10);
    assert_eq!(reviewed.extensions(), direct.extensions());
    assert_eq!(applied.row_number_status(), imported.row_number_status());
    assert_eq!(applied.column("action"), imported.column("action"));
}

#[test]
fn every_api_applies_its_plan_as_its_import_would() {
    each_api(|api| {
        let template = Run::template(api).ok().stdout;
        // The template's row, changed in one field (an update every API can do).
        let (marker, old, new) = match api {
            Api::Verba => ("CONTROLLED", "CONTROLLED", "FULL"),
            Api::YeastarP => ("alice.martin", "alice.martin@", "alice.new@"),
            Api::YeastarV2 | Api::YeastarV1 => ("alice.martin", "alice.martin@", "alice.new@"),
            Api::Openvox => ("zhang.wei", "zhang.wei@", "zhang.new@"),
        };
        assert!(template.contains(marker), "{api}");
        let dir = tempfile::tempdir().unwrap();
        let input = write(dir.path(), "in.csv", template.replace(old, new));
        let plan = dir.path().join("p.plan");
        let direct = Sim::with(api).seed(&template).start();
        Run::import(&direct).input(&input).ok();
        let reviewed = Sim::with(api).seed(&template).start();
        Run::plan(&reviewed, &plan).input(&input).ok();
        let applied = Run::apply(&plan).ok();
        assert_eq!(applied.column("status"), ["ok"], "{api}");
        assert_eq!(writes(&reviewed), writes(&direct), "{api}");
        assert!(!writes(&direct).is_empty(), "{api}");
    });
}

/// A plan of an update of 1001's e-mail on a PBX holding 1001-1003; the file lists
/// 1001 and 1002 only (upsert: 1003 is not the plan's business).
fn planned_update(dir: &Path) -> (Sim, PathBuf, PathBuf) {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&directory(1001..=1003))
        .start();
    let file = directory(1001..=1002).replace("u1001@", "ana.lima@");
    let input = write(dir, "in.csv", file);
    let plan = dir.join("p.plan");
    Run::plan(&sim, &plan).input(&input).ok();
    (sim, input, plan)
}

#[test]
fn a_planned_extension_changed_on_the_pbx_is_refused_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _, plan) = planned_update(dir.path());
    // A change to an extension the plan does not touch is none of its business.
    Run::import(&sim)
        .file("number,username\n1003,Someone Else\n")
        .ok();
    let ran = Run::apply(&plan).ok();
    assert_eq!(ran.row_number_status(), ["2 1001 ok", "3 1002 unchanged"]);

    // A field of a planned extension the file does not even name: its fingerprint differs.
    let (sim, _, plan) = planned_update(dir.path());
    Run::import(&sim)
        .file("number,mobile\n1001,15550100001\n")
        .ok();
    let before = sim.stat("write_requests");
    let ran = Run::apply(&plan).incomplete("stale_plan");
    assert_eq!(sim.stat("write_requests"), before, "nothing was sent");
    assert!(
        ran.stderr.contains(
            "the PBX changed since the plan was made: extension 1001 is not as the plan read it"
        ),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("nothing was sent"), "{}", ran.stderr);
    // An extension the plan leaves alone, changed so that the file's row would now write:
    // that write is not the plan's.
    let (sim, _, plan) = planned_update(dir.path());
    Run::import(&sim)
        .file("number,username\n1002,Renamed\n")
        .ok();
    let before = sim.stat("write_requests");
    let ran = Run::apply(&plan).incomplete("stale_plan");
    assert_eq!(sim.stat("write_requests"), before, "nothing was sent");
    assert!(
        ran.stderr
            .contains("row 3 (1002) would now update, which the plan does not have"),
        "{}",
        ran.stderr
    );
    // Applying twice is refused the same way: the first apply changed what it touched.
    let (sim, _, plan) = planned_update(dir.path());
    Run::apply(&plan).ok();
    Run::apply(&plan).incomplete("stale_plan");
    assert_eq!(sim.stat("write_requests"), 1);
}

#[test]
fn an_edited_plan_or_input_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, input, plan) = planned_update(dir.path());
    let text = std::fs::read_to_string(&plan).unwrap();

    // A value changed by hand.
    std::fs::write(&plan, text.replace("ana.lima@", "evil@")).unwrap();
    let ran = Run::apply(&plan).incomplete("stale_plan");
    assert!(
        ran.stderr
            .contains("the plan file was changed after it was made"),
        "{}",
        ran.stderr
    );

    // The PBX's address pointed elsewhere: refused before the password goes anywhere.
    let elsewhere = Sim::start(Api::YeastarV2);
    std::fs::write(&plan, text.replace(&sim.url, &elsewhere.url)).unwrap();
    Run::apply(&plan).incomplete("stale_plan");
    assert_eq!(elsewhere.stat("logins"), 0);

    // A field added, or the JSON broken.
    let added = text.replacen("\"seq\": 0,", "\"seq\": 0, \"force\": true,", 1);
    for edited in [added.as_str(), &text[..text.len() / 2]] {
        std::fs::write(&plan, edited).unwrap();
        let ran = Run::apply(&plan).incomplete("stale_plan");
        assert!(
            ran.stderr.contains("is not as pbxbulk plan wrote it"),
            "{}",
            ran.stderr
        );
    }

    // The input changed since the plan.
    std::fs::write(&plan, &text).unwrap();
    let mut file = std::fs::read_to_string(&input).unwrap();
    file.push_str(&format!("1003,User 1003,u1003@example.com,{STRONG}\n"));
    std::fs::write(&input, file).unwrap();
    let ran = Run::apply(&plan).incomplete("stale_plan");
    assert!(
        ran.stderr.contains("is no longer the planned one"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("write_requests"), 0);
    assert_eq!(sim.stat("logins"), 1, "only the plan logged in");
}

#[test]
fn only_a_plan_signed_with_the_key_is_applied_with_sign_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = write(
        dir.path(),
        "approve.key",
        "5d41402abc4b2a76b9719d911017c592\n",
    );
    let other = write(
        dir.path(),
        "other.key",
        "7215ee9c7d9dc229d2921a40e899ec5f\n",
    );
    let (key, other) = (key.to_str().unwrap(), other.to_str().unwrap());

    // The nightly job plans, unsigned: cron, which wants a signature, refuses it.
    let (sim, _, plan) = planned_update(dir.path());
    let ran = Run::apply(&plan)
        .args(&["--sign-key", key])
        .incomplete("stale_plan");
    assert!(ran.stderr.contains("it is not signed"), "{}", ran.stderr);
    // A person reviews it and approves it with the key.
    let shown = Run::new(Command::Show)
        .input(&plan)
        .args(&["--approve", "--sign-key", key])
        .ok();
    assert!(
        shown.stdout.contains("update 1001 (row 2): email"),
        "{}",
        shown.stdout
    );
    // Signed with another key, or not checked at all: refused.
    Run::apply(&plan)
        .args(&["--sign-key", other])
        .incomplete("stale_plan");
    let ran = Run::apply(&plan).incomplete("bad_input");
    assert!(
        ran.stderr.contains("the plan is signed: give --sign-key"),
        "{}",
        ran.stderr
    );
    assert_eq!(sim.stat("write_requests"), 0);
    // With the approver's key: applied.
    Run::apply(&plan).args(&["--sign-key", key]).ok();
    assert_eq!(sim.stat("write_requests"), 1);

    // Signed when made, then edited: the signature no longer holds.
    let (sim, _, plan) = planned_update(dir.path());
    Run::plan(&sim, &plan)
        .input(dir.path().join("in.csv"))
        .args(&["--sign-key", key])
        .ok();
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&plan, text.replace("ana.lima@", "evil@")).unwrap();
    let ran = Run::apply(&plan)
        .args(&["--sign-key", key])
        .incomplete("stale_plan");
    assert!(
        ran.stderr.contains("signature does not match"),
        "{}",
        ran.stderr
    );
    // A key too short to sign with is refused as given.
    let short = write(dir.path(), "short.key", "12345");
    Run::apply(&plan)
        .args(&["--sign-key", short.to_str().unwrap()])
        .incomplete("bad_input");
}

#[test]
fn no_secret_of_the_input_stands_in_the_plan_or_in_show() {
    let seed = "number,username,registerpassword\n1001,Ana Lima,Kx7mQ2vRt9LpW4zA\n";
    let sim = Sim::with(Api::YeastarV2).seed(seed).start();
    let file = "number,username,registername,registerpassword,loginpassword,vmsecret\n\
                1001,Ana Lima,1001,Rq5tW8yPz2NcVb7K,Lg4nPw7Qx2,5862\n\
                1002,Bo Chen,1002,Hj6kM9nB3vCxQw4E,Mp3kRt8Zy5,7391\n\
                1003,Cy Ray,1003,Zt2wQ5eR8tYuPl9M,Nq9sLf4Hx7,2847\n";
    let secrets: Vec<&str> = file
        .lines()
        .skip(1)
        .flat_map(|line| line.split(',').skip(3))
        .collect();
    assert_eq!(secrets.len(), 9);
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.csv", file);
    let plan = dir.path().join("p.plan");
    Run::plan(&sim, &plan).input(&input).ok();
    let text = std::fs::read_to_string(&plan).unwrap();
    let shown = Run::new(Command::Show).input(&plan).ok().stdout;
    let json = Run::new(Command::Show)
        .input(&plan)
        .args(&["--json"])
        .ok()
        .stdout;
    for secret in &secrets {
        for form in [
            secret.to_string(),
            md5_hex(secret),
            md5_hex(secret).to_uppercase(),
        ] {
            for (what, text) in [("plan", &text), ("show", &shown), ("show --json", &json)] {
                assert!(!text.contains(&form), "{what} holds a form of {secret}");
            }
        }
    }
    assert!(
        shown.contains("registerpassword changes (secret, not shown)"),
        "{shown}"
    );
    assert_eq!(mode(&plan), 0o600);
    // Apply takes the values from the input: the PBX has them.
    Run::apply(&plan).ok();
    let on_pbx = sim.field("registerpassword");
    assert_eq!(on_pbx["1002"], "Hj6kM9nB3vCxQw4E");
    assert_eq!(on_pbx["1001"], "Rq5tW8yPz2NcVb7K");
}

#[test]
fn show_puts_the_deletes_first_and_json_is_the_file() {
    let (seed, file) = nightly();
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "staff.csv", &file);
    let plan = dir.path().join("night.plan");
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    Run::plan(&sim, &plan).input(&input).args(&SYNC).any_exit();
    let shown = Run::new(Command::Show).input(&plan).ok().stdout;
    let lines: Vec<&str> = shown.lines().collect();
    assert!(
        lines.contains(&"3 to add, 5 to update, 2 to delete; 13 unchanged, 1 invalid, 0 skipped"),
        "{shown}"
    );
    let first = lines.iter().position(|l| l.starts_with("delete ")).unwrap();
    assert!(lines[first].starts_with("delete 1016 (not in the file): username was \"User 1016\""));
    assert!(lines[first + 1].starts_with("delete 1017"));
    let update = lines
        .iter()
        .position(|l| l.starts_with("update 1011"))
        .unwrap();
    assert!(update > first + 1, "deletes first: {shown}");
    assert_eq!(
        lines[update],
        r#"update 1011 (row 12): email "u1011@example.com" → "new1011@example.com""#
    );
    assert!(
        shown.contains("add 2001 (row 20): username \"\" → \"New 2001\""),
        "{shown}"
    );
    assert!(shown.contains("invalid 2004 (row 23)"), "{shown}");
    let json: Value = serde_json::from_str(
        &Run::new(Command::Show)
            .input(&plan)
            .args(&["--json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(json, file);
}

#[test]
fn max_delete_takes_a_share_of_the_directory() {
    let sim = Sim::with(Api::YeastarV2)
        .seed(&directory(3000..3200))
        .start();
    let dir = tempfile::tempdir().unwrap();
    let prune = ["--mode", "sync", "--prune", "--max-delete", "1%"];
    // Three deletes of 200 extensions: more than 1% (2).
    let input = write(dir.path(), "keep197.csv", directory(3000..3197));
    let ran = Run::import(&sim)
        .input(&input)
        .args(&prune)
        .incomplete("safeguard");
    assert!(
        ran.stderr
            .contains("refusing to delete 3 of the 200 extensions on the PBX (more than 2, 1% of the directory)"),
        "{}",
        ran.stderr
    );
    Run::plan(&sim, &dir.path().join("p.plan"))
        .input(&input)
        .args(&prune)
        .refused();
    assert_eq!(sim.stat("write_requests"), 0);
    // Two are within it.
    let input = write(dir.path(), "keep198.csv", directory(3000..3198));
    let ran = Run::import(&sim).input(&input).args(&prune).ok();
    let deleted: Vec<&str> = ran
        .rows
        .iter()
        .filter(|r| r["action"] == "delete")
        .map(|r| r["number"].as_str())
        .collect();
    assert_eq!(deleted, ["3198", "3199"]);
    Run::import(&sim)
        .input(&input)
        .args(&["--mode", "sync", "--prune", "--max-delete", "1.5%%"])
        .incomplete("bad_input");
}

#[test]
fn an_interrupted_apply_is_finished_by_resume_without_sending_a_row_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = String::from("number,username,registername,registerpassword\n");
    for n in 8001..=8016 {
        file.push_str(&format!("{n},User {n},{n},{STRONG}\n"));
    }
    let input = write(dir.path(), "in.csv", file);
    let plan = dir.path().join("p.plan");
    let sim = Sim::start(Api::YeastarV2);
    Run::plan(&sim, &plan)
        .input(&input)
        .args(&["--mode", "add", "--rate", "4"])
        .ok();
    let report = dir.path().join("r.csv");
    let apply = Run::apply(&plan).report(&report);
    let mut running = apply.clone().spawn();
    running.wait_for("two rows added", || sim.stat("extensions") >= 2);
    running.signal("INT");
    let ran = running
        .ends_within(std::time::Duration::from_secs(20))
        .incomplete("interrupted");
    assert!(ran.stderr.contains("resume with: "), "{}", ran.stderr);
    let ran = apply.args(&["--resume"]).ok();
    assert_eq!(ran.column("status").len(), 16);
    let adds: Vec<String> = writes(&sim)
        .into_iter()
        .filter(|w| w.starts_with("\"add\""))
        .collect();
    assert_eq!(adds.len(), 16, "each add once: {adds:?}");
    assert_eq!(sim.stat("extensions"), 16);
}
