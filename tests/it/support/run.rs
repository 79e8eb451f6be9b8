//! One builder for every command of the real binary, in the shape of `just`'s `Test`: set the
//! inputs, then one terminal runs the command and checks how it ended.
//!
//! ```ignore
//! let ran = Run::import(&sim).file("number,username\n1001,Ana\n").ok();
//! assert_eq!(ran.column("status"), ["ok"]);
//! ```
//!
//! The input, the report and the `--summary-json` go to a fresh temporary directory of the
//! run's own (runs that share a report, such as a resume, name it with [`Run::report`]);
//! passwords go to the environment, never the command line. The terminals are on
//! [`super::Exited`]: `.ok()`, `.rows_failed()`, `.incomplete(reason)` (the summary's reason
//! word), `.refused()` and `.any_exit()`; [`Run::spawn`] starts it in the background instead.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use super::outcome::{Prepared, Ran, SummaryAt};
use super::running::Running;
use super::{Api, PASSWORD, Sim, USER, write};

/// The binary, with none of the test process's own `PBXBULK_*` variables leaking in, nor its
/// locale (which may settle the guess of a file's encoding: a test that means it sets one).
pub(crate) fn pbxbulk() -> Process {
    let mut process = Process::new(env!("CARGO_BIN_EXE_pbxbulk"));
    for (name, _) in std::env::vars_os() {
        let name_text = name.to_string_lossy();
        if name_text.starts_with("PBXBULK_")
            || ["LC_ALL", "LC_CTYPE", "LANG"].contains(&&*name_text)
        {
            process.env_remove(name);
        }
    }
    process
}

/// The subcommands, as the binary spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Validate,
    Import,
    Export,
    Migrate,
    Plan,
    Show,
    Apply,
    Template,
    Sim,
    Demo,
    Config,
    Completions,
    Man,
}

impl Command {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Command::Validate => "validate",
            Command::Import => "import",
            Command::Export => "export",
            Command::Migrate => "migrate",
            Command::Plan => "plan",
            Command::Show => "show",
            Command::Apply => "apply",
            Command::Template => "template",
            Command::Sim => "sim",
            Command::Demo => "demo",
            Command::Config => "config",
            Command::Completions => "completions",
            Command::Man => "man",
        }
    }

    /// Whether it takes `--summary-json`: the builder then asks for one, so that a test
    /// asserts why a run stopped as a field.
    pub(crate) fn takes_summary_json(self) -> bool {
        match self {
            Command::Import
            | Command::Validate
            | Command::Export
            | Command::Migrate
            | Command::Apply => true,
            Command::Plan
            | Command::Show
            | Command::Template
            | Command::Sim
            | Command::Demo
            | Command::Config
            | Command::Completions
            | Command::Man => false,
        }
    }

    /// The flag naming the file it writes its rows to, the file's name in the run's directory,
    /// and whether it writes one unasked (validate lists problems on the terminal instead).
    fn table(self) -> Option<(&'static str, &'static str, bool)> {
        match self {
            Command::Import | Command::Migrate | Command::Apply => {
                Some(("--report", "report.csv", true))
            }
            Command::Validate => Some(("--report", "report.csv", false)),
            Command::Export => Some(("-o", "export.csv", true)),
            Command::Plan
            | Command::Show
            | Command::Template
            | Command::Sim
            | Command::Demo
            | Command::Config
            | Command::Completions
            | Command::Man => None,
        }
    }
}

/// One command line of the real binary, not yet run.
#[must_use = "a Run runs when it ends in .ok(), .rows_failed(), .incomplete(reason), .refused(), .any_exit() or .spawn()"]
#[derive(Debug, Clone)]
pub(crate) struct Run {
    command: Command,
    args: Vec<String>,
    env: Vec<(String, String)>,
    input: Option<Input>,
    table: Table,
    stdin: Option<Vec<u8>>,
    stdout_closed: bool,
    /// Whether the run is to write a `--summary-json` the outcome is checked against.
    summarised: bool,
    /// What an earlier run left at the summary's path, which this run must replace.
    stale_summary: Option<String>,
}

#[derive(Debug, Clone)]
enum Input {
    /// Written into the run's directory under this name.
    Bytes(String, Vec<u8>),
    Path(PathBuf),
}

/// Where the rows the command writes go.
#[derive(Debug, Clone)]
enum Table {
    Nowhere,
    InDir,
    At(PathBuf),
}

impl Run {
    /// `pbxbulk COMMAND` with nothing added: no API, URL or password (a profile, the
    /// environment or [`Run::args`] gives them).
    pub(crate) fn new(command: Command) -> Run {
        let by_default = command.table().is_some_and(|(_, _, unasked)| unasked);
        Run {
            command,
            args: Vec::new(),
            env: Vec::new(),
            input: None,
            table: if by_default {
                Table::InDir
            } else {
                Table::Nowhere
            },
            stdin: None,
            stdout_closed: false,
            summarised: command.takes_summary_json(),
            stale_summary: None,
        }
    }

    /// `pbxbulk validate … --api API`: offline, problems on the terminal unless
    /// [`Run::with_report`] or [`Run::report`].
    pub(crate) fn validate(api: Api) -> Run {
        Run::new(Command::Validate).args(&["--api", api.name()])
    }

