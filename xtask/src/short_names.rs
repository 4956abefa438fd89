//! Short names between a bundle's wasm and its glue. wasm-bindgen names every
//! import after its function and a hash (`__wbg_addEventListener_847fd86b…`)
//! and the wasm and the glue each carry all of them: some 150 names of 40
//! characters whose hashes brotli cannot shrink. binaryen renames them to one
//! or two letters and prints what it renamed; the glue is rewritten to match
//! (imports are the keys of its import object, exports are read as
//! `wasm.NAME`, the import module becomes binaryen's "a"), and the page's
//! integrity hashes for both follow. About 3 KB of brotli off every page
//! (BENCHMARKS.md); a binaryen that named the module otherwise would stop
//! every page from starting, which the Playwright suite would show at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::minify::{integrity, rehashed};

/// Rename the imports and exports of the one `*_bg.wasm` in `dir`, and its glue
/// (`*.js` beside it, before terser) to match, and both integrity hashes
/// in the `index.html` beside them.
pub fn shorten(dir: &Path, path: &str) -> anyhow::Result<()> {
    let (wasm, glue) = (only(dir, "_bg.wasm")?, only(dir, ".js")?);
    let before = integrity(&std::fs::read(&wasm)?);
    let output = Command::new("wasm-opt")
        .arg(&wasm)
        .arg("--minify-imports-and-exports-and-modules")
        // What rustc's wasm32 target emits; binaryen refuses a module using more than it is told.
        .args(["--enable-bulk-memory", "--enable-reference-types", "--enable-nontrapping-float-to-int"])
        .args(["--enable-sign-ext", "--enable-mutable-globals", "--enable-multivalue", "-o"])
        .arg(&wasm)
        .env("PATH", path)
        .output()?;
    if !output.status.success() {
        anyhow::bail!("wasm-opt could not rename {}: {}", wasm.display(), String::from_utf8_lossy(&output.stderr));
    }
    let renames = Renames::read(&String::from_utf8(output.stdout)?)?;
    let js = std::fs::read_to_string(&glue)?;
    let renamed = renames.apply(&js, &import_module(&js)?)?;
    std::fs::write(&glue, &renamed)?;
    let page = dir.join("index.html");
    let html = std::fs::read_to_string(&page)?;
    let html = rehashed(&html, &before, &integrity(&std::fs::read(&wasm)?))?;
    std::fs::write(&page, rehashed(&html, &integrity(js.as_bytes()), &integrity(renamed.as_bytes()))?)?;
    Ok(())
}

/// The one file directly in `dir` whose name ends with `suffix`.
fn only(dir: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let file = entry?.path();
        if file.is_file() && file_name(&file).ends_with(suffix) {
            found.push(file);
        }
    }
    match <[PathBuf; 1]>::try_from(found) {
        Ok([file]) => Ok(file),
        Err(found) => anyhow::bail!("{} holds {} files named *{suffix}, not one", dir.display(), found.len()),
    }
}

/// The quoted name the glue gives its import module (`"./app_bg.js"`: the
/// name wasm-bindgen wrote, before Trunk put a hash into the files' names).
fn import_module(js: &str) -> anyhow::Result<String> {
    let names: Vec<&str> = js
        .match_indices("\"./")
        .filter_map(|(at, _)| js[at + 1..].find('"').map(|end| &js[at..at + end + 2]))
        .filter(|quoted| quoted.ends_with("_bg.js\""))
        .collect();
    match names.as_slice() {
        [name] => Ok((*name).to_owned()),
        _ => anyhow::bail!("the glue names {} import modules \"./*_bg.js\", not one", names.len()),
    }
}

