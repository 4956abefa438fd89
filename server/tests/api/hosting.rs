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
        // The item or bundle the page reads first is named, so it loads beside the wasm.
        let code = path.split('/').nth(2).unwrap();
        let kind = path.split('/').nth(1).unwrap();
        let link = response.headers()["link"].to_str().unwrap().to_owned();
        assert_eq!(link, format!("</api/{kind}/{code}>; rel=preload; as=fetch; crossorigin"), "{path}");
        assert_eq!(response.text().await.unwrap(), crate::support::GUIDE_PAGE_HTML, "{path}");
    }
    // A page that reads no catalog data names none.
    assert!(app.get("/cases").await.headers().get("link").is_none());
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

/// The server's own end of the connection whose client end is `client`: the
/// server runs in this process, so its socket is one of our file descriptors.
fn server_end(client: std::net::SocketAddr) -> Option<std::net::TcpStream> {
    use std::os::fd::{BorrowedFd, RawFd};
    for entry in std::fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<RawFd>() else { continue };
        let target = std::fs::read_link(entry.path()).unwrap_or_default();
        if !target.to_string_lossy().starts_with("socket:") {
            continue;
        }
        // SAFETY: the descriptor is open (just listed) and only duplicated here.
        let Ok(owned) = unsafe { BorrowedFd::borrow_raw(fd) }.try_clone_to_owned() else { continue };
        let stream = std::net::TcpStream::from(owned);
        if stream.peer_addr().ok() == Some(client) {
            return Some(stream);
        }
    }
    None
}

#[tokio::test]
async fn answers_are_not_held_back_by_nagles_algorithm() {
    // Nagle's algorithm against delayed acknowledgements holds back a small
    // second write by about 40 ms from the fourth request on, on every answer:
    // every accepted connection has TCP_NODELAY set.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let mut socket = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
    socket.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut first = [0u8; 12];
    socket.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let server = server_end(socket.local_addr().unwrap()).expect("the server's end of the connection");
    assert!(server.nodelay().unwrap(), "TCP_NODELAY on the accepted connection");
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

#[tokio::test]
async fn health_says_503_within_seconds_while_the_database_is_down_and_recovers() {
    let app = spawn_app().await;
    assert_eq!(app.get("/api/health").await.status(), 200);
    let admin = std::env::var("BIANMIN_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty());
    // PostgreSQL: the database refuses connections and those open are ended, as in an outage.
    // SQLite (a file, never "down"): the connection pool is closed.
    let name = app.database_url.rsplit('/').next().unwrap_or_default().to_owned();
    let outage = |allow: bool| {
        let (admin, name) = (admin.clone(), name.clone());
        async move {
            use sqlx::Connection;
            let Some(admin) = admin else { return };
            let mut admin = sqlx::PgConnection::connect(&admin).await.unwrap();
            sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {allow}")).execute(&mut admin).await.unwrap();
            if !allow {
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
                    .bind(&name)
                    .execute(&mut admin)
                    .await
                    .unwrap();
            }
        }
    };
    if admin.is_some() {
        outage(false).await;
    } else {
        app.state.db.close().await;
    }
    let started = std::time::Instant::now();
    let down = app.get("/api/health").await;
    let waited = started.elapsed();
    assert_eq!(down.status(), 503);
    assert_eq!(down.headers()["retry-after"], "5");
    let body: serde_json::Value = down.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("数据库连不上"), "{body}");
    assert!(waited < std::time::Duration::from_secs(10), "answered, not left hanging: {waited:?}");
    if admin.is_some() {
        outage(true).await;
        let mut status = 0;
        for _ in 0..50 {
            status = app.get("/api/health").await.status().as_u16();
            if status == 200 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(status, 200, "healthy again once the database is back");
    }
}

#[tokio::test]
async fn shutdown_finishes_short_requests_and_cuts_long_ones_at_its_deadline() {
    use tokio::io::AsyncWriteExt;
    // A second server on the first one's settings, with a one-second shutdown deadline.
    let first = spawn_app().await;
    let mut settings = first.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.shutdown_secs = 1;
    let server = bianmin::Server::build(&settings).await.unwrap();
    let address = server.local_addr().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    // An upload whose body trickles in: it needs far longer than the deadline.
    let key = crate::support::issue_key(&format!("http://{address}")).await;
    let client = reqwest::Client::new();
    let created = client
        .post(format!("http://{address}/api/uploads"))
        .header("Tus-Resumable", "1.0.0")
        .header("Application-Key", &key)
        .header("Upload-Length", "100000")
        .header("Upload-Metadata", crate::support::tus_metadata("JT-003", "photo", "慢.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let path = location.trim_start_matches(&format!("http://{address}")).to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nApplication-Key: {key}\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n"
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    slow.write_all(crate::support::PNG).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let started = std::time::Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), running)
        .await
        .expect("the server stopped at its deadline, not when the slow upload would end")
        .unwrap()
        .unwrap();
    let took = started.elapsed();
    assert!(took >= std::time::Duration::from_millis(900), "it waited for the request under way: {took:?}");
    // The listener is closed: nothing new is taken.
    assert!(tokio::net::TcpStream::connect(&address).await.is_err());
}
