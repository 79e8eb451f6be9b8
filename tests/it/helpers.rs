//! Small helpers: start the real `pbxbulk sim` on a free loopback port, run the CLI, and talk
//! to the simulator over plain HTTP (std only, so the tests check the wire, not our client).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

pub(crate) const PASSWORD: &str = "Test-Passw0rd-Secret";
pub(crate) const USER: &str = "api";

pub(crate) fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_pbxbulk")
}

/// A simulator process, killed when dropped.
pub(crate) struct Sim {
    child: Child,
    pub url: String,
    /// With `--tls`, the certificate's PEM that the simulator printed.
    pub cert: Option<String>,
}

impl Sim {
    pub(crate) fn start(api: &str, extra: &[&str]) -> Sim {
        let mut child = Command::new(bin())
            .args([
                "sim",
                "--api",
                api,
                "--listen",
                "127.0.0.1:0",
                "--user",
                USER,
            ])
            .args(extra)
            .env("PBXBULK_PASSWORD", PASSWORD)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pbxbulk sim");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let cert = extra.contains(&"--tls").then(|| {
            let mut cert = String::new();
            out.read_line(&mut cert).unwrap();
            let path = cert.trim().strip_prefix("certificate: ");
            path.expect("the certificate's path").to_string()
        });
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("sim printed {line:?}"))
            .to_string();
        Sim { child, url, cert }
    }

    /// A simulator that starts with the extensions of `seed_csv` (a spreadsheet in the API's
    /// columns), written into `dir`.
    pub(crate) fn seeded(api: &str, dir: &Path, seed_csv: &str, extra: &[&str]) -> Sim {
        let seed = write(dir, "seed.csv", seed_csv);
        Sim::start(
            api,
            &[&["--seed", seed.to_str().unwrap()][..], extra].concat(),
        )
    }

    pub(crate) fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    pub(crate) fn stats(&self) -> Value {
        let (_, body) = http(self.addr(), "GET", "/_sim/stats", "");
        serde_json::from_str(&body).unwrap()
    }

    pub(crate) fn stat(&self, name: &str) -> u64 {
        self.stats()[name]
            .as_u64()
            .unwrap_or_else(|| panic!("no stat {name}"))
    }

    pub(crate) fn log(&self) -> Vec<Value> {
        let (_, body) = http(self.addr(), "GET", "/_sim/log", "");
        serde_json::from_str(&body).unwrap()
    }

    /// Logs in through the API itself and returns the token.
    pub(crate) fn login(&self, version: &str) -> String {
        let body = format!(
            r#"{{"username":"{USER}","password":"{}","port":"8260"}}"#,
            md5_hex(PASSWORD)
        );
        let answer = self.post(&format!("/api/{version}/login"), &body);
        answer["token"].as_str().expect("token").to_string()
    }

    /// POSTs JSON to the API and parses the answer.
    pub(crate) fn post(&self, path: &str, body: &str) -> Value {
        let (status, text) = http(self.addr(), "POST", path, body);
        assert_eq!(status, 200, "{path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
    }

    /// Every extension on the PBX, through `extension/query`, as the API returns them.
    pub(crate) fn extensions(&self, version: &str) -> Vec<Value> {
        let token = self.login(version);
        let body = if version.starts_with("v2") {
            r#"{"number":"all"}"#
        } else {
            ""
        };
        let answer = self.post(
            &format!("/api/{version}/extension/query?token={token}"),
            body,
        );
        assert_eq!(answer["status"], "Success", "{answer}");
        answer["extinfos"].as_array().unwrap().clone()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.0 exchange; returns the status and the body.
pub(crate) fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let (status, _, body) = http_full(addr, method, path, body);
    (status, body)
}

/// One HTTP/1.0 exchange; returns the status, the raw headers and the body.
pub(crate) fn http_full(addr: &str, method: &str, path: &str, body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

pub(crate) fn md5_hex(text: &str) -> String {
    use md5::Digest as _;
    hex::encode(md5::Md5::digest(text.as_bytes()))
}

/// Runs the CLI with a clean environment (no PBXBULK_* leaking in) plus `env`.
pub(crate) fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args).stdin(Stdio::null());
    for (k, _) in std::env::vars() {
        if k.starts_with("PBXBULK_") {
            cmd.env_remove(k);
        }
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run pbxbulk")
}

/// The URL the CLI is given for `api`: Verba's is the service endpoint itself.
fn api_url(sim: &Sim, api: &str) -> String {
    match api {
        "verba" => format!("{}/provisioning", sim.url),
        _ => sim.url.clone(),
    }
}

/// `pbxbulk COMMAND --api API --url URL --user api` plus `args`, the password in the environment.
fn against(sim: &Sim, command: &str, api: &str, args: &[&str]) -> Output {
    let url = api_url(sim, api);
    let base = [command, "--api", api, "--url", &url, "--user", USER];
    run(
        &[&base[..], args].concat(),
        &[("PBXBULK_PASSWORD", PASSWORD)],
    )
}

/// `pbxbulk import FILE … --report REPORT` plus `extra`.
pub(crate) fn import(sim: &Sim, api: &str, file: &Path, report: &Path, extra: &[&str]) -> Output {
    let args = [
        &[file.to_str().unwrap(), "--report", report.to_str().unwrap()][..],
        extra,
    ]
    .concat();
    against(sim, "import", api, &args)
}

/// `pbxbulk export … -o OUT` plus `extra`.
pub(crate) fn export(sim: &Sim, api: &str, out: &Path, extra: &[&str]) -> Output {
    against(
        sim,
        "export",
        api,
        &[&["-o", out.to_str().unwrap()][..], extra].concat(),
    )
}

pub(crate) fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The report's rows as maps from column name to cell.
pub(crate) fn report_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

pub(crate) fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/extensions.csv")
}

