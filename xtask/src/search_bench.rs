//! Search time for the shipped catalog and for 5,000 generated items
//! (`cargo xtask bench search`): the items are read from the release server's
//! API and timed by `domain/examples/search_bench.rs` in release.

use std::process::Command;

use anyhow::Context;

use crate::serve::Server;
use crate::sh::{output_of, root, run};

pub fn report() -> anyhow::Result<()> {
    let server = Server::start("search-bench")?;
    let get = |path: &str| -> anyhow::Result<serde_json::Value> {
        let body = output_of(Command::new("curl").args(["-sf", &format!("{}{path}", server.url())]))?;
        serde_json::from_str(&body).with_context(|| format!("reading {path}"))
    };
    let list = get("/api/services?per_page=50")?;
    let mut items = Vec::new();
    for summary in list["items"].as_array().context("a list of items")? {
        let code = summary["code"].as_str().context("an item code")?;
        items.push(get(&format!("/api/services/{code}"))?);
    }
    drop(server);
    let file = std::env::temp_dir().join(format!("bianmin-search-items-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&items)?)?;
    println!("\n## Search (one query on the server, release build)\n");
    let result = run(Command::new("cargo")
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "domain",
            "--features",
            "search",
            "--example",
            "search_bench",
            "--",
        ])
        .arg(&file)
        .current_dir(root()));
    let _ = std::fs::remove_file(&file);
    result?;
    // The query test set's hit rate (catalog/queries/search.toml).
    println!();
    run(Command::new(root().join("target/release/bianmin")).args(["catalog", "check", "catalog"]).current_dir(root()))
}
