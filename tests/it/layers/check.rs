//! The rule over a whole tree: a module may name its own layer and the layers below, never a
//! sibling or a layer above, and every top-level module has a rank.

use std::collections::{BTreeMap, BTreeSet};

use syn::Item;

use super::refs::{Ref, refs};
use super::tree::{Files, Unit, is_test, units};

pub(super) struct Finding {
    /// What the finding is about, without place: `settings names cli`.
    pub(super) key: String,
    /// `src/settings.rs:12: crate::settings names crate::cli::Args (layer settings is below cli)`.
    pub(super) text: String,
}

pub(super) struct Report {
    pub(super) findings: Vec<Finding>,
    /// The top-level modules: declared in lib.rs, or a file or folder under src/.
    pub(super) modules: BTreeSet<String>,
    pub(super) files: usize,
}

pub(super) fn check(files: &Files, layers: &[&[&str]]) -> Report {
    let units = match units(files) {
        Ok(units) => units,
        Err(text) => {
            let findings = vec![Finding {
                key: text.clone(),
                text,
            }];
            return Report {
                findings,
                modules: BTreeSet::new(),
                files: 0,
            };
        }
    };
    let rank = |name: &str| layers.iter().position(|names| names.contains(&name));
    let modules = top_modules(&units, files);
    let mut findings: Vec<Finding> = (modules.iter())
        .filter(|(name, _)| rank(name).is_none())
        .map(|(name, place)| Finding {
            key: format!("{name} is unranked"),
            text: format!("{place}: crate::{name} is not ranked in LAYERS"),
        })
        .collect();
    let layer_of = |name: &str| modules.contains_key(name).then(|| rank(name)).flatten();
    let (macros, crate_names) = root_names(&units);
    for unit in units.iter().filter(|u| !u.test_only) {
        for r in refs(unit, &crate_names) {
            let Some(from) = r.from.first().filter(|f| layer_of(f).is_some()) else {
                continue;
            };
            let Some(to) = r.path.first().filter(|t| !macros.contains(*t)) else {
                continue;
            };
            let (own, theirs) = (layer_of(from).unwrap_or(0), layer_of(to));
            let (named, why) = match theirs {
                _ if to == from => continue,
                Some(r) if r < own => continue,
                Some(r) if r == own => (to.as_str(), format!("layer {from} is a sibling of {to}")),
                Some(_) => (to.as_str(), format!("layer {from} is below {to}")),
                // An unranked module is reported once, above.
                None if modules.contains_key(to) => continue,
                None => (
                    "the crate root",
                    format!("layer {from} is below the crate root"),
                ),
            };
            findings.push(violation(unit, &r, named, &why));
        }
    }
    findings.sort_by(|a, b| a.text.cmp(&b.text));
    findings.dedup_by(|a, b| a.text == b.text);
    Report {
        findings,
        modules: modules.into_keys().collect(),
        files: units.len(),
    }
}

fn violation(unit: &Unit, r: &Ref, named: &str, why: &str) -> Finding {
    let from = r.from.join("::");
    let path = r.path.join("::");
    Finding {
        key: format!("{} names {named}", r.from[0]),
        text: format!(
            "src/{}:{}: crate::{from} names crate::{path} ({why})",
            unit.file, r.line
        ),
    }
}

/// Each top-level module with where it lives: its folder, its file, or its declaration.
fn top_modules(units: &[Unit], files: &Files) -> BTreeMap<String, String> {
    let mut modules = BTreeMap::new();
    for file in files
        .keys()
        .filter(|f| !matches!(f.as_str(), "lib.rs" | "main.rs"))
    {
        let (name, place) = match file.split_once('/') {
            Some((dir, _)) => (dir, format!("src/{dir}/")),
            None => (file.trim_end_matches(".rs"), format!("src/{file}")),
        };
        modules.entry(name.to_string()).or_insert(place);
    }
    let lib = units.iter().filter(|u| u.file == "lib.rs");
    for item in lib.flat_map(|u| &u.ast.items) {
        if let Item::Mod(m) = item
            && !is_test(&m.attrs)
        {
            let name = m.ident.to_string();
            let place = format!("src/lib.rs (mod {name})");
            modules.entry(name).or_insert(place);
        }
    }
    modules
}

/// What the roots define that anyone may name: `macro_rules!` macros (`say!`), and the names
/// `extern crate self as NAME` gives the crate.
fn root_names(units: &[Unit]) -> (BTreeSet<String>, BTreeSet<String>) {
    let (mut macros, mut crate_names) = (BTreeSet::new(), BTreeSet::new());
    for unit in units.iter().filter(|u| u.module.is_empty()) {
        for item in &unit.ast.items {
            match item {
                Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                    macros.extend(m.ident.as_ref().map(ToString::to_string));
                }
                Item::ExternCrate(e) if e.ident == "self" => {
                    crate_names.extend(e.rename.as_ref().map(|(_, name)| name.to_string()));
                }
                _ => {}
            }
        }
    }
    (macros, crate_names)
}