/// Writes `content` to a file in `dir` and returns its path.
pub(crate) fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// One element of an XML document as the tests read it: local name, namespace, text and
/// children (quick-xml directly, so the tests do not lean on the tool's own XML reader).
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub ns: Option<String>,
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The root element of `bytes`, namespaces resolved.
pub(crate) fn parse_xml(bytes: &[u8]) -> Result<Element, String> {
    use quick_xml::events::Event;
    use quick_xml::name::ResolveResult;
    let mut reader = quick_xml::NsReader::from_reader(bytes);
    // The document itself is the bottom of the stack; its one child is the root.
    let mut open = vec![Element::default()];
    let mut buf = Vec::new();
    loop {
        let (ns, event) = reader
            .read_resolved_event_into(&mut buf)
            .map_err(|e| e.to_string())?;
        let ns = match ns {
            ResolveResult::Bound(ns) => Some(ns.0.to_string()),
            _ => None,
        };
        let element = |name: &str| Element {
            ns: ns.clone(),
            name: name.to_string(),
            ..Element::default()
        };
        match event {
            Event::Start(e) => open.push(element(e.local_name().as_ref())),
            Event::Empty(e) => {
                let empty = element(e.local_name().as_ref());
                open.last_mut().unwrap().children.push(empty);
            }
            Event::Text(t) => open.last_mut().unwrap().text += &t.xml10_content(),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let text = quick_xml::escape::resolve_predefined_entity(&name)
                    .ok_or(format!("unknown entity {name}"))?;
                open.last_mut().unwrap().text += text;
            }
            Event::End(_) if open.len() > 1 => {
                let done = open.pop().unwrap();
                open.last_mut().unwrap().children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    open.pop()
        .and_then(|document| document.children.into_iter().next())
        .ok_or_else(|| "no root element".to_string())
}

/// One command of the real binary, built up the way `just`'s `Test` is, so that a command test
/// is a few lines:
///
/// ```ignore
/// let ran = Run::import(&sim, "yeastar-v2").file("number,username\n1001,Ana\n").expect_code(0);
/// assert_eq!(ran.rows[0]["status"], "ok");
/// ```
///
/// The input and the report go to a fresh temporary directory (or `in_dir`), the password to
/// the environment, never the command line.
pub(crate) struct Run {
    args: Vec<String>,
    env: Vec<(String, String)>,
    input: Option<Input>,
    report: ReportAt,
    dir: Option<PathBuf>,
}

enum ReportAt {
    Nowhere,
    /// `report.csv` in the run's directory.
    Default,
    Path(PathBuf),
}

enum Input {
    Text(String),
    Path(PathBuf),
}

/// What a [`Run`] left behind: the exit, what it printed, and the report read back.
pub(crate) struct Ran {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) report: PathBuf,
    /// The report's rows; empty when there is none.
    pub(crate) rows: Vec<std::collections::HashMap<String, String>>,
    /// Keeps a temporary directory (input, report, rejects) until the test is done with it.
    _dir: Option<tempfile::TempDir>,
}

impl Run {
    fn new(args: &[&str]) -> Run {
        Run {
            args: args.iter().map(ToString::to_string).collect(),
            env: Vec::new(),
            input: None,
            report: ReportAt::Default,
            dir: None,
        }
    }

    /// `pbxbulk import … --api API --url SIM --user api`, the password in the environment.
    pub(crate) fn import(sim: &Sim, api: &str) -> Run {
        let url = api_url(sim, api);
        Run::new(&["import", "--api", api, "--url", &url, "--user", USER])
            .env("PBXBULK_PASSWORD", PASSWORD)
    }

    /// `pbxbulk validate … --api API`: offline, problems on the terminal unless
    /// [`Run::with_report`] or [`Run::report`].
    pub(crate) fn validate(api: &str) -> Run {
        Run {
            report: ReportAt::Nowhere,
            ..Run::new(&["validate", "--api", api])
        }
    }

    /// The input file's content (written into the run's directory as `in.csv`).
    pub(crate) fn file(mut self, csv: &str) -> Run {
        self.input = Some(Input::Text(csv.to_string()));
        self
    }

    /// An input file that exists already.
    pub(crate) fn input(mut self, path: &Path) -> Run {
        self.input = Some(Input::Path(path.to_owned()));
        self
    }

    pub(crate) fn args(mut self, args: &[&str]) -> Run {
        self.args.extend(args.iter().map(ToString::to_string));
        self
    }

    pub(crate) fn env(mut self, name: &str, value: &str) -> Run {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.to_string(), value.to_string()));
        self
    }

    /// No password in the environment (to test where else it may come from).
    pub(crate) fn without_password(mut self) -> Run {
        self.env.retain(|(n, _)| n != "PBXBULK_PASSWORD");
        self
    }

    /// The report here instead of `report.csv` in the run's directory.
    pub(crate) fn report(mut self, path: &Path) -> Run {
        self.report = ReportAt::Path(path.to_owned());
        self
    }

    /// A report in the run's directory (`validate` writes none unless asked).
    pub(crate) fn with_report(mut self) -> Run {
        self.report = ReportAt::Default;
        self
    }

    /// Files go to `dir` (kept by the caller) instead of a fresh temporary directory.
    pub(crate) fn in_dir(mut self, dir: &Path) -> Run {
        self.dir = Some(dir.to_owned());
        self
    }

    /// Runs the command and asserts its exit code, showing what it printed if it differs.
    pub(crate) fn expect_code(self, expected: i32) -> Ran {
        let ran = self.run();
        assert_eq!(
            ran.code, expected,
            "exit code\nstdout: {}\nstderr: {}",
            ran.stdout, ran.stderr
        );
        ran
    }

    pub(crate) fn run(self) -> Ran {
        let (temp, dir) = match self.dir {
            Some(dir) => (None, dir),
            None => {
                let temp = tempfile::tempdir().unwrap();
                let dir = temp.path().to_owned();
                (Some(temp), dir)
            }
        };
        let report = match self.report {
            ReportAt::Path(path) => Some(path),
            ReportAt::Default => Some(dir.join("report.csv")),
            ReportAt::Nowhere => None,
        };
        let mut args = self.args;
        match self.input {
            Some(Input::Text(csv)) => args.push(write(&dir, "in.csv", &csv).display().to_string()),
            Some(Input::Path(path)) => args.push(path.display().to_string()),
            None => {}
        }
        if let Some(report) = &report {
            args.extend(["--report".to_string(), report.display().to_string()]);
        }
        // Where a report would have gone, so that a test can check that none was written.
        let report = report.unwrap_or_else(|| dir.join("report.csv"));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let out = run(&args, &env);
        Ran {
            code: code(&out),
            stdout: stdout(&out),
            stderr: stderr(&out),
            rows: if report.exists() {
                report_rows(&report)
            } else {
                Vec::new()
            },
            report,
            _dir: temp,
        }
    }
}

