//! Playwright against the release build: a real server over a temporary data
//! directory, Debian's Chromium, a phone viewport and WeChat's user agent.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::{root, tools};

/// Kills the server when the tests end, however they end.
struct ServerGuard(Child);

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run() -> anyhow::Result<()> {
    let chromium = tools::ensure_chromium()?;
    let e2e = root().join("e2e");
    let node_bin = tools::ensure_npm_packages(&e2e)?;
    let data = std::env::temp_dir().join(format!("bianmin-e2e-{}", std::process::id()));
    let port = free_port()?;
    let server = Command::new(root().join("target/release/bianmin"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(&data)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .current_dir(root())
        .spawn()
        .context("starting the release server")?;
    let _guard = ServerGuard(server);
    wait_for_health(port)?;
    let result = crate::run(
        Command::new(node_bin.join("playwright"))
            .arg("test")
            .env("BASE_URL", format!("http://127.0.0.1:{port}"))
            .env("CHROMIUM_PATH", chromium)
            .current_dir(&e2e),
    );
    let _ = std::fs::remove_dir_all(&data);
    result
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for_health(port: u16) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream.write_all(b"GET /api/health HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut reply = String::new();
            let _ = stream.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.0 200") || reply.starts_with("HTTP/1.1 200") {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("the server did not answer /api/health on port {port} within 30 s")
}
