//! For the end-to-end tests: the certified OpenID Connect provider
//! (node-oidc-provider, `xtask/oidc/provider.mjs`) on loopback, with the one
//! client registered for the server under test. The server suite starts its
//! own (`tests/api/sign_in.rs`); here the browser signs in through it.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::sh::root;

/// The client secret the provider and the server under test share.
pub const SECRET: &str = "e2e-oidc-client-secret";

pub struct OidcProvider {
    child: Child,
    pub issuer: String,
}

impl OidcProvider {
    /// Start it for a server whose callback is `redirect`; ready once it says so.
    pub fn start(redirect: &str) -> anyhow::Result<Self> {
        let dir = root().join("xtask/oidc");
        crate::tools::ensure_npm_packages(&dir)?;
        let port = crate::serve::Server::free_port()?;
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .arg(port.to_string())
            .arg(redirect)
            .arg(SECRET)
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting the OpenID Connect provider (node)")?;
        let stdout = child.stdout.take().context("the provider's output")?;
        let (tx, rx) = std::sync::mpsc::channel();
        // Read to the end, so it never writes into a closed pipe.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let provider = Self { child, issuer: format!("http://127.0.0.1:{port}") };
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) if line == "ready" => Ok(provider),
            other => bail!("the OpenID Connect provider did not start: {other:?}"),
        }
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
