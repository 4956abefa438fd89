//! The release server as a child process, for the end-to-end tests and the benchmarks.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::sh::root;

/// A running server over its own data directory; stopped and cleaned when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    data: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data);
        // The data key the server made beside its data directory.
        let _ = std::fs::remove_file(self.data.with_extension("key"));
    }
}

impl Server {
    pub fn start(name: &str) -> anyhow::Result<Self> {
        Self::start_with(name, &[])
    }

    /// Start with extra environment settings (`DATABASE_URL`, `BIANMIN_*`).
    pub fn start_with(name: &str, env: &[(&str, String)]) -> anyhow::Result<Self> {
        Self::start_binary(&root().join("target/release/bianmin"), &root(), name, env)
    }

    /// Start on a port chosen beforehand (a sign-in provider must know the address).
    pub fn start_at(name: &str, port: u16, env: &[(&str, String)]) -> anyhow::Result<Self> {
        Self::start_binary_at(&root().join("target/release/bianmin"), &root(), name, port, env)
    }

    /// A free loopback port.
    pub fn free_port() -> anyhow::Result<u16> {
        Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
    }

    /// Start another build of the server (a benchmark's reference) in `tree`,
    /// the checkout it was built from (its catalog is in that version's format).
    pub fn start_binary(
        binary: &std::path::Path,
        tree: &std::path::Path,
        name: &str,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        Self::start_binary_at(binary, tree, name, Self::free_port()?, env)
    }

    fn start_binary_at(
        binary: &std::path::Path,
        tree: &std::path::Path,
        name: &str,
        port: u16,
        env: &[(&str, String)],
    ) -> anyhow::Result<Self> {
        let data = std::env::temp_dir().join(format!("bianmin-{name}-{}", std::process::id()));
        let mut command = Command::new(binary);
        command
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            // Every client of a local server is 127.0.0.1: the per-address limits would count them all as one.
            .env("BIANMIN_UPLOADS_PER_MINUTE", "1000000")
            .env("BIANMIN_UPLOAD_BYTES_PER_CLIENT_PER_HOUR", "1000000000000")
            .env("BIANMIN_KEYS_PER_MINUTE", "1000000")
            // 30 look-ups a minute per address: two browsers following cases at once pass it.
            .env("BIANMIN_LOOKUPS_PER_MINUTE", "1000000")
            .env("BIANMIN_SUBMISSIONS_PER_HOUR", "1000000")
            .env("BIANMIN_DRAFTS_PER_HOUR", "1000000")
            .env("BIANMIN_PHONE_CODES_PER_HOUR", "1000000")
            // The journeys read the public figures before and after their own case.
            .env("BIANMIN_FIGURES_MAX_AGE_SECS", "0")
            // One test person applies hundreds of times a day here.
            .env("BIANMIN_SMS_PER_RECIPIENT_PER_DAY", "1000000")
            .env("BIANMIN_EMAIL_PER_RECIPIENT_PER_DAY", "1000000")
            .current_dir(tree);
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command.spawn().context("starting the release server")?;
        let server = Self { child, port, data };
        server.wait_for_health()?;
        Ok(server)
    }

    /// A staff API token for a department, made with `bianmin staff add-token`.
    pub fn staff_token(&self, department: &str) -> anyhow::Result<String> {
        let output = Command::new(root().join("target/release/bianmin"))
            .args(["staff", "add-token", "--department", department, "--label", "e2e"])
            .arg("--data-dir")
            .arg(&self.data)
            .env_remove("DATABASE_URL")
            .output()
            .context("running bianmin staff add-token")?;
        if !output.status.success() {
            bail!("bianmin staff add-token: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(String::from_utf8(output.stdout)?.trim().to_owned())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_for_health(&self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.get("/api/health").is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        bail!("the server did not answer /api/health on port {} within 30 s", self.port)
    }

    /// The body of a 200 answer to a GET (plain HTTP/1.0, enough for our own API).
    pub fn get(&self, path: &str) -> anyhow::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut reply = String::new();
        stream.read_to_string(&mut reply)?;
        let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
        if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
            bail!("GET {path}: {}", head.lines().next().unwrap_or_default());
        }
        Ok(body.to_owned())
    }
}
