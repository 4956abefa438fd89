//! `GET /api/session` (who is signed in, masked, and the CSRF token),
//! `POST /api/session/sign-out` and `/api/session/sign-out-everywhere`, and
//! signing in with OpenID Connect (`/api/auth/oidc/start` and its callback). A
//! change made with the session cookie must carry the CSRF token in
//! `X-CSRF-Token`: a page on another site can send the cookie, not the token.

use std::sync::Arc;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::account::consent::Purpose;
use domain::account::session::{Lifetimes, Prefill, SessionState};
use domain::api::ErrorBody;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::oidc;
use crate::account::sessions::{self, CSRF_HEADER, Session};
use crate::account::sign_ins::{self, Begin};
use crate::error::ApiError;
use crate::extract::ApiQuery;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(current))
        .routes(routes!(prefill))
        .routes(routes!(sign_out))
        .routes(routes!(sign_out_everywhere))
        .routes(routes!(province_start))
        .routes(routes!(oidc_start))
        .routes(routes!(oidc_callback))
}

/// The live session the request's cookie names, and the CSRF token it carries.
async fn session_of(parts: &Parts, state: &AppState) -> Result<(Option<Session>, Option<String>), ApiError> {
    let token = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let cookie = parts.headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).and_then(sessions::cookie_value);
    let session = match cookie {
        Some(cookie) => sessions::open(state, cookie, crate::db::unix_now(), Lifetimes::default()).await?,
        None => None,
    };
    Ok((session, token))
}

/// The session a request's cookie names, if any; a change (any method but
/// GET and HEAD) without the session's CSRF token is refused.
pub struct MaybeSignedIn(pub Option<Session>);

impl FromRequestParts<Arc<AppState>> for MaybeSignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let (session, token) = session_of(parts, state).await?;
        if let Some(session) = &session
            && !matches!(parts.method, Method::GET | Method::HEAD)
            && !session.allows(token.as_deref())
        {
            return Err(ApiError::Forbidden("登录状态下的操作缺少防伪令牌，请刷新页面后再试".to_owned()));
        }
        Ok(Self(session))
    }
}

/// The session, only when the request proves it with the CSRF token; never a
/// refusal: without the token the request is served as an anonymous one (a
/// submission from a page that has not read the token yet still goes in),
/// and nothing the session allows is done for it.
pub struct ProvenSession(pub Option<Session>);

impl FromRequestParts<Arc<AppState>> for ProvenSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let (session, token) = session_of(parts, state).await?;
        Ok(Self(session.filter(|s| s.allows(token.as_deref()))))
    }
}

/// Who is signed in (masked), and the CSRF token for changes.
#[utoipa::path(get, path = "/session", tag = "account",
    responses((status = 200, body = SessionState), (status = 403, body = ErrorBody)))]
async fn current(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    let sign_in = state.sign_in.oidc_issuer.is_some()
        || crate::account::zhejiang::offered(&state)
        || crate::account::guangdong::offered(&state);
    let wechat = state.sign_in.wechat_appid.is_some() && state.sign_in.wechat_secret.is_some();
    let body = match session {
        Some(s) => SessionState {
            signed_in: true,
            sign_in,
            wechat,
            identity: Some(s.identity.view()),
            consents: crate::account::consents::given(&state, &s.identity).await?,
            csrf: Some(s.csrf),
        },
        None => SessionState { signed_in: false, sign_in, wechat, identity: None, csrf: None, consents: Vec::new() },
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(body)).into_response())
}

/// What the provider verified, in full, to fill the person's own form (and
/// lock it): only for the signed-in browser, never cached, and only once the
/// person has agreed to prefill.
#[utoipa::path(get, path = "/session/prefill", tag = "account",
    responses((status = 200, body = Prefill), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "Not agreed to prefill"),
              (status = 404, body = ErrorBody, description = "The sign-in verified no real name")))]
async fn prefill(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    let session = session.ok_or_else(|| ApiError::Unauthorized("请先登录".to_owned()))?;
    let filled = Prefill::of(&session.identity)
        .ok_or_else(|| ApiError::NotFound("这种登录方式没有核验实名，请自己填写".to_owned()))?;
    if !crate::account::consents::given(&state, &session.identity).await?.contains(&Purpose::Prefill) {
        return Err(ApiError::Forbidden("请先同意用认证过的信息自动填写".to_owned()));
    }
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(filled)).into_response())
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

/// Begin signing in with the province's identity service, whichever this
/// centre uses (OpenID Connect, a Zhejiang-style or a Guangdong-style
/// platform): the page needs one address.
#[utoipa::path(get, path = "/auth/start", tag = "account", params(Begin),
    responses((status = 303, description = "To the province's identity service"), (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
async fn province_start(
    State(state): State<Arc<AppState>>,
    ApiQuery(begin): ApiQuery<Begin>,
) -> Result<Response, ApiError> {
    if state.sign_in.oidc_issuer.is_none() {
        if crate::account::zhejiang::offered(&state) {
            return crate::account::zhejiang::begin_at(&state, begin.return_to.as_deref()).await;
        }
        if crate::account::guangdong::offered(&state) {
            return crate::account::guangdong::begin_at(&state, begin.return_to.as_deref()).await;
        }
    }
    let return_to = sign_ins::safe_return(begin.return_to.as_deref());
    let (url, binding) = oidc::begin(&state, &return_to).await?;
    Ok(sign_ins::to_provider(url, &binding))
}

/// Begin signing in with the province's identity service (OpenID Connect).
#[utoipa::path(get, path = "/auth/oidc/start", tag = "account", params(Begin),
    responses((status = 303, description = "To the provider"), (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
async fn oidc_start(
    State(state): State<Arc<AppState>>,
    ApiQuery(begin): ApiQuery<Begin>,
) -> Result<Response, ApiError> {
    let return_to = sign_ins::safe_return(begin.return_to.as_deref());
    let (url, binding) = oidc::begin(&state, &return_to).await?;
    Ok(sign_ins::to_provider(url, &binding))
}

/// What the provider sends the browser back with.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
    /// Set when the person did not sign in (`access_denied`).
    #[serde(default)]
    error: Option<String>,
}

/// The provider's answer: a session, and back to the page the sign-in began on.
#[utoipa::path(get, path = "/auth/oidc/callback", tag = "account", params(Callback),
    responses((status = 303, description = "Signed in, back to the page"), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "Not begun in this browser, used already or too old"),
              (status = 503, body = ErrorBody)))]
async fn oidc_callback(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    ApiQuery(answer): ApiQuery<Callback>,
) -> Result<Response, ApiError> {
    let (Some(code), Some(returned), None) = (answer.code, answer.state, answer.error) else {
        return Ok(sign_ins::cancelled());
    };
    let binding = sign_ins::binding_of(&headers);
    let (identity, return_to) = oidc::finish(&state, &code, &returned, binding).await?;
    sign_ins::signed_in(&state, &identity, return_to).await
}
