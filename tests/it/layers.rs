//! The house's one direction, checked from the source: a module may name only the layers
//! below it (`crate::LAYER`), so no import cycle between folders can come back unnoticed.

use std::collections::BTreeSet;
use std::path::Path;

/// Bottom to top. Layers on one line are siblings and may not name each other. `cli` holds
/// only clap types and names no layer.
const LAYERS: &[&[&str]] = &[
    &["cli"],
    &["domain"],
    &["rules"],
    &["input"],
    &["plan", "pbx"],
    &["output"],
    &["run"],
    &["sim"],
    &["settings"],
    &["commands"],
];

fn rank(layer: &str) -> Option<usize> {
    LAYERS.iter().position(|names| names.contains(&layer))
}

/// Every `crate::NAME` a file mentions.
fn named_layers(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        // `pbxbulk::…` in doc text is not an import; only the crate-relative path counts.
        if text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        names.insert(name);
    }
    names
}

#[test]
fn no_layer_names_a_layer_above_it_or_a_sibling() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut upward = Vec::new();
    let mut checked = 0;
    for layer in LAYERS.iter().flat_map(|names| names.iter()) {
        let own = rank(layer).unwrap();
        let dir = src.join(layer);
        // A layer is its folder, its file, or both (`settings.rs` with `settings/`).
        let mut files: Vec<_> = if dir.is_dir() {
            std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "rs"))
                .collect()
        } else {
            Vec::new()
        };
        files.extend(Some(src.join(format!("{layer}.rs"))).filter(|f| f.is_file()));
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            checked += 1;
            for name in named_layers(&text) {
                match rank(&name) {
                    Some(r) if r < own || name == *layer => {}
                    // `cli` is the bottom only in the sense that it names nothing.
                    Some(_) if name == "cli" && *layer == "settings" => {}
                    Some(_) => upward.push(format!(
                        "{} names crate::{name}",
                        file.strip_prefix(&src).unwrap().display()
                    )),
                    // Macros and items of the crate root (`say!`, `Exit` re-exports).
                    None => {}
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} files found under src/");
    assert!(
        upward.is_empty(),
        "imports against the layers:\n{}",
        upward.join("\n")
    );
}
