//! Serving the built app: SPA fallback, precompression, caching, security headers.

use crate::support::spawn_app;

#[tokio::test]
async fn index_is_never_cached_and_carries_security_headers() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "SAMEORIGIN");
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert_eq!(csp.matches("'sha256-").count(), 2, "exactly the two pages' inline loader scripts: {csp}");
    assert!(response.text().await.unwrap().contains("加载中"));
}

#[tokio::test]
async fn app_routes_get_the_page_of_the_bundle_that_shows_them() {
    let app = spawn_app().await;
    // A shared notice or guide starts the guide bundle alone.
    for path in ["/services/JT-001", "/services/JT-001/checklist", "/bundles/KB-001/situation/seats"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert_eq!(response.text().await.unwrap(), crate::support::GUIDE_PAGE_HTML, "{path}");
    }
    // Search, and a bundle whose page was not built (the stand-in has no `full`): the home page.
    for path in ["/nowhere", "/services/JT-001/apply"] {
        assert_eq!(app.get(path).await.text().await.unwrap(), crate::support::INDEX_HTML, "{path}");
    }
}

#[tokio::test]
async fn hashed_files_are_immutable_and_sent_precompressed() {
    let app = spawn_app().await;
    let url = format!("{}/app-0123456789abcdef_bg.wasm", app.address);
    // A client that does not decode, to see the bytes as sent.
    let raw = reqwest::Client::builder().no_brotli().no_gzip().build().unwrap();
    let response = raw.get(&url).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "application/wasm");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let plain = raw.get(&url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), b"\0asm plain");
}

#[tokio::test]
async fn a_client_that_sends_its_headers_a_byte_at_a_time_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = crate::support::spawn_app_with(|s| s.header_timeout_secs = 1).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed = false;
    // One byte every 200 ms, for at most 8 s: the server must hang up long before.
    for byte in request.iter().cycle().take(40) {
        if socket.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        let mut buffer = [0u8; 256];
        match tokio::time::timeout(std::time::Duration::from_millis(200), socket.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                closed = true;
                break;
            }
            Ok(Ok(_)) => {
                // An error response (408) is also hanging up on it.
                closed = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(closed, "the slow client was cut off");
    // A normal client is served as ever.
    assert_eq!(app.get("/api/health").await.status(), 200);
}

/// Send `count` requests for `path` one after another on one kept-alive
/// connection; the time each answer took to arrive in full.
async fn on_one_connection(address: &str, path: &str, count: usize) -> Vec<std::time::Duration> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let socket = tokio::net::TcpStream::connect(address.trim_start_matches("http://")).await.unwrap();
    let mut socket = BufReader::new(socket);
    let mut times = Vec::new();
    for _ in 0..count {
        let started = std::time::Instant::now();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\n\r\n");
        socket.get_mut().write_all(request.as_bytes()).await.unwrap();
        let mut length = None;
        loop {
            let mut line = String::new();
            socket.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.expect("a length for a prepared answer")];
        socket.read_exact(&mut body).await.unwrap();
        times.push(started.elapsed());
    }
    times
}

#[tokio::test]
async fn files_on_a_kept_alive_connection_arrive_without_delay() {
    // Nagle's algorithm against delayed acknowledgements holds back a small
    // second write by about 40 ms from the fourth request on, on every answer.
    let app = spawn_app().await;
    for path in ["/", "/app-0123456789abcdef_bg.wasm", "/api/services/JT-003"] {
        let mut times = on_one_connection(&app.address, path, 20).await;
        times.sort();
        let median = times[times.len() / 2];
        assert!(median < std::time::Duration::from_millis(20), "{path}: half the answers took {median:?} or more");
    }
}

#[tokio::test]
async fn files_and_guides_carry_strong_etags_and_answer_304() {
    let app = spawn_app().await;
    let raw = reqwest::Client::builder().no_brotli().no_gzip().build().unwrap();
    for path in ["/", "/app-0123456789abcdef_bg.wasm", "/api/services/JT-003", "/api/bundles/KB-001", "/api/services"] {
        let url = format!("{}{path}", app.address);
        let first = raw.get(&url).header("accept-encoding", "br").send().await.unwrap();
        assert_eq!(first.status(), 200, "{path}");
        let etag = first.headers()["etag"].clone();
        assert!(etag.to_str().unwrap().starts_with('"'), "{path}: a strong tag, got {etag:?}");
        let again = raw.get(&url).header("accept-encoding", "br").header("if-none-match", etag.clone()).send().await;
        let again = again.unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(again.headers()["etag"], etag, "{path}");
        assert!(again.bytes().await.unwrap().is_empty());
        let stale = raw.get(&url).header("if-none-match", "\"0000\"").send().await.unwrap();
        assert_eq!(stale.status(), 200, "{path}: another tag is not this content");
    }
    // The guide's bytes are the item as JSON, the same whichever encoding.
    let guide: serde_json::Value = app.get("/api/services/JT-003").await.json().await.unwrap();
    assert_eq!(guide["code"], "JT-003");
    let head = raw.head(format!("{}/api/services/JT-003", app.address)).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert!(head.bytes().await.unwrap().is_empty());
    // Personal answers are never cached, catalog answers are revalidated.
    assert_eq!(app.get("/api/services/JT-003").await.headers()["cache-control"], "no-cache");
    assert_eq!(app.get("/api/services?q=运输").await.headers()["cache-control"], "no-store");
}
