//! What a person reads before running anything: completions, the man page, examples in every
//! help, `template --describe`, and output cut short by a reader that went away.

use crate::support::*;

#[test]
fn completions_the_man_page_and_examples_in_every_help() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let ran = Run::new(Command::Completions).args(&[shell]).ok();
        assert!(ran.stdout.contains("summary-json"), "{shell}");
    }
    let ran = Run::new(Command::Man).ok();
    assert!(ran.stdout.contains(".TH pbxbulk"), "{}", ran.stdout);
    for sub in [
        Command::Validate,
        Command::Import,
        Command::Export,
        Command::Plan,
        Command::Show,
        Command::Apply,
        Command::Template,
        Command::Sim,
        Command::Demo,
        Command::Completions,
        Command::Man,
        Command::Config,
    ] {
        let help = Run::new(sub).help().ok().stdout;
        let examples = help.split("Examples:").nth(1).unwrap_or("");
        assert!(
            examples.matches("pbxbulk ").count() >= 2,
            "{}: {help}",
            sub.word()
        );
    }
    let ran = Run::new(Command::Config).args(&["show"]).help().ok();
    assert!(ran.stdout.contains("Examples:"));
    let help = Run::new(Command::Import).help().ok().stdout;
    assert!(
        help.contains("yeastar-v1: Yeastar S-Series API v1"),
        "--api values described: {help}"
    );
}

#[test]
fn describe_wraps_to_the_width_and_shows_the_policy_in_force() {
    let describe = || {
        Run::template(Api::YeastarV2)
            .args(&["--describe"])
            .env("COLUMNS", "60")
    };
    let text = describe().ok().stdout;
    assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    assert!(text.contains("Password policy: strong") && text.contains("strong password policy"));
    assert!(
        !text.contains("Source:"),
        "developer notes stay in the code"
    );
    let text = describe().args(&["--weak-passwords"]).ok().stdout;
    assert!(text.contains("Password policy: weak"), "{text}");
    assert!(!text.contains("strong password policy"), "{text}");
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let ran = Run::template(Api::YeastarV2)
        .args(&["--describe"])
        .stdout_closed()
        .ok();
    assert_eq!(ran.stderr, "");
}

/// The pages a man page names (`pbxbulk\-import(1)`), as command words.
fn pages_named(page: &str) -> Vec<Vec<String>> {
    page.split_whitespace()
        .filter_map(|word| word.strip_suffix("(1)"))
        .map(|name| name.replace("\\-", "-"))
        .filter_map(|name| name.strip_prefix("pbxbulk-").map(str::to_string))
        .map(|name| name.split('-').map(str::to_string).collect())
        .collect()
}

#[test]
fn every_manual_page_a_page_names_is_one_pbxbulk_man_prints() {
    let mut pending = vec![Vec::<String>::new()];
    let mut printed = 0;
    while let Some(words) = pending.pop() {
        let args: Vec<&str> = words.iter().map(String::as_str).collect();
        let page = Run::new(Command::Man).args(&args).ok().stdout;
        let title = ["pbxbulk"].into_iter().chain(args.iter().copied());
        let title = title.collect::<Vec<_>>().join("-");
        assert!(page.contains(&format!(".TH {title} 1")), "{title}: {page}");
        pending.extend(pages_named(&page));
        printed += 1;
    }
    assert!(printed >= 11, "only {printed} pages");
    let ran = Run::new(Command::Man).args(&["nope"]).refused();
    assert!(
        ran.stderr.contains("its commands: validate, import"),
        "{}",
        ran.stderr
    );
}

#[test]
fn the_help_says_what_the_code_does() {
    let import = Run::new(Command::Import).help().ok().stdout;
    assert!(import.contains("REPORT.xlsx.partial.csv"), "{import}");
    assert!(import.contains("What each row does"), "--mode: {import}");
    let migrate = Run::new(Command::Migrate).help().ok().stdout;
    assert!(
        migrate.contains("[default: pbxbulk-migrate.report.csv]"),
        "{migrate}"
    );
    assert!(migrate.contains("The source PBX's base URL"), "{migrate}");
    let export = Run::new(Command::Export).help().ok().stdout;
    assert!(!export.contains("--rate"), "export has no --rate: {export}");
    let sim = Run::new(Command::Sim).help().ok().stdout;
    // Read as words: clap wraps the list of choices wherever its width falls (a new choice
    // moved the break inside this one).
    let words = sim.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("verba-provider-eid=EID (--api verba)"),
        "{sim}"
    );
    assert!(
        words.contains("inferred-rules=refuse|accept (every API)"),
        "{sim}"
    );
}

#[test]
fn an_api_without_passwords_has_no_password_policy_and_its_key_takes_an() {
    let text = Run::template(Api::Verba).args(&["--describe"]).ok().stdout;
    assert!(!text.contains("Password policy"), "{text}");
    assert!(text.contains("an extension may appear only once"), "{text}");
    // Any case names an API.
    Run::new(Command::Validate)
        .file("number\n1001\n")
        .args(&["--api", "Yeastar-V2"])
        .ok();
}

#[test]
fn a_mistyped_word_is_refused_naming_the_words_and_the_closest_api() {
    let ran = Run::new(Command::Validate)
        .file("number\n1001\n")
        .args(&["--api", "yestar-v2"])
        .incomplete("bad_input");
    let said = &ran.stderr;
    assert!(
        said.contains("invalid value 'yestar-v2' for '--api"),
        "{said}"
    );
    assert!(said.contains("yeastar-p]"), "every API is named: {said}");
    assert!(
        said.contains("a similar value exists: 'yeastar-v2'"),
        "{said}"
    );
    let ran = Run::validate(Api::YeastarV2)
        .file("number\n1001\n")
        .args(&["--mode", "upsret"])
        .incomplete("bad_input");
    let said = &ran.stderr;
    assert!(
        said.contains("[possible values: add, update, upsert, sync]"),
        "{said}"
    );
}

#[test]
fn the_committed_reference_is_what_the_code_generates() {
    let out = run::pbxbulk().arg("reference").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/REFERENCE.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if generated != committed {
        let first = (generated.lines().zip(committed.lines()))
            .position(|(a, b)| a != b)
            .unwrap_or(generated.lines().count().min(committed.lines().count()));
        panic!(
            "docs/REFERENCE.md is stale (first difference at line {}); make it again with:\n  \
             cargo run --quiet -- reference > docs/REFERENCE.md",
            first + 1
        );
    }
}
