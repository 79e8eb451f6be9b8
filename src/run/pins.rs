//! What a `--resume` must share with the run it finishes, besides the input's bytes: every
//! setting that decides which rows are written where and how. A resume with `--url` of
//! another PBX reported 200/200 `ok` for rows it never sent there; a journal now names these
//! settings and a resume with any of them different is refused, naming the difference.
//! Settings that only pace the run (`--rate`, `--concurrency`, `--retries`, `--timeout`) may
//! change.

use sha2::{Digest, Sha256};

use super::import::ImportSettings;
use super::journal::Pins;

impl ImportSettings {
    /// The settings that decide the writes, as (flag, value).
    pub(crate) fn pins(&self) -> Pins {
        let flag = |on: bool| if on { "on" } else { "off" }.to_string();
        let (prune, max_delete) = match &self.prune {
            None => ("off".to_string(), "-".to_string()),
            Some(prune) => (
                match prune.ranges.as_slice() {
                    [] => "any".to_string(),
                    ranges => ranges
                        .iter()
                        .map(|(lo, hi)| format!("{lo}-{hi}"))
                        .collect::<Vec<_>>()
                        .join(","),
                },
                prune
                    .max_delete
                    .map_or_else(|| "10%".to_string(), |n| n.to_string()),
            ),
        };
        // A mapping decides every field sent: known by its content, not its file's name.
        let mapping = self.mapping.as_ref().map_or_else(
            || "none".to_string(),
            |m| hex::encode(&Sha256::digest(m.meaning())[..8]),
        );
        let read = &self.read;
        [
            ("--api", self.api.name().to_string()),
            ("--url", self.connection.base_url.clone()),
            ("--eid", self.wire.eid.clone()),
            ("--mode", self.mode.name().to_string()),
            ("--prune", prune),
            ("--max-delete", max_delete),
            ("--generate-passwords", flag(self.generate_passwords)),
            ("--weak-passwords", flag(self.weak_passwords)),
            ("--map", mapping),
            (
                "--encoding",
                read.encoding.map_or("detected", |e| e.name()).to_string(),
            ),
            (
                "--sheet",
                read.sheet.clone().unwrap_or_else(|| "the first".into()),
            ),
            (
                "--plus-prefix",
                read.plus_prefix.clone().unwrap_or_else(|| "none".into()),
            ),
        ]
        .into_iter()
        // Named only when on, so a journal written before the flag existed still resumes.
        .chain(self.strict.then(|| ("--strict", flag(true))))
        .map(|(flag, value)| (flag.to_string(), value))
        .collect()
    }
}
