//! `cargo xtask build`: the release app into dist/ (precompressed), and the release server.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::minify;
use crate::sh::{root, run};
use crate::short_names;
use crate::tools;

/// Files worth sending compressed.
const COMPRESSIBLE: [&str; 6] = ["html", "js", "wasm", "css", "svg", "json"];

pub fn build() -> anyhow::Result<()> {
    let path = tools::ensure_build_tools()?;
    run(Command::new("cargo").arg("fetch").current_dir(root()))?;
    let trunk = |args: &[&str]| {
        run(Command::new("trunk")
            .arg("build")
            .args(args)
            .arg("--release")
            .env("TRUNK_OFFLINE", "true")
            .env("PATH", &path)
            .current_dir(root()))
    };
    // The light app first: Trunk replaces its whole dist directory.
    trunk(&["app/index.html"])?;
    short_names::shorten(&root().join("dist"), &path)?;
    minify::glue(&root().join("dist"), &path)?;
    // The bundles loaded on demand (see app/src/shell/handover.rs), each with
    // its own page for addresses it shows (see domain/src/bundles.rs).
    for bundle in BUNDLES {
        let (html, dist, url) = (format!("app/{bundle}.html"), format!("dist/{bundle}"), format!("/{bundle}/"));
        trunk(&[&html, "--dist", &dist, "--public-url", &url])?;
        short_names::shorten(&root().join(&dist), &path)?;
        minify::glue(&root().join(&dist), &path)?;
        let (js, wasm) = write_manifest(&root().join(&dist), bundle)?;
        write_page(&root().join("dist"), bundle, &js, &wasm)?;
    }
    precompress(&root().join("dist"))?;
    run(Command::new("cargo").args(["build", "--release", "-p", "server"]).current_dir(root()))
}

/// The bundles built beside the home page's (`domain::bundles::AppBundle`).
pub const BUNDLES: [&str; 12] = [
    "guide", "form", "tasks", "review", "receipt", "resume", "lookup", "follow", "supply", "feedback", "mine",
    "console",
];

/// `manifest.json`: the hashed names of a bundle's glue and wasm, for the light
/// app; returns their addresses.
fn write_manifest(dir: &Path, bundle: &str) -> anyhow::Result<(String, String)> {
    let mut js = None;
    let mut wasm = None;
    let prefix = format!("{bundle}-");
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with("_bg.wasm") {
            wasm = Some(name);
        } else if name.starts_with(&prefix) && name.ends_with(".js") {
            js = Some(name);
        }
    }
    let (Some(js), Some(wasm)) = (js, wasm) else {
        anyhow::bail!("dist/{bundle} has no {bundle}-*.js and {bundle}-*_bg.wasm")
    };
    let (js, wasm) = (format!("/{bundle}/{js}"), format!("/{bundle}/{wasm}"));
    std::fs::write(dir.join("manifest.json"), format!("{{\"js\":\"{js}\",\"wasm\":\"{wasm}\"}}\n"))?;
    Ok((js, wasm))
}

/// `dist/<bundle>/page.html`: the home page's HTML (skeleton, styles, the
/// old-browser message) starting this bundle instead of the light app, so an
/// address the bundle shows loads it alone. The server answers with it. A
/// bundle whose stub (`app/<bundle>.html`) holds a `<main>` has it drawn in
/// the skeleton's place: the top of its page, before the wasm arrives.
fn write_page(dist: &Path, bundle: &str, js: &str, wasm: &str) -> anyhow::Result<()> {
    let index = std::fs::read_to_string(dist.join("index.html"))?;
    // The loader script names the light app's glue and wasm in quotes.
    let quoted = |suffix: &str| -> Option<String> {
        index.match_indices("'/app-").map(|(at, _)| &index[at + 1..]).find_map(|rest| {
            let name = &rest[..rest.find('\'')?];
            name.ends_with(suffix).then(|| name.to_owned())
        })
    };
    let (Some(light_js), Some(light_wasm)) = (quoted(".js"), quoted("_bg.wasm")) else {
        anyhow::bail!("dist/index.html's loader names no '/app-*.js' and '/app-*_bg.wasm'")
    };
    // Trunk's preload hints carry integrity hashes: take the bundle's own.
    let own = std::fs::read_to_string(dist.join(bundle).join("index.html"))?;
    let mut page = index.clone();
    for hint in preload_hints(&index) {
        page = page.replacen(&hint, "", 1);
    }
    let mut page = page.replace(&light_wasm, wasm).replace(&light_js, js);
    if let (Some(skeleton), Some(first_view)) = (main_element(&page), main_element(&own)) {
        let first_view = inlined(first_view, |name| std::fs::read_to_string(root().join("app").join(name)))?;
        page = page.replacen(skeleton, &first_view, 1);
    }
    let Some(head_end) = page.find("</head>") else { anyhow::bail!("dist/index.html has no </head>") };
    page.insert_str(head_end, &preload_hints(&own).concat());
    std::fs::write(dist.join(bundle).join("page.html"), page)?;
    Ok(())
}

