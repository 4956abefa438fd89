//! The server's own files and catalog answers against nginx serving the same
//! bytes, side by side in one run (`cargo xtask bench static`).
//!
//! Both answer over loopback to `wrk` with 32 kept-alive connections and
//! `Accept-Encoding: gzip` (Debian's nginx-light has `gzip_static`, not
//! brotli), so each sends the same precompressed bytes. nginx runs one worker
//! per core, as the server's runtime does.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::serve::Server;
use crate::sh::{output_of, root, run};

/// How long each measurement runs.
const SECONDS: &str = "5";

/// nginx as a child process over its own prefix; stopped when dropped.
struct Nginx {
    child: Child,
    port: u16,
}

impl Drop for Nginx {
    /// SIGTERM: the master stops its workers (SIGKILL would leave them running).
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

/// Install what the bench needs from Debian's packages when it is missing.
fn ensure_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> = [("nginx", "nginx-light"), ("wrk", "wrk")]
        .into_iter()
        .filter(|(binary, _)| {
            Command::new("sh")
                .args(["-c", &format!("command -v {binary}")])
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .map(|(_, package)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("xtask: installing {} from Debian's packages", missing.join(", "));
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get").args(["install", "-y", "-q"]).args(&missing))
}

fn start_nginx(dist: &Path, api_root: &Path, work: &Path) -> anyhow::Result<Nginx> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    std::fs::create_dir_all(work.join("logs"))?;
    let config = format!(
        "worker_processes 2;\npid {work}/nginx.pid;\nerror_log {work}/logs/error.log;\ndaemon off;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n  keepalive_requests 1000000;\n\
         \x20 types {{ text/html html; text/javascript js; application/wasm wasm; text/css css; }}\n\
         \x20 default_type application/octet-stream;\n  gzip_static on;\n  etag on;\n\
         \x20 client_body_temp_path {work}/body;\n  proxy_temp_path {work}/proxy;\n  fastcgi_temp_path {work}/fastcgi;\n\
         \x20 uwsgi_temp_path {work}/uwsgi;\n  scgi_temp_path {work}/scgi;\n\
         \x20 server {{\n    listen 127.0.0.1:{port};\n    root {dist};\n\
         \x20   location /api/ {{ root {api}; default_type application/json; }}\n  }}\n}}\n",
        work = work.display(),
        dist = dist.display(),
        api = api_root.display(),
    );
    let conf = work.join("nginx.conf");
    std::fs::write(&conf, config)?;
    let child = Command::new("nginx")
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(work)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .context("starting nginx")?;
    let nginx = Nginx { child, port };
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(nginx);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nginx did not start (see {}/logs/error.log)", work.display())
}

/// Requests a second from `wrk` for one address.
fn requests_per_second(url: &str) -> anyhow::Result<f64> {
    let out = output_of(Command::new("wrk").args(["-t2", "-c32", "-d", SECONDS, "-H", "Accept-Encoding: gzip", url]))?;
    let line =
        out.lines().find(|l| l.starts_with("Requests/sec:")).with_context(|| format!("wrk printed no rate:\n{out}"))?;
    line.trim_start_matches("Requests/sec:").trim().parse().context("reading wrk's rate")
}

/// What a GET with `Accept-Encoding: gzip` sends: its encoding and body bytes,
/// so the table shows both servers send the same thing.
fn sent(url: &str) -> anyhow::Result<String> {
    let out = output_of(Command::new("curl").args([
        "-s",
        "-o",
        "/dev/null",
        "-H",
        "Accept-Encoding: gzip",
        "-D",
        "-",
        "-w",
        "%{size_download}",
        url,
    ]))?;
    let encoding = out
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-encoding:").map(|v| v.trim().to_owned()))
        .unwrap_or_else(|| "identity".to_owned());
    let bytes = out.lines().last().unwrap_or_default().trim().to_owned();
    Ok(format!("{bytes} B {encoding}"))
}

/// The body a GET returns, as sent (for the nginx copy of the guide JSON).
fn fetch(url: &str) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("curl").args(["-sf", url]).output().context("running curl")?;
    if !out.status.success() {
        bail!("curl {url} failed");
    }
    Ok(out.stdout)
}

pub fn report() -> anyhow::Result<()> {
    ensure_tools()?;
    let dist = root().join("dist");
    let index = std::fs::read_to_string(dist.join("index.html")).context("build the app first (cargo xtask build)")?;
    let asset = index
        .split(['"', '\''])
        .find(|s| s.starts_with("/app-") && s.ends_with("_bg.wasm"))
        .context("index.html names no wasm")?
        .to_owned();
    let server = Server::start("static-bench")?;
    let work = std::env::temp_dir().join(format!("bianmin-nginx-{}", std::process::id()));
    let api_root = work.join("root");
    let guide_path = "/api/services/JT-003";
    let guide = fetch(&format!("{}{guide_path}", server.url()))?;
    std::fs::create_dir_all(api_root.join("api/services"))?;
    std::fs::write(api_root.join("api/services/JT-003"), &guide)?;
    std::fs::write(api_root.join("api/services/JT-003.gz"), crate::build::gzip_bytes(&guide)?)?;
    let nginx = start_nginx(&dist, &api_root, &work)?;
    println!("\n## Serving files: the server against nginx (wrk, 32 connections, {SECONDS} s each, gzip)\n");
    println!("| address | sent by nginx | sent by bianmin | nginx requests/s | bianmin requests/s | bianmin ÷ nginx |");
    println!("|---|---|---|---:|---:|---:|");
    for (label, path) in
        [("`/` (index.html)", "/"), ("the wasm (hashed asset)", asset.as_str()), ("a guide's JSON", guide_path)]
    {
        let (theirs, mine) = (format!("http://127.0.0.1:{}{path}", nginx.port), format!("{}{path}", server.url()));
        let (sent_theirs, sent_mine) = (sent(&theirs)?, sent(&mine)?);
        let reference = requests_per_second(&theirs)?;
        let ours = requests_per_second(&mine)?;
        println!("| {label} | {sent_theirs} | {sent_mine} | {reference:.0} | {ours:.0} | {:.2} |", ours / reference);
    }
    drop(nginx);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
