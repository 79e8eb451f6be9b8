//! HR feeds keyed by people: an HR extract with no number column, synced night after night by
//! e-mail (`--match email`), new people given numbers from a range (`--assign-numbers`),
//! leavers removed by the map's `remove` conditions, rows the map skips left alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::*;

/// The map of the nightly sync: e-mail as the key, names spelt the way the PBX's name rule
/// takes them, leavers removed, the board left alone, every other column ignored.
const MAP: &str = r#"
ignore_unmapped = true
skip = ['Department == "Board"']
remove = ['WorkerStatus == "Inactive"']

[columns]
"Email" = "email"

[templates]
username = "{FirstName|ascii|clean} {LastName|ascii|clean}"
"#;

/// One person of the extract.
#[derive(Clone)]
struct Person {
    worker: String,
    active: bool,
    first: String,
    last: String,
    department: &'static str,
    phone: String,
    email: String,
}

/// 300 people as an HR system exports them: no extension column, `WorkerID` reused across
/// people, office phones with seven distinct tails, every other person inactive, names that
/// break the PBX's name rule as written; person 7 is on the board.
fn people() -> Vec<Person> {
    const FIRST: [&str; 6] = ["Ann", "Zoë", "Bob", "Øre", "Cy", "Mary-Ann"];
    const LAST: [&str; 5] = ["Lee", "O'Brien", "Smith Jr.", "Ng", "Park"];
    (0..300)
        .map(|i| Person {
            worker: format!("W{}", i / 3 * 2),
            active: i % 2 == 0,
            first: FIRST[i % FIRST.len()].to_string(),
            last: LAST[i % LAST.len()].to_string(),
            department: if i == 7 {
                "Board"
            } else {
                ["Sales", "Support"][i % 2]
            },
            phone: format!("+1 555 010 {:04}", 1000 + i % 7),
            email: format!("person{i}@Example.com"),
        })
        .collect()
}

fn extract(people: &[Person]) -> String {
    let mut csv = String::from(
        "WorkerID,WorkerStatus,FirstName,LastName,FullName,Department,OfficePhone,Email\n",
    );
    for p in people {
        let status = if p.active { "Active" } else { "Inactive" };
        let full = format!("{} {}", p.first, p.last);
        csv.push_str(&format!(
            "{},{status},{},\"{}\",\"{full}\",{},{},{}\n",
            p.worker, p.first, p.last, p.department, p.phone, p.email
        ));
    }
    csv
}

/// The nightly command, with the flags the recipe in docs/HR-SYNC.md gives.
fn nightly(sim: &Sim, dir: &Path, people: &[Person], night: u32) -> Run {
    let map = write(dir, "hr.toml", MAP);
    let file = write(dir, &format!("hr-{night}.csv"), extract(people));
    Run::import(sim)
        .input(&file)
        .report(&dir.join(format!("night-{night}.csv")))
        .args(&["--map", map.to_str().unwrap(), "--mode", "sync", "--prune"])
        .args(&["--prune-range", "3000-3999", "--match", "email"])
        .args(&[
            "--assign-numbers",
            "3000-3999",
            "--generate-passwords",
            "--rate",
            "0",
        ])
}

/// An import of the HR file `hr` through [`MAP`], people matched by e-mail, unpaced.
fn by_email(sim: &Sim, dir: &Path, hr: &str) -> Run {
    let map = write(dir, "hr.toml", MAP);
    Run::import(sim)
        .file_named("hr.csv", hr)
        .args(&["--map", map.to_str().unwrap(), "--match", "email"])
        .args(&["--rate", "0"])
}

/// The PBX before the first night: the lobby phone (outside the range) and the board
/// member's own extension, which no run may touch.
fn seed() -> String {
    format!(
        "number,username,registername,registerpassword,email\n\
         1000,Lobby,1000,{STRONG},\n3500,Board Seat,3500,{STRONG},person7@example.com\n"
    )
}

fn count(ran: &Ran, action: &str, status: &str) -> usize {
    (ran.rows.iter())
        .filter(|r| r["action"] == action && r["status"] == status)
        .count()
}

/// "assigned 3007" in a row's message: the number.
fn assigned(message: &str) -> Option<&str> {
    let at = message.find("assigned ")? + "assigned ".len();
    message[at..].split(|c: char| !c.is_ascii_digit()).next()
}

