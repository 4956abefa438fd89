//! `cargo xtask build`: the release app into dist/ (precompressed), and the release server.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::{root, run, tools};

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
    // The bundles loaded on demand (see app/src/handover.rs).
    for bundle in ["full", "follow"] {
        let (html, dist, url) = (format!("app/{bundle}.html"), format!("dist/{bundle}"), format!("/{bundle}/"));
        trunk(&[&html, "--dist", &dist, "--public-url", &url])?;
        write_manifest(&root().join(&dist), bundle)?;
    }
    precompress(&root().join("dist"))?;
    run(Command::new("cargo").args(["build", "--release", "-p", "server"]).current_dir(root()))
}

/// `manifest.json`: the hashed names of a bundle's glue and wasm, for the light app.
fn write_manifest(dir: &Path, bundle: &str) -> anyhow::Result<()> {
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
    let manifest = format!("{{\"js\":\"/{bundle}/{js}\",\"wasm\":\"/{bundle}/{wasm}\"}}\n");
    std::fs::write(dir.join("manifest.json"), manifest)?;
    Ok(())
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
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        std::fs::write(with_suffix(&path, "gz"), gz.finish()?)?;
    }
    Ok(())
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
