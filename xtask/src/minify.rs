//! The wasm-bindgen glue, minified. Trunk's own minifier cannot read the
//! glue's last line (`export { initSync, __wbg_init as default }`) and leaves
//! it whole: 52 KB for the status page's. terser (pinned in
//! `xtask/package.json`) keeps every exported and imported name and halves
//! it, about 1.7 KB of brotli off every page; the page's integrity hashes
//! (Trunk writes `integrity=sha384-…` on its preload hints) follow.

use std::path::Path;
use std::process::Command;

use base64::Engine;
use sha2::{Digest, Sha384};

use crate::sh::run;

/// Minify each `*.js` directly in `dir` (a build's glue; its tiny `snippets/`
/// stay as they are) and put the new hash into the `index.html` beside it.
pub fn glue(dir: &Path, path: &str) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let file = entry?.path();
        if file.extension().is_none_or(|e| e != "js") || !file.is_file() {
            continue;
        }
        let before = integrity(&std::fs::read(&file)?);
        let out = file.with_extension("min.js");
        run(Command::new("terser")
            .arg(&file)
            .args(["--module", "--compress", "--mangle", "--output"])
            .arg(&out)
            .env("PATH", path))?;
        std::fs::rename(&out, &file)?;
        let after = integrity(&std::fs::read(&file)?);
        let page = dir.join("index.html");
        let html = std::fs::read_to_string(&page)?;
        std::fs::write(&page, rehashed(&html, &before, &after)?)?;
    }
    Ok(())
}

/// A Subresource Integrity value, as Trunk writes it.
pub(crate) fn integrity(bytes: &[u8]) -> String {
    format!("sha384-{}", base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes)))
}

/// The page with the file's old hash replaced; a page without it is an
/// error (its preload hint would no longer match, and the page load nothing).
pub(crate) fn rehashed(html: &str, before: &str, after: &str) -> anyhow::Result<String> {
    if !html.contains(before) {
        anyhow::bail!("a page beside the glue does not carry its integrity hash {before}");
    }
    Ok(html.replace(before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity_is_sha384_in_standard_base64() {
        // The SRI example's input and digest (W3C Subresource Integrity, §3.2).
        assert_eq!(
            integrity(b"alert('Hello, world.');"),
            "sha384-H8BRh8j48O9oYatfu5AZzq6A9RINhZO5H16dQZngK7T62em8MUt1FLm52t+eX6xO"
        );
    }

    #[test]
    fn the_new_hash_replaces_the_old_and_a_missing_one_is_an_error() {
        let page = "<link href=/a.js integrity=sha384-old rel=modulepreload>";
        assert_eq!(rehashed(page, "sha384-old", "sha384-new").unwrap(), page.replace("old", "new"));
        assert!(rehashed("<p>", "sha384-old", "sha384-new").is_err());
    }
}
