//! Application keys: the secret that makes an application's uploads its own.
//!
//! The browser asks for one (`POST /api/application-keys`) before its first
//! upload or draft, keeps it in browser storage and sends it as the
//! `Application-Key` header. Every upload is bound to the key that created it:
//! reading its offset, sending its bytes, deleting it, checking it and attaching
//! it to a submission all need the same key, and another key's uploads answer
//! exactly like missing ones. The server keeps only the key's keyed hash
//! (`at_rest::lookup`: a copy of the database alone names no key); a server
//! draft keeps the key itself (encrypted), so the application can go on on
//! another device.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{FromRequestParts, OptionalFromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use domain::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::at_rest::lookup::Purpose;
use crate::db::now_rfc3339;
use crate::error::ApiError;
use crate::hosting::client::Client;
use crate::secret;

/// The request header that carries the key.
pub const HEADER: &str = "application-key";

/// The `Application-Key` header as the OpenAPI document declares it: the form
/// the server issues (32 characters of `domain::reference`'s alphabet).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ApplicationKeyHeader {
    /// The application's key from `POST /api/application-keys`.
    #[param(rename = "Application-Key", pattern = "^[A-HJ-NPR-Y2-9]{32}$")]
    #[allow(dead_code)]
    application_key: String,
}

/// The same header where it may be left out (a draft saved before any upload).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct OptionalApplicationKeyHeader {
    /// The application's key from `POST /api/application-keys`, if it has one.
    #[param(rename = "Application-Key", pattern = "^[A-HJ-NPR-Y2-9]{32}$")]
    #[allow(dead_code)]
    application_key: Option<String>,
}

/// A key the server issued, as a request presented it.
#[derive(Clone, Debug)]
pub struct ApplicationKey {
    /// The key itself (kept only inside an encrypted draft).
    pub key: String,
    /// Its keyed hash, which the tables hold.
    pub hash: String,
}

impl ApplicationKey {
    /// The key these headers carry, which must be one the server issued: none
    /// is a malformed request (400), an unknown one is refused (403).
    pub async fn required(state: &AppState, headers: &HeaderMap) -> Result<Self, ApiError> {
        let presented = Self::presented(state, headers).ok_or_else(missing)?;
        Self::known(state, &presented.key).await?.ok_or_else(unknown)
    }

    /// The key in these headers, not yet checked against the issued ones: enough
    /// where an owner row is looked up by its hash anyway (owner rows exist only
    /// for issued keys), so the upload routes need one query, not two.
    pub fn presented(state: &AppState, headers: &HeaderMap) -> Option<Self> {
        let key = headers.get(HEADER).and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty())?;
        Some(Self { key: key.to_owned(), hash: hash(state, key) })
    }

    /// `key`, if the server issued it.
    pub async fn known(state: &AppState, key: &str) -> Result<Option<Self>, ApiError> {
        if key.len() > 100 {
            return Ok(None);
        }
        let hash = hash(state, key);
        let row = sqlx::query("SELECT 1 AS found FROM application_keys WHERE key_hash = $1")
            .bind(&hash)
            .fetch_optional(&state.db)
            .await?;
        Ok(row.map(|_| Self { key: key.to_owned(), hash }))
    }
}

/// The stored form of a key.
fn hash(state: &AppState, key: &str) -> String {
    state.keys.lookup().hash(Purpose::ApplicationKey, key)
}

fn missing() -> ApiError {
    ApiError::BadRequest("缺少这份申请的密钥（Application-Key），请刷新页面后重试".to_owned())
}

fn unknown() -> ApiError {
    ApiError::Forbidden("这份申请的密钥不对或已失效，请刷新页面后重试".to_owned())
}

impl FromRequestParts<Arc<AppState>> for ApplicationKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        Self::required(state, &parts.headers).await
    }
}

impl OptionalFromRequestParts<Arc<AppState>> for ApplicationKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Option<Self>, Self::Rejection> {
        if parts.headers.contains_key(HEADER) {
            // A key that was sent must be one we issued.
            return Self::required(state, &parts.headers).await.map(Some);
        }
        Ok(None)
    }
}

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(issue))
}

pub use domain::api::IssuedKey;

/// A new application key (one per application on a device).
#[utoipa::path(post, path = "/application-keys", tag = "apply",
    responses((status = 201, body = IssuedKey), (status = 429, body = ErrorBody)))]
async fn issue(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
) -> Result<(StatusCode, Json<IssuedKey>), ApiError> {
    if state
        .limiter
        .add(&format!("application-key:{}", crate::hosting::per_client::key(address)), Duration::from_secs(60))
        > state.limits.keys_per_minute
    {
        return Err(ApiError::TooManyRequests("操作太频繁了，请一分钟后再试".to_owned()));
    }
    let key = secret::random_reference(32)?.replace('-', "");
    sqlx::query("INSERT INTO application_keys (key_hash, created_at) VALUES ($1, $2)")
        .bind(hash(&state, &key))
        .bind(now_rfc3339())
        .execute(&state.db)
        .await?;
    Ok((StatusCode::CREATED, Json(IssuedKey { application_key: key })))
}
