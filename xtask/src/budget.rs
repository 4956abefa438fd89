//! The home page's initial transfer: html + js + wasm + css, as brotli.
//!
//! Applicants on cheap phones and weak 4G pay for every byte before the first
//! useful screen, so the total is held to 100 KB (see BENCHMARKS.md).

use std::path::Path;

use anyhow::bail;

use crate::build::brotli_bytes;

pub const BUDGET_BYTES: usize = 100 * 1000;

pub struct Sizes {
    pub files: Vec<(String, usize, usize)>,
}

impl Sizes {
    pub fn total_brotli(&self) -> usize {
        self.files.iter().map(|(_, _, br)| br).sum()
    }
}

/// Measure what the home page loads before it can show anything.
pub fn measure(dist: &Path) -> anyhow::Result<Sizes> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let initial = name == "index.html"
            || (name.starts_with("app-") && (name.ends_with(".js") || name.ends_with("_bg.wasm")))
            || (name.starts_with("main-") && name.ends_with(".css"));
        if initial {
            let data = std::fs::read(&path)?;
            files.push((name, data.len(), brotli_bytes(&data)?.len()));
        }
    }
    files.sort();
    if files.len() < 4 {
        bail!("dist/ is missing some of index.html, the js, the wasm and the css: {files:?}");
    }
    Ok(Sizes { files })
}

/// Print the figures as a Markdown table (BENCHMARKS.md takes it as is).
pub fn report(dist: &Path) -> anyhow::Result<Sizes> {
    let sizes = measure(dist)?;
    println!("\n| file | raw bytes | brotli bytes |\n|---|---:|---:|");
    for (name, raw, br) in &sizes.files {
        println!("| {name} | {raw} | {br} |");
    }
    println!(
        "| **home page initial transfer** | | **{}** ({:.1} KB of the {} KB budget) |\n",
        sizes.total_brotli(),
        sizes.total_brotli() as f64 / 1000.0,
        BUDGET_BYTES / 1000
    );
    Ok(sizes)
}

/// A bundle loaded on demand (`guide` for guides and notices, `full` when the
/// applicant applies, `follow` after submission).
pub fn report_bundle(dir: &Path, bundle: &str, when: &str) -> anyhow::Result<()> {
    let mut total = 0;
    println!("| lazily loaded `{bundle}` bundle | raw bytes | brotli bytes |\n|---|---:|---:|");
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if name.starts_with(&format!("{bundle}-")) && (name.ends_with(".js") || name.ends_with("_bg.wasm")) {
            let data = std::fs::read(&path)?;
            let br = brotli_bytes(&data)?.len();
            total += br;
            println!("| {name} | {} | {br} |", data.len());
        }
    }
    println!("| **{when}** | | **{total}** |\n");
    Ok(())
}

pub fn enforce(sizes: &Sizes) -> anyhow::Result<()> {
    if sizes.total_brotli() > BUDGET_BYTES {
        bail!(
            "size budget exceeded: the home page transfers {} bytes (brotli), the budget is {BUDGET_BYTES}",
            sizes.total_brotli()
        );
    }
    println!("xtask: size budget holds: {} of {BUDGET_BYTES} bytes", sizes.total_brotli());
    Ok(())
}