impl Ran {
    /// One column of the report, row by row.
    pub(crate) fn column(&self, name: &str) -> Vec<&str> {
        self.rows.iter().map(|r| r[name].as_str()).collect()
    }

    /// Everything the run showed a user: the terminal and the report.
    pub(crate) fn shown(&self) -> String {
        let report = std::fs::read_to_string(&self.report).unwrap_or_default();
        format!("{}{}{report}", self.stdout, self.stderr)
    }
}

/// One Verba SOAP call `op` with `children` inside the documented envelope; the answer's text.
pub(crate) fn soap_call(sim: &Sim, op: &str, children: &str) -> String {
    let body = format!(
        r#"<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v2="http://v2.provisioning.ws.web.verba.com/"><soapenv:Body><v2:{op}>{children}</v2:{op}></soapenv:Body></soapenv:Envelope>"#
    );
    http(sim.addr(), "POST", "/provisioning", &body).1
}

/// A Verba token for tenant `eid`, through requestToken itself.
pub(crate) fn verba_token(sim: &Sim, eid: &str) -> String {
    let answer = soap_call(
        sim,
        "requestToken",
        &format!("<eid>{eid}</eid><loginName>{USER}</loginName><password>{PASSWORD}</password>"),
    );
    let root = parse_xml(answer.as_bytes()).unwrap();
    let ret = &root.children[0].children[0].children[0];
    ret.child("token").expect("a token").text.clone()
}
