//! Profiles: a config file supplies every setting, flags and the environment override it,
//! `config show` says where each value came from, and secrets in readable files are refused.

use std::collections::HashMap;
use std::path::Path;

use crate::support::*;

fn private(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `KEY  VALUE  ORIGIN` lines of `config show`, by key.
fn shown(ran: &Ran) -> HashMap<String, String> {
    ran.stdout
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.split_once(' ')
                .map(|(k, rest)| (k.to_string(), rest.trim().to_string()))
        })
        .collect()
}

/// `pbxbulk config show --config CONFIG --profile hq` plus `args`.
fn config_show(config: &Path, args: &[&str]) -> Run {
    Run::config_show(config, "hq").args(args)
}

#[test]
fn a_profile_supplies_every_setting_and_flags_and_the_environment_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with(Api::YeastarV2)
        .args(&["--tls", "--weak-passwords"])
        .start();
    let cert = sim.cert.clone().unwrap();
    let pw = write(dir.path(), "hq.password", format!("{PASSWORD}\n"));
    private(&pw, 0o600);
    write(dir.path(), "hr.toml", "[columns]\n\"Desk\" = \"number\"\n");
    let config = write(
        dir.path(),
        "config.toml",
        format!(
            "[profile.hq]\napi = \"yeastar-v2\"\nurl = \"{}\"\nuser = \"{USER}\"\n\
             password-file = \"hq.password\"\neid = \"0001\"\nbody = \"json\"\nrate = 0\n\
             concurrency = 2\nretries = 1\ntimeout = 7\nca-cert = \"{cert}\"\n\
             weak-passwords = true\n",
            sim.url.replace("http://", "https://")
        ),
    );
    // Only the file, the profile and the report on the command line: the rest is the
    // profile's. Only the weak policy lets these passwords through: the profile's
    // weak-passwords is used.
    let import_with_profile = |file: &str| {
        Run::new(Command::Import)
            .file(file)
            .args(&["--config", config.to_str().unwrap(), "--profile", "hq"])
            .args(&["--mode", "add"])
            .ok()
            .rows
    };
    let rows = import_with_profile(
        "number,username,registername,registerpassword\n8201,Weak One,w8201,weakpass1\n",
    );
    assert_eq!(rows[0]["status"], "ok");

    // The profile's map file reads a sheet in other columns.
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("map = \"hr.toml\"\n");
    std::fs::write(&config, text).unwrap();
    let rows = import_with_profile(
        "Desk,username,registername,registerpassword\n8202,Weak Two,w8202,weakpass2\n",
    );
    assert_eq!(
        (rows[0]["number"].as_str(), rows[0]["status"].as_str()),
        ("8202", "ok")
    );

    let show = config_show(&config, &[]).ok();
    assert!(!show.stdout.contains(PASSWORD));
    let lines = shown(&show);
    for key in [
        "api",
        "url",
        "user",
        "password",
        "eid",
        "body",
        "rate",
        "concurrency",
        "retries",
        "timeout",
        "ca-cert",
        "weak-passwords",
        "map",
    ] {
        assert!(
            lines.get(key).is_some_and(|l| l.ends_with("profile hq")),
            "{key}: {}",
            show.stdout
        );
    }
    assert!(lines["concurrency"].starts_with("2 "), "{}", show.stdout);

    let show = config_show(&config, &["--rate", "7"])
        .env("PBXBULK_URL", "http://127.0.0.1:9")
        .env("PBXBULK_PASSWORD", "x")
        .ok();
    let lines = shown(&show);
    assert!(
        lines["rate"].starts_with("7 ") && lines["rate"].ends_with("flag"),
        "{lines:?}"
    );
    assert!(lines["url"].starts_with("http://127.0.0.1:9 "), "{lines:?}");
    assert!(lines["url"].ends_with("environment"), "{lines:?}");
    assert!(lines["password"].ends_with("environment") && !lines["password"].contains('x'));

    // The default config file is found in the user's config directory.
    let home = dir.path().join("xdg");
    std::fs::create_dir_all(home.join("pbxbulk")).unwrap();
    std::fs::copy(&config, home.join("pbxbulk/config.toml")).unwrap();
    let show = Run::new(Command::Config)
        .args(&["show", "--profile", "hq"])
        .env("XDG_CONFIG_HOME", home.to_str().unwrap())
        .ok();
    assert!(
        show.stdout.contains("xdg/pbxbulk/config.toml"),
        "{}",
        show.stdout
    );
}

#[test]
fn a_password_in_a_readable_config_is_refused_and_a_readable_password_file_warned() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::start(Api::YeastarV2);
    let config = write(
        dir.path(),
        "config.toml",
        format!(
            "[profile.hq]\napi = \"yeastar-v2\"\nurl = \"{}\"\nuser = \"{USER}\"\npassword = \"{PASSWORD}\"\n",
            sim.url
        ),
    );
    private(&config, 0o644);
    let import = Run::new(Command::Import)
        .file(&format!(
            "number,username,registername,registerpassword\n8301,Stop 8301,s8301,{STRONG}\n"
        ))
        .args(&["--config", config.to_str().unwrap(), "--profile", "hq"]);
    let ran = import.clone().incomplete("bad_input");
    assert!(ran.stderr.contains("chmod 600"), "{}", ran.stderr);
    assert!(!ran.stderr.contains(PASSWORD));
    assert_eq!(sim.stat("logins"), 0, "refused before any login");
    private(&config, 0o600);
    import.clone().ok();

    let pw = write(dir.path(), "pw", PASSWORD);
    private(&pw, 0o644);
    let ran = import.args(&["--password-file", pw.to_str().unwrap()]).ok();
    assert!(
        ran.stderr
            .contains("every user of this machine can read the password file"),
        "{}",
        ran.stderr
    );
}

