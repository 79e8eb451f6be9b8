//! Every path in one file that can name a module, resolved to `crate::…` from the module it
//! is written in: `use` trees, paths in code, types, patterns, bounds and attributes, and the
//! `crate::`/`super::`/`self::` sequences in the raw tokens of any macro.
//!
//! Not followed: a name brought in by `use` is followed only when it stands for the crate root
//! itself (`use crate as c;`, `extern crate self as x;`); any other import was already checked
//! where its `use` names the module. Paths from outside the crate (`std::`, `::x`) are skipped.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Spacing, TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Attribute, ImplItem, Item, Macro, Meta, UseTree};

use super::tree::{Unit, is_test};

/// A path named at `line` inside module `from`, as segments under `crate` (`["run", "X"]`;
/// a glob ends in `"*"`, the crate root itself is empty).
pub(super) struct Ref {
    pub(super) line: usize,
    pub(super) from: Vec<String>,
    pub(super) path: Vec<String>,
}

/// The paths `unit` names outside its `#[cfg(test)]` items. `crate_names` are the names
/// `extern crate self as NAME` gives the crate.
pub(super) fn refs(unit: &Unit, crate_names: &BTreeSet<String>) -> Vec<Ref> {
    let mut refs = Refs {
        module: unit.module.clone(),
        roots: Vec::new(),
        crate_names,
        found: Vec::new(),
    };
    refs.enter(&unit.ast.items);
    for attr in &unit.ast.attrs {
        refs.visit_attribute(attr);
    }
    for item in &unit.ast.items {
        refs.visit_item(item);
    }
    refs.found
}

struct Refs<'a> {
    module: Vec<String>,
    /// Per module being walked, the names its `use`s give the crate root.
    roots: Vec<BTreeSet<String>>,
    crate_names: &'a BTreeSet<String>,
    found: Vec<Ref>,
}

impl Refs<'_> {
    /// Starts the scope of a module whose items are `items`.
    fn enter(&mut self, items: &[Item]) {
        let mut uses = Uses::default();
        for item in items {
            uses.visit_item(item);
        }
        let names = uses
            .0
            .into_iter()
            .filter(|u| self.resolve(&u.path) == Some(Vec::new()));
        self.roots.push(names.filter_map(|u| u.bound).collect());
    }

    fn resolve(&self, segments: &[String]) -> Option<Vec<String>> {
        let (first, mut rest) = segments.split_first()?;
        let names_root = |name: &str| {
            self.crate_names.contains(name) || self.roots.last().is_some_and(|r| r.contains(name))
        };
        let mut at = match first.as_str() {
            "crate" => Vec::new(),
            "self" => self.module.clone(),
            "super" => self.module[..self.module.len().checked_sub(1)?].to_vec(),
            name if names_root(name) => Vec::new(),
            _ => return None,
        };
        while let Some((_, more)) = rest.split_first().filter(|(s, _)| *s == "super") {
            at.pop()?;
            rest = more;
        }
        at.extend(rest.iter().cloned());
        Some(at)
    }

    fn record(&mut self, line: usize, segments: &[String]) {
        if let Some(path) = self.resolve(segments) {
            self.found.push(Ref {
                line,
                from: self.module.clone(),
                path,
            });
        }
    }

    fn record_use(&mut self, tree: &UseTree) {
        for u in flatten(tree) {
            self.record(u.line, &u.path);
        }
    }

    /// Paths in raw tokens: `a::b::{c, d::*}` from any `crate`, `super`, `self` or root name
    /// that does not continue a path. In attributes, string literals holding a path count too
    /// (`#[serde(with = "crate::x")]`); in macros a string is text.
    fn scan(&mut self, tokens: TokenStream, strings: bool) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => self.scan(g.stream(), strings),
                TokenTree::Literal(l) if strings => {
                    self.scan_str(&l.to_string(), l.span().start().line);
                }
                TokenTree::Ident(_) if !(i >= 2 && is_colons(&tokens, i - 2)) => {
                    let end = path_end(&tokens, i);
                    let path: TokenStream = tokens[i..end].iter().cloned().collect();
                    if let Ok(tree) = syn::parse2::<UseTree>(path) {
                        self.record_use(&tree);
                        i = end;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// A string literal that holds a path, as serde's `with = "crate::x"` does.
    fn scan_str(&mut self, literal: &str, line: usize) {
        let text = syn::parse_str::<syn::LitStr>(literal).map(|s| s.value());
        if let Ok(path) = text.and_then(|t| syn::parse_str::<syn::Path>(&t)) {
            let segments: Vec<_> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.record(line, &segments);
        }
    }
}

impl<'ast> Visit<'ast> for Refs<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        if !is_test(item_attrs(item)) {
            visit::visit_item(self, item);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast ImplItem) {
        let attrs = match item {
            ImplItem::Const(i) => &i.attrs,
            ImplItem::Fn(i) => &i.attrs,
            ImplItem::Type(i) => &i.attrs,
            ImplItem::Macro(i) => &i.attrs,
            _ => return visit::visit_impl_item(self, item),
        };
        if !is_test(attrs) {
            visit::visit_impl_item(self, item);
        }
    }

    /// An inline `mod x { }` is a module of its own; a `mod x;` is its file's business.
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let Some((_, items)) = &m.content else { return };
        self.module.push(m.ident.to_string());
        self.enter(items);
        for item in items {
            self.visit_item(item);
        }
        self.roots.pop();
        self.module.pop();
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if u.leading_colon.is_none() {
            self.record_use(&u.tree);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            let segments: Vec<_> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.record(line(&path.segments[0].ident), &segments);
        }
        visit::visit_path(self, path);
    }

    /// `pub(super)` and `pub(in crate::x)` limit who sees an item; they name nothing to use.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.visit_path(&mac.path);
        self.scan(mac.tokens.clone(), false);
    }

    /// Doc comments are prose, even where they mention a path.
    fn visit_attribute(&mut self, attr: &'ast Attribute) {
        match &attr.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => {}
            Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => {
                    self.scan_str(&s.token().to_string(), s.span().start().line);
                }
                value => self.visit_expr(value),
            },
            Meta::List(list) => {
                self.visit_path(&list.path);
                self.scan(list.tokens.clone(), true);
            }
            Meta::Path(path) => self.visit_path(path),
        }
    }
}