    /// `pbxbulk template --api API`.
    pub(crate) fn template(api: Api) -> Run {
        Run::new(Command::Template).args(&["--api", api.name()])
    }

    /// `pbxbulk import … --api API --url SIM --user api`, the password in the environment.
    pub(crate) fn import(sim: &Sim) -> Run {
        Run::import_at(sim.api, &sim.api_url())
    }

    /// An import from `api` at `url`: a PBX played by the test, a URL nobody answers, or a
    /// simulator of another API.
    pub(crate) fn import_at(api: Api, url: &str) -> Run {
        Run::new(Command::Import).connected(api, url)
    }

    /// `--api API --url URL --user api`, the password in the environment.
    fn connected(self, api: Api, url: &str) -> Run {
        self.args(&["--api", api.name(), "--url", url, "--user", USER])
            .env("PBXBULK_PASSWORD", PASSWORD)
    }

    /// `pbxbulk plan … --api API --url SIM --user api --out PLAN`, the password in the
    /// environment. The plan names its input by path: give one that outlives this run
    /// ([`Run::input`]).
    pub(crate) fn plan(sim: &Sim, out: &Path) -> Run {
        Run::new(Command::Plan)
            .connected(sim.api, &sim.api_url())
            .args(&["--out", &shown(out)])
    }

    /// `pbxbulk config show --config CONFIG --profile PROFILE`.
    pub(crate) fn config_show(config: &Path, profile: &str) -> Run {
        Run::new(Command::Config)
            .args(&["show", "--config", &shown(config)])
            .args(&["--profile", profile])
    }

    /// `pbxbulk apply PLAN`, the password in the environment.
    pub(crate) fn apply(plan: &Path) -> Run {
        Run::new(Command::Apply)
            .input(plan)
            .env("PBXBULK_PASSWORD", PASSWORD)
    }

    /// `pbxbulk export … -o export.csv`, the password in the environment.
    pub(crate) fn export(sim: &Sim) -> Run {
        Run::export_at(sim.api, &sim.api_url())
    }

    /// An export from `api` at `url` (a PBX played by the test).
    pub(crate) fn export_at(api: Api, url: &str) -> Run {
        Run::new(Command::Export).connected(api, url)
    }

    /// `pbxbulk migrate` from one simulator to the other, both passwords in the environment.
    pub(crate) fn migrate(from: &Sim, to: &Sim) -> Run {
        let (from_url, to_url) = (from.api_url(), to.api_url());
        Run::new(Command::Migrate)
            .args(&["--from", from.api.name(), "--from-url", &from_url])
            .args(&["--from-user", USER, "--to", to.api.name()])
            .args(&["--to-url", &to_url, "--to-user", USER])
            .env("PBXBULK_FROM_PASSWORD", PASSWORD)
            .env("PBXBULK_TO_PASSWORD", PASSWORD)
    }

    /// The input file's content, written into the run's directory as `in.csv`.
    pub(crate) fn file(self, csv: &str) -> Run {
        self.file_named("in.csv", csv)
    }

    /// The input file's bytes under `name` in the run's directory (`staff.xlsx`, a GBK file).
    pub(crate) fn file_named(mut self, name: &str, bytes: impl AsRef<[u8]>) -> Run {
        self.input = Some(Input::Bytes(name.to_string(), bytes.as_ref().to_vec()));
        self
    }

    /// An input that exists already (`-` is standard input: see [`Run::stdin`]).
    pub(crate) fn input(mut self, path: impl AsRef<Path>) -> Run {
        self.input = Some(Input::Path(path.as_ref().to_owned()));
        self
    }

    /// What the command reads on standard input (otherwise it reads nothing there).
    pub(crate) fn stdin(mut self, bytes: impl AsRef<[u8]>) -> Run {
        self.stdin = Some(bytes.as_ref().to_vec());
        self
    }

    /// Standard output is a pipe whose reader has already gone (`pbxbulk … | head -1`).
    pub(crate) fn stdout_closed(mut self) -> Run {
        self.stdout_closed = true;
        self
    }

    /// Flags after the ones the builder adds, so a command's own flags end its line.
    pub(crate) fn args(mut self, args: &[&str]) -> Run {
        self.args.extend(args.iter().map(ToString::to_string));
        self
    }

