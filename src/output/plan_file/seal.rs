//! The keyed hashes of a plan (HMAC-SHA256, the `hmac` and `sha2` crates): the key derived
//! from the input's bytes that hides secrets and fingerprints, the integrity seal keyed by
//! it, and the signature keyed by `--sign-key`. Each use hashes its own labelled message, so
//! a value hashed for one use never matches another.

use std::io::{self, Read};

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::Plan;
use crate::domain::Record;

type HmacSha256 = Hmac<Sha256>;

/// How every hash in a plan is spelt: the algorithm, then the lower-case hex.
const PREFIX: &str = "hmac-sha256:";

/// The key derived from the input: SHA-256 of a label and the input's bytes. The plan holds
/// the input's own SHA-256, from which this cannot be worked out (the label comes first), so
/// only someone who has the input (and with it the secrets) has the key.
#[derive(Clone)]
pub(crate) struct Keys {
    input: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(<hidden>)")
    }
}

impl Keys {
    /// The key of the input whose bytes `input` reads.
    pub(crate) fn of_input(mut input: impl Read) -> io::Result<Keys> {
        let mut hasher = Sha256::new();
        hasher.update(b"pbxbulk plan key v1\0");
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(Keys {
            input: hasher.finalize().into(),
        })
    }

    /// A secret's new value in the plan: keyed, and tied to its extension and field, so two
    /// rows with one password do not show it by sharing a hash.
    pub(crate) fn secret(&self, number: &str, field: &str, value: &str) -> String {
        hash(
            &self.input,
            &[
                b"secret",
                number.as_bytes(),
                field.as_bytes(),
                value.as_bytes(),
            ],
        )
    }

    /// An extension as read (`None`: not on the PBX): every field, secrets the PBX hands
    /// back included, so any change to it shows; keyed, so none of them can be guessed.
    pub(crate) fn fingerprint(&self, record: Option<&Record>) -> String {
        match record {
            None => "absent".to_string(),
            Some(record) => {
                let json = serde_json::to_vec(record).expect("a record is JSON");
                hash(&self.input, &[b"extension", &json])
            }
        }
    }

    /// The integrity seal of a plan.
    pub(crate) fn integrity(&self, plan: &Plan) -> String {
        hash(&self.input, &[b"plan", &canonical(plan)])
    }

    /// Whether `seal` is the integrity seal of `plan`; compared in constant time.
    pub(crate) fn intact(&self, plan: &Plan, seal: &str) -> bool {
        verify(&self.input, &[b"plan", &canonical(plan)], seal)
    }
}

/// `--sign-key FILE`: the file's bytes, never shown.
#[derive(Clone)]
pub(crate) struct SignKey(Vec<u8>);

impl std::fmt::Debug for SignKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SignKey(<hidden>)")
    }
}

impl SignKey {
    /// The fewest bytes a key file may hold: HMAC-SHA256 is only as strong as its key.
    pub(crate) const MIN_LEN: usize = 16;

    pub(crate) fn new(bytes: Vec<u8>) -> SignKey {
        SignKey(bytes)
    }

    /// The signature of a plan.
    pub(crate) fn sign(&self, plan: &Plan) -> String {
        hash(&self.0, &[b"plan", &canonical(plan)])
    }

    /// Whether `seal` is the signature of `plan` with this key; compared in constant time.
    pub(crate) fn signed(&self, plan: &Plan, seal: &str) -> bool {
        verify(&self.0, &[b"plan", &canonical(plan)], seal)
    }
}

/// The plan's bytes as the seals cover them: compact JSON in the order of its fields. A plan
/// read back gives the same bytes, so a seal checks against what is in the file.
pub(crate) fn canonical(plan: &Plan) -> Vec<u8> {
    serde_json::to_vec(plan).expect("a plan is JSON")
}

/// HMAC-SHA256 of the parts, each preceded by its length (no two lists of parts hash alike).
fn mac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac
}

fn hash(key: &[u8], parts: &[&[u8]]) -> String {
    format!(
        "{PREFIX}{}",
        hex::encode(mac(key, parts).finalize().into_bytes())
    )
}

/// Whether `seal` is the hash of the parts, through the crate's constant-time comparison.
fn verify(key: &[u8], parts: &[&[u8]], seal: &str) -> bool {
    let tag = seal.strip_prefix(PREFIX).and_then(|h| hex::decode(h).ok());
    tag.is_some_and(|tag| mac(key, parts).verify_slice(&tag).is_ok())
}
