//! Who owns an upload, and the guard in front of the tus routes.
//!
//! Every upload belongs to the application key that created it (see
//! [`crate::apply::application_key`]). The guard lets `HEAD`, `PATCH` and `DELETE`
//! through only with that key (another key's upload answers like a missing
//! one), refuses to delete a file a case holds, limits how many uploads and
//! bytes one application may create, and records the owner of each new upload.
//!
//! Claiming a file for a case ([`attach`], inside the submission's
//! transaction) and claiming it for deletion ([`claim_for_deletion`]) are both
//! single-row updates of its `upload_owners` row, so whichever comes first wins
//! and the other sees it.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sqlx::Row;

use crate::AppState;
use crate::apply::application_key::ApplicationKey;
use crate::db::now_rfc3339;
use crate::error::ApiError;

/// Where the tus routes live.
pub const BASE: &str = "/api/uploads";

/// How an attempt to delete an upload came out.
#[derive(Debug, PartialEq, Eq)]
pub enum Deletion {
    /// Nothing holds it any more: the bytes may go.
    Claimed,
    /// A case holds it: it stays.
    Attached,
    /// Not this key's upload (or no such upload).
    NotYours,
}

/// Whether `upload` belongs to `owner`.
pub async fn owns(db: &sqlx::AnyPool, upload: &str, owner: &ApplicationKey) -> Result<bool, ApiError> {
    let row = sqlx::query("SELECT 1 AS found FROM upload_owners WHERE upload = $1 AND application_hash = $2")
        .bind(upload)
        .bind(&owner.hash)
        .fetch_optional(db)
        .await?;
    Ok(row.is_some())
}

/// Take `upload` out of its owner's hands so its bytes can be deleted, unless a
/// case holds it.
pub async fn claim_for_deletion(
    db: &sqlx::AnyPool,
    upload: &str,
    owner: &ApplicationKey,
) -> Result<Deletion, ApiError> {
    let claimed =
        sqlx::query("DELETE FROM upload_owners WHERE upload = $1 AND application_hash = $2 AND case_number IS NULL")
            .bind(upload)
            .bind(&owner.hash)
            .execute(db)
            .await?;
    if claimed.rows_affected() == 1 {
        return Ok(Deletion::Claimed);
    }
    Ok(if owns(db, upload, owner).await? { Deletion::Attached } else { Deletion::NotYours })
}

/// Give `upload` to a case, inside the transaction that records it: false when
/// it is no longer this owner's to give (deleted, or already in a case).
pub async fn attach(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    upload: &str,
    owner_hash: &str,
    case_number: &str,
) -> Result<bool, ApiError> {
    let done = sqlx::query(
        "UPDATE upload_owners SET case_number = $1 WHERE upload = $2 AND application_hash = $3 AND case_number IS NULL",
    )
    .bind(case_number)
    .bind(upload)
    .bind(owner_hash)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The uploads one application owns, and their declared bytes.
async fn usage(db: &sqlx::AnyPool, owner: &ApplicationKey) -> Result<(i64, i64), ApiError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes FROM upload_owners WHERE application_hash = $1",
    )
    .bind(&owner.hash)
    .fetch_one(db)
    .await?;
    Ok((row.try_get("n")?, row.try_get("bytes")?))
}

fn not_found() -> ApiError {
    ApiError::NotFound("没有找到这个上传的文件，请重新上传".to_owned())
}

