//! The browser's tus transport, as plain rules its client follows and the
//! tests pin down: how creation metadata is written, how big a chunk is, when
//! to retry, and what identifies a file to resume after a reload.

/// Bytes sent per PATCH: on a weak 4G signal a lost chunk costs at most this.
pub const CHUNK_BYTES: u64 = 5 * 1024 * 1024;

/// The `Upload-Metadata` header of a tus creation: `key base64(value)` pairs.
pub fn metadata_header(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k} {}", base64(v.as_bytes()))).collect::<Vec<_>>().join(",")
}

/// Standard base64 with padding (what tus metadata uses).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The byte range of the next PATCH from `offset` of a `size`-byte file.
pub fn next_chunk(offset: u64, size: u64) -> (u64, u64) {
    (offset, size.min(offset.saturating_add(CHUNK_BYTES)))
}

/// How long to wait before retry number `attempt` (0-based), in milliseconds,
/// or `None` once retrying should stop and the applicant be asked.
pub fn retry_delay_ms(attempt: u32) -> Option<u32> {
    const DELAYS: [u32; 6] = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
    DELAYS.get(attempt as usize).copied()
}

/// Whether a failed tus request may succeed if tried again (network trouble,
/// a busy or restarting server, a lock or offset race) rather than being a
/// refusal that needs the applicant.
pub fn is_retryable(status: u16) -> bool {
    matches!(status, 0 | 408 | 409 | 423 | 429 | 500 | 502 | 503 | 504)
}

/// What identifies "the same file" for resuming after a reload: the browser
/// cannot keep the file itself, so the applicant picks it again and this finds
/// the unfinished upload.
pub fn fingerprint(item: &str, material: &str, name: &str, size: u64, last_modified: u64) -> String {
    format!("{item}/{material}/{size}/{last_modified}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64("身份证.jpg".as_bytes()), "6Lqr5Lu96K+BLmpwZw==");
    }

    #[test]
    fn metadata_is_written_as_tus_wants() {
        assert_eq!(metadata_header(&[("item", "JT-001"), ("filename", "a.pdf")]), "item SlQtMDAx,filename YS5wZGY=");
    }

    #[test]
    fn chunks_cover_the_file_without_gaps() {
        let size = 12 * 1024 * 1024 + 7;
        let mut offset = 0;
        let mut chunks = 0;
        while offset < size {
            let (start, end) = next_chunk(offset, size);
            assert_eq!(start, offset);
            assert!(end > start && end - start <= CHUNK_BYTES);
            offset = end;
            chunks += 1;
        }
        assert_eq!((offset, chunks), (size, 3));
    }

    #[test]
    fn retries_back_off_then_stop() {
        let delays: Vec<u32> = (0..10).map_while(retry_delay_ms).collect();
        assert!(delays.windows(2).all(|w| w[0] < w[1]), "each wait is longer");
        assert_eq!(delays.len(), 6);
        assert!(is_retryable(0) && is_retryable(503) && is_retryable(409));
        assert!(!is_retryable(413) && !is_retryable(415) && !is_retryable(460) && !is_retryable(404));
    }
}
