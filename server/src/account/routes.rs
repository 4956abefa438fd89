//! `GET /api/session` (who is signed in, masked, and the CSRF token),
//! `POST /api/session/sign-out` and `/api/session/sign-out-everywhere`. A
//! change made with the session cookie must carry the CSRF token in
//! `X-CSRF-Token`: a page on another site can send the cookie, not the token.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::account::identity::IdentityView;
use domain::account::session::Lifetimes;
use domain::api::ErrorBody;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::sessions::{self, CSRF_HEADER, Session};
use crate::error::ApiError;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(current)).routes(routes!(sign_out)).routes(routes!(sign_out_everywhere))
}

/// The session a request's cookie names, if any; a change (any method but
/// GET and HEAD) without the session's CSRF token is refused.
pub struct MaybeSignedIn(pub Option<Session>);

impl FromRequestParts<Arc<AppState>> for MaybeSignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let cookie = parts.headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(sessions::cookie_value);
        let Some(cookie) = cookie else { return Ok(Self(None)) };
        let session = sessions::open(state, cookie, crate::db::unix_now(), Lifetimes::default()).await?;
        if let Some(session) = &session
            && !matches!(parts.method, Method::GET | Method::HEAD)
        {
            let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !session.allows(token) {
                return Err(ApiError::Forbidden("登录状态下的操作缺少防伪令牌，请刷新页面后再试".to_owned()));
            }
        }
        Ok(Self(session))
    }
}

/// Who is signed in on this browser.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionState {
    pub signed_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityView>,
    /// To send as `X-CSRF-Token` with every change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
}

/// Who is signed in (masked), and the CSRF token for changes.
#[utoipa::path(get, path = "/session", tag = "account",
    responses((status = 200, body = SessionState)))]
async fn current(MaybeSignedIn(session): MaybeSignedIn) -> Response {
    let body = match session {
        Some(s) => SessionState { signed_in: true, identity: Some(s.identity.view()), csrf: Some(s.csrf) },
        None => SessionState { signed_in: false, identity: None, csrf: None },
    };
    ([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

fn signed_out() -> Response {
    (StatusCode::NO_CONTENT, [(header::SET_COOKIE, sessions::set_cookie(None))]).into_response()
}

/// Sign out on this browser.
#[utoipa::path(post, path = "/session/sign-out", tag = "account",
    responses((status = 204, description = "Signed out"), (status = 403, body = ErrorBody)))]
async fn sign_out(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    if let Some(session) = session {
        session.end(&state).await?;
    }
    Ok(signed_out())
}

/// Sign out on every device this person is signed in on.
#[utoipa::path(post, path = "/session/sign-out-everywhere", tag = "account",
    responses((status = 204, description = "Signed out everywhere"), (status = 403, body = ErrorBody)))]
async fn sign_out_everywhere(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    if let Some(session) = session {
        session.end_everywhere(&state).await?;
    }
    Ok(signed_out())
}
