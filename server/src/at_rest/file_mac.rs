//! Stored files carry an authenticator, checked on every read.
//!
//! CTR encryption alone lets a flipped byte in a stored scan reach staff as a
//! flipped byte. So every stored file is cut into pieces of [`PIECE`] bytes
//! and each piece gets a tag: HMAC-SHA-256, under a key of the file's own,
//! over the piece's offset, its length and its encrypted bytes. The tags are
//! made once the upload is complete, from the stored bytes themselves (a
//! server killed mid-PATCH leaves bytes nobody saw pass, which tus resumes
//! after), and kept in `file_tags`; the upload's sealed state records that
//! they were made.
//!
//! A read walks the tags from offset 0, each piece ending where the next
//! starts, to the file's end: a missing, moved or altered piece is refused,
//! with a log line, and nothing of it is served. One piece is held at a time:
//! memory stays flat.

use axum::body::Bytes;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{AnyPool, Row};
use tus_protocol::storage::ByteStream;

/// The most bytes one tag covers (and one read holds).
pub const PIECE: u64 = 1 << 20;

/// A file's authenticator key, derived from the data key for this file.
#[derive(Clone)]
pub struct FileMac([u8; 32]);

/// One tagged piece: where it starts, how long it is, its tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub start: u64,
    pub len: u64,
    pub tag: String,
}

impl FileMac {
    pub fn new(key: [u8; 32]) -> Self {
        Self(key)
    }

    fn begin(&self, start: u64) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(&start.to_be_bytes());
        mac
    }

    fn finish(mac: Hmac<Sha256>, len: u64) -> String {
        let mut mac = mac;
        mac.update(&len.to_be_bytes());
        crate::secret::hex(&mac.finalize().into_bytes())
    }

    /// The tag of `data` (encrypted) standing at `start`.
    pub fn tag(&self, start: u64, data: &[u8]) -> String {
        let mut mac = self.begin(start);
        mac.update(data);
        Self::finish(mac, data.len() as u64)
    }
}

/// Tags pieces as encrypted bytes pass, from `start` (a PATCH's offset).
struct Tagger {
    mac: FileMac,
    current: Hmac<Sha256>,
    start: u64,
    len: u64,
    done: Vec<Piece>,
}

impl Tagger {
    fn new(mac: FileMac, start: u64) -> Self {
        Self { current: mac.begin(start), mac, start, len: 0, done: Vec::new() }
    }

    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let take = usize::try_from((PIECE - self.len).min(data.len() as u64)).unwrap_or(data.len());
            self.current.update(&data[..take]);
            self.len += take as u64;
            data = &data[take..];
            if self.len == PIECE {
                self.close();
            }
        }
    }

    fn close(&mut self) {
        let next = self.start + self.len;
        let mac = std::mem::replace(&mut self.current, self.mac.begin(next));
        self.done.push(Piece { start: self.start, len: self.len, tag: FileMac::finish(mac, self.len) });
        (self.start, self.len) = (next, 0);
    }

    fn end(mut self) -> Vec<Piece> {
        if self.len > 0 {
            self.close();
        }
        self.done
    }
}

/// The tags of encrypted `data` written at `start`.
pub fn tags_of(mac: &FileMac, start: u64, data: &[u8]) -> Vec<Piece> {
    let mut tagger = Tagger::new(mac.clone(), start);
    tagger.feed(data);
    tagger.end()
}

/// The tags of a stored file, read whole as `stream` (encrypted, from 0).
pub async fn tags_of_stream(mac: &FileMac, mut stream: ByteStream) -> std::io::Result<Vec<Piece>> {
    let mut tagger = Tagger::new(mac.clone(), 0);
    while let Some(chunk) = stream.next().await {
        tagger.feed(&chunk?);
    }
    Ok(tagger.end())
}

