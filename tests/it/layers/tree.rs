//! The module tree of the crate's sources: which module each file is and whether only tests
//! compile it, found the way rustc finds it, by following `mod` declarations from the roots.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::{Attribute, Expr, Item, Lit, Meta};

/// The sources by path under src/ (`input/mapping/bind.rs`), so probes can build small trees.
pub(super) type Files = BTreeMap<String, String>;

pub(super) struct Unit {
    pub(super) file: String,
    pub(super) module: Vec<String>,
    /// Declared under `#[cfg(test)]`, itself or an ancestor.
    pub(super) test_only: bool,
    pub(super) ast: syn::File,
}

/// Every `.rs` file under `dir`, subfolders included.
pub(super) fn read_dir(dir: &Path) -> Files {
    let mut files = Files::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(at) = todo.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path.strip_prefix(dir).unwrap().to_str().unwrap();
                let text = std::fs::read_to_string(&path).unwrap();
                files.insert(name.replace('\\', "/"), text);
            }
        }
    }
    files
}

/// Every file parsed and placed. A file no declaration reaches is not compiled, but it is
/// still checked, as the module its path names, so no file escapes.
pub(super) fn units(files: &Files) -> Result<Vec<Unit>, String> {
    let mut queue: Vec<_> = ["lib.rs", "main.rs"]
        .into_iter()
        .filter(|root| files.contains_key(*root))
        .map(|root| (root.to_string(), Vec::new(), false))
        .collect();
    let mut units = Vec::new();
    let mut reached = BTreeSet::new();
    while let Some((file, module, test_only)) = queue.pop() {
        if !reached.insert(file.clone()) {
            continue;
        }
        let ast = parse(&file, &files[&file])?;
        let at = Place {
            file_dir: parent(&file),
            dir: children_dir(&file),
            inline: false,
        };
        declared(&ast.items, &at, &module, test_only, files, &mut queue);
        units.push(Unit {
            file,
            module,
            test_only,
            ast,
        });
    }
    for (file, text) in files.iter().filter(|(f, _)| !reached.contains(*f)) {
        let ast = parse(file, text)?;
        let module = file
            .trim_end_matches(".rs")
            .split('/')
            .filter(|s| *s != "mod");
        let module = module.map(String::from).collect();
        units.push(Unit {
            file: file.clone(),
            module,
            test_only: false,
            ast,
        });
    }
    Ok(units)
}

fn parse(file: &str, text: &str) -> Result<syn::File, String> {
    syn::parse_file(text).map_err(|e| format!("src/{file}: cannot parse: {e}"))
}

/// Where `mod x;` looks for its file: `file_dir` for a top-level `#[path]`, `dir` otherwise
/// (a non-mod-rs file `a/b.rs` keeps its children in `a/b/`; inline blocks add a folder).
struct Place {
    file_dir: String,
    dir: String,
    inline: bool,
}

type Queue = Vec<(String, Vec<String>, bool)>;

fn declared(
    items: &[Item],
    at: &Place,
    module: &[String],
    test: bool,
    files: &Files,
    queue: &mut Queue,
) {
    for item in items {
        let Item::Mod(m) = item else { continue };
        let name = m.ident.to_string();
        let module = [module, std::slice::from_ref(&name)].concat();
        let test = test || is_test(&m.attrs);
        if let Some((_, inner)) = &m.content {
            let dir = join(&at.dir, &name);
            let inner_at = Place {
                file_dir: at.file_dir.clone(),
                dir,
                inline: true,
            };
            declared(inner, &inner_at, &module, test, files, queue);
            continue;
        }
        let candidates = match path_attr(&m.attrs) {
            Some(p) if at.inline => vec![join(&at.dir, &p)],
            Some(p) => vec![join(&at.file_dir, &p)],
            None => vec![
                join(&at.dir, &format!("{name}.rs")),
                join(&at.dir, &format!("{name}/mod.rs")),
            ],
        };
        if let Some(file) = candidates.into_iter().find(|c| files.contains_key(c)) {
            queue.push((file, module, test));
        }
    }
}

/// `#[cfg(test)]` exactly; any other condition may hold in a normal build, so it counts.
pub(super) fn is_test(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        matches!(&a.meta, Meta::List(l) if l.path.is_ident("cfg") && l.tokens.to_string() == "test")
    })
}

fn path_attr(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            Expr::Lit(e) => match &e.lit {
                Lit::Str(s) => Some(s.value()),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    })
}

fn parent(file: &str) -> String {
    file.rsplit_once('/').map_or("", |(dir, _)| dir).to_string()
}

fn children_dir(file: &str) -> String {
    let name = file.rsplit('/').next().unwrap_or(file);
    if matches!(name, "lib.rs" | "main.rs" | "mod.rs") {
        parent(file)
    } else {
        file.trim_end_matches(".rs").to_string()
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}
