//! The command line's own checks: every flag says what it does, each command's flags reach
//! the options with their origin (and a flag clap only defaulted does not), and the help
//! that lists registry entries lists them all.

use clap::{CommandFactory, FromArgMatches};

use super::{Cli, Command, Origins};
use crate::settings::{Options, Origin, get};

/// Every command, its commands, and so on, with the name they are called by.
fn commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{path} {}", sub.get_name());
        commands(sub, &name, out);
        out.push((name, sub.clone()));
    }
}

#[test]
fn every_flag_and_every_command_says_what_it_does() {
    let mut all = Vec::new();
    commands(&Cli::command(), "pbxbulk", &mut all);
    let mut blank = Vec::new();
    for (name, cmd) in &all {
        if cmd.get_about().is_none() && name != "pbxbulk help" {
            blank.push(name.clone());
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            let builtin = ["help", "version"].contains(&arg.get_id().as_str());
            if arg.get_help().is_none() && !builtin {
                blank.push(format!("{name} {}", arg.get_id()));
            }
        }
    }
    assert!(blank.is_empty(), "no description: {blank:?}");
}

/// The options the command line `line` (words split at spaces) gives its command.
fn options(line: &str) -> Options {
    let matches = Cli::command()
        .try_get_matches_from(line.split_whitespace())
        .unwrap();
    let (_, sub) = matches.subcommand().unwrap();
    match Cli::from_arg_matches(&matches).unwrap().command {
        Command::Import(a) => a.options(Origins(sub)),
        Command::Validate(a) => a.options(Origins(sub)),
        Command::Export(a) => a.options(Origins(sub)),
        other => panic!("not a command with options: {other:?}"),
    }
}

#[test]
fn a_typed_flag_is_given_and_a_value_clap_filled_in_is_not() {
    let o = options("pbxbulk import a.csv --rate 5 --dry-run");
    assert_eq!(o.rate.map(|g| g.origin), Some(Origin::Flag));
    assert_eq!(o.dry_run.map(|g| g.value), Some(true));
    // --timeout, --mode, --concurrency have clap defaults: left to the defaults layer, below
    // a profile.
    assert!(o.timeout.is_none() && o.mode.is_none() && o.concurrency.is_none());
    assert!(o.resume.is_none(), "a switch not given is no value");
}

#[test]
fn every_flag_of_import_export_and_validate_reaches_the_options() {
    let import = options(
        "pbxbulk import a.csv --encoding gbk --sheet S --plus-prefix 00 --api Yeastar-V2 --edition x \
         --url http://pbx --user api --password-file pw --insecure --timeout 3 --body \
         json --eid 0001 --config c.toml --profile hq --map m.toml --mode sync --prune \
         --prune-range 1-9 --max-delete 3 --dry-run --rate auto --concurrency 2 --retries \
         1 --read-rate 4 --weak-passwords --generate-passwords --report r.csv \
         --report-format xlsx --summary-json s.json --progress-every 5 --heartbeat-secs 9",
    );
    let shown = import.shown();
    // --ca-cert excludes --insecure.
    let unset: Vec<&String> = (shown.iter())
        .filter(|(key, value)| value.is_none() && key != "ca-cert")
        .map(|(key, _)| key)
        .collect();
    assert!(unset.is_empty(), "not carried: {unset:?}");
    assert_eq!(get(&import.api).map(|v| v.name()), Some("yeastar-v2"));
    assert_eq!(get(&import.prune_range), Some(&vec![(1, 9)]));
    let export = options(
        "pbxbulk export -o x.csv --report-format csv --encoding big5 --concurrency 2 \
         --summary-json - --progress-every 1",
    );
    assert!(export.output.is_some() && export.encoding.is_some());
    assert!(export.summary_json.is_some() && export.progress_every.is_some());
    let validate = options(
        "pbxbulk validate a.csv --profile hq --show-mapped 2 --mode add --summary-json \
         s.json",
    );
    assert!(validate.profile.is_some() && validate.show_mapped.is_some());
}

#[test]
fn the_simulators_inferred_help_lists_every_key_of_the_registry() {
    let cmd = Cli::command();
    let sim = cmd.find_subcommand("sim").unwrap();
    let arg = sim
        .get_arguments()
        .find(|a| a.get_id() == "inferred")
        .unwrap();
    let help = arg.get_help().unwrap().to_string();
    let keys = crate::sim::inferred::SHARED
        .iter()
        .chain(crate::vendors::VENDORS.iter().flat_map(|v| v.sim_inferred));
    for choice in keys {
        assert!(
            help.contains(&format!("{}={}", choice.key, choice.shown)),
            "{help}"
        );
    }
}

#[test]
fn a_migrations_flags_go_to_their_side_and_the_shared_ones_to_both() {
    let line = "pbxbulk migrate --from verba --from-url http://a --from-user u --from-body json \
                --from-eid 0001 --from-ca-cert a.pem --from-profile old --from-password-file p \
                --to yeastar-v2 --to-url http://b --to-user v --to-body json --to-eid 0002 \
                --to-ca-cert b.pem --to-profile new --to-password-file q --timeout 4 --rate 3 \
                --profile pace --config c.toml --map m.toml --report r.csv --encoding gbk \
                --report-format csv --summary-json s.json --progress-every 2";
    let matches = Cli::command()
        .try_get_matches_from(line.split_whitespace())
        .unwrap();
    let (_, sub) = matches.subcommand().unwrap();
    let Command::Migrate(args) = Cli::from_arg_matches(&matches).unwrap().command else {
        panic!("migrate");
    };
    let o = args.options(Origins(sub));
    assert_eq!(get(&o.from.url).map(String::as_str), Some("http://a"));
    assert_eq!(get(&o.to.url).map(String::as_str), Some("http://b"));
    assert_eq!(get(&o.from.profile).map(String::as_str), Some("old"));
    assert_eq!(get(&o.run.profile).map(String::as_str), Some("pace"));
    assert!(
        o.from.timeout.is_some() && o.to.timeout.is_some(),
        "--timeout for both"
    );
    assert!(
        o.from.rate.is_none() && o.run.rate.is_some(),
        "--rate is the run's"
    );
    assert!(o.run.map.is_some() && o.run.encoding.is_some() && o.run.summary_json.is_some());
}
