//! Under overload, refuse early and say when to come back: past
//! [`Shed::max_in_flight`] requests under way, a new one is answered 503 with
//! `Retry-After` at once, instead of queueing until clients time out by the
//! thousand. The health check is always answered.

use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

/// Seconds a shed client is asked to wait.
pub const RETRY_AFTER_SECS: u64 = 2;

#[derive(Clone)]
pub struct Shed {
    in_flight: Arc<Semaphore>,
}

impl Shed {
    pub fn new(max_in_flight: usize) -> Self {
        Self { in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))) }
    }
}

/// The answer to a request the server has no room for.
pub fn busy() -> Response {
    let body = domain::api::ErrorBody {
        error: domain::api::ErrorDetail {
            code: "busy".to_owned(),
            message: "办事的人太多了，请稍等几秒再试。您填写的内容没有丢失。".to_owned(),
        },
        problems: None,
    };
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}

/// Middleware: at most `max_in_flight` requests at once, the rest shed.
pub async fn shed(
    axum::extract::State(shed): axum::extract::State<Shed>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request.uri().path() == "/api/health" {
        return next.run(request).await;
    }
    let Ok(_permit) = Arc::clone(&shed.in_flight).try_acquire_owned() else {
        return busy();
    };
    next.run(request).await
}
