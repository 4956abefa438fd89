//! What every sign-in adapter shares while the person is at the provider: the
//! `state` it sends back, kept once and only as a keyed hash, bound to the
//! browser that began it by a short-lived cookie, with what the adapter needs
//! to finish (sealed); and the answer that ends a sign-in: a session, and back
//! to the page it began on.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::account::consent::Purpose as Consent;
use domain::account::identity::Identity;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::account::sessions;
use crate::at_rest::column::Column;
use crate::at_rest::lookup::Purpose;
use crate::error::ApiError;

/// Seconds a sign-in may take at the provider.
pub const SIGN_IN_SECS: i64 = 600;

/// The cookie binding a sign-in to this browser.
pub const BINDING_COOKIE: &str = "__Host-bianmin-sign-in";

/// The ways in: each adapter's sign-ins are finished by it alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adapter {
    /// Any OpenID Connect provider (the province's, where it offers one).
    Oidc,
    /// WeChat web authorisation: an `openid`, no real name.
    Wechat,
    /// A Zhejiang-style platform: a `ticket`, validated with a signed call.
    Zhejiang,
    /// A Guangdong-style OAuth platform: a code for a token, the token for the person.
    Guangdong,
}

/// What is kept, sealed, while the person is at the provider.
#[derive(Serialize, Deserialize)]
pub struct Pending {
    pub provider: Adapter,
    /// PKCE verifier and nonce (OpenID Connect); empty for the others.
    #[serde(default)]
    pub verifier: String,
    #[serde(default)]
    pub nonce: String,
    pub return_to: String,
}

/// Where a sign-in returns to.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Begin {
    /// A page of this site to come back to (`/cases`); anything else means the home page.
    #[serde(default, rename = "return")]
    pub return_to: Option<String>,
}

/// Only a page of this site: a path, never another site (`//elsewhere`).
pub fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && p.len() <= 200 => p.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A sign-in this browser did not begin, or began too long ago: not this request's to finish.
pub fn expired() -> ApiError {
    ApiError::Forbidden("登录已过期，或不是在这台手机（电脑）上开始的，请重新登录".to_owned())
}

/// Keep a sign-in under the `state` the provider will send back; the value
/// of the cookie that binds it to this browser.
pub async fn record(state: &AppState, returned: &str, pending: &Pending) -> Result<String, ApiError> {
    let binding = crate::secret::random_hex(16)?;
    let lookup = state.keys.lookup();
    let state_hash = lookup.hash(Purpose::SignIn, returned);
    let sealed = state.keys.seal(Column::SignInSecret, &state_hash, &serde_json::to_string(pending)?)?;
    let now = crate::db::unix_now();
    sqlx::query("DELETE FROM sign_ins WHERE created_at < $1").bind(now - SIGN_IN_SECS).execute(&state.db).await?;
    sqlx::query("INSERT INTO sign_ins (state_hash, binding_hash, secret, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&state_hash)
        .bind(lookup.hash(Purpose::SignIn, &binding))
        .bind(sealed)
        .bind(now)
        .execute(&state.db)
        .await?;
    Ok(binding)
}

/// Take a sign-in back, once: only in the browser that began it, in time, and
/// by the adapter that began it.
pub async fn take(
    state: &AppState,
    adapter: Adapter,
    returned: &str,
    binding: Option<&str>,
) -> Result<Pending, ApiError> {
    let lookup = state.keys.lookup();
    let state_hash = lookup.hash(Purpose::SignIn, returned);
    // Used once: taken out of the table before anything else.
    let row = sqlx::query("SELECT binding_hash, secret, created_at FROM sign_ins WHERE state_hash = $1")
        .bind(&state_hash)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(expired)?;
    let taken = sqlx::query("DELETE FROM sign_ins WHERE state_hash = $1").bind(&state_hash).execute(&state.db).await?;
    let bound = binding.is_some_and(|b| {
        crate::secret::same(
            lookup.hash(Purpose::SignIn, b).as_bytes(),
            row.try_get::<String, _>("binding_hash").unwrap_or_default().as_bytes(),
        )
    });
    let fresh = crate::db::unix_now() - row.try_get::<i64, _>("created_at")? <= SIGN_IN_SECS;
    if taken.rows_affected() != 1 || !bound || !fresh {
        return Err(expired());
    }
    let pending: Pending = serde_json::from_str(&state.keys.open(
        Column::SignInSecret,
        &state_hash,
        &row.try_get::<String, _>("secret")?,
    )?)?;
    if pending.provider != adapter {
        return Err(expired());
    }
    Ok(pending)
}

/// The binding cookie, set on the way to the provider.
pub fn binding_cookie(value: &str) -> String {
    format!("{BINDING_COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age={SIGN_IN_SECS}")
}

/// The binding cookie, cleared on the way back.
pub fn clear_binding() -> String {
    format!("{BINDING_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0")
}

/// The binding cookie's value in a request.
pub fn binding_of(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').map(str::trim).find_map(|p| p.strip_prefix(BINDING_COOKIE)?.strip_prefix('=')))
}

/// To the provider, with this browser's binding.
pub fn to_provider(url: String, binding: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, url), (header::SET_COOKIE, binding_cookie(binding))]).into_response()
}

/// Not signed in at the provider: back home, still anonymous, nothing lost.
pub fn cancelled() -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/?sign-in=cancelled".to_owned()), (header::SET_COOKIE, clear_binding())],
    )
        .into_response()
}

/// Signed in: the consent to sign in recorded, a session, and back to the page.
pub async fn signed_in(state: &AppState, identity: &Identity, return_to: String) -> Result<Response, ApiError> {
    // Signing in is the consent to sign in (withdrawn by deleting the account's data).
    crate::account::consents::set(state, identity, Consent::SignIn, true).await?;
    let made = sessions::create(state, identity).await?;
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, return_to)]).into_response();
    let jar = response.headers_mut();
    jar.append(header::SET_COOKIE, sessions::set_cookie(Some(&made.cookie)).parse().expect("a cookie is ASCII"));
    jar.append(header::SET_COOKIE, clear_binding().parse().expect("a cookie is ASCII"));
    Ok(response)
}
