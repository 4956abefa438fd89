//! Uploaded files encrypted at rest, whatever the storage (disk or bucket): a
//! [`Storage`] around OpenDAL's that encrypts every chunk as it streams in and
//! decrypts every range read, with the file's own key (see
//! [`crate::at_rest::data_key::FileCipher`]). The key's id travels in the storage
//! handle tus keeps with the upload, so older files open after a new key is
//! added; a file stored before encryption has none and is read as it is.
//! Memory stays flat: chunks are transformed one at a time, in place.
//!
//! Files written since the authenticator carry the handle entry [`MAC`]: their
//! pieces are tagged as they are written and checked on every read
//! ([`crate::at_rest::file_mac`]); a changed byte is refused, not served.

use std::sync::Arc;

use futures_util::StreamExt;
use tus_protocol::async_trait::async_trait;
use tus_protocol::storage::{AppendRequest, ByteStream, ChunkStream, ConcatRequest, StorageHandle};
use tus_protocol::{Result, Storage, StorageReader};

use crate::at_rest::data_key::{DataKeys, FileCipher};
use crate::at_rest::file_mac::{self, FileMac};

/// The handle entry naming the data key a file was encrypted with.
const KEY_ID: &str = "bianmin_data_key";
/// The handle entry saying the file gets an authenticator.
const MAC: &str = "bianmin_file_mac";
/// The handle entry saying its tags were made (at completion).
const TAGGED: &str = "bianmin_file_tagged";

#[derive(Clone)]
pub struct EncryptedStorage<S> {
    inner: S,
    keys: Arc<DataKeys>,
    /// Where the files' tags are kept.
    db: sqlx::AnyPool,
}

impl<S> EncryptedStorage<S> {
    pub fn new(inner: S, keys: Arc<DataKeys>, db: sqlx::AnyPool) -> Self {
        Self { inner, keys, db }
    }

    fn mac(&self, handle: &StorageHandle) -> Result<Option<FileMac>> {
        match (handle.internal(MAC), handle.internal(KEY_ID)) {
            (Some(_), Some(id)) => self.keys.file_mac(id, handle.key()).map(Some).ok_or_else(|| {
                tus_protocol::Error::Internal(format!("the data key {id} of a stored file is not in the key file"))
            }),
            (Some(_), None) => Err(tus_protocol::Error::Internal("a tagged file without its key id".to_owned())),
            (None, _) => Ok(None),
        }
    }

    fn cipher(&self, handle: &StorageHandle) -> Result<Option<FileCipher>> {
        match handle.internal(KEY_ID) {
            None => Ok(None),
            Some(id) => self.keys.file_cipher(id, handle.key()).map(Some).ok_or_else(|| {
                tus_protocol::Error::Internal(format!("the data key {id} of a stored file is not in the key file"))
            }),
        }
    }
}

impl<S: StorageReader> EncryptedStorage<S> {
    /// Make and keep the tags of a complete stored file.
    async fn tag(&self, handle: &StorageHandle, mac: &FileMac, file: &str) -> Result<Vec<file_mac::Piece>> {
        let stored = self.inner.stream(handle).await?;
        let pieces =
            file_mac::tags_of_stream(mac, stored).await.map_err(|e| tus_protocol::Error::Storage(Box::new(e)))?;
        file_mac::record(&self.db, file, &pieces).await.map_err(|e| storage_error(&e))?;
        Ok(pieces)
    }
}

/// The most of a file's start held back to clean a JPEG's metadata (Exif
/// segments are at most 64 KB each; cameras write one or two).
const HEADER_LIMIT: usize = 1_048_576;

/// A file's first bytes with a JPEG's metadata (GPS position, camera, time)
/// zeroed before they are stored (see `domain::apply::files::scrub_jpeg_metadata`).
/// Other files pass as they are. A header longer than [`HEADER_LIMIT`], or
/// split over several PATCH requests, is cleaned as far as this request goes.
async fn without_jpeg_metadata(data: ChunkStream) -> Result<ChunkStream> {
    use domain::apply::files::{Scrub, scrub_jpeg_metadata};
    match data {
        ChunkStream::Buffered(bytes) => {
            let mut data = bytes.to_vec();
            scrub_jpeg_metadata(&mut data);
            Ok(ChunkStream::Buffered(data.into()))
        }
        ChunkStream::Stream(mut stream) => {
            let mut head = Vec::new();
            let mut ended = false;
            loop {
                // Scrubbing is idempotent: what was cleaned stays clean as more comes.
                if matches!(scrub_jpeg_metadata(&mut head), Scrub::Done | Scrub::NotJpeg) || head.len() >= HEADER_LIMIT
                {
                    break;
                }
                match stream.next().await {
                    Some(chunk) => {
                        head.extend_from_slice(&chunk.map_err(|e| tus_protocol::Error::Storage(Box::new(e)))?)
                    }
                    None => {
                        ended = true;
                        break;
                    }
                }
            }
            scrub_jpeg_metadata(&mut head);
            let first = futures_util::stream::once(async move { Ok(axum::body::Bytes::from(head)) });
            let rest: ByteStream = if ended { Box::pin(futures_util::stream::empty()) } else { stream };
            Ok(ChunkStream::Stream(Box::pin(first.chain(rest))))
        }
    }
}

