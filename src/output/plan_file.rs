//! The plan file `pbxbulk plan` writes, `show` prints and `apply` carries out: JSON a
//! person reads in review, versioned (`format`, `version`; the README documents every field).
//!
//! What it holds: each row's action and its field changes, old → new (rows the PBX already
//! matches are only counted); a fingerprint of every extension a write touches, as it was
//! read; the input's SHA-256; the settings that shaped the decisions. No secret stands in it:
//! a secret's new value is a keyed hash (HMAC-SHA256), and `apply` takes the value from the
//! input again. Sealing (encrypting the values into the plan) was the other way; it was not
//! taken because `apply` must read the input anyway (to check it is the planned one), so the
//! plan need not carry what the input holds, and a key to unseal would be one more secret to
//! keep beside the plan. The hashes are keyed by a key derived from the input's bytes
//! ([`seal::Keys`]): without the input, a 4-digit voicemail PIN cannot be found by trying
//! all 10,000, and a fingerprint of an extension cannot be tested against guesses either.
//!
//! Two seals over the `plan` part: `integrity`, keyed by the input (so an edited plan is
//! caught by `apply`, which has the input), and `signature`, keyed by `--sign-key` (so cron
//! applies only a plan a person approved with the key). Both are over the plan as this
//! module writes it ([`seal::canonical`]): a plan read back and written again gives the same
//! bytes, and unknown fields are refused, so no edit goes unseen.

mod layout;
pub(crate) mod seal;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use layout::ReviewLayout;
use serde::{Deserialize, Serialize};

use super::files::PrivateFile;
use crate::domain::Action;

/// What the `format` field says.
pub(crate) const FORMAT: &str = "pbxbulk plan";
/// The version of the format this build writes and reads.
pub(crate) const VERSION: u32 = 1;

/// The file: the plan, and its seals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanFile {
    pub(crate) plan: Plan,
    /// `hmac-sha256:HEX` of the plan, keyed by the input.
    pub(crate) integrity: String,
    /// `hmac-sha256:HEX` of the plan, keyed by `--sign-key`, once signed.
    pub(crate) signature: Option<String>,
}

/// Everything that was decided, and from what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Plan {
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) created_at: String,
    /// `pbxbulk VERSION`.
    pub(crate) created_by: String,
    pub(crate) input: PlanInput,
    pub(crate) target: PlanTarget,
    pub(crate) settings: PlanSettings,
    /// How secrets appear in `rows`, in words.
    pub(crate) secrets: String,
    /// Rows by what they come to: `add`, `update`, `delete` (the writes), `unchanged`,
    /// `invalid`, `skipped`.
    pub(crate) counts: BTreeMap<String, u64>,
    /// Every row but the unchanged ones, in the order of the run.
    pub(crate) rows: Vec<PlanRow>,
}

/// The input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanInput {
    /// As `apply` opens it again: absolute, or `-` (standard input).
    pub(crate) path: String,
    pub(crate) sha256: String,
    pub(crate) bytes: u64,
}

/// The PBX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanTarget {
    pub(crate) api: String,
    pub(crate) edition: Option<String>,
    /// Without credentials.
    pub(crate) url: String,
    pub(crate) user: String,
}

/// The settings that shaped the decisions, and how `apply` is to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanSettings {
    pub(crate) mode: String,
    pub(crate) prune: Option<PlanPrune>,
    /// Where the columns came from, if not the API's own.
    pub(crate) columns: Option<PlanColumns>,
    pub(crate) encoding: Option<String>,
    pub(crate) sheet: Option<String>,
    pub(crate) plus_prefix: Option<String>,
    pub(crate) body: String,
    pub(crate) eid: String,
    pub(crate) welcome_email: bool,
    pub(crate) generate_passwords: bool,
    pub(crate) update_secrets: bool,
    pub(crate) weak_passwords: bool,
    /// `--strict`: a broken rule no document of the API states refused its row. Written only
    /// when on, so a plan made before it read back gives the same bytes (and seals).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) strict: bool,
    /// `--rate` as given: writes per second, `0`, or `auto`.
    pub(crate) rate: String,
    /// `--read-rate`, reads per second.
    pub(crate) read_rate: Option<String>,
    pub(crate) concurrency: usize,
    pub(crate) retries: u32,
    pub(crate) timeout_ms: u64,
    pub(crate) heartbeat_ms: u64,
    pub(crate) insecure: bool,
    /// The PEM of `--ca-cert` (a certificate is public).
    pub(crate) ca_cert: Option<String>,
    /// Where `apply` writes its report unless told otherwise.
    pub(crate) report: String,
    pub(crate) report_format: String,
}