/// The guard around every tus route (see the module's documentation).
pub async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    match check(&state, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn check(state: &AppState, request: Request, next: Next) -> Result<Response, ApiError> {
    let method = request.method().clone();
    if method == Method::OPTIONS {
        return Ok(next.run(request).await);
    }
    let id = request.uri().path().strip_prefix(BASE).map(|rest| rest.trim_matches('/').to_owned()).unwrap_or_default();
    // Only tus's methods, answered before any key is looked at.
    match (id.is_empty(), &method) {
        (true, &Method::POST) | (false, &Method::HEAD | &Method::PATCH | &Method::DELETE) => {}
        (true, _) => return Err(ApiError::MethodNotAllowed("POST, OPTIONS")),
        (false, _) => return Err(ApiError::MethodNotAllowed("HEAD, PATCH, DELETE, OPTIONS")),
    }
    // A request without tus's required headers is malformed (400); a version
    // other than 1.0.0 is tus's own 412, answered by the protocol handler.
    let required: &[&str] =
        if id.is_empty() { &["tus-resumable", "upload-length", "upload-metadata"] } else { &["tus-resumable"] };
    if let Some(missing) = required.iter().find(|name| !request.headers().contains_key(**name)) {
        return Err(ApiError::BadRequest(format!(
            "缺少请求头 {missing}：请用支持断点续传（tus 1.0）的方式上传，或刷新页面后重试"
        )));
    }
    if id.is_empty() {
        // A new upload needs a key the server issued.
        let key = ApplicationKey::required(state, request.headers()).await?;
        return create(state, &key, request, next).await;
    }
    // An existing upload: its owner row, looked up by the key's hash, is the check.
    let key = ApplicationKey::presented(state, request.headers()).ok_or_else(not_found)?;
    if method == Method::DELETE {
        return match claim_for_deletion(&state.db, &id, &key).await? {
            Deletion::Claimed => Ok(next.run(request).await),
            Deletion::Attached => Err(ApiError::Forbidden("这个文件已随申请提交，不能删除".to_owned())),
            Deletion::NotYours => Err(not_found()),
        };
    }
    if !owns(&state.db, &id, &key).await? {
        return Err(not_found());
    }
    if method == Method::HEAD
        && let Some(answer) = state.uploads.head_while_locked(&id).await?
    {
        return Ok(answer);
    }
    Ok(next.run(request).await)
}

/// A new upload: within the application's limits, and recorded as its own.
async fn create(state: &AppState, key: &ApplicationKey, request: Request, next: Next) -> Result<Response, ApiError> {
    let client = crate::hosting::per_client::key(crate::hosting::client::client_address(state, &request));
    if state.limiter.add(&format!("upload:{client}"), Duration::from_secs(60)) > state.limits.uploads_per_minute {
        return Err(ApiError::TooManyRequests("上传太频繁了，请一分钟后再试".to_owned()));
    }
    let declared: i64 = request
        .headers()
        .get("upload-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let declared_bytes = u64::try_from(declared).unwrap_or(0);
    let hour = Duration::from_secs(3600);
    if state.limiter.add_n(&format!("upload-bytes:{client}"), declared_bytes, hour)
        > state.limits.upload_bytes_per_client_per_hour
    {
        return Err(ApiError::TooManyRequests("这里一小时内上传的文件太多了，请稍后再传，或到窗口办理".to_owned()));
    }
    let (count, bytes) = usage(&state.db, key).await?;
    if count >= state.limits.uploads_per_application {
        return Err(ApiError::PayloadTooLarge(format!(
            "这份申请已上传 {count} 个文件，达到上限。请删除不需要的文件后再传"
        )));
    }
    if bytes.saturating_add(declared) > state.limits.bytes_per_application {
        return Err(ApiError::PayloadTooLarge(format!(
            "这份申请上传的文件合计超过了 {} MB 的上限，请删除不需要的文件后再传",
            state.limits.bytes_per_application / 1_048_576
        )));
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::CREATED {
        return Ok(response);
    }
    let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(upload) = location.rsplit('/').next().filter(|id| !id.is_empty()) else {
        return Err(ApiError::Internal(anyhow::anyhow!("a created upload has no Location")));
    };
    sqlx::query("INSERT INTO upload_owners (upload, application_hash, created_at, size) VALUES ($1, $2, $3, $4)")
        .bind(upload)
        .bind(&key.hash)
        .bind(now_rfc3339())
        .bind(declared)
        .execute(&state.db)
        .await?;
    Ok(response)
}