/// `stream` with each chunk passed through `cipher` at its place from `start`.
fn transform(stream: ByteStream, cipher: Option<FileCipher>, start: u64) -> ByteStream {
    let Some(cipher) = cipher else { return stream };
    let mut offset = start;
    Box::pin(stream.map(move |chunk| {
        chunk.map(|bytes| {
            // In place when this is the only handle on the buffer (the usual case), else a copy.
            let mut data = bytes.try_into_mut().unwrap_or_else(|shared| shared.as_ref().into());
            cipher.apply(offset, &mut data);
            offset += data.len() as u64;
            data.freeze()
        })
    }))
}

#[async_trait]
impl<S: Storage + StorageReader> Storage for EncryptedStorage<S> {
    fn name(&self) -> &'static str {
        "encrypted"
    }

    async fn create(&self, upload_id: &str) -> Result<StorageHandle> {
        let mut handle = self.inner.create(upload_id).await?;
        handle.set_internal(KEY_ID, self.keys.current_id());
        handle.set_internal(MAC, "1");
        Ok(handle)
    }

    async fn append(&self, request: AppendRequest) -> Result<StorageHandle> {
        let cipher = self.cipher(&request.handle)?;
        let mac = self.mac(&request.handle)?;
        let file = request.handle.key().to_owned();
        let kept: Vec<(String, String)> = [KEY_ID, MAC, TAGGED]
            .iter()
            .filter_map(|k| request.handle.internal(k).map(|v| ((*k).to_owned(), v.to_owned())))
            .collect();
        let data = if request.expected_offset == 0 { without_jpeg_metadata(request.data).await? } else { request.data };
        let data = match (data, cipher) {
            (data, None) => data,
            (ChunkStream::Buffered(bytes), Some(cipher)) => {
                let mut data = bytes.try_into_mut().unwrap_or_else(|shared| shared.as_ref().into());
                cipher.apply(request.expected_offset, &mut data);
                ChunkStream::Buffered(data.freeze())
            }
            (ChunkStream::Stream(stream), cipher) => {
                ChunkStream::Stream(transform(stream, cipher, request.expected_offset))
            }
        };
        let completes = request.completes_upload;
        let inner = AppendRequest::new(request.handle, request.expected_offset, data, completes);
        let mut handle = self.inner.append(inner).await?;
        for (key, value) in kept {
            handle.set_internal(key, value);
        }
        if let (true, Some(mac)) = (completes, mac) {
            // Complete: the stored bytes, whatever crashes they survived, are tagged now.
            self.tag(&handle, &mac, &file).await?;
            handle.set_internal(TAGGED, "1");
        }
        Ok(handle)
    }

    async fn concat(&self, _request: ConcatRequest) -> Result<StorageHandle> {
        // Concatenation is not offered (see uploads::build); joining files with
        // different keys would need re-encryption.
        Err(tus_protocol::Error::Internal("concatenation is not supported".to_owned()))
    }

    async fn delete(&self, handle: &StorageHandle) -> Result<()> {
        self.inner.delete(handle).await?;
        file_mac::forget(&self.db, handle.key()).await.map_err(|e| storage_error(&e))
    }

    async fn size(&self, handle: &StorageHandle) -> Result<Option<u64>> {
        // CTR keeps lengths: the stored size is the file's.
        self.inner.size(handle).await
    }
}

#[async_trait]
impl<S: Storage + StorageReader> StorageReader for EncryptedStorage<S> {
    async fn stream(&self, handle: &StorageHandle) -> Result<ByteStream> {
        self.stream_range(handle, 0, None).await
    }

    async fn stream_range(&self, handle: &StorageHandle, start: u64, end: Option<u64>) -> Result<ByteStream> {
        let cipher = self.cipher(handle)?;
        let (Some(mac), Some(cipher)) = (self.mac(handle)?, cipher.clone()) else {
            // Written before the authenticator: read as it was written.
            return Ok(transform(self.inner.stream_range(handle, start, end).await?, cipher, start));
        };
        let size = self.inner.size(handle).await?.unwrap_or(0);
        let end = end.unwrap_or(size).min(size);
        let walk = file_mac::pieces(&self.db, handle.key(), size).await.map_err(|e| storage_error(&e))?;
        let walk = match (walk, handle.internal(TAGGED).is_some()) {
            (Some(walk), _) => walk,
            // Completed, but its state was written before its tags were (a crash in
            // between, or tus completing it on recovery): tagged now, from what is stored.
            (None, false) => {
                tracing::warn!(file = handle.key(), "a complete file without tags: tagged from its stored bytes");
                self.tag(handle, &mac, handle.key()).await?
            }
            (None, true) => {
                tracing::error!(file = handle.key(), "a stored file's tags do not cover it: not served");
                return Err(tus_protocol::Error::Storage(Box::new(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stored file without its tags",
                ))));
            }
        };
        let wanted: Vec<_> = walk.into_iter().filter(|p| p.start + p.len > start && p.start < end).collect();
        let (Some(first), Some(last)) = (wanted.first(), wanted.last()) else {
            return Ok(Box::pin(futures_util::stream::empty()));
        };
        let (from, to) = (first.start, last.start + last.len);
        let stored = self.inner.stream_range(handle, from, Some(to)).await?;
        let decrypt = move |at: u64, data: &mut [u8]| cipher.apply(at, data);
        Ok(file_mac::verified(stored, wanted, mac, decrypt, (start, end), handle.key().to_owned()))
    }
}

fn storage_error(error: &anyhow::Error) -> tus_protocol::Error {
    tus_protocol::Error::Storage(Box::new(std::io::Error::other(format!("{error:#}"))))
}
