//! Uploads under load: 10 clients send 50 MB each at once over tus (5 MB
//! chunks, as the app does), against the release server on loopback. Reports
//! throughput and the server's memory before, at its peak and after: uploads are
//! streamed to storage, so the peak must stay near the baseline, far below the
//! 500 MB in flight.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::serve::Server;

const CLIENTS: usize = 10;
const FILE_BYTES: usize = 50 * 1_048_576;
const CHUNK_BYTES: usize = 5 * 1_048_576;

/// Resident memory of a process, in KB (Linux).
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// A reply: the status, the headers and the body as text.
pub type Reply = (u16, Vec<(String, String)>, String);

/// One HTTP/1.1 request; the status, the headers and the body as text.
pub fn request_body(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> anyhow::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply)?;
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").map_or(reply.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    let rest = &reply[split..];
    let status = head.get(9..12).and_then(|s| s.parse().ok()).context("no HTTP status")?;
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { unchunk(rest) } else { rest.to_vec() };
    Ok((status, headers, String::from_utf8_lossy(&body).into_owned()))
}

/// The body of a chunked HTTP/1.1 reply.
fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let Ok(size) = usize::from_str_radix(String::from_utf8_lossy(&rest[..line_end]).trim(), 16) else { break };
        let tail = &rest[line_end + 2..];
        if size == 0 || tail.len() < size {
            break;
        }
        out.extend_from_slice(&tail[..size]);
        rest = tail[size..].strip_prefix(b"\r\n").unwrap_or(&tail[size..]);
    }
    out
}

/// One HTTP/1.1 request; the status and the Location header.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> anyhow::Result<(u16, String)> {
    let (status, headers, _) = request_body(port, method, path, headers, body)?;
    let location =
        headers.into_iter().find(|(k, _)| k.eq_ignore_ascii_case("location")).map(|(_, v)| v).unwrap_or_default();
    Ok((status, location))
}

pub fn b64(text: &str) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A fresh application key from the server (every upload needs its application's).
pub fn application_key(port: u16) -> anyhow::Result<String> {
    let (status, _, body) = request_body(port, "POST", "/api/application-keys", &[], &[])?;
    if status != 201 {
        bail!("application key: {status}");
    }
    let issued: serde_json::Value = serde_json::from_str(&body)?;
    Ok(issued["application_key"].as_str().unwrap_or_default().to_owned())
}

fn upload_one(port: u16, chunk: &[u8], client: usize) -> anyhow::Result<()> {
    let key = ("Application-Key", application_key(port)?);
    let metadata = format!(
        "item {},material {},filename {}",
        b64("GH-001"),
        b64("design_plan"),
        b64(&format!("plan-{client}.pdf"))
    );
    let tus = ("Tus-Resumable", "1.0.0".to_owned());
    let (status, location) = request(
        port,
        "POST",
        "/api/uploads",
        &[tus.clone(), key.clone(), ("Upload-Length", FILE_BYTES.to_string()), ("Upload-Metadata", metadata)],
        &[],
    )?;
    if status != 201 {
        bail!("create: {status}");
    }
    let path = location.find("/api/").map_or(location.clone(), |i| location[i..].to_owned());
    for offset in (0..FILE_BYTES).step_by(CHUNK_BYTES) {
        let headers = [
            tus.clone(),
            key.clone(),
            ("Upload-Offset", offset.to_string()),
            ("Content-Type", "application/offset+octet-stream".to_owned()),
        ];
        let (status, _) = request(port, "PATCH", &path, &headers, chunk)?;
        if status != 204 {
            bail!("patch at {offset}: {status}");
        }
    }
    Ok(())
}

/// What one run measured.
struct Figures {
    seconds: f64,
    baseline_kb: u64,
    peak_kb: u64,
    after_kb: u64,
}

/// 10 clients × 50 MB on a server started with `env`.
fn measure(name: &str, env: &[(&str, String)]) -> anyhow::Result<Figures> {
    measure_binary(&crate::sh::root().join("target/release/bianmin"), &crate::sh::root(), name, env)
}

fn measure_binary(
    binary: &std::path::Path,
    tree: &std::path::Path,
    name: &str,
    env: &[(&str, String)],
) -> anyhow::Result<Figures> {
    let server = Server::start_binary(binary, tree, name, env)?;
    let (port, pid) = (server.port, server.pid());
    std::thread::sleep(Duration::from_millis(500));
    let baseline = rss_kb(pid);
    let peak = Arc::new(AtomicU64::new(baseline));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (Arc::clone(&peak), Arc::clone(&done));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kb(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let mut chunk = vec![0u8; CHUNK_BYTES];
    chunk[..9].copy_from_slice(b"%PDF-1.7\n");
    let chunk = Arc::new(chunk);
    let start = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let chunk = Arc::clone(&chunk);
            std::thread::spawn(move || upload_one(port, &chunk, client))
        })
        .collect();
    for client in clients {
        client.join().map_err(|_| anyhow::anyhow!("a client panicked"))??;
    }
    let seconds = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    std::thread::sleep(Duration::from_millis(500));
    Ok(Figures { seconds, baseline_kb: baseline, peak_kb: peak.load(Ordering::Relaxed), after_kb: rss_kb(pid) })
}

