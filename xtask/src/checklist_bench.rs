//! How long recomputing a checklist takes in the wasm build, for the largest
//! catalog item and for each bundle. Runs the domain code compiled to wasm in
//! Node (V8, Chromium's engine).

use std::process::Command;

use crate::serve::Server;
use crate::sh::{root, run};
use crate::tools;

const ITERATIONS: u32 = 20_000;

pub fn report() -> anyhow::Result<()> {
    let path = tools::ensure_build_tools()?;
    run(Command::new("cargo")
        .args([
            "build",
            "-p",
            "app",
            "--bin",
            "checklist_bench",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .current_dir(root()))?;
    let out = root().join("target/checklist-bench");
    run(Command::new("wasm-bindgen")
        .args(["--target", "nodejs", "--out-dir"])
        .arg(&out)
        .arg(root().join("target/wasm32-unknown-unknown/wasm-release/checklist_bench.wasm"))
        .env("PATH", &path))?;

    let server = Server::start("bench")?;
    let list = server.get("/api/services?per_page=50")?;
    // Only the items array (bundles follow it in the same answer).
    let items = list.split("\"total\"").next().unwrap_or_default();
    let codes: Vec<String> =
        items.split("\"code\":\"").skip(1).filter_map(|rest| rest.split('"').next().map(str::to_owned)).collect();
    // The largest item: the longest guide, which has the most materials and questions.
    let mut largest = (String::new(), String::new());
    for code in &codes {
        let json = server.get(&format!("/api/services/{code}"))?;
        if json.len() > largest.1.len() {
            largest = (code.clone(), json);
        }
    }
    std::fs::write(out.join("item.json"), &largest.1)?;
    std::fs::write(out.join("bundle.json"), server.get("/api/bundles/KB-001")?)?;
    let script = format!(
        "const m = require('./checklist_bench.js'); const fs = require('fs');\n\
         const item = fs.readFileSync('item.json', 'utf8'), bundle = fs.readFileSync('bundle.json', 'utf8');\n\
         m.bench_item(item, 1000); m.bench_bundle(bundle, 1000);\n\
         console.log(m.bench_item(item, {ITERATIONS}).toFixed(2) + ' ' + m.bench_bundle(bundle, {ITERATIONS}).toFixed(2));"
    );
    let output = Command::new("node").arg("-e").arg(script).current_dir(&out).output()?;
    if !output.status.success() {
        anyhow::bail!("node failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let mut figures = text.split_whitespace();
    let (item_us, bundle_us) = (figures.next().unwrap_or("?"), figures.next().unwrap_or("?"));
    println!("| checklist recomputation (wasm, V8) | microseconds each |\n|---|---:|");
    println!("| largest item, {} (all questions answered to select the most) | {item_us} |", largest.0);
    println!("| bundle KB-001 (three items, one questionnaire) | {bundle_us} |\n");
    Ok(())
}