#[test]
fn nightly_hr_sync_adds_the_active_people_then_nothing_then_one_leaver_two_joiners() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with(Api::YeastarV2).seed(&seed()).start();
    let mut staff = people();
    let active = staff
        .iter()
        .filter(|p| p.active && p.department != "Board")
        .count();

    // Night one: exactly the active people are added, each with a number in the range.
    let ran = nightly(&sim, dir.path(), &staff, 1).ok();
    assert_eq!(ran.rows.len(), 300);
    assert_eq!(count(&ran, "add", "ok"), active, "{:?}", ran.rows[0]);
    let numbers: Vec<&str> = ran
        .rows
        .iter()
        .filter_map(|r| assigned(&r["message"]))
        .collect();
    assert_eq!(numbers.len(), active);
    let distinct: BTreeSet<&str> = numbers.iter().copied().collect();
    assert_eq!(distinct.len(), active, "no number given twice");
    assert!(
        numbers
            .iter()
            .all(|n| ("3000".."3999").contains(n) && *n != "3500")
    );
    assert_eq!(numbers[0], "3000", "the lowest free number first");
    let on_pbx = sim.field("email");
    assert_eq!(
        on_pbx.len(),
        active + 2,
        "the lobby and the board seat stay"
    );
    assert_eq!(
        on_pbx["3500"], "person7@example.com",
        "a skipped row is not pruned"
    );
    // Inactive people have no extension: their rows are skipped and say why.
    let leaver = ran.row("row", "3");
    assert_eq!(leaver["status"], "skipped");
    assert!(leaver["message"].contains("removed by the mapping: WorkerStatus == \"Inactive\""));
    assert!(leaver["message"].contains("no extension on the PBX is this person's"));
    // Names cleaned to the PBX's rule, and the report says what was dropped.
    // Person 6 is Ann O'Brien, active: row 8.
    let obrien = ran.row("row", "8");
    assert!(
        obrien["message"].contains(r#"username: "O'Brien" sent as "OBrien""#),
        "{}",
        obrien["message"]
    );
    let names = sim.field("username");
    let smith = staff
        .iter()
        .position(|p| p.active && p.last == "Smith Jr.")
        .unwrap();
    let row = ran.row("row", &(smith + 2).to_string());
    let number = assigned(&row["message"]).unwrap();
    assert!(
        row["message"].contains(r#"username: "Smith Jr." sent as "Smith Jr""#),
        "{}",
        row["message"]
    );
    assert_eq!(
        names[number],
        format!("{} Smith Jr", ascii(&staff[smith].first))
    );

    // Night two: the same file writes nothing.
    let writes = sim.stat("write_requests");
    let ran = nightly(&sim, dir.path(), &staff, 2).ok();
    assert_eq!(sim.stat("write_requests"), writes, "not one write");
    assert_eq!(count(&ran, "none", "unchanged"), active);

    // Night three: one leaver, one returner, one new hire.
    let leaver = staff
        .iter()
        .position(|p| p.active && p.department != "Board")
        .unwrap();
    staff[leaver].active = false;
    let returner = staff
        .iter()
        .position(|p| !p.active && p.email != staff[leaver].email);
    let returner = returner.unwrap();
    staff[returner].active = true;
    let mut hire = staff[0].clone();
    (hire.email, hire.worker, hire.active) = ("new.hire@example.com".into(), "W0".into(), true);
    staff.push(hire);
    let before = sim.field("email");
    let gone = (before.iter())
        .find(|(_, e)| e.eq_ignore_ascii_case(&staff[leaver].email))
        .map(|(n, _)| n.clone())
        .unwrap();
    let ran = nightly(&sim, dir.path(), &staff, 3).ok();
    let writes: BTreeMap<&str, usize> = ["add", "update", "delete"]
        .into_iter()
        .map(|a| (a, count(&ran, a, "ok")))
        .collect();
    assert_eq!(writes, [("add", 2), ("delete", 1), ("update", 0)].into());
    let deleted = ran.row("action", "delete");
    assert_eq!(
        (deleted["number"].as_str(), deleted["row"].clone()),
        (gone.as_str(), (leaver + 2).to_string())
    );
    assert!(
        deleted["message"].contains("removed by the mapping"),
        "{}",
        deleted["message"]
    );
    let new: Vec<&str> = ran
        .rows
        .iter()
        .filter_map(|r| assigned(&r["message"]))
        .collect();
    assert_eq!(new.len(), 2);
    assert!(
        new.iter().all(|n| *n != gone && !before.contains_key(*n)),
        "{new:?} reuse {gone}"
    );
    let after = sim.field("email");
    assert!(!after.contains_key(&gone));
    assert_eq!(after.len(), before.len() + 1);
}

/// The name filter's effect on the names this test uses (`Zoë` → `Zoe`, `Øre` → `Ore`,
/// `Mary-Ann` kept: v2's name rule allows a dash).
fn ascii(name: &str) -> String {
    name.replace('ë', "e").replace('Ø', "O")
}

#[test]
fn a_match_that_is_not_unique_is_a_row_error_naming_both_and_nothing_is_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!(
        "number,username,registername,registerpassword,email\n\
         3001,Twin One,3001,{STRONG},twin@example.com\n3002,Twin Two,3002,{STRONG},TWIN@example.com\n"
    );
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    let hr = "WorkerID,WorkerStatus,FirstName,LastName,Department,Email\n\
              W1,Active,Twin,One,Sales,twin@example.com\n\
              W2,Active,Ann,Lee,Sales,ann@example.com\n\
              W3,Active,Ann,Lee,Support,ANN@example.com\n\
              W4,Active,Bo,Ray,Sales,bo@example.com\n";
    let ran = by_email(&sim, dir.path(), hr)
        .args(&["--assign-numbers", "3001-3003", "--generate-passwords"])
        .rows_failed();
    let message = |row: &str| ran.row("row", row)["message"].clone();
    assert_eq!(ran.row("row", "2")["error_code"], "AMBIGUOUS_MATCH");
    assert!(
        message("2").contains("extensions 3001 and 3002"),
        "{}",
        message("2")
    );
    assert!(message("3").contains("also in row 4"), "{}", message("3"));
    assert!(message("4").contains("also in row 3"), "{}", message("4"));
    // Bo gets the only free number of the range; nobody else was given one.
    assert_eq!(ran.row("row", "5")["number"], "3003");
    assert!(message("5").contains("assigned 3003"));
    assert_eq!(sim.field("email").len(), 3);
}