/// The last commit before files were encrypted at rest (the parent of
/// 16f1f09): the same uploads, owners and limits, in plain bytes.
const UNENCRYPTED: &str = "e121e7f220fcb015fac4fe6178591952ecc1f906";

/// The release server built from [`UNENCRYPTED`], in its own worktree and target
/// directory under `target/` (built once, then reused).
fn unencrypted_server() -> anyhow::Result<std::path::PathBuf> {
    let root = crate::sh::root();
    let tree = root.join("target/reference-unencrypted");
    let target = root.join("target/reference-unencrypted-target");
    let binary = target.join("release/bianmin");
    if binary.exists() {
        return Ok(binary);
    }
    if !tree.exists() {
        crate::sh::run(
            std::process::Command::new("git")
                .args(["worktree", "add", "--detach"])
                .arg(&tree)
                .arg(UNENCRYPTED)
                .current_dir(&root),
        )
        .context("the reference build needs the repository's history (a full clone)")?;
    }
    println!("xtask: building the server as it was before encryption at rest ({UNENCRYPTED:.7}), once");
    crate::sh::run(
        std::process::Command::new("cargo")
            .args(["build", "--release", "-p", "server"])
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(&tree),
    )?;
    Ok(binary)
}

/// Rounds of the three measurements, interleaved; the median is reported (the
/// disk's write-back makes single runs vary by a fifth either way).
const ROUNDS: usize = 5;

/// The round with the median time, and the highest peak of all rounds.
fn median(mut rounds: Vec<Figures>) -> Figures {
    let peak = rounds.iter().map(|f| f.peak_kb).max().unwrap_or(0);
    rounds.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let mut middle = rounds.swap_remove(rounds.len() / 2);
    middle.peak_kb = peak;
    middle
}

/// Uploads under load, files encrypted with SM4 (the default data key) and with
/// AES-256, side by side with the same bench against the unencrypted build.
pub fn report() -> anyhow::Result<()> {
    let plain_binary = unencrypted_server()?;
    // A fixed benchmark key (never a real one): 32 ASCII bytes.
    let aes_key = format!("bench aes-256-gcm {}", b64("bianmin-benchmark-key-32-bytes!!"));
    let (mut sm4, mut aes, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        // Each from a clean page cache: nothing left to write back from the last.
        let settle = || crate::sh::run(&mut std::process::Command::new("sync"));
        settle()?;
        let tree = crate::sh::root().join("target/reference-unencrypted");
        plain.push(measure_binary(&plain_binary, &tree, "upload-bench-plain", &[])?);
        settle()?;
        sm4.push(measure("upload-bench-sm4", &[])?);
        settle()?;
        aes.push(measure("upload-bench-aes", &[("BIANMIN_DATA_KEY", aes_key.clone())])?);
    }
    let (sm4, aes, plain) = (median(sm4), median(aes), median(plain));
    let megabytes = (CLIENTS * FILE_BYTES) as f64 / 1_048_576.0;
    let mb = |kb: u64| format!("{:.0} MB", kb as f64 / 1024.0);
    let all = [&sm4, &aes, &plain];
    let row = |label: &str, cell: &dyn Fn(&Figures) -> String| {
        println!("| {label} | {} |", all.map(cell).join(" | "));
    };
    println!(
        "| uploads: {CLIENTS} clients × 50 MB at once, 5 MB tus chunks, loopback, median of {ROUNDS} | SM4 (default) | \
         AES-256 | unencrypted build ({UNENCRYPTED:.7}) |"
    );
    println!("|---|---:|---:|---:|");
    row("total sent", &|f| format!("{megabytes:.0} MB in {:.2} s", f.seconds));
    row("throughput", &|f| format!("{:.0} MB/s", megabytes / f.seconds));
    row("throughput against the unencrypted build", &|f| format!("{:.0} %", 100.0 * plain.seconds / f.seconds));
    row("server memory before (RSS)", &|f| mb(f.baseline_kb));
    row("server memory at its peak (highest of all rounds)", &|f| mb(f.peak_kb));
    row("server memory after", &|f| mb(f.after_kb));
    println!();
    Ok(())
}
