//! One client cannot take the service down: silent sockets, HTTP/2 prefaces
//! and trickled bodies from one address leave another address served at
//! once; past the pool or the requests in flight, the answer is 503 with
//! `Retry-After`, at once.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::{TestApp, spawn_app_with};

fn server(app: &TestApp) -> SocketAddr {
    app.address.trim_start_matches("http://").parse().unwrap()
}

/// A connection from `from` (another loopback address is another client).
async fn connect_from(from: [u8; 4], to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(to).await.unwrap()
}

/// The first line of the answer to `request` on `socket`, if one comes within `wait`.
async fn answer(socket: &mut TcpStream, request: &[u8], wait: Duration) -> Option<String> {
    socket.write_all(request).await.ok()?;
    let mut buffer = vec![0u8; 4096];
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buffer[..n]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    (!text.is_empty()).then(|| text.lines().next().unwrap_or_default().to_owned())
}

/// `/api/health` asked from another address answers 200 within a second.
async fn health_from_elsewhere(app: &TestApp) {
    let mut socket = connect_from([127, 0, 0, 2], server(app)).await;
    let request = b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let first = answer(&mut socket, request, Duration::from_secs(1)).await;
    assert_eq!(first.as_deref(), Some("HTTP/1.1 200 OK"), "health from another address");
}

/// Whether the server hangs up on `socket` within `wait` (it may say why first).
async fn hung_up(socket: &mut TcpStream, wait: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, socket.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn two_thousand_silent_sockets_from_one_host_do_not_keep_others_out() {
    let app = spawn_app_with(|s| s.header_timeout_secs = 3).await;
    let mut silent = Vec::new();
    for _ in 0..2000 {
        silent.push(connect_from([127, 0, 0, 1], server(&app)).await);
    }
    health_from_elsewhere(&app).await;
    // Past its share, the host is told at once to come back later.
    let mut last = silent.pop().unwrap();
    let mut buffer = vec![0u8; 256];
    let told = tokio::time::timeout(Duration::from_secs(1), last.read(&mut buffer)).await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&buffer[..told]).starts_with("HTTP/1.1 503"), "answered busy");
    assert!(String::from_utf8_lossy(&buffer[..told]).contains("Retry-After: 2"));
    // Its share, silent, is closed at the header deadline, counted from the connection's start.
    assert!(hung_up(&mut silent[0], Duration::from_secs(6)).await, "a silent socket is closed");
    health_from_elsewhere(&app).await;
}

#[tokio::test]
async fn http2_prefaces_are_turned_away_at_once() {
    let app = spawn_app_with(|_| {}).await;
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
    let mut sockets = Vec::new();
    for _ in 0..200 {
        let mut socket = connect_from([127, 0, 0, 1], server(&app)).await;
        socket.write_all(preface).await.unwrap();
        sockets.push(socket);
    }
    health_from_elsewhere(&app).await;
    for socket in sockets.iter_mut().take(5) {
        assert!(hung_up(socket, Duration::from_secs(2)).await, "a preface-only socket is closed");
    }
}

#[tokio::test]
async fn a_trickled_upload_is_given_up_and_holds_nothing() {
    let app = spawn_app_with(|s| s.body_idle_secs = 2).await;
    let key = crate::support::issue_key(&app.address).await;
    let client = crate::support::client_with_key(&key);
    let location =
        crate::support::create_upload(&client, &app.address, "JT-003", "application", "表.pdf", 100_000).await;
    let path = location.trim_start_matches(&app.address).to_owned();
    let mut socket = connect_from([127, 0, 0, 1], server(&app)).await;
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nApplication-Key: {key}\r\n\
         Content-Type: application/offset+octet-stream\r\nContent-Length: 100000\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // A byte every 300 ms: never idle for long, but far below the slowest real phone.
    let started = std::time::Instant::now();
    let mut cut = false;
    while started.elapsed() < Duration::from_secs(8) {
        if socket.write_all(b"%").await.is_err() {
            cut = true;
            break;
        }
        let mut buffer = [0u8; 512];
        // An answer (the server's refusal) or the connection closed: given up.
        if tokio::time::timeout(Duration::from_millis(300), socket.read(&mut buffer)).await.is_ok() {
            cut = true;
            break;
        }
        if started.elapsed() > Duration::from_secs(1) && started.elapsed() < Duration::from_millis(1400) {
            health_from_elsewhere(&app).await;
        }
    }
    assert!(cut, "the trickle was given up");
    health_from_elsewhere(&app).await;
}

#[tokio::test]
async fn past_the_pool_and_the_requests_in_flight_the_answer_is_503_at_once() {
    let app = spawn_app_with(|s| {
        s.max_connections = 3;
        s.max_in_flight = 1;
        s.body_idle_secs = 30;
    })
    .await;
    // One request in flight: its body has not come yet.
    let mut slow = connect_from([127, 0, 0, 3], server(&app)).await;
    slow.write_all(
        b"POST /api/drafts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{",
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut other = connect_from([127, 0, 0, 4], server(&app)).await;
    let first = answer(&mut other, b"GET /api/services HTTP/1.1\r\nHost: x\r\n\r\n", Duration::from_secs(1)).await;
    assert_eq!(first.as_deref(), Some("HTTP/1.1 503 Service Unavailable"), "shed, not queued");
    // The health check is still answered; then the pool is full (slow, other, health's own).
    health_from_elsewhere(&app).await;
    let _held = connect_from([127, 0, 0, 5], server(&app)).await;
    let mut turned = connect_from([127, 0, 0, 6], server(&app)).await;
    let mut buffer = vec![0u8; 256];
    let told = tokio::time::timeout(Duration::from_secs(1), turned.read(&mut buffer)).await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&buffer[..told]).starts_with("HTTP/1.1 503"), "the pool is full");
}
