//! Answers prepared once: the bytes, their brotli and gzip twins and a strong
//! `ETag`, so a request for a file of the built app or a catalog entry costs a
//! header comparison and a reference-counted copy, never a read, a
//! serialisation or a compression.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};

/// One answer in every encoding a browser may ask for.
#[derive(Clone, Debug)]
pub struct Prepared {
    identity: Variant,
    br: Option<Variant>,
    gzip: Option<Variant>,
    content_type: HeaderValue,
    cache_control: HeaderValue,
}

#[derive(Clone, Debug)]
struct Variant {
    bytes: Bytes,
    etag: HeaderValue,
    /// `Content-Encoding`: `None` for the bytes as they are.
    encoding: Option<&'static str>,
}

/// Below this a compressed twin is not worth a second round trip's bytes.
const COMPRESS_FROM: usize = 256;

impl Prepared {
    /// From the bytes alone: the twins are compressed here, once (brotli at
    /// quality 9: within a few per cent of 11 at a fraction of its time).
    pub fn compress(bytes: Bytes, content_type: &str, cache_control: &'static str) -> Self {
        let (br, gzip) = if bytes.len() >= COMPRESS_FROM && is_compressible(content_type) {
            (Some(Bytes::from(brotli_bytes(&bytes, 9))), Some(Bytes::from(gzip_bytes(&bytes))))
        } else {
            (None, None)
        };
        Self::with_twins(bytes, br, gzip, content_type, cache_control)
    }

    /// From the bytes and twins already compressed (the `.br` and `.gz` files
    /// `cargo xtask build` writes beside each built file).
    pub fn with_twins(
        bytes: Bytes,
        br: Option<Bytes>,
        gzip: Option<Bytes>,
        content_type: &str,
        cache_control: &'static str,
    ) -> Self {
        let digest = Sha256::digest(&bytes);
        let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let variant = |bytes: Bytes, suffix: &str, encoding| Variant {
            bytes,
            etag: HeaderValue::try_from(format!("\"{tag}{suffix}\"")).expect("hex is a valid header"),
            encoding,
        };
        Self {
            identity: variant(bytes, "", None),
            br: br.map(|b| variant(b, "-br", Some("br"))),
            gzip: gzip.map(|b| variant(b, "-gz", Some("gzip"))),
            content_type: HeaderValue::try_from(content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            cache_control: HeaderValue::from_static(cache_control),
        }
    }

    /// The identity bytes (for tests and for building other answers).
    pub fn bytes(&self) -> &Bytes {
        &self.identity.bytes
    }

    /// The answer to a `GET` or `HEAD` with these headers: `304` when the
    /// browser's copy is current, else the best encoding it accepts.
    pub fn respond(&self, method: &Method, request: &HeaderMap) -> Response {
        let variant = self.choose(request);
        let mut response = if self.not_modified(request) {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            let body = if method == Method::HEAD { Body::empty() } else { Body::from(variant.bytes.clone()) };
            let mut response = Response::new(body);
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, self.content_type.clone());
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(variant.bytes.len()));
            if let Some(encoding) = variant.encoding {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
            }
            response
        };
        let headers = response.headers_mut();
        headers.insert(header::ETAG, variant.etag.clone());
        headers.insert(header::CACHE_CONTROL, self.cache_control.clone());
        if self.br.is_some() || self.gzip.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        response
    }

    fn choose(&self, request: &HeaderMap) -> &Variant {
        let accepted = AcceptEncoding::parse(request);
        match (&self.br, &self.gzip) {
            (Some(br), _) if accepted.br => br,
            (_, Some(gzip)) if accepted.gzip => gzip,
            _ => &self.identity,
        }
    }

    /// `If-None-Match` naming any encoding of these bytes, or `*`: the bytes
    /// are the same, so the copy the browser has is current.
    fn not_modified(&self, request: &HeaderMap) -> bool {
        let tags = [Some(&self.identity), self.br.as_ref(), self.gzip.as_ref()];
        request.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).any(|list| {
            list.split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || tags.iter().flatten().any(|v| v.etag.as_bytes() == t.as_bytes()))
        })
    }
}

/// Which of our two encodings the request accepts (`q=0` refuses one).
#[derive(Debug, Default, PartialEq)]
struct AcceptEncoding {
    br: bool,
    gzip: bool,
}

impl AcceptEncoding {
    fn parse(request: &HeaderMap) -> Self {
        let mut accepted = Self::default();
        for value in request.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()) {
            for coding in value.split(',') {
                let mut parts = coding.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|p| {
                    p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
                });
                match name {
                    "br" => accepted.br = !refused,
                    "gzip" => accepted.gzip = !refused,
                    _ => {}
                }
            }
        }
        accepted
    }
}

/// Text and wasm shrink; images and PDFs are compressed already.
fn is_compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || ["application/json", "application/javascript", "text/javascript", "application/wasm", "image/svg+xml"]
            .iter()
            .any(|t| content_type.starts_with(t))
        || content_type.starts_with("application/manifest+json")
}

fn brotli_bytes(bytes: &[u8], quality: i32) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("compressing bytes in memory cannot fail");
    out
}

fn gzip_bytes(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("compressing bytes in memory cannot fail");
    encoder.finish().expect("compressing bytes in memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn picks_the_best_accepted_encoding() {
        let prepared = Prepared::compress(Bytes::from("办事指南 ".repeat(100)), "application/json", "no-cache");
        let get = |h| prepared.respond(&Method::GET, &headers(h));
        assert_eq!(get(&[("accept-encoding", "gzip, deflate, br")]).headers()["content-encoding"], "br");
        assert_eq!(get(&[("accept-encoding", "gzip, br;q=0")]).headers()["content-encoding"], "gzip");
        assert!(get(&[]).headers().get("content-encoding").is_none());
        assert_eq!(get(&[]).headers()["content-length"], "1300");
    }

    #[test]
    fn a_current_copy_gets_304_for_any_encoding_of_the_same_bytes() {
        let prepared = Prepared::compress(Bytes::from("x".repeat(1000)), "text/css", "public, max-age=3600");
        let first = prepared.respond(&Method::GET, &headers(&[("accept-encoding", "br")]));
        let tag = first.headers()["etag"].clone();
        assert!(tag.to_str().unwrap().ends_with("-br\""), "a strong tag per encoding: {tag:?}");
        let mut again = HeaderMap::new();
        again.insert(header::IF_NONE_MATCH, tag);
        assert_eq!(prepared.respond(&Method::GET, &again).status(), StatusCode::NOT_MODIFIED);
        let other = Prepared::compress(Bytes::from("y".repeat(1000)), "text/css", "public, max-age=3600");
        assert_eq!(other.respond(&Method::GET, &again).status(), StatusCode::OK, "other bytes, other tag");
    }

    #[test]
    fn small_or_compressed_bytes_have_no_twins() {
        let small = Prepared::compress(Bytes::from_static(b"{}"), "application/json", "no-cache");
        let response = small.respond(&Method::GET, &headers(&[("accept-encoding", "br")]));
        assert!(response.headers().get("content-encoding").is_none());
        assert!(response.headers().get("vary").is_none());
        let png = Prepared::compress(Bytes::from(vec![0u8; 4096]), "image/png", "no-cache");
        assert!(png.br.is_none());
    }
}