    pub(crate) fn env(mut self, name: &str, value: &str) -> Run {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// No password in the environment (to test where else one may come from).
    pub(crate) fn without_password(mut self) -> Run {
        let passwords = [
            "PBXBULK_PASSWORD",
            "PBXBULK_FROM_PASSWORD",
            "PBXBULK_TO_PASSWORD",
        ];
        self.env.retain(|(n, _)| !passwords.contains(&n.as_str()));
        self
    }

    /// An earlier run's summary at the summary's path (yesterday's `ok`), for a test that this
    /// run replaces it.
    pub(crate) fn stale_summary(mut self, json: &str) -> Run {
        self.stale_summary = Some(json.to_string());
        self
    }

    /// The report here instead of `report.csv` in the run's directory.
    pub(crate) fn report(mut self, path: &Path) -> Run {
        assert!(self.command != Command::Export, "export writes .to(PATH)");
        self.table = Table::At(path.to_owned());
        self
    }

    /// The export here (`-` is standard output) instead of `export.csv` in the run's directory.
    pub(crate) fn to(mut self, path: &Path) -> Run {
        assert_eq!(
            self.command,
            Command::Export,
            "only export writes .to(PATH)"
        );
        self.table = Table::At(path.to_owned());
        self
    }

    /// A report in the run's directory (`validate` writes none unless asked).
    pub(crate) fn with_report(mut self) -> Run {
        self.table = Table::InDir;
        self
    }

    /// `COMMAND … --help`: it prints, and writes no report and no summary.
    pub(crate) fn help(mut self) -> Run {
        self.table = Table::Nowhere;
        self.summarised = false;
        self.args(&["--help"])
    }

    /// Starts the command in the background.
    pub(crate) fn spawn(self) -> Running {
        let stdin = self.stdin.clone();
        let stdout_closed = self.stdout_closed;
        let (mut process, prepared) = self.prepare();
        process
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::piped());
        if stdout_closed {
            let (reader, writer) = std::io::pipe().unwrap();
            drop(reader);
            process.stdout(writer);
        } else {
            process.stdout(Stdio::piped());
        }
        Running::start(process, stdin, prepared)
    }

    /// Runs it; exit 0 and, where there is a summary, reason `ok`.
    #[track_caller]
    pub(crate) fn ok(self) -> Ran {
        self.spawn().wait().ok()
    }

    /// Runs it; exit 1 (some rows invalid or failed) and reason `rows_failed`.
    #[track_caller]
    pub(crate) fn rows_failed(self) -> Ran {
        self.spawn().wait().rows_failed()
    }

    /// Runs it; exit 1 because `--verify` read back a field unlike what was sent (reason
    /// `verify_mismatch`).
    #[track_caller]
    pub(crate) fn mismatched(self) -> Ran {
        self.spawn().wait().mismatched()
    }

    /// Runs it; exit 2 and the summary's reason is `reason` (`bad_input`, `safeguard`,
    /// `login_refused`, `pbx_unreachable`, `interrupted`).
    #[track_caller]
    pub(crate) fn incomplete(self, reason: &str) -> Ran {
        self.spawn().wait().incomplete(reason)
    }

    /// Runs it; exit 2, and no summary to say why: a command that writes none, or a command
    /// line refused before anything ran.
    #[track_caller]
    pub(crate) fn refused(self) -> Ran {
        self.spawn().wait().refused()
    }

    /// Runs it and checks only that it ended by itself, whatever its exit code.
    #[track_caller]
    pub(crate) fn any_exit(self) -> Ran {
        self.spawn().wait().any_exit()
    }

    /// The process to start, and what reads its outcome back.
    fn prepare(self) -> (Process, Prepared) {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().to_owned();
        let mut line = vec![self.command.word().to_string()];
        match self.input {
            Some(Input::Bytes(name, bytes)) => line.push(shown(&write(&dir, &name, bytes))),
            Some(Input::Path(path)) => line.push(shown(&path)),
            None => {}
        }
        let table = self
            .command
            .table()
            .map(|(flag, name, _)| match self.table {
                Table::Nowhere => (None, dir.join(name)),
                Table::InDir => (Some(flag), dir.join(name)),
                Table::At(path) => (Some(flag), path),
            });
        if let Some((Some(flag), path)) = &table {
            line.extend([flag.to_string(), shown(path)]);
        }
        let summary = summary_at(self.summarised, &self.args, &dir);
        if let (SummaryAt::File(path), false) = (&summary, asked_for_summary(&self.args)) {
            line.extend(["--summary-json".to_string(), shown(path)]);
        }
        if let SummaryAt::File(path) = &summary {
            // A summary an earlier run left at that path is not this run's.
            let _ = std::fs::remove_file(path);
            if let Some(stale) = &self.stale_summary {
                std::fs::write(path, stale).unwrap();
            }
        }
        line.extend(self.args);
        let mut process = pbxbulk();
        process.args(&line).envs(self.env);
        let prepared = Prepared {
            command: self.command,
            table: table.map(|(_, path)| path),
            summary,
            dir,
            temp,
        };
        (process, prepared)
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

fn asked_for_summary(args: &[String]) -> bool {
    args.iter().any(|a| a.starts_with("--summary-json"))
}

/// Where the run's summary will be: where the test asked for it, or the builder's own file.
fn summary_at(summarised: bool, args: &[String], dir: &Path) -> SummaryAt {
    if !summarised {
        return SummaryAt::Nowhere;
    }
    let given = args.iter().enumerate().find_map(|(i, arg)| {
        let value = arg.strip_prefix("--summary-json=");
        value.or_else(|| (arg == "--summary-json").then(|| args[i + 1].as_str()))
    });
    match given {
        Some("-") => SummaryAt::Stdout,
        Some(path) => SummaryAt::File(PathBuf::from(path)),
        None => SummaryAt::File(dir.join("summary.json")),
    }
}
