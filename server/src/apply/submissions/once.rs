//! Once per `Idempotency-Key`: the claim in the database that makes a double
//! tap, a retry or a second tab (on any instance) one case, and the answers
//! every submission route shares.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use domain::apply::submission::Receipt;
use domain::case::exchange::codes::Source;
use sqlx::Row;

use crate::AppState;
use crate::apply::application_key::ApplicationKey;
use crate::db::{now_rfc3339, rfc3339_in};
use crate::error::ApiError;

/// Who submits and how: the application's key, the retry key, the signed-in
/// person if any, and where the application was made (a phone, a computer).
#[derive(Clone, Copy)]
pub struct Submitter<'a> {
    pub owner: &'a ApplicationKey,
    pub key: &'a str,
    pub signed_in: Option<&'a domain::account::identity::Identity>,
    pub source: Source,
}

/// How old an unfinished claim must be before another request may take it over
/// (a submission takes well under a second; a crashed worker never finishes).
const STALE_CLAIM_SECS: i64 = 5 * 60;

/// A submission's headers: its `Idempotency-Key` (one per application, the
/// same for every retry), and where it was made by its browser (`User-Agent`).
pub struct SubmissionHeaders {
    pub key: String,
    pub source: Source,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SubmissionHeaders {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 200)
            .map(str::to_owned)
            .ok_or_else(|| ApiError::BadRequest("缺少请求标识（Idempotency-Key），请刷新页面后再提交".to_owned()))?;
        let agent = parts.headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
        Ok(Self { key, source: Source::of_user_agent(agent) })
    }
}

enum Claim {
    /// This request inserted the key: it does the work.
    Mine,
    Replay(String),
    InFlight,
    Mismatch,
}

async fn claim(state: &AppState, key: &str, hash: &str) -> Result<Claim, ApiError> {
    // Keys are kept for a day; older ones go as new ones come.
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(rfc3339_in(-crate::settings::Retention::IDEMPOTENCY_SECS))
        .execute(&state.db)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (idempotency_key, request_hash, state, created_at) VALUES ($1, $2, 'in_flight', $3) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(key)
    .bind(hash)
    .bind(now_rfc3339())
    .execute(&state.db)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(Claim::Mine);
    }
    let row = sqlx::query("SELECT request_hash, state, response_body FROM idempotency_keys WHERE idempotency_key = $1")
        .bind(key)
        .fetch_optional(&state.db)
        .await?;
    let Some(row) = row else { return Ok(Claim::InFlight) };
    if row.try_get::<String, _>("request_hash")? != hash {
        return Ok(Claim::Mismatch);
    }
    // A claim whose worker died (a crash, a killed instance) is taken over after a few minutes.
    let stale = sqlx::query(
        "UPDATE idempotency_keys SET created_at = $1 WHERE idempotency_key = $2 AND state = 'in_flight' AND created_at < $3",
    )
    .bind(now_rfc3339())
    .bind(key)
    .bind(rfc3339_in(-STALE_CLAIM_SECS))
    .execute(&state.db)
    .await?;
    if stale.rows_affected() == 1 {
        return Ok(Claim::Mine);
    }
    match (row.try_get::<String, _>("state")?.as_str(), row.try_get::<Option<String>, _>("response_body")?) {
        ("done", Some(body)) => {
            Ok(Claim::Replay(state.keys.open(crate::at_rest::column::Column::IdempotencyResponse, key, &body)?))
        }
        _ => Ok(Claim::InFlight),
    }
}

/// The `Idempotency-Key` header as the OpenAPI document declares it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKeyHeader {
    /// One per application, kept by the client for every retry (visible ASCII).
    #[param(rename = "Idempotency-Key", pattern = "^[!-~]{1,200}$")]
    #[allow(dead_code)]
    idempotency_key: String,
}

/// Junk submissions from one place are cut off: a client address may submit
/// [`crate::settings::Limits::submissions_per_hour`] applications an hour.
pub fn within_pace(state: &AppState, address: std::net::IpAddr) -> Result<(), ApiError> {
    let key = format!("submit:{}", crate::hosting::per_client::key(address));
    if state.limiter.add(&key, std::time::Duration::from_secs(3600)) > state.limits.submissions_per_hour {
        return Err(ApiError::TooManyRequests("这里提交的申请太多了，请一小时后再试，或到窗口办理".to_owned()));
    }
    Ok(())
}

/// What a submission route answers, as the OpenAPI document declares it.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum SubmissionAnswers {
    /// The case was made (or this is the same request again): the receipt.
    #[response(status = 201)]
    Created(Receipt),
    /// The body or a header is not an application.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The item requires signing in at a level this request's sign-in does not reach.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The application key does not own an upload named in the body.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// No such item or bundle.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The first request with this key is still running.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// Too many submissions from this address this hour.
    #[response(status = 429)]
    TooMany(ErrorBody),
    /// Fields and materials to fix are in `problems`; or the key was used for another body.
    #[response(status = 422)]
    Unprocessable(ErrorBody),
}

/// Do `work` once per `Idempotency-Key`: the first request does it, a retry
/// gets its answer. `work` is not started unless this request claimed the key.
pub async fn once(
    state: &AppState,
    key: &str,
    hash: &str,
    work: impl std::future::Future<Output = Result<String, ApiError>>,
) -> Result<Response, ApiError> {
    match claim(state, key, hash).await? {
        Claim::Mine => {}
        Claim::Replay(receipt) => return Ok(created(receipt)),
        Claim::InFlight => return Err(ApiError::Conflict("这份申请正在提交，请稍候，不要重复提交".to_owned())),
        Claim::Mismatch => {
            return Err(ApiError::Unprocessable("这个请求标识已用于另一份申请内容，请刷新页面后再提交".to_owned()));
        }
    }
    match work.await {
        Ok(text) => Ok(created(text)),
        Err(error) => {
            // Nothing was made: the applicant may fix it and send with the same key.
            sqlx::query("DELETE FROM idempotency_keys WHERE idempotency_key = $1").bind(key).execute(&state.db).await?;
            Err(error)
        }
    }
}

fn created(receipt_json: String) -> Response {
    (StatusCode::CREATED, [(axum::http::header::CONTENT_TYPE, "application/json")], receipt_json).into_response()
}

/// The receipt (the applicant's only copy of the query code) and the key's
/// done state commit with the case, or neither does; the application's draft
/// has served its purpose.
pub async fn finish(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    key: &str,
    owner: &ApplicationKey,
    receipt: &str,
) -> Result<(), ApiError> {
    sqlx::query("UPDATE idempotency_keys SET state = 'done', response_body = $1 WHERE idempotency_key = $2")
        .bind(state.keys.seal(crate::at_rest::column::Column::IdempotencyResponse, key, receipt)?)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM drafts WHERE application_hash = $1").bind(&owner.hash).execute(&mut **tx).await?;
    Ok(())
}
