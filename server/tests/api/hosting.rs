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
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{csp}");
    assert_eq!(csp.matches("'sha256-").count(), 1, "exactly the one inline loader script: {csp}");
    assert!(response.text().await.unwrap().contains("加载中"));
}

#[tokio::test]
async fn app_routes_fall_back_to_index() {
    let app = spawn_app().await;
    let response = app.get("/services/JT-001").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(response.text().await.unwrap(), crate::support::INDEX_HTML);
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