/// The attributes of an item, to find `#[cfg(test)]`.
fn item_attrs(item: &Item) -> &[Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        // `Verbatim` (tokens syn could not type) and kinds newer than this list.
        _ => &[],
    }
}

/// One leaf of a `use` tree: the full path, and the name it binds (`None` for a glob).
struct Use {
    line: usize,
    path: Vec<String>,
    bound: Option<String>,
}

fn flatten(tree: &UseTree) -> Vec<Use> {
    fn walk(tree: &UseTree, prefix: &mut Vec<String>, at: usize, out: &mut Vec<Use>) {
        let leaf = |prefix: &[String], name: &Ident, bound: &Ident| {
            let mut path = prefix.to_vec();
            if name != "self" {
                path.push(name.to_string());
            }
            let bound = if bound == "self" {
                path.last().cloned()
            } else {
                Some(bound.to_string())
            };
            Use {
                line: line(name),
                path,
                bound: bound.filter(|b| b != "_"),
            }
        };
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                walk(&p.tree, prefix, line(&p.ident), out);
                prefix.pop();
            }
            UseTree::Name(n) => out.push(leaf(prefix, &n.ident, &n.ident)),
            UseTree::Rename(r) => out.push(leaf(prefix, &r.ident, &r.rename)),
            UseTree::Glob(_) => {
                let path = [prefix.as_slice(), &["*".to_string()]].concat();
                out.push(Use {
                    line: at,
                    path,
                    bound: None,
                });
            }
            UseTree::Group(g) => g.items.iter().for_each(|t| walk(t, prefix, at, out)),
        }
    }
    let mut out = Vec::new();
    walk(tree, &mut Vec::new(), 0, &mut out);
    out
}

/// The `use`s of one module, its functions' bodies included, not its inner modules'.
#[derive(Default)]
struct Uses(Vec<Use>);

impl<'ast> Visit<'ast> for Uses {
    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.0.extend(flatten(&u.tree));
    }
}

fn line(ident: &Ident) -> usize {
    ident.span().start().line
}

fn is_colons(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (&tokens[i], tokens.get(i + 1)),
        (TokenTree::Punct(a), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':'
    )
}

/// Where the path starting at `start` ends: idents joined by `::`, ending perhaps in a
/// `{…}` group or a `*`.
fn path_end(tokens: &[TokenTree], start: usize) -> usize {
    let mut end = start + 1;
    while end + 2 < tokens.len() && is_colons(tokens, end) {
        match &tokens[end + 2] {
            TokenTree::Ident(_) => end += 3,
            TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace => {
                return end + 3;
            }
            TokenTree::Punct(p) if p.as_char() == '*' => return end + 3,
            _ => break,
        }
    }
    end
}
