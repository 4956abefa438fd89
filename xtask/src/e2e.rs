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
    run(Command::new(node_bin.join("playwright"))
        .arg("test")
        .env("BASE_URL", server.url())
        .env("STAFF_TOKEN", token)
        .env("CHROMIUM_PATH", chromium)
        // The crash drill starts, kills and restarts servers of its own.
        .env("BIANMIN_BIN", root().join("target/release/bianmin"))
        .env("REPO_ROOT", root())
        .current_dir(&e2e))
}
