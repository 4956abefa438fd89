//! The import gate of `cargo xtask test`: no module of `domain`, `server` or
//! `app` imports, directly or through others, a module that imports it.
//!
//! A module is a file or an inline `mod` (tests left out). It imports another
//! when a `use` or a path in its code names that module or an item of it;
//! declaring a child (`mod x;`) is not an import. A re-export (`pub use`) is
//! followed to the module that defines the item, so `crate::Thing` counts
//! against the module `Thing` comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// A module's path from its crate's root (`[]` is the root).
type ModPath = Vec<String>;

/// One module as read: its children, the names its `use`s bring in, the paths it names.
#[derive(Default)]
struct Module {
    file: PathBuf,
    children: BTreeSet<String>,
    /// `use` bindings: name in scope → absolute path (or the module itself for a glob).
    uses: BTreeMap<String, ModPath>,
    /// Glob imports, as written.
    globs: Vec<ModPath>,
    /// The names of the items it defines.
    items: BTreeSet<String>,
    /// Every path the module names, as written.
    paths: Vec<Vec<String>>,
}

/// The crates checked, by their root files.
pub const CRATES: [(&str, &str); 4] = [
    ("domain", "domain/src/lib.rs"),
    ("server", "server/src/lib.rs"),
    ("app", "app/src/lib.rs"),
    ("xtask", "xtask/src/main.rs"),
];

/// Every crate of the workspace at `root`; fails naming each cycle found.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let mut report = String::new();
    for (name, file) in CRATES {
        for cycle in cycles(&root.join(file))? {
            report.push_str(&format!("{name}: {cycle}\n"));
        }
    }
    if !report.is_empty() {
        bail!("modules import modules that import them (move what both need into a module below both):\n{report}");
    }
    println!("xtask: no import cycles among the modules of {}", CRATES.map(|c| c.0).join(", "));
    Ok(())
}

/// Each cycle of the crate whose root file is `root_file`, in words.
pub fn cycles(root_file: &Path) -> anyhow::Result<Vec<String>> {
    let mut modules = BTreeMap::new();
    let source = std::fs::read_to_string(root_file).with_context(|| format!("cannot read {}", root_file.display()))?;
    let file = syn::parse_file(&source).with_context(|| format!("cannot parse {}", root_file.display()))?;
    let dir = root_file.parent().expect("a file has a folder").to_path_buf();
    read_items(&mut modules, Vec::new(), root_file, &dir, &file.items)?;
    let edges = edges(&modules);
    Ok(strongly_connected(&edges)
        .into_iter()
        .filter(|group| group.len() > 1)
        .map(|group| describe(&group, &edges, &modules))
        .collect())
}

fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && a.meta.require_list().is_ok_and(|l| l.tokens.to_string().contains("test")))
}

/// The module at `path`, read from `items` (in `file`; its children's files under `dir`).
fn read_items(
    modules: &mut BTreeMap<ModPath, Module>,
    path: ModPath,
    file: &Path,
    dir: &Path,
    items: &[syn::Item],
) -> anyhow::Result<()> {
    let mut module = Module { file: file.to_path_buf(), ..Module::default() };
    let mut collector = Collector { paths: Vec::new() };
    for item in items {
        match item {
            syn::Item::Mod(m) if is_test(&m.attrs) => {}
            syn::Item::Mod(m) => {
                let name = m.ident.to_string();
                module.children.insert(name.clone());
                let mut child = path.clone();
                child.push(name.clone());
                match &m.content {
                    Some((_, inner)) => read_items(modules, child, file, &dir.join(&name), inner)?,
                    None => {
                        let explicit = m.attrs.iter().find_map(|a| {
                            let syn::Meta::NameValue(nv) = &a.meta else { return None };
                            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value else {
                                return None;
                            };
                            nv.path.is_ident("path").then(|| dir.join(s.value()))
                        });
                        let child_file = explicit
                            .or_else(|| {
                                [dir.join(format!("{name}.rs")), dir.join(&name).join("mod.rs")]
                                    .into_iter()
                                    .find(|p| p.exists())
                            })
                            .with_context(|| format!("no file for module {name} under {}", dir.display()))?;
                        let source = std::fs::read_to_string(&child_file)?;
                        let parsed = syn::parse_file(&source)
                            .with_context(|| format!("cannot parse {}", child_file.display()))?;
                        read_items(modules, child, &child_file, &dir.join(&name), &parsed.items)?;
                    }
                }
            }
            syn::Item::Use(u) if !is_test(&u.attrs) => {
                flatten_use(&u.tree, Vec::new(), &mut module);
                collector.paths.extend(use_paths(&u.tree, Vec::new()));
            }
            syn::Item::Use(_) => {}
            other => {
                if !is_test(item_attrs(other)) {
                    if let Some(name) = item_name(other) {
                        module.items.insert(name);
                    }
                    collector.visit_item(other);
                }
            }
        }
    }
    module.paths = collector.paths;
    modules.insert(path, module);
    Ok(())
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        _ => &[],
    }
}

