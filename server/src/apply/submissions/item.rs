//! Submitting one item's application, and what every submission shares: the
//! idempotency claim, the checks again on the server and the receipt.
//!
//! An application is submitted once: `POST /api/services/{code}/submissions` with an
//! `Idempotency-Key` header.
//!
//! A double tap, a retry after a timeout or a second tab must make exactly one
//! case, across server instances too, so the database decides: the first request
//! to insert the key does the work; the same key with the same body later gets
//! the same answer, with a different body 422, and while the first is still
//! running 409. A refused application releases its key, so the applicant can fix
//! it and send again.
//!
//! Nothing the browser checked is trusted: the form, the recomputed checklist
//! and every uploaded file are checked again with the `domain` code.

use std::collections::BTreeMap;

use domain::api::ErrorBody;

use crate::case::store::{self as cases, NewFile};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::apply::form::{FieldError, validate_application};
use domain::apply::submission::{Receipt, Submission, SubmissionProblems, check_materials};
use domain::catalog::applying::Applying;
use domain::catalog::checklist::Checklist;
use sqlx::Row;

use crate::AppState;
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::case::create::{NewCase, Shape, create};
use crate::db::{now_rfc3339, rfc3339_in};
use crate::error::ApiError;
use crate::notify::outbox::NoticeTo;

/// How old an unfinished claim must be before another request may take it over
/// (a submission takes well under a second; a crashed worker never finishes).
const STALE_CLAIM_SECS: i64 = 5 * 60;

/// The `Idempotency-Key` header: one per application, the same for every retry.
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty() && k.len() <= 200)
            .map(|k| Self(k.to_owned()))
            .ok_or_else(|| ApiError::BadRequest("缺少请求标识（Idempotency-Key），请刷新页面后再提交".to_owned()))
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
        ("done", Some(body)) => Ok(Claim::Replay(state.keys.open("idempotency_keys.response_body", &body)?)),
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

/// Submit an application once (e-submission). The same `Idempotency-Key` with the
/// same body answers the same receipt; with another body 422; while the first is
/// still running 409. Everything is checked again; problems come back by field and material.
#[utoipa::path(post, path = "/services/{code}/submissions", tag = "apply",
    params(("code" = String, Path, description = "事项编码"),
           IdempotencyKeyHeader, ApplicationKeyHeader),
    request_body = Submission,
    responses((status = 201, body = Receipt), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "Fields and materials to fix are in `problems`")))]
pub async fn submit(
    State(state): State<Arc<AppState>>,
    Path(code): Path<String>,
    owner: ApplicationKey,
    key: IdempotencyKey,
    body: Bytes,
) -> Result<Response, ApiError> {
    let IdempotencyKey(key) = key;
    let hash = crate::secret::sha256_hex(&[code.as_bytes(), &[0], &body].concat());
    once(&state, &key, &hash, accept(&state, &code, &body, &owner, &key)).await
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

/// Everything a submission says, checked again with the domain rules for what
/// it applies for (an item or a bundle): the form, the recomputed checklist,
/// every upload, the notice email. All problems at once, by field and material.
pub async fn check(
    state: &AppState,
    applying: Applying<'_>,
    body: &[u8],
    owner: &ApplicationKey,
) -> Result<(Submission, Checklist, Vec<NewFile>), ApiError> {
    let submission: Submission = crate::extract::from_slice(body)
        .map_err(|_| ApiError::BadRequest("申请的格式不对，请刷新页面后再提交".to_owned()))?;
    let mut problems = SubmissionProblems {
        fields: validate_application(
            &submission.form,
            &applying.plain_fields(),
            &applying.questions(),
            &submission.answers,
            domain::apply::form::needs_agent(&submission.answers),
            state.today().ymd(),
        ),
        materials: Vec::new(),
    };
    let checklist = applying.checklist(&submission.answers);
    if !checklist.unanswered.is_empty() {
        problems.fields.insert(0, unanswered_problem(checklist.unanswered.len()));
    }
    let (files, file_problems) =
        crate::apply::uploads::gather::gather(state, owner, applying.code(), &submission.files).await?;
    problems.materials.extend(file_problems);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for file in &files {
        *counts.entry(file.material.clone()).or_default() += 1;
    }
    problems.materials.extend(check_materials(&checklist, &counts, &submission.later, submission.pledge_accepted));
    problems.fields.extend(email_problem(&submission));
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems));
    }
    Ok((submission, checklist, files))
}