/// Keep a file's tags, in place of any it had.
pub async fn record(db: &AnyPool, file: &str, pieces: &[Piece]) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM file_tags WHERE file = $1").bind(file).execute(&mut *tx).await?;
    for piece in pieces {
        sqlx::query(
            "INSERT INTO file_tags (file, start, len, tag) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (file, start) DO UPDATE SET len = excluded.len, tag = excluded.tag",
        )
        .bind(file)
        .bind(i64::try_from(piece.start)?)
        .bind(i64::try_from(piece.len)?)
        .bind(&piece.tag)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Forget a deleted file's tags.
pub async fn forget(db: &AnyPool, file: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM file_tags WHERE file = $1").bind(file).execute(db).await?;
    Ok(())
}

/// The pieces that make up a file of `size` bytes, walked from 0; `None`
/// when they do not reach its end (a tag missing or removed).
pub async fn pieces(db: &AnyPool, file: &str, size: u64) -> anyhow::Result<Option<Vec<Piece>>> {
    let rows = sqlx::query("SELECT start, len, tag FROM file_tags WHERE file = $1 ORDER BY start")
        .bind(file)
        .fetch_all(db)
        .await?;
    let mut by_start = std::collections::BTreeMap::new();
    for row in rows {
        let (start, len): (i64, i64) = (row.try_get("start")?, row.try_get("len")?);
        let piece = Piece { start: u64::try_from(start)?, len: u64::try_from(len)?, tag: row.try_get("tag")? };
        by_start.insert(piece.start, piece);
    }
    let mut walk = Vec::new();
    let mut at = 0;
    while at < size {
        let Some(piece) = by_start.remove(&at) else { return Ok(None) };
        if piece.len == 0 || at + piece.len > size {
            return Ok(None);
        }
        at += piece.len;
        walk.push(piece);
    }
    Ok(Some(walk))
}

/// What a read refuses: the stored bytes are not what was written.
fn damaged(file: &str, at: u64) -> std::io::Error {
    tracing::error!(file, offset = at, "a stored file failed its integrity check: not served");
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("stored file {file} altered at offset {at}"))
}

/// The bytes `[from, to)` of a file, read as `stream` (encrypted, starting at
/// `walk[0].start`), each piece checked against its tag before `decrypt`
/// (bytes standing at an offset, in place) is applied and it is passed on.
pub fn verified(
    stream: ByteStream,
    walk: Vec<Piece>,
    mac: FileMac,
    decrypt: impl Fn(u64, &mut [u8]) + Clone + Send + Sync + 'static,
    (from, to): (u64, u64),
    file: String,
) -> ByteStream {
    struct Read {
        stream: ByteStream,
        walk: std::vec::IntoIter<Piece>,
        held: Vec<u8>,
        failed: bool,
    }
    let state = Read { stream, walk: walk.into_iter(), held: Vec::new(), failed: false };
    // Fused: a body may be polled once more after its end.
    Box::pin(
        futures_util::stream::unfold(state, move |mut read| {
            let (mac, decrypt, file) = (mac.clone(), decrypt.clone(), file.clone());
            async move {
                if read.failed {
                    return None;
                }
                let piece = read.walk.next()?;
                let len = usize::try_from(piece.len).ok()?;
                while read.held.len() < len {
                    match read.stream.next().await {
                        Some(Ok(bytes)) => read.held.extend_from_slice(&bytes),
                        Some(Err(error)) => {
                            read.failed = true;
                            return Some((Err(error), read));
                        }
                        None => break,
                    }
                }
                if read.held.len() < len {
                    read.failed = true;
                    return Some((Err(damaged(&file, piece.start + read.held.len() as u64)), read));
                }
                let rest = read.held.split_off(len);
                let mut data = std::mem::replace(&mut read.held, rest);
                if !crate::secret::same(mac.tag(piece.start, &data).as_bytes(), piece.tag.as_bytes()) {
                    read.failed = true;
                    return Some((Err(damaged(&file, piece.start)), read));
                }
                decrypt(piece.start, &mut data);
                let skip = usize::try_from(from.saturating_sub(piece.start)).unwrap_or(0).min(data.len());
                let keep = usize::try_from(to.saturating_sub(piece.start)).unwrap_or(usize::MAX).min(data.len());
                Some((Ok(Bytes::from(data).slice(skip..keep.max(skip))), read))
            }
        })
        .fuse(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_cut_from_each_patch_and_bound_to_their_place() {
        let mac = FileMac::new([1; 32]);
        let data: Vec<u8> = (0..(2 * PIECE + 10)).map(|i| (i % 251) as u8).collect();
        let pieces = tags_of(&mac, 0, &data);
        assert_eq!(
            pieces.iter().map(|p| (p.start, p.len)).collect::<Vec<_>>(),
            [(0, PIECE), (PIECE, PIECE), (2 * PIECE, 10)]
        );
        // Fed in odd chunks, the same tags.
        let mut tagger = Tagger::new(mac.clone(), 0);
        for chunk in data.chunks(77_777) {
            tagger.feed(chunk);
        }
        assert_eq!(tagger.end(), pieces);
        assert_ne!(mac.tag(5, &data[..10]), mac.tag(6, &data[..10]), "bound to the offset");
        assert_ne!(mac.tag(0, &data[..10]), mac.tag(0, &data[..11]), "and the length");
        assert_ne!(mac.tag(0, &data[..10]), FileMac::new([2; 32]).tag(0, &data[..10]), "and the file's key");
    }
}