/// The bindings a `use` tree makes: name → path as written.
fn item_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Const(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Macro(i) => i.ident.as_ref()?,
            _ => return None,
        }
        .to_string(),
    )
}

fn flatten_use(tree: &syn::UseTree, prefix: Vec<String>, module: &mut Module) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            flatten_use(&p.tree, next, module);
        }
        syn::UseTree::Name(n) if n.ident == "self" => {
            if let Some(last) = prefix.last() {
                module.uses.insert(last.clone(), prefix.clone());
            }
        }
        syn::UseTree::Name(n) => {
            let mut full = prefix;
            full.push(n.ident.to_string());
            module.uses.insert(n.ident.to_string(), full);
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix;
            full.push(r.ident.to_string());
            module.uses.insert(r.rename.to_string(), full);
        }
        syn::UseTree::Glob(_) => module.globs.push(prefix),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten_use(tree, prefix.clone(), module);
            }
        }
    }
}

/// Every full path a `use` tree names, as written.
fn use_paths(tree: &syn::UseTree, prefix: Vec<String>) -> Vec<Vec<String>> {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            use_paths(&p.tree, next)
        }
        syn::UseTree::Name(n) if n.ident == "self" => vec![prefix],
        syn::UseTree::Name(syn::UseName { ident }) | syn::UseTree::Rename(syn::UseRename { ident, .. }) => {
            let mut full = prefix;
            full.push(ident.to_string());
            vec![full]
        }
        syn::UseTree::Glob(_) => vec![prefix],
        syn::UseTree::Group(g) => g.items.iter().flat_map(|t| use_paths(t, prefix.clone())).collect(),
    }
}

/// Collects every path in code, macro bodies included (as `a::b` token runs).
struct Collector {
    paths: Vec<Vec<String>>,
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.paths.push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }

    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {
        // Modules inside functions or impls are not looked into.
    }

    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {
        // `pub(crate)` names no module it uses.
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        token_paths(mac.tokens.clone(), &mut self.paths);
    }
}

/// `a::b::c` runs in a macro's tokens (and single identifiers, which may name a child module's item).
fn token_paths(tokens: TokenStream, out: &mut Vec<Vec<String>>) {
    let mut run: Vec<String> = Vec::new();
    let mut colons = 0;
    let flush = |run: &mut Vec<String>, out: &mut Vec<Vec<String>>| {
        if run.len() > 1 {
            out.push(std::mem::take(run));
        }
        run.clear();
    };
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if colons != 2 {
                    flush(&mut run, out);
                }
                run.push(ident.to_string());
                colons = 0;
            }
            TokenTree::Punct(p) if p.as_char() == ':' => colons += 1,
            TokenTree::Group(g) => {
                flush(&mut run, out);
                colons = 0;
                token_paths(g.stream(), out);
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {
                flush(&mut run, out);
                colons = 0;
            }
        }
    }
    flush(&mut run, out);
}