/// Check everything again and make the case.
async fn accept(
    state: &AppState,
    code: &str,
    body: &[u8],
    owner: &ApplicationKey,
    key: &str,
) -> Result<String, ApiError> {
    let item = state.catalog.get(code).ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {code} 的事项")))?;
    let (submission, _, files) = check(state, Applying::Item(item), body, owner).await?;
    make_case(state, item, &submission, &files, owner, key).await
}

pub fn reference() -> Result<String, ApiError> {
    Ok(crate::secret::random_reference(8)?)
}

async fn make_case(
    state: &AppState,
    item: &domain::ServiceItem,
    submission: &Submission,
    files: &[NewFile],
    owner: &ApplicationKey,
    key: &str,
) -> Result<String, ApiError> {
    let query_code = reference()?;
    let query_code_hash = crate::secret::sha256_hex(query_code.as_bytes());
    let submitted_at = now_rfc3339();
    // A clash of two random case numbers is rare; the primary key refuses it, try again.
    for _ in 0..5 {
        let case_number = reference()?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        let case = NewCase {
            number: &case_number,
            shape: Shape::Single { query_code_hash: &query_code_hash },
            code: &item.code,
            application: submission,
            department: &item.department,
            promised_days: item.promised_limit_days,
            submitted_at: &submitted_at,
            label: "提交申请",
            notice: Some(NoticeTo {
                case_number: &case_number,
                application: submission,
                title: &item.name,
                collect: domain::case::notices::collection(submission.form.delivery.as_ref(), &item.place, &item.hours),
            }),
        };
        if create(&mut tx, state, case).await? {
            for file in files {
                cases::insert_file(&mut tx, &state.keys, &case_number, file, &submitted_at, cases::Claim::Now).await?;
            }
            let receipt = Receipt {
                parts: Vec::new(),
                notices: crate::notify::outbox::channels(state, submission),
                case_number,
                query_code,
                item_code: item.code.clone(),
                item_name: item.name.clone(),
                department: item.department.clone(),
                submitted_at,
                promised_limit_days: item.promised_limit_days,
                consult_phone: item.consult_phone.clone(),
                later: submission.later.clone(),
                later_due_days: if submission.later.is_empty() {
                    0
                } else {
                    domain::apply::submission::tolerance_deadline_days(item.promised_limit_days)
                },
            };
            let text = serde_json::to_string(&receipt)?;
            finish(&mut tx, state, key, owner, &text).await?;
            tx.commit().await?;
            tracing::info!(item = %item.code, "application submitted");
            return Ok(text);
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!("no free case number after five tries")))
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
        .bind(state.keys.seal("idempotency_keys.response_body", receipt)?)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM drafts WHERE application_hash = $1").bind(&owner.hash).execute(&mut **tx).await?;
    Ok(())
}

/// The form's and the checklist's problems, the way the task list shows them.
fn unanswered_problem(count: usize) -> FieldError {
    FieldError {
        field: "answers".to_owned(), message: format!("还有 {count} 个情形问题没有回答，请先回答")
    }
}

/// The notice email the applicant chose, checked (none is fine).
fn email_problem(submission: &Submission) -> Option<FieldError> {
    let email = submission.email.trim();
    let message = (!email.is_empty()).then(|| domain::apply::identity::email_problem(email)).flatten()?;
    Some(FieldError { field: "email".to_owned(), message: message.to_owned() })
}