/// A first view with each `<script data-inline=NAME></script>` holding the
/// script `app/NAME` (its leading `//` lines left out): one script for the
/// pages that share it, run before their wasm arrives (a case's pages ask
/// for the case, `app/case-early.js`). The server allows it by its hash.
fn inlined(html: &str, read: impl Fn(&str) -> std::io::Result<String>) -> anyhow::Result<String> {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script data-inline=") {
        let tag_end = at + rest[at..].find('>').ok_or_else(|| anyhow::anyhow!("an unclosed <script data-inline"))?;
        let Some(name) = attribute(&rest[at..=tag_end], "data-inline") else {
            anyhow::bail!("a data-inline without a name")
        };
        let close =
            tag_end + rest[tag_end..].find("</script>").ok_or_else(|| anyhow::anyhow!("no </script> after {name}"))?;
        let script = read(name).map_err(|e| anyhow::anyhow!("app/{name}: {e}"))?;
        let code: Vec<&str> = script.lines().skip_while(|l| l.trim_start().starts_with("//")).collect();
        out.push_str(&rest[..at]);
        out.push_str("<script>");
        out.push_str(code.join("\n").trim());
        out.push_str("</script>");
        rest = &rest[close + "</script>".len()..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A page's first `<main …>…</main>`, whole.
fn main_element(html: &str) -> Option<&str> {
    let start = html.find("<main")?;
    let end = start + html[start..].find("</main>")? + "</main>".len();
    Some(&html[start..end])
}

/// Every `<link rel=preload …>` and `<link rel=modulepreload …>` tag.
fn preload_hints(html: &str) -> Vec<String> {
    link_tags(html)
        .filter(|tag| attribute(tag, "rel").is_some_and(|r| matches!(r, "preload" | "modulepreload")))
        .map(str::to_owned)
        .collect()
}

/// Every `<link …>` tag of a page, whole.
pub fn link_tags(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("<link").filter_map(|(at, _)| html[at..].find('>').map(|end| &html[at..=at + end]))
}

/// An attribute's value in a tag, quoted or not (Trunk's minifier drops the quotes).
pub fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    tag.split_whitespace()
        .find_map(|a| a.strip_prefix(name)?.strip_prefix('='))
        .map(|value| value.trim_end_matches('>').trim_matches(['"', '\'']))
}

/// Write `file.br` and `file.gz` beside every compressible file, at the highest
/// levels: this runs once per build, and every visitor saves the bytes.
pub fn precompress(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            precompress(&path)?;
            continue;
        }
        let compressible = path.extension().and_then(|e| e.to_str()).is_some_and(|ext| COMPRESSIBLE.contains(&ext));
        if !compressible {
            continue;
        }
        let data = std::fs::read(&path)?;
        std::fs::write(with_suffix(&path, "br"), brotli_bytes(&data)?)?;
        std::fs::write(with_suffix(&path, "gz"), gzip_bytes(&data)?)?;
    }
    Ok(())
}

pub fn gzip_bytes(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(data)?;
    Ok(gz.finish()?)
}

pub fn brotli_bytes(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(data)?;
    }
    Ok(out)
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundles_first_view_takes_the_skeletons_place() {
        let index = "<div id=boot-skeleton><header>便民</header><main class=page><h1>查找</h1></main></div>";
        let own = "<body><main class=page><h1>填写申请人信息</h1></main></body>";
        assert_eq!(main_element(index), Some("<main class=page><h1>查找</h1></main>"));
        assert_eq!(main_element(own), Some("<main class=page><h1>填写申请人信息</h1></main>"));
        assert_eq!(main_element("<body></body>"), None);
    }

    #[test]
    fn a_shared_script_is_written_into_the_first_view() {
        let read = |name: &str| match name {
            "early.js" => Ok("// Why.\n// More why.\n(function () {\n  go();\n})();\n".to_owned()),
            _ => Err(std::io::Error::from(std::io::ErrorKind::NotFound)),
        };
        let view = r#"<main><h1>办理进度</h1><script data-inline="early.js"></script><p>x</p></main>"#;
        assert_eq!(
            inlined(view, read).unwrap(),
            "<main><h1>办理进度</h1><script>(function () {\n  go();\n})();</script><p>x</p></main>"
        );
        // Trunk's minifier drops the quotes.
        assert!(inlined("<main><script data-inline=early.js></script></main>", read).unwrap().contains("go();"));
        assert!(inlined("<main><script data-inline=gone.js></script></main>", read).is_err());
        assert_eq!(inlined("<main><h1>x</h1></main>", read).unwrap(), "<main><h1>x</h1></main>");
    }

    #[test]
    fn finds_the_preload_hints_quoted_or_not() {
        let html = r#"<link href=/main.css rel=stylesheet><link crossorigin href=/app.js rel=modulepreload>
            <link rel="preload" href="/app_bg.wasm" as="fetch"><link rel=icon href=/f.svg>"#;
        assert_eq!(
            preload_hints(html),
            [
                "<link crossorigin href=/app.js rel=modulepreload>",
                r#"<link rel="preload" href="/app_bg.wasm" as="fetch">"#
            ]
        );
    }
}
