//! The real `pbxbulk sim` on a free loopback port, typed by its [`Api`]: started by a small
//! builder (seed, fault knobs, files it reads), killed when dropped, and asked for its
//! statistics, its request log and its extensions over plain HTTP.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use serde_json::Value;

use super::run::{Command, pbxbulk};
use super::{Api, PASSWORD, USER, http, md5_hex};

/// A simulator process, killed when dropped.
pub(crate) struct Sim {
    child: Child,
    pub(crate) api: Api,
    /// `http://HOST:PORT` (or `https://` with `--tls`): the base, without Verba's endpoint.
    pub(crate) url: String,
    /// With `--tls`, the path of the certificate the simulator printed.
    pub(crate) cert: Option<String>,
    /// Holds the files the simulator was started with.
    _files: tempfile::TempDir,
}

/// How a simulator is to start: its flags and the files they name.
#[must_use = "a simulator starts with .start()"]
pub(crate) struct SimSetup {
    api: Api,
    args: Vec<String>,
    files: tempfile::TempDir,
}

impl Sim {
    /// A simulator of `api` with nothing on it and no faults.
    pub(crate) fn start(api: Api) -> Sim {
        Sim::with(api).start()
    }

    /// A simulator of `api`, set up before [`SimSetup::start`].
    pub(crate) fn with(api: Api) -> SimSetup {
        SimSetup {
            api,
            args: Vec::new(),
            files: tempfile::tempdir().unwrap(),
        }
    }

    /// `HOST:PORT`.
    pub(crate) fn addr(&self) -> &str {
        self.url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
    }

    /// The URL the CLI is given for this simulator (Verba's names the endpoint).
    pub(crate) fn api_url(&self) -> String {
        self.api.url(&self.url)
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

    /// Every request the simulator answered, as it logged them.
    pub(crate) fn log(&self) -> Vec<Value> {
        let (_, body) = http(self.addr(), "GET", "/_sim/log", "");
        serde_json::from_str(&body).unwrap()
    }

    /// The JSON family's `/api/VERSION` (Verba speaks SOAP: see `support::xml`).
    fn api_path(&self) -> String {
        let version = self.api.json_version();
        format!("/api/{}", version.expect("a JSON API"))
    }

    /// Logs in through the API itself and returns the token.
    pub(crate) fn login(&self) -> String {
        let body = format!(
            r#"{{"username":"{USER}","password":"{}","port":"8260"}}"#,
            md5_hex(PASSWORD)
        );
        let answer = self.post(&format!("{}/login", self.api_path()), &body);
        answer["token"].as_str().expect("token").to_string()
    }

    /// POSTs JSON to the API and parses the answer.
    pub(crate) fn post(&self, path: &str, body: &str) -> Value {
        let (status, text) = http(self.addr(), "POST", path, body);
        assert_eq!(status, 200, "{path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
    }

    /// The path of `extension/query` with `token`.
    pub(crate) fn query_path(&self, token: &str) -> String {
        format!("{}/extension/query?token={token}", self.api_path())
    }

    /// Every extension on the PBX, through `extension/query`, as the API returns them.
    pub(crate) fn extensions(&self) -> Vec<Value> {
        // v2 asks for every number by name; v1 and OpenVox list them all unasked.
        let body = match self.api {
            Api::YeastarV2 => r#"{"number":"all"}"#,
            Api::YeastarV1 | Api::Openvox => "",
            Api::Verba => panic!("Verba has no JSON query: read it with verba_get"),
            Api::YeastarP => return super::openapi::OpenApi::login(self).extensions(),
        };
        let token = self.login();
        let answer = self.post(&self.query_path(&token), body);
        assert_eq!(answer["status"], "Success", "{answer}");
        answer["extinfos"].as_array().unwrap().clone()
    }

    /// [`Sim::extensions`] by number.
    pub(crate) fn directory(&self) -> BTreeMap<String, Value> {
        let key = self.api.number_key();
        let number = |e: &Value| e[key].as_str().expect("a number").to_string();
        self.extensions()
            .into_iter()
            .map(|e| (number(&e), e))
            .collect()
    }

    /// Number → `field`'s value on the PBX (blank where the answer has none).
    pub(crate) fn field(&self, field: &str) -> BTreeMap<String, String> {
        let value = |e: &Value| e[field].as_str().unwrap_or_default().to_string();
        self.directory()
            .into_iter()
            .map(|(number, e)| (number, value(&e)))
            .collect()
    }
}

impl SimSetup {
    pub(crate) fn args(mut self, args: &[&str]) -> SimSetup {
        self.args.extend(args.iter().map(ToString::to_string));
        self
    }

    /// The extensions the simulator starts with: a spreadsheet in the API's columns.
    pub(crate) fn seed(self, csv: &str) -> SimSetup {
        self.file_flag("--seed", "seed.csv", csv)
    }

    /// `flag PATH`, with `content` written to PATH (`--users users.csv`, a seed in another
    /// encoding, a workbook).
    pub(crate) fn file_flag(self, flag: &str, name: &str, content: impl AsRef<[u8]>) -> SimSetup {
        let path = super::write(self.files.path(), name, content);
        self.path_flag(flag, &path)
    }

    /// `flag PATH` for a file that exists already.
    pub(crate) fn path_flag(self, flag: &str, path: &Path) -> SimSetup {
        let path = path.to_str().unwrap();
        self.args(&[flag, path])
    }

    /// Starts it and waits for its `listening on` line.
    pub(crate) fn start(self) -> Sim {
        let mut child = pbxbulk()
            .args([Command::Sim.word(), "--api", self.api.name()])
            .args(["--listen", "127.0.0.1:0", "--user", USER])
            .args(&self.args)
            .env("PBXBULK_PASSWORD", PASSWORD)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start pbxbulk sim");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let cert = self.args.iter().any(|a| a == "--tls").then(|| {
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
        Sim {
            child,
            api: self.api,
            url,
            cert,
            _files: self.files,
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
