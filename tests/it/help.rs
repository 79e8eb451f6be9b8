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
