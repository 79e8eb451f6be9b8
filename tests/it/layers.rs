//! The house's one direction, checked from the source: a module may name its own layer and
//! the layers below it, never a sibling or a layer above, so no import cycle between folders
//! can come back unnoticed.
//!
//! Every `.rs` file under src/ is parsed with `syn` and placed in the module tree by following
//! `mod` declarations from lib.rs, as rustc does (`#[path]` and inline `mod x { }` included).
//! Every path that can name a module is resolved to `crate::…` (see `refs`): `use` trees
//! (grouped, nested, glob, renamed, `pub use` re-exports), paths in code, types, patterns,
//! bounds and attributes, and `crate::`/`super::`/`self::` sequences in the tokens of any
//! macro. A module's layer is its first segment under `crate`; the crate root is the top, and
//! only its `macro_rules!` macros (`say!`) may be named from everywhere.
//!
//! Exempt: `#[cfg(test)]` items and the files declared under `#[cfg(test)]` (`mod tests;`,
//! `*_tests.rs`), since a test may take a real fixture from a higher layer. Doc comments are
//! prose. Everything else counts.

mod check;
mod probes;
mod refs;
mod tree;

use std::path::Path;

/// Bottom to top. Layers on one line are siblings and may not name each other. `cli` is the
/// top: the clap types are the command line, which only the layers that read it may know.
const LAYERS: &[&[&str]] = &[
    &["domain"],
    &["rules"],
    &["input"],
    &["plan", "pbx"],
    &["sim"],
    &["vendors"],
    &["output"],
    &["run"],
    &["settings"],
    &["commands"],
    &["cli"],
];

/// Violations the tree still has, as `LAYER names LAYER`, subtracted while the code moves.
/// It must end empty; an entry that no longer happens fails the test, so it only shrinks.
const KNOWN_VIOLATIONS: &[&str] = &[];

#[test]
fn no_layer_names_a_layer_above_it_or_a_sibling() {
    let files = tree::read_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let report = check::check(&files, LAYERS);
    assert!(
        report.files > 40,
        "only {} files found under src/",
        report.files
    );
    let mut failures: Vec<String> = (report.findings.iter())
        .filter(|f| !KNOWN_VIOLATIONS.contains(&f.key.as_str()))
        .map(|f| f.text.clone())
        .collect();
    let stale = LAYERS.iter().flat_map(|names| names.iter());
    failures.extend(
        stale
            .filter(|name| !report.modules.contains(**name))
            .map(|name| format!("LAYERS ranks {name}, which is no module of src/lib.rs")),
    );
    failures.extend(
        (KNOWN_VIOLATIONS.iter())
            .filter(|known| !report.findings.iter().any(|f| f.key == **known))
            .map(|known| format!("KNOWN_VIOLATIONS lists \"{known}\", which no longer happens")),
    );
    assert!(
        failures.is_empty(),
        "against the layers:\n{}",
        failures.join("\n")
    );
}