#[test]
fn running_out_of_numbers_is_a_row_error_and_the_run_goes_on() {
    let sim = Sim::start(Api::YeastarV2);
    let dir = tempfile::tempdir().unwrap();
    let hr = "WorkerStatus,FirstName,LastName,Department,Email\n\
              Active,Ann,Lee,Sales,ann@example.com\n\
              Active,Bo,Ray,Sales,bo@example.com\n\
              Active,Cy,Ng,Sales,cy@example.com\n";
    let ran = by_email(&sim, dir.path(), hr)
        .args(&[
            "--assign-numbers",
            "5000-5001",
            "--generate-passwords",
            "--dry-run",
        ])
        .rows_failed();
    assert_eq!(
        ran.row_number_status(),
        ["2 5000 skipped", "3 5001 skipped", "4  invalid"]
    );
    assert!(ran.row("row", "2")["message"].contains("dry run: would add"));
    assert!(ran.row("row", "2")["message"].contains("assigned 5000"));
    assert_eq!(ran.row("row", "4")["error_code"], "NO_FREE_NUMBER");
    assert_eq!(sim.stat("write_requests"), 0);
}

#[test]
fn leavers_are_deleted_under_sync_without_prune_within_the_prune_safeguards() {
    let dir = tempfile::tempdir().unwrap();
    let seed = format!(
        "number,username,registername,registerpassword,email\n\
         3001,Ann Lee,3001,{STRONG},ann@example.com\n3002,Bo Ray,3002,{STRONG},bo@example.com\n\
         4001,Cy Ng,4001,{STRONG},cy@example.com\n5001,Lobby,5001,{STRONG},\n"
    );
    let sim = Sim::with(Api::YeastarV2).seed(&seed).start();
    let hr = "WorkerStatus,FirstName,LastName,Department,Email\n\
              Inactive,Ann,Lee,Sales,ann@example.com\n\
              Inactive,Bo,Ray,Sales,bo@example.com\n\
              Inactive,Cy,Ng,Sales,cy@example.com\n";
    let sync = || by_email(&sim, dir.path(), hr).args(&["--mode", "sync"]);
    // Three leavers are more deletes than --max-delete allows: nothing is written.
    let ran = sync().args(&["--max-delete", "2"]).incomplete("safeguard");
    assert!(ran.stderr.contains("--max-delete"), "{}", ran.stderr);
    assert_eq!(sim.stat("write_requests"), 0);
    // The default limit (10% of 4) holds for leavers too.
    sync().incomplete("safeguard");
    // Inside --prune-range only: Cy's 4001 stays, and no --prune means the lobby stays too.
    let ran = sync()
        .args(&["--prune-range", "3000-3999", "--max-delete", "2"])
        .ok();
    assert_eq!(
        ran.row_number_status(),
        ["2 3001 ok", "3 3002 ok", "4 4001 skipped"]
    );
    let cy = ran.row("row", "4")["message"].clone();
    assert!(cy.contains("--prune-range"), "{cy}");
    let left: Vec<String> = sim.field("email").into_keys().collect();
    assert_eq!(left, ["4001", "5001"]);
    // The safeguards guard deletes, which only a sync makes.
    sync()
        .args(&["--mode", "upsert", "--prune-range", "3000-3999"])
        .incomplete("bad_input");
}