/// A path named in `at` as an absolute path in its crate, if it is one of the crate's.
fn absolute(modules: &BTreeMap<ModPath, Module>, at: &ModPath, path: &[String], depth: usize) -> Option<ModPath> {
    let (first, rest) = path.split_first()?;
    let module = modules.get(at)?;
    let mut base: ModPath = match first.as_str() {
        "crate" => Vec::new(),
        "self" => at.clone(),
        "super" => {
            let mut up = at.clone();
            up.pop()?;
            let mut rest = rest;
            while rest.first().is_some_and(|s| s == "super") {
                up.pop()?;
                rest = &rest[1..];
            }
            let mut full = up;
            full.extend(rest.iter().cloned());
            return Some(full);
        }
        name if module.children.contains(name) => {
            let mut child = at.clone();
            child.push(name.to_owned());
            child
        }
        name if depth < 8 => {
            let target = module.uses.get(name)?;
            let mut full = absolute(modules, at, target, depth + 1)?;
            full.extend(rest.iter().cloned());
            return Some(full);
        }
        _ => return None,
    };
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The module that defines what `path` (absolute) names: the longest module
/// prefix, then through that module's re-exports.
fn defining_module(modules: &BTreeMap<ModPath, Module>, path: &[String], depth: usize) -> Option<ModPath> {
    let mut end = path.len();
    while !modules.contains_key(&path[..end].to_vec()) {
        end = end.checked_sub(1)?;
    }
    let module: ModPath = path[..end].to_vec();
    let Some(name) = path.get(end).filter(|_| depth < 8) else { return Some(module) };
    let here = &modules[&module];
    if here.items.contains(name) {
        return Some(module);
    }
    // Re-exported by name, or through a glob: follow it to where the item is defined.
    let named = here.uses.get(name).cloned();
    let globbed = here.globs.iter().map(|glob| {
        let mut full = glob.clone();
        full.push(name.clone());
        full
    });
    for target in named.into_iter().chain(globbed) {
        let Some(mut full) = absolute(modules, &module, &target, 0) else { continue };
        full.extend(path[end + 1..].iter().cloned());
        if let Some(defining) = defining_module(modules, &full, depth + 1)
            && (modules[&defining].items.contains(&full[defining.len().min(full.len() - 1)..][0])
                || defining.len() == full.len())
        {
            return Some(defining);
        }
    }
    Some(module)
}

/// Who imports whom, with one example of each import (the file and the path it names).
type Edges = BTreeMap<ModPath, BTreeMap<ModPath, String>>;

fn edges(modules: &BTreeMap<ModPath, Module>) -> Edges {
    let mut edges: Edges = BTreeMap::new();
    for (at, module) in modules {
        let named = module.paths.iter().chain(&module.globs);
        for path in named {
            let Some(full) = absolute(modules, at, path, 0) else { continue };
            let Some(target) = defining_module(modules, &full, 0) else { continue };
            // A module's own items are not imports.
            if &target == at {
                continue;
            }
            edges
                .entry(at.clone())
                .or_default()
                .entry(target)
                .or_insert_with(|| format!("{} names `{}`", module.file.display(), path.join("::")));
        }
    }
    edges
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &Edges) -> Vec<Vec<ModPath>> {
    struct Walk<'a> {
        edges: &'a Edges,
        index: BTreeMap<ModPath, usize>,
        low: BTreeMap<ModPath, usize>,
        stack: Vec<ModPath>,
        on_stack: BTreeSet<ModPath>,
        groups: Vec<Vec<ModPath>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, node: &ModPath) {
            let n = self.index.len();
            self.index.insert(node.clone(), n);
            self.low.insert(node.clone(), n);
            self.stack.push(node.clone());
            self.on_stack.insert(node.clone());
            let nexts: Vec<ModPath> = self.edges.get(node).map(|m| m.keys().cloned().collect()).unwrap_or_default();
            for next in nexts {
                if !self.index.contains_key(&next) {
                    self.visit(&next);
                    let low = self.low[node].min(self.low[&next]);
                    self.low.insert(node.clone(), low);
                } else if self.on_stack.contains(&next) {
                    let low = self.low[node].min(self.index[&next]);
                    self.low.insert(node.clone(), low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(&top);
                    let done = &top == node;
                    group.push(top);
                    if done {
                        break;
                    }
                }
                self.groups.push(group);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for node in edges.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.groups
}

fn name(path: &ModPath) -> String {
    if path.is_empty() { "crate".to_owned() } else { path.join("::") }
}

/// A cycle in words: its modules, and each import between them with where it is.
fn describe(group: &[ModPath], edges: &Edges, _modules: &BTreeMap<ModPath, Module>) -> String {
    let members: BTreeSet<&ModPath> = group.iter().collect();
    let mut out = format!("{{{}}}", group.iter().map(name).collect::<Vec<_>>().join(", "));
    for from in group {
        for (to, example) in edges.get(from).into_iter().flatten() {
            if members.contains(to) {
                out.push_str(&format!("\n    {} → {}  ({example})", name(from), name(to)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crate_of(files: &[(&str, &str)]) -> PathBuf {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "bianmin-modgraph-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        for (path, text) in files {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        dir.join("lib.rs")
    }

    #[test]
    fn a_planted_cycle_through_a_third_module_is_found() {
        let root = crate_of(&[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            ("a.rs", "use crate::b::B;\npub struct A(B);\n"),
            ("b.rs", "pub struct B;\nfn f() { let _ = crate::c::make(); }\n"),
            ("c.rs", "pub fn make() -> u8 { super::a::helper!(); 1 }\n"),
        ]);
        let found = cycles(&root).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("{a, b, c}") || found[0].contains("a → b"), "{}", found[0]);
    }

    #[test]
    fn children_parents_and_re_exports_are_not_cycles_by_themselves() {
        let root = crate_of(&[
            ("lib.rs", "pub mod case;\npub use case::Status;\n#[cfg(test)]\nmod tests { use crate::case::joint; }\n"),
            ("case/mod.rs", "pub mod joint;\npub enum Status { A }\n"),
            ("case/joint.rs", "use super::Status;\nuse crate::Status as S;\npub fn f(_: Status, _: S) {}\n"),
        ]);
        assert_eq!(cycles(&root).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_parent_that_uses_a_child_that_uses_it_is_a_cycle() {
        let root = crate_of(&[
            ("lib.rs", "pub mod state;\npub mod routes;\npub struct AppState;\npub fn app() { routes::router(); }\n"),
            ("state.rs", "pub struct S;\n"),
            ("routes.rs", "pub fn router() { let _: Option<crate::AppState> = None; }\n"),
        ]);
        let found = cycles(&root).unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("crate → routes") && found[0].contains("routes → crate"), "{}", found[0]);
    }
}