fn file_name(file: &Path) -> String {
    file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// What binaryen renamed: `{"imports": [[module, name, new]], "exports": [[name, new]]}`.
struct Renames {
    imports: HashMap<String, String>,
    exports: HashMap<String, String>,
}

impl Renames {
    fn read(printed: &str) -> anyhow::Result<Self> {
        let map: serde_json::Value = serde_json::from_str(printed)?;
        let pairs = |key: &str, from: usize| -> anyhow::Result<HashMap<String, String>> {
            let list = map[key].as_array().ok_or_else(|| anyhow::anyhow!("wasm-opt printed no {key}"))?;
            list.iter()
                .map(|entry| match (entry[from].as_str(), entry[from + 1].as_str()) {
                    (Some(old), Some(new)) => Ok((old.to_owned(), new.to_owned())),
                    _ => anyhow::bail!("wasm-opt printed an {key} entry it should not: {entry}"),
                })
                .collect()
        };
        Ok(Self { imports: pairs("imports", 1)?, exports: pairs("exports", 0)? })
    }

    /// The glue with every import key, every `wasm.EXPORT` and the import
    /// module's name (binaryen calls every module "a") renamed. Any import
    /// the glue does not provide is an error: the page would not start.
    fn apply(&self, js: &str, module: &str) -> anyhow::Result<String> {
        if js.matches(module).count() != 1 {
            anyhow::bail!("the glue names its import module {module} other than once");
        }
        let js = js.replacen(module, "\"a\"", 1);
        let mut out = String::with_capacity(js.len());
        let mut seen = 0;
        let mut rest = js.as_str();
        while let Some(start) = rest.find(is_name_char) {
            let len = rest[start..].find(|c| !is_name_char(c)).unwrap_or(rest.len() - start);
            let (before, name, after) = (&rest[..start], &rest[start..start + len], &rest[start + len..]);
            out.push_str(before);
            let export = out.strip_suffix("wasm.").is_some_and(|b| !b.ends_with(is_name_char) && !b.ends_with('.'));
            let key = after.starts_with(':') && before.trim_end().ends_with([',', '{']);
            match (export.then(|| self.exports.get(name)).flatten(), key.then(|| self.imports.get(name)).flatten()) {
                (Some(new), _) => out.push_str(new),
                (None, Some(new)) => {
                    seen += 1;
                    out.push_str(new);
                }
                (None, None) => out.push_str(name),
            }
            rest = after;
        }
        out.push_str(rest);
        if seen != self.imports.len() {
            anyhow::bail!("the glue provides {seen} of the wasm's {} imports", self.imports.len());
        }
        Ok(out)
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = r#"{
 "imports": [
  ["./app_bg.js", "__wbg_focus_d5e2fdbdb56416f0", "$"],
  ["./app_bg.js", "__wbindgen_init_externref_table", "Ab"]
 ],
"exports": [
  ["memory", "Hb"],
  ["__wbindgen_malloc", "ec"]
 ]
}"#;

    #[test]
    fn renames_import_keys_exports_and_the_module() {
        let glue = r#"const import0 = {
        __proto__: null,
        __wbg_focus_d5e2fdbdb56416f0: function(arg0) { arg0.focus(); },
        __wbindgen_init_externref_table: function() { const t = wasm.__wbindgen_externrefs; },
    };
    return { __proto__: null, "./app_bg.js": import0 };
    const ptr = wasm.__wbindgen_malloc(len, 1); new Uint8Array(wasm.memory.buffer); const s = { memory: 1 };"#;
        let renamed = Renames::read(PRINTED).unwrap().apply(glue, "\"./app_bg.js\"").unwrap();
        assert!(renamed.contains("        $: function(arg0) { arg0.focus(); },"));
        assert!(renamed.contains("        Ab: function() { const t = wasm.__wbindgen_externrefs; },"));
        assert!(renamed.contains(r#"{ __proto__: null, "a": import0 }"#));
        assert!(renamed.contains("wasm.ec(len, 1); new Uint8Array(wasm.Hb.buffer);"), "{renamed}");
        // A key that is no import stays, as does everything else.
        assert!(renamed.contains("const s = { memory: 1 };"));
    }

    #[test]
    fn finds_the_import_module_among_other_strings() {
        let glue = r#"new URL("app_bg.wasm", import.meta.url); return { "./app_bg.js": import0 }; s = "./x";"#;
        assert_eq!(import_module(glue).unwrap(), "\"./app_bg.js\"");
        assert!(import_module("fetch(\"./a.wasm\")").is_err());
    }

    #[test]
    fn an_import_the_glue_lacks_is_an_error() {
        let glue = r#"const i = { __wbg_focus_d5e2fdbdb56416f0: function() {} }; ({ "./app_bg.js": i })"#;
        assert!(Renames::read(PRINTED).unwrap().apply(glue, "\"./app_bg.js\"").is_err());
    }
}
