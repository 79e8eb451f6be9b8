//! Random bytes and random mutations of the samples fed to the reader and the validator:
//! no panic, and every outcome is either a report line per row or one line about the file.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{Planned, Planner, plan_sheet};
use crate::domain::{Mode, Status};
use crate::input::{ReadSettings, Sheet, Source};

/// Reads and plans `bytes` as `api`; returns the file error or the rows' statuses.
fn read_all(dir: &std::path::Path, bytes: &[u8], api: &'static str) -> Result<Vec<Status>, String> {
    let path = dir.join("fuzz.csv");
    std::fs::write(&path, bytes).unwrap();
    let source = Source::open(&path, &ReadSettings::default()).map_err(|e| e.to_string())?;
    let mut sheet =
        Sheet::open(&source, crate::vendors::table(api), None).map_err(|e| e.to_string())?;
    let mut planner = Planner::new(crate::vendors::table(api), Mode::Upsert, None, false);
    let mut statuses = Vec::new();
    plan_sheet(&mut sheet, &mut planner, |_, planned, _| {
        statuses.push(match planned {
            Planned::Done(result) => {
                assert!(
                    !result.message.contains('\n'),
                    "a row message is one line: {:?}",
                    result.message
                );
                result.status
            }
            Planned::Send(_) | Planned::Valid { .. } => Status::Ok,
        });
        true
    })
    .map_err(|e| e.to_string())?;
    Ok(statuses)
}

fn mutate(rng: &mut fastrand::Rng, mut bytes: Vec<u8>) -> Vec<u8> {
    const SPICE: &[&[u8]] = &[
        b"\"",
        b",",
        b";",
        b"\n",
        b"\r\n",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\0",
        b"\"\"",
        b"\xE5\xBC\xA0",
        b"=cmd|",
        b"\t",
    ];
    for _ in 0..rng.usize(1..8) {
        let at = rng.usize(..=bytes.len());
        match rng.u8(..5) {
            0 => bytes.insert(at, rng.u8(..)),
            1 if !bytes.is_empty() => {
                bytes.remove(at.min(bytes.len() - 1));
            }
            2 => bytes
                .splice(at..at, SPICE[rng.usize(..SPICE.len())].iter().copied())
                .for_each(drop),
            3 => bytes.truncate(at),
            _ => {
                let end = (at + rng.usize(..64)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(at..at, copy).for_each(drop);
            }
        }
    }
    bytes
}

#[test]
fn random_and_mutated_files_never_panic_the_reader_or_the_validator() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(20261122);
    let samples = [
        (
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/extensions.csv"),
            )
            .unwrap(),
            "yeastar-v2",
        ),
        (
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("samples/openvox-extensions.csv"),
            )
            .unwrap(),
            "openvox",
        ),
        (
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("samples/verba-extensions.csv"),
            )
            .unwrap(),
            "verba",
        ),
    ];
    let (mut file_errors, mut rows) = (0, 0);
    for case in 0..1500 {
        let (bytes, api) = if case % 5 == 0 {
            let len = rng.usize(..2048);
            (
                std::iter::repeat_with(|| rng.u8(..)).take(len).collect(),
                crate::vendors::NAMES[case % 4],
            )
        } else {
            let (sample, api) = &samples[case % samples.len()];
            (mutate(&mut rng, sample.clone()), *api)
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| read_all(dir.path(), &bytes, api)));
        match outcome {
            Err(_) => panic!(
                "case {case} panicked; input: {:?}",
                String::from_utf8_lossy(&bytes)
            ),
            Ok(Err(message)) => {
                assert_eq!(
                    message.lines().count(),
                    1,
                    "case {case}: a file error is one line: {message:?}"
                );
                file_errors += 1;
            }
            Ok(Ok(statuses)) => rows += statuses.len(),
        }
    }
    // Both kinds of outcome were exercised, or the test would prove little.
    assert!(
        file_errors > 100 && rows > 10_000,
        "{file_errors} file errors, {rows} rows"
    );
}
