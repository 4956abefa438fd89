//! Serving the built app: SPA fallback, precompression, caching, security headers.

mod support;

use support::spawn_app;

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
    assert_eq!(response.text().await.unwrap(), support::INDEX_HTML);
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
