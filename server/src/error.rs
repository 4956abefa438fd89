//! The one error type of the API, and its one JSON shape.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::api::{ErrorBody, ErrorDetail};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found: {0}")]
    NotFound(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Well-formed but not acceptable (a file whose content is not what it claims).
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// Another request is doing this already (the same Idempotency-Key in flight).
    #[error("conflict: {0}")]
    Conflict(String),
    /// An application with fields and materials to fix, all of them listed.
    #[error("invalid application")]
    Invalid(domain::apply::submission::SubmissionProblems),
    /// No token, or one that is not valid (the staff API).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Known, but not to be done (deleting a file a case holds).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// A method the route does not take; carries the `Allow` header's value.
    #[error("method not allowed (allow: {0})")]
    MethodNotAllowed(&'static str),
    /// Over a size or count budget (uploads per application).
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// Too many attempts from one place or at one case (status look-up).
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// A service the request needs is not there now (the virus scanner): try again later.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Stored bytes that failed their integrity check: refused, never served.
    #[error("damaged: {0}")]
    Damaged(String),
    /// Details are logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// The words for people, as the response carries them.
    pub fn message(&self) -> String {
        self.parts().2
    }

    fn parts(&self) -> (StatusCode, &'static str, String) {
        match self {
            Self::NotFound(message) => (StatusCode::NOT_FOUND, "not_found", message.clone()),
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, "bad_request", message.clone()),
            Self::Unprocessable(message) => (StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", message.clone()),
            Self::Conflict(message) => (StatusCode::CONFLICT, "conflict", message.clone()),
            Self::Unauthorized(message) => (StatusCode::UNAUTHORIZED, "unauthorized", message.clone()),
            Self::Forbidden(message) => (StatusCode::FORBIDDEN, "forbidden", message.clone()),
            Self::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "这个地址不接受这种请求方式".to_owned())
            }
            Self::PayloadTooLarge(message) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", message.clone()),
            Self::TooManyRequests(message) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message.clone()),
            Self::Invalid(problems) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_application",
                format!("申请还有 {} 处需要修改，请按提示修改后再提交", problems.count()),
            ),
            Self::Unavailable(message) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", message.clone()),
            Self::Damaged(message) => (StatusCode::INTERNAL_SERVER_ERROR, "damaged", message.clone()),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "服务器出了点问题，请稍后再试。您填写的内容没有丢失。".to_owned(),
            ),
        }
    }
}

/// What a request is told while the database cannot be reached.
pub const DATABASE_DOWN: &str = "服务暂时不可用（数据库连不上），请稍后再试。您填写的内容没有丢失。";

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            // No connection to be had (the database is down or unreachable): a
            // 503 the client may retry, not a fault in this request.
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::warn!(error = %error, "the database is unavailable");
                Self::Unavailable(DATABASE_DOWN.to_owned())
            }
            other => Self::Internal(other.into()),
        }
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(error: serde_json::Error) -> Self {
        Self::Internal(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(error) = &self {
            tracing::error!(error = format!("{error:#}"), "internal error");
        }
        let (status, code, message) = self.parts();
        let allow = match &self {
            Self::MethodNotAllowed(allow) => Some(*allow),
            _ => None,
        };
        let problems = match self {
            Self::Invalid(problems) => Some(problems),
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code: code.to_owned(), message }, problems };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: say which scheme the staff API takes.
            response
                .headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        }
        if let Some(allow) = allow {
            response.headers_mut().insert(axum::http::header::ALLOW, axum::http::HeaderValue::from_static(allow));
        }
        response
    }
}
