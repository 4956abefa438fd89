//! Uploads scanned by ClamAV through `clamd`, when the centre configures one
//! (`--clamd unix:/run/clamav/clamd.ctl` or `--clamd tcp:127.0.0.1:3310`).
//!
//! The file is streamed, decrypted, with clamd's `INSTREAM` command (chunks
//! of a length and bytes, then a zero length), so memory stays flat and clamd
//! never sees the storage. A file with a finding is refused and deleted; a
//! scanner that cannot be reached or answers an error refuses the check for
//! now (503) and keeps the file: nothing unscanned is attached to a case while
//! a scanner is configured.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tus_protocol::storage::ByteStream;

/// Where clamd listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clamd {
    Unix(std::path::PathBuf),
    Tcp(String),
}

impl Clamd {
    /// `unix:<path>` or `tcp:<host>:<port>`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.split_once(':') {
            Some(("unix", path)) if !path.is_empty() => Ok(Self::Unix(path.into())),
            Some(("tcp", address)) if address.contains(':') => Ok(Self::Tcp(address.to_owned())),
            _ => Err(format!("--clamd 应为 unix:<路径> 或 tcp:<主机>:<端口>，不是 {text}")),
        }
    }
}

/// What clamd said of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The signature's name (for the log, not for the applicant).
    Found(String),
}

/// How long one scan may take, connection to answer.
const SCAN_TIME: Duration = Duration::from_secs(120);

/// Scan `stream` (a file's plain bytes).
pub async fn scan(clamd: &Clamd, stream: ByteStream) -> anyhow::Result<Verdict> {
    let work = async {
        match clamd {
            Clamd::Unix(path) => instream(tokio::net::UnixStream::connect(path).await?, stream).await,
            Clamd::Tcp(address) => instream(tokio::net::TcpStream::connect(address).await?, stream).await,
        }
    };
    tokio::time::timeout(SCAN_TIME, work).await.map_err(|_| anyhow::anyhow!("clamd did not answer in time"))?
}

async fn instream(mut socket: impl AsyncRead + AsyncWrite + Unpin, mut stream: ByteStream) -> anyhow::Result<Verdict> {
    socket.write_all(b"zINSTREAM\0").await?;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        for part in chunk.chunks(1 << 20) {
            socket.write_all(&u32::try_from(part.len())?.to_be_bytes()).await?;
            socket.write_all(part).await?;
        }
    }
    socket.write_all(&0u32.to_be_bytes()).await?;
    let mut reply = Vec::new();
    socket.read_to_end(&mut reply).await?;
    verdict(&reply)
}

/// clamd's reply: `stream: OK`, `stream: <name> FOUND`, or `… ERROR`.
fn verdict(reply: &[u8]) -> anyhow::Result<Verdict> {
    let text = String::from_utf8_lossy(reply);
    let text = text.trim_end_matches(['\0', '\n']).trim();
    let said = text.strip_prefix("stream:").map(str::trim).unwrap_or(text);
    if said == "OK" {
        return Ok(Verdict::Clean);
    }
    if let Some(name) = said.strip_suffix(" FOUND") {
        return Ok(Verdict::Found(name.to_owned()));
    }
    anyhow::bail!("clamd: {said}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_clamds_addresses_and_replies() {
        assert_eq!(Clamd::parse("unix:/run/clamav/clamd.ctl"), Ok(Clamd::Unix("/run/clamav/clamd.ctl".into())));
        assert_eq!(Clamd::parse("tcp:127.0.0.1:3310"), Ok(Clamd::Tcp("127.0.0.1:3310".into())));
        assert!(Clamd::parse("127.0.0.1:3310").is_err());
        assert_eq!(verdict(b"stream: OK\0").unwrap(), Verdict::Clean);
        assert_eq!(
            verdict(b"stream: Eicar-Test-Signature FOUND\0").unwrap(),
            Verdict::Found("Eicar-Test-Signature".into())
        );
        assert!(verdict(b"INSTREAM size limit exceeded. ERROR\0").is_err());
    }
}