/// A config file in `dir` holding `text`, readable by its owner only.
fn config(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = write(dir, "config.toml", text);
    private(&path, 0o600);
    path
}

#[test]
fn validate_takes_a_profiles_api_map_and_encoding_offline() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "hr.toml",
        "[columns]\n\"Desk\" = \"number\"\n\"Name\" = \"username\"\n",
    );
    let config = config(
        dir.path(),
        "[profile.hr]\napi = \"yeastar-v2\"\nmap = \"hr.toml\"\nencoding = \"gbk\"\n",
    );
    // One row of GBK: too little for a detector to be sure of, so the profile says.
    let (bytes, _, _) = encoding_rs::GBK.encode("Desk,Name\n1001,黄敏\n");
    let ran = Run::new(Command::Validate)
        .file_named("hr.csv", bytes)
        .args(&["--config", config.to_str().unwrap(), "--profile", "hr"])
        .args(&["--show-mapped", "1"])
        .ok();
    assert!(
        ran.stderr.contains("read as GBK (the profile's encoding)"),
        "{}",
        ran.stderr
    );
    assert!(ran.stdout.contains("username=\"黄敏\""), "{}", ran.stdout);
}

#[test]
fn a_value_a_profile_may_not_hold_names_the_valid_values_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "[profile.hq]\nrate = 5\napi = \"yeastar-v3\"\n");
    let ran = Run::new(Command::Import)
        .file("number\n1001\n")
        .args(&["--config", config.to_str().unwrap(), "--profile", "hq"])
        .incomplete("bad_input");
    assert!(ran.stderr.contains("line 3"), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("yeastar-v2, yeastar-v1, openvox, verba"),
        "{}",
        ran.stderr
    );
    // A flag that would win does not excuse the file.
    let show = config_show(&config, &["--api", "verba"]).refused();
    assert!(show.stderr.contains("line 3"), "{}", show.stderr);
}

#[test]
fn export_takes_its_output_keys_from_a_profile() {
    let dir = tempfile::tempdir().unwrap();
    let sim = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n3001,王芳,3001,{STRONG}\n"
        ))
        .start();
    let pw = write(dir.path(), "pw", PASSWORD);
    private(&pw, 0o600);
    let config = config(
        dir.path(),
        &format!(
            "[profile.hq]\napi = \"yeastar-v2\"\nurl = \"{}\"\nuser = \"{USER}\"\n\
             password-file = \"pw\"\nconcurrency = 2\nencoding = \"gbk\"\n",
            sim.url
        ),
    );
    let ran = Run::new(Command::Export)
        .args(&["--config", config.to_str().unwrap(), "--profile", "hq"])
        .ok();
    let bytes = std::fs::read(&ran.report).unwrap();
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    assert!(!had_errors && text.contains("3001,王芳,"), "{text}");
    assert!(
        !bytes.starts_with(b"\xEF\xBB\xBF"),
        "no UTF-8 BOM on a GBK file"
    );
    let show = config_show(&config, &[]).ok();
    assert!(
        shown(&show)["concurrency"].starts_with("2 "),
        "{}",
        show.stdout
    );
}

#[test]
fn a_migration_takes_each_side_from_its_own_profile_and_the_pace_from_profile() {
    let dir = tempfile::tempdir().unwrap();
    let source = Sim::with(Api::YeastarV2)
        .seed(&format!(
            "number,username,registername,registerpassword\n4001,李娜,4001,{STRONG}\n"
        ))
        .start();
    let target = Sim::start(Api::YeastarV2);
    let pw = write(dir.path(), "pw", PASSWORD);
    private(&pw, 0o600);
    let side = |name: &str, sim: &Sim| {
        format!(
            "[profile.{name}]\napi = \"yeastar-v2\"\nurl = \"{}\"\nuser = \"{USER}\"\n\
             password-file = \"pw\"\nrate = 1\n",
            sim.url
        )
    };
    let text = format!(
        "{}{}[profile.pace]\nrate = 0\nencoding = \"gbk\"\nurl = \"http://127.0.0.1:9\"\n",
        side("old", &source),
        side("new", &target)
    );
    let config = config(dir.path(), &text);
    let ran = Run::new(Command::Migrate)
        .args(&["--config", config.to_str().unwrap(), "--profile", "pace"])
        .args(&["--from-profile", "old", "--to-profile", "new"])
        .ok();
    assert_eq!(ran.column("status"), ["ok"]);
    assert_eq!(target.field("username")["4001"], "李娜");
    // What was read is kept in the pace profile's encoding.
    let bytes = std::fs::read(ran.beside("source.csv")).unwrap();
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    assert!(!had_errors && text.contains("李娜"), "{text}");
    // As import does: a start line, and each plain-http side named by its flag.
    for said in [
        "pbxbulk migrate from yeastar-v2 at http://",
        "warning: --from-url is http://",
        "warning: --to-url is http://",
    ] {
        assert!(ran.stderr.contains(said), "{said}: {}", ran.stderr);
    }
}
