//! Mangled files through the real binary: every outcome is an exit code and a line, never a
//! crash. (Random files against the reader and validator themselves are unit tests in
//! src/plan/fuzz_tests.rs.)

use crate::helpers::*;

#[test]
fn the_cli_answers_mangled_files_with_exit_codes_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
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
        let path = dir.path().join(format!("m{case}.csv"));
        std::fs::write(&path, &bytes).unwrap();
        let out = run(
            &["validate", path.to_str().unwrap(), "--api", "yeastar-v2"],
            &[],
        );
        let err = stderr(&out);
        assert!(matches!(code(&out), 0..=2), "case {case}: {:?}", out.status);
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "case {case}: {err}"
        );
    }
}
