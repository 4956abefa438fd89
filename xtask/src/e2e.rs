//! Playwright against the release build: a real server over a temporary data
//! directory, Debian's Chromium, a phone viewport and WeChat's user agent.

use std::process::Command;

use crate::serve::Server;
use crate::{root, run, tools};

pub fn run_tests() -> anyhow::Result<()> {
    let chromium = tools::ensure_chromium()?;
    let e2e = root().join("e2e");
    let node_bin = tools::ensure_npm_packages(&e2e)?;
    let server = Server::start("e2e")?;
    // The staff of the department the journeys apply to (JT-001, JT-003).
    let token = server.staff_token("县交通运输局")?;
    // The three departments of 开餐馆 (KB-001), for the joint case's journey.
    let mut joint = serde_json::Map::new();
    for department in ["县市场监督管理局", "县城市管理局", "县消防救援大队"] {
        joint.insert(department.to_owned(), server.staff_token(department)?.into());
    }
    run(Command::new(node_bin.join("playwright"))
        .arg("test")
        .env("BASE_URL", server.url())
        .env("STAFF_TOKEN", token)
        .env("JOINT_TOKENS", serde_json::Value::Object(joint).to_string())
        .env("CHROMIUM_PATH", chromium)
        // The crash drill starts, kills and restarts servers of its own.
        .env("BIANMIN_BIN", root().join("target/release/bianmin"))
        .env("REPO_ROOT", root())
        .current_dir(&e2e))
}
