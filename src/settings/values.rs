//! One parser per setting, shared by the flag (clap's `value_parser`), its environment
//! variable, the profile key and the default: a value is refused in the same words wherever
//! it was written. Each error says what the value must be; the caller names the flag or the
//! profile line.

use std::path::PathBuf;
use std::time::Duration;

use crate::domain::Word;
use crate::input::encoding_by_name;
use crate::run::throttle::Rate;
use crate::vendors::{self, Vendor};

/// How request and answer bodies are written (`--body`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Body {
    Json,
    Xml,
}

impl Word for Body {
    const WORDS: &'static [(&'static str, Body, &'static str)] = &[
        ("json", Body::Json, "JSON (every API)"),
        ("xml", Body::Xml, "XML, where the API takes it"),
    ];
}

/// A text encoding (`--encoding`).
pub(crate) type Encoding = &'static encoding_rs::Encoding;

pub(crate) fn api(text: &str) -> Result<&'static Vendor, String> {
    vendors::by_name(text).map_err(|e| e.to_string())
}

pub(crate) fn word<T: Word>(text: &str) -> Result<T, String> {
    T::from_word(text).ok_or_else(|| format!("must be one of {}", T::choices().replace('|', ", ")))
}

pub(crate) fn text(text: &str) -> Result<String, String> {
    Ok(text.trim().to_string())
}

pub(crate) fn path(text: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(text))
}

/// Seconds, more than 0 (`--timeout 2.5`).
pub(crate) fn secs(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs < 1e9 => {
            Ok(Duration::from_secs_f64(secs))
        }
        _ => Err("must be a positive number of seconds".to_string()),
    }
}

/// `--rate`: writes per second, 0 for no limit, or `auto`.
pub(crate) fn rate(text: &str) -> Result<Rate, String> {
    match text.trim() {
        "auto" => Ok(Rate::Auto),
        text => match text.parse::<f64>() {
            Ok(0.0) => Ok(Rate::Unlimited),
            Ok(r) if r.is_finite() && r > 0.0 => Ok(Rate::PerSec(r)),
            _ => Err("must be requests per second, 0 for no limit, or auto".to_string()),
        },
    }
}

/// `--read-rate`: reads per second, or 0 for no limit (`None`).
pub(crate) fn read_rate(text: &str) -> Result<Option<f64>, String> {
    reads_per_sec(text).map(|r| (r > 0.0).then_some(r))
}

/// `--read-rate` as typed: reads per second, 0 for no limit.
pub(crate) fn reads_per_sec(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= 0.0 => Ok(r),
        _ => Err("must be reads per second, or 0 for no limit".to_string()),
    }
}

/// `--concurrency`: requests in flight at most, reads and writes alike.
pub(crate) fn concurrency(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err("must be from 1 to 1024".to_string()),
    }
}

/// `--retries`: at most 100.
pub(crate) fn retries(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if n <= 100 => Ok(n),
        _ => Err("must be a whole number from 0 to 100".to_string()),
    }
}

/// A count: `--max-delete`, `--show-mapped`.
pub(crate) fn count(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| "must be a whole number".to_string())
}

pub(crate) fn encoding(text: &str) -> Result<Encoding, String> {
    encoding_by_name(text).map_err(|e| e.to_string())
}

/// `--plus-prefix`: the international access code that stands for a leading +.
pub(crate) fn plus_prefix(text: &str) -> Result<String, String> {
    let digits = text.trim();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("must be 1 to 4 digits (the international access code, e.g. 00)".to_string());
    }
    Ok(digits.to_string())
}

/// `--sheet`: a sheet's name.
pub(crate) fn sheet(text: &str) -> Result<String, String> {
    match text.trim() {
        "" => Err("needs a sheet name".to_string()),
        name => Ok(name.to_string()),
    }
}

/// `--prune-range FROM-TO`.
pub(crate) fn range(text: &str) -> Result<(u64, u64), String> {
    crate::plan::prune::parse_range(text)
}

/// `true`/`false`, as a profile may write a switch.
pub(crate) fn switch(text: &str) -> Result<bool, String> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("must be true or false".to_string()),
    }
}
