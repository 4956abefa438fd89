//! For the end-to-end tests: an SMS provider's stand-in on loopback that takes
//! every `SendSms` as Alibaba Cloud answers one it accepts, and writes each
//! request's form body to a file (`<n>.form`) the Playwright tests read. The
//! signature and refusal checks are the server suite's (`tests/api/sms.rs`);
//! here it is the page and the journey that are tested.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct SmsStandIn {
    pub port: u16,
    pub dir: PathBuf,
}

impl SmsStandIn {
    pub fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!("bianmin-e2e-sms-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let (into, count) = (dir.clone(), Arc::new(AtomicUsize::new(0)));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let into = into.clone();
                std::thread::spawn(move || {
                    let _ = answer(stream, &into.join(format!("{n}.form")));
                });
            }
        });
        Ok(Self { port, dir })
    }
}

impl Drop for SmsStandIn {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Read one request, keep its body, answer as the provider does on success.
fn answer(stream: TcpStream, keep: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    std::fs::write(keep, &body)?;
    let reply = r#"{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"E2E"}"#;
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    )?;
    stream.flush()
}
