//! Mangled files through the real binary: every outcome is an exit code and a line, never a
//! crash. (Random files against the reader and validator themselves are unit tests in
//! src/plan/fuzz_tests.rs.)

use crate::support::*;

#[test]
fn the_cli_answers_mangled_files_with_exit_codes_not_crashes() {
    let mut rng = fastrand::Rng::with_seed(7);
    let sample = std::fs::read(sample()).unwrap();
    for case in 0..25 {
        let mut bytes = sample.clone();
        for _ in 0..rng.usize(1..8) {
            let at = rng.usize(..bytes.len());
            match rng.u8(..3) {
                0 => bytes[at] = rng.u8(..),
                1 => bytes.insert(at, [b'"', b',', b'\n', 0xff][rng.usize(..4)]),
                _ => bytes.truncate(at.max(1)),
            }
        }
        let ran = Run::validate(Api::YeastarV2)
            .file_named(&format!("m{case}.csv"), bytes)
            .any_exit();
        assert!(matches!(ran.code, 0..=2), "case {case}: {}", ran.code);
        assert!(
            !ran.stderr.contains("panicked") && !ran.stderr.contains("internal error"),
            "case {case}: {}",
            ran.stderr
        );
    }
}
