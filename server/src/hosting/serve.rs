//! The accept loop, with the limits a public server needs: HTTP/1.1 only (no
//! browser speaks HTTP/2 without TLS, and cleartext HTTP/2 had no deadline
//! for its preface); a client must send its headers within a deadline from
//! the moment it connects (silent sockets and idle keep-alives are closed);
//! open connections are bounded in all and per client address; when the pool
//! is full a new connection is answered 503 with `Retry-After` and closed at
//! once instead of waiting in the kernel's queue; shutdown finishes the
//! requests under way but waits no longer than a deadline. (axum's own
//! `serve` has none of these settings.)

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::hosting::per_client::PerClient;

/// Connection limits and timeouts.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A request's headers must arrive within this (from the connection's start).
    pub header_read: Duration,
    /// Open connections at most; past it new ones are answered 503.
    pub max_connections: usize,
    /// Open connections one client address may hold.
    pub per_client: usize,
    /// Proxies, not counted per address (their clients share it).
    pub trusted: Vec<crate::hosting::cidr::Cidr>,
    /// How long shutdown waits for requests under way.
    pub shutdown: Duration,
}

/// What a connection the server has no room for is told before it is closed.
const BUSY: &[u8] =
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// Serve `router` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    let http = Arc::new(http);
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let clients = PerClient::new(limits.per_client, limits.trusted.clone());
    tokio::pin!(shutdown);
    loop {
        let (socket, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment, do not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (Ok(permit), Some(slot)) = (Arc::clone(&permits).try_acquire_owned(), clients.enter(peer.ip())) else {
            // No room (in all, or for this client): say so and close, at once.
            let _ = socket.try_write(BUSY);
            continue;
        };
        let _ = socket.set_nodelay(true);
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        );
        let connection = http.serve_connection(TokioIo::new(socket), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop((permit, slot));
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown, graceful.shutdown()).await.is_err() {
        tracing::warn!(seconds = limits.shutdown.as_secs(), "requests still running at the shutdown deadline were cut");
    }
    Ok(())
}
