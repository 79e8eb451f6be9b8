//! What the integration tests stand on: the real `pbxbulk sim` typed by [`Api`], one
//! [`Run`] builder for every command of the real binary, a PBX the test plays itself
//! ([`fake_pbx`]), and std-only HTTP and XML to check the wire.

pub(crate) mod api;
pub(crate) mod books;
pub(crate) mod fake_pbx;
pub(crate) mod http;
pub(crate) mod openapi;
pub(crate) mod outcome;
pub(crate) mod run;
pub(crate) mod running;
pub(crate) mod sim;
pub(crate) mod xml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub(crate) use api::{Api, each_api};
pub(crate) use http::{http, http_full, md5_hex};
pub(crate) use outcome::Ran;
pub(crate) use run::{Command, Run};
pub(crate) use sim::{Sim, SimSetup};
pub(crate) use xml::{Element, parse_xml, soap_call, verba_get, verba_get_in, verba_token};

/// The API password every simulator is started with.
pub(crate) const PASSWORD: &str = "Test-Passw0rd-Secret";
/// The API user every simulator is started with.
pub(crate) const USER: &str = "api";
/// A SIP password that passes every API's strong policy.
pub(crate) const STRONG: &str = "Kx7mQ2vRt9LpW4zA";

/// One line of a CSV file (a report, an export, a rejects file): column name → cell.
pub(crate) type Row = HashMap<String, String>;

/// The rows of the CSV file at `path` as maps from column name to cell.
pub(crate) fn csv_rows(path: &Path) -> Vec<Row> {
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

/// The bundled sample: 200 rows, ten of them invalid on purpose.
pub(crate) fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/extensions.csv")
}

/// `n` rows of one length each (numbers `first`…), in the sim's simplest columns.
pub(crate) fn simple_rows(first: u32, n: u32) -> String {
    let mut csv = String::from("number,username,registername,registerpassword\n");
    for number in first..first + n {
        csv.push_str(&format!("{number},Staff {number},r{number},{STRONG}\n"));
    }
    csv
}

/// Adds to `sim` from `file`, the report at `report`.
pub(crate) fn adds(sim: &Sim, file: &Path, report: &Path) -> Run {
    Run::import(sim)
        .input(file)
        .report(report)
        .args(&["--mode", "add"])
}

/// Writes `content` to a file in `dir` and returns its path.
pub(crate) fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Peak resident memory of a live process, in kB.
pub(crate) fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The file's permission bits (`0o600` for a private file).
#[cfg(unix)]
pub(crate) fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
