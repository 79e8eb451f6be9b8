//! The checker on small trees: each form that slipped past the old text scan is caught, and a
//! tree that keeps the rule passes.

use super::LAYERS;
use super::check::check;
use super::tree::read_dir;

/// Every top-level module the probes use, all ranked.
const LIB: &str = "mod cli; mod domain; mod input; mod plan; mod pbx; mod run; mod settings;";

fn findings(files: &[(&str, &str)]) -> Vec<String> {
    let files = files
        .iter()
        .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
        .collect();
    check(&files, LAYERS)
        .findings
        .into_iter()
        .map(|f| f.text)
        .collect()
}

#[test]
fn a_file_in_a_subfolder_is_checked() {
    let found = findings(&[
        ("lib.rs", LIB),
        ("input/mod.rs", "mod mapping;"),
        ("input/mapping.rs", "mod bind;"),
        ("input/mapping/bind.rs", "use crate::run::Engine;"),
    ]);
    let bind = "src/input/mapping/bind.rs:1: crate::input::mapping::bind";
    assert_eq!(
        found,
        [format!(
            "{bind} names crate::run::Engine (layer input is below run)"
        )]
    );
}

#[test]
fn the_sources_are_read_from_every_subfolder() {
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("input/mapping")).unwrap();
    std::fs::write(src.path().join("input/mapping/bind.rs"), "").unwrap();
    let files: Vec<_> = read_dir(src.path()).into_keys().collect();
    assert_eq!(files, ["input/mapping/bind.rs"]);
}

#[test]
fn a_grouped_use_is_checked() {
    let found = findings(&[
        ("lib.rs", LIB),
        (
            "input/mod.rs",
            "use crate::{domain::Row, run::{Engine, stop::*}};",
        ),
    ]);
    assert_eq!(
        found,
        [
            "src/input/mod.rs:1: crate::input names crate::run::Engine (layer input is below run)",
            "src/input/mod.rs:1: crate::input names crate::run::stop::* (layer input is below run)",
        ]
    );
}

#[test]
fn a_super_chain_that_climbs_into_another_layer_is_checked() {
    let found = findings(&[
        ("lib.rs", LIB),
        ("input/mod.rs", "mod a;"),
        ("input/a.rs", "mod b;"),
        (
            "input/a/b.rs",
            "fn go() {\n    super::super::super::run::start();\n}",
        ),
    ]);
    let b = "src/input/a/b.rs:2: crate::input::a::b";
    assert_eq!(
        found,
        [format!(
            "{b} names crate::run::start (layer input is below run)"
        )]
    );
}

#[test]
fn a_path_inside_any_macro_is_checked() {
    let input = "fn f(s: u8) -> bool {
    matches!(s, crate::run::STOP)
}
fn g() -> String {
    format!(\"{}\", crate::run::name())
}
fn h() {
    anything!(x => super::run::Engine::new());
}";
    let found = findings(&[("lib.rs", LIB), ("input/mod.rs", input)]);
    let at = |line| format!("src/input/mod.rs:{line}: crate::input names crate::run");
    assert_eq!(
        found,
        [
            format!("{} (layer input is below run)", at(2) + "::STOP"),
            format!("{} (layer input is below run)", at(5) + "::name"),
            format!("{} (layer input is below run)", at(8) + "::Engine::new"),
        ]
    );
}

#[test]
fn a_folder_or_file_the_list_does_not_rank_fails_by_name() {
    let found = findings(&[
        (
            "lib.rs",
            "mod domain; mod vendorz; mod extras; mod inline {}",
        ),
        ("vendorz/mod.rs", "pub(crate) struct Vendor;"),
        ("extras.rs", ""),
    ]);
    assert_eq!(
        found,
        [
            "src/extras.rs: crate::extras is not ranked in LAYERS",
            "src/lib.rs (mod inline): crate::inline is not ranked in LAYERS",
            "src/vendorz/: crate::vendorz is not ranked in LAYERS",
        ]
    );
}

#[test]
fn cli_is_the_top_so_no_layer_may_name_it() {
    let found = findings(&[("lib.rs", LIB), ("settings.rs", "use crate::cli::Args;")]);
    let settings = "src/settings.rs:1: crate::settings";
    assert_eq!(
        found,
        [format!(
            "{settings} names crate::cli::Args (layer settings is below cli)"
        )]
    );
}

#[test]
fn re_exports_siblings_root_aliases_globs_and_attributes_are_checked() {
    let input = r#"pub use crate::run::Engine;
use crate as top;
fn f() { top::run::go() }
#[serde(with = "crate::run::serde")]
struct S;
macro_rules! m { () => { $crate::run::go() }; }
use super::*;
fn g() { me::run::go() }"#;
    let lib = format!("{LIB}\nextern crate self as me;");
    let found = findings(&[
        ("lib.rs", &lib),
        ("input/mod.rs", input),
        ("plan/mod.rs", "use crate::pbx::Client;"),
    ]);
    let input = |line, path| {
        format!(
            "src/input/mod.rs:{line}: crate::input names crate::{path} (layer input is below run)"
        )
    };
    assert_eq!(found, [
        input(1, "run::Engine"),
        input(3, "run::go"),
        input(4, "run::serde"),
        input(6, "run::go"),
        "src/input/mod.rs:7: crate::input names crate::* (layer input is below the crate root)".into(),
        input(8, "run::go"),
        "src/plan/mod.rs:1: crate::plan names crate::pbx::Client (layer plan is a sibling of pbx)".into(),
    ]);
}

#[test]
fn a_tree_that_keeps_the_rule_passes_and_tests_may_reach_up() {
    let lib = "macro_rules! say { ($($t:tt)*) => {}; }\nmod domain;\nmod input;\nmod run;";
    let input = r#"//! Reads rows. Prose may mention [`crate::run`].
use crate::{domain::{self, Row}, input::sheet::Sheet};
mod sheet;
pub(crate) fn f(r: &Row) -> bool {
    say!("{}", format!("{:?}", crate::domain::KIND));
    matches!(self::sheet::Sheet::open(), domain::Kind::A) && super::domain::ok(r)
}
#[cfg(test)]
mod tests {
    use crate::run::Engine;
}"#;
    let sheet = r#"pub(super) struct Sheet;
impl Sheet {
    #[cfg(test)]
    fn fixture() -> crate::run::Engine { todo!() }
}
#[path = "sheet_error.rs"]
mod error;
#[cfg(test)]
#[path = "sheet_tests.rs"]
mod tests;"#;
    let found = findings(&[
        ("lib.rs", lib),
        ("input/mod.rs", input),
        ("input/sheet.rs", sheet),
        ("input/sheet_error.rs", "use super::super::header::Header;"),
        (
            "input/sheet_tests.rs",
            "use super::super::super::run::Engine;",
        ),
    ]);
    assert_eq!(found, Vec::<String>::new());
}