/// `--prune`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanPrune {
    pub(crate) ranges: Vec<String>,
    pub(crate) max_delete: Option<String>,
}

/// `--map FILE` (with the SHA-256 of the file as planned), or `--from-api API`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub(crate) enum PlanColumns {
    Map { path: String, sha256: String },
    FromApi { api: String },
}

/// One row's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanRow {
    /// Its place in the run, as the journal numbers rows (for `apply --resume`).
    pub(crate) seq: u64,
    /// The spreadsheet row; `None` for a delete of an extension the file does not list.
    pub(crate) row: Option<u64>,
    pub(crate) number: String,
    pub(crate) action: Action,
    pub(crate) status: PlanStatus,
    /// The extension as read, for a write: `hmac-sha256:HEX`, or `absent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pbx: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) changes: Vec<Change>,
    /// Why a row is invalid or skipped; for a write, what its report line will say besides.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) message: String,
}

/// What a row comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PlanStatus {
    /// `apply` sends it.
    Write,
    Invalid,
    Skipped,
}

/// One field a write sets: `old` → `new`, or for a secret its keyed hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Change {
    pub(crate) field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) new: Option<String>,
    /// A secret: `hmac-sha256:HEX` of its new value, or `generated` (made at apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) secret: Option<String>,
}

/// A plan file that cannot be used, before anything else is looked at.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PlanFileError {
    /// The cause is said in the message, not chained: a chain would say it twice.
    #[error("cannot read the plan {path}: {cause}")]
    Io { path: String, cause: io::Error },
    /// Not what `plan` writes: edited by hand, cut short, or another file.
    #[error(
        "the plan {path} is not as pbxbulk plan wrote it ({why}): it was edited, cut short, or \
         is no plan"
    )]
    Altered { path: String, why: String },
    #[error(
        "the plan {path} is version {version} of the format; this pbxbulk reads version \
         {latest}: apply it with the pbxbulk that made it, or plan again",
        latest = VERSION
    )]
    Version { path: String, version: u32 },
}

/// The fields of a plan file that say what it is.
#[derive(Deserialize)]
struct Probe {
    plan: ProbePlan,
}

#[derive(Deserialize)]
struct ProbePlan {
    format: Option<String>,
    version: Option<u32>,
}

impl PlanFile {
    /// Reads and parses a plan file; its seals are checked by the caller, who has the keys.
    pub(crate) fn read(path: &Path) -> Result<PlanFile, PlanFileError> {
        let shown = path.display().to_string();
        let text = std::fs::read(path).map_err(|cause| PlanFileError::Io {
            path: shown.clone(),
            cause,
        })?;
        let altered = |why: String| PlanFileError::Altered {
            path: shown.clone(),
            why,
        };
        // Its format and version first, so that another version is named as such (and not
        // as an edit), without holding the whole document as a tree.
        let probe: Probe = serde_json::from_slice(&text).map_err(|e| altered(e.to_string()))?;
        if probe.plan.format.as_deref() != Some(FORMAT) {
            return Err(altered(format!("its format is not {FORMAT:?}")));
        }
        match probe.plan.version {
            Some(VERSION) => {}
            Some(version) => {
                return Err(PlanFileError::Version {
                    path: shown,
                    version,
                });
            }
            None => return Err(altered("it has no version".into())),
        }
        serde_json::from_slice(&text).map_err(|e| altered(e.to_string()))
    }

    /// Writes the plan: private (it names people and their numbers), whole or not at all;
    /// laid out for review, a row a line.
    pub(crate) fn write(&self, path: &Path) -> io::Result<()> {
        let mut file = PrivateFile::create(path)?;
        let mut out = io::BufWriter::new(file.file());
        let mut json = serde_json::Serializer::with_formatter(&mut out, ReviewLayout::default());
        self.serialize(&mut json).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
        out.flush()?;
        drop(out);
        file.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
