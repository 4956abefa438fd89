//! Drafts on the server (草稿): continue on another device with a resume code.
//!
//! The code is the only key to the draft, which holds personal data, so it is
//! long (12 characters, about 59 bits), random, kept only as a keyed hash, and
//! never travels in an address: every endpoint takes it in the request body. Expired drafts answer exactly as
//! unknown ones, and are deleted as new drafts are made.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use domain::api::{DraftBody, DraftLoaded, DraftSaved, ErrorBody};
use domain::apply::materials::Materials;
use domain::catalog::situation::reconcile;
use domain::reference::ResumeCode;
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::apply::application_key::{ApplicationKey, OptionalApplicationKeyHeader};
use crate::at_rest::column::Column;
use crate::db::{now_rfc3339, rfc3339_in};
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(create)).routes(routes!(save)).routes(routes!(resume))
}

const REFUSAL: &str = "草稿的格式不对，请刷新页面后重试";

impl JsonBody for DraftBody {
    const REFUSAL: &'static str = REFUSAL;
}
impl JsonBody for SaveRequest {
    const REFUSAL: &'static str = REFUSAL;
}
impl JsonBody for ResumeRequest {
    const REFUSAL: &'static str = REFUSAL;
}

fn not_found() -> ApiError {
    ApiError::NotFound("没有找到这份草稿：可能是恢复码有误，或已超过保存期限".to_owned())
}

fn new_resume_code() -> Result<String, ApiError> {
    Ok(crate::secret::random_reference(12)?)
}

/// How a resume code is kept: its keyed hash, so the database alone opens no draft.
fn stored(state: &AppState, code: &str) -> String {
    state.keys.lookup().hash(crate::at_rest::lookup::Purpose::ResumeCode, code)
}

fn json(value: &impl serde::Serialize) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(e.into()))
}

/// `POST /api/drafts`: keep a new draft; answers with its resume code.
#[utoipa::path(post, path = "/drafts", tag = "apply", request_body = DraftBody, params(OptionalApplicationKeyHeader),
    responses((status = 200, body = DraftSaved), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "No such item"),
              (status = 429, body = ErrorBody, description = "Too many new drafts from this address this hour")))]
async fn create(
    State(state): State<Arc<AppState>>,
    owner: Option<ApplicationKey>,
    crate::hosting::client::Client(address): crate::hosting::client::Client,
    ApiJson(draft): ApiJson<DraftBody>,
) -> Result<Json<DraftSaved>, ApiError> {
    let key = format!("draft:{}", crate::hosting::per_client::key(address));
    if state.limiter.add(&key, std::time::Duration::from_secs(3600)) > state.limits.drafts_per_hour {
        return Err(ApiError::TooManyRequests("这里新存的草稿太多了，请一小时后再试".to_owned()));
    }
    state
        .catalog
        .applying(&draft.item)
        .ok_or_else(|| ApiError::NotFound(format!("没有找到编码为 {} 的事项，它可能已调整或停止办理", draft.item)))?;
    let now = now_rfc3339();
    sqlx::query("DELETE FROM drafts WHERE expires_at <= $1").bind(&now).execute(&state.db).await?;
    let resume_code = new_resume_code()?;
    let row = stored(&state, &resume_code);
    let expires_at = rfc3339_in(state.retention.draft_secs());
    sqlx::query(
        "INSERT INTO drafts (resume_code, item_code, catalog_version, answers, form, materials, created_at, updated_at, \
         expires_at, application_key, application_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)",
    )
    .bind(&row)
    .bind(&draft.item)
    .bind(&state.catalog.version)
    .bind(json(&draft.answers)?)
    .bind(draft.form.as_ref().map(json).transpose()?.map(|f| state.keys.seal(Column::DraftForm, &row, &f)).transpose()?)
    .bind(state.keys.seal(Column::DraftMaterials, &row, &json(&draft.materials)?)?)
    .bind(&now)
    .bind(&expires_at)
    .bind(owner.as_ref().map(|o| state.keys.seal(Column::DraftApplicationKey, &row, &o.key)).transpose()?)
    .bind(owner.as_ref().map(|o| o.hash.clone()))
    .execute(&state.db)
    .await?;
    Ok(Json(DraftSaved { resume_code, expires_at }))
}

use domain::api::SaveRequest;

/// `POST /api/drafts/save`: replace a draft's content; the expiry moves on.
#[utoipa::path(post, path = "/drafts/save", tag = "apply", request_body = SaveRequest, params(OptionalApplicationKeyHeader),
    responses((status = 200, body = DraftSaved), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody)))]
async fn save(
    State(state): State<Arc<AppState>>,
    owner: Option<ApplicationKey>,
    ApiJson(request): ApiJson<SaveRequest>,
) -> Result<Json<DraftSaved>, ApiError> {
    let code = ResumeCode::parse(&request.resume_code).ok_or_else(not_found)?;
    let row = stored(&state, code.as_str());
    let expires_at = rfc3339_in(state.retention.draft_secs());
    let updated = sqlx::query(
        "UPDATE drafts SET item_code = $1, catalog_version = $2, answers = $3, form = $4, materials = $5, updated_at = $6, \
         expires_at = $7, application_key = COALESCE($9, application_key), \
         application_hash = COALESCE($10, application_hash) WHERE resume_code = $8 AND expires_at > $6",
    )
    .bind(&request.draft.item)
    .bind(&state.catalog.version)
    .bind(json(&request.draft.answers)?)
    .bind(request.draft.form.as_ref().map(json).transpose()?.map(|f| state.keys.seal(Column::DraftForm, &row, &f)).transpose()?)
    .bind(state.keys.seal(Column::DraftMaterials, &row, &json(&request.draft.materials)?)?)
    .bind(now_rfc3339())
    .bind(&expires_at)
    .bind(&row)
    .bind(owner.as_ref().map(|o| state.keys.seal(Column::DraftApplicationKey, &row, &o.key)).transpose()?)
    .bind(owner.as_ref().map(|o| o.hash.clone()))
    .execute(&state.db)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(not_found());
    }
    Ok(Json(DraftSaved { resume_code: code.into_string(), expires_at }))
}

use domain::api::ResumeRequest;

/// `POST /api/drafts/resume`: the draft, with answers that no longer fit the
/// current catalog dropped and named.
#[utoipa::path(post, path = "/drafts/resume", tag = "apply", request_body = ResumeRequest,
    responses((status = 200, body = DraftLoaded), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody, description = "Unknown, mistyped and expired codes alike")))]
async fn resume(
    State(state): State<Arc<AppState>>,
    ApiJson(request): ApiJson<ResumeRequest>,
) -> Result<Json<DraftLoaded>, ApiError> {
    let code = ResumeCode::parse(&request.resume_code).ok_or_else(not_found)?;
    let row_id = stored(&state, code.as_str());
    let row = sqlx::query(
        "SELECT item_code, catalog_version, answers, form, materials, expires_at, application_key FROM drafts \
         WHERE resume_code = $1 AND expires_at > $2",
    )
    .bind(&row_id)
    .bind(now_rfc3339())
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(not_found)?;
    let item_code: String = row.try_get("item_code")?;
    let version: String = row.try_get("catalog_version")?;
    let answers: domain::catalog::situation::Answers =
        serde_json::from_str(&row.try_get::<String, _>("answers")?).map_err(|e| ApiError::Internal(e.into()))?;
    let form = row
        .try_get::<Option<String>, _>("form")?
        .map(|text| Ok::<_, ApiError>(serde_json::from_str(&state.keys.open(Column::DraftForm, &row_id, &text)?)?))
        .transpose()?;
    let item = state
        .catalog
        .applying(&item_code)
        .ok_or_else(|| ApiError::NotFound(format!("草稿所办的事项 {item_code} 已停止网上办理，请咨询办理部门")))?;
    let questions = item.questions();
    let (kept, dropped_ids) = reconcile(&questions, &answers);
    let dropped = dropped_ids
        .iter()
        .map(|id| questions.iter().find(|q| &q.id == id).map_or(id.clone(), |q| q.text.clone()))
        .collect();
    let mut materials: Materials = row
        .try_get::<Option<String>, _>("materials")?
        .map(|text| {
            Ok::<_, ApiError>(serde_json::from_str(&state.keys.open(Column::DraftMaterials, &row_id, &text)?)?)
        })
        .transpose()?
        .unwrap_or_default();
    let key = row
        .try_get::<Option<String>, _>("application_key")?
        .map(|sealed| state.keys.open(Column::DraftApplicationKey, &row_id, &sealed))
        .transpose()?;
    let owner = match &key {
        Some(key) => ApplicationKey::known(&state, key).await?,
        None => None,
    };
    let dropped_files = keep_live_uploads(&state, owner.as_ref(), item, &kept, &mut materials).await?;
    Ok(Json(DraftLoaded {
        draft: DraftBody { item: item_code, answers: kept, form, materials },
        expires_at: row.try_get("expires_at")?,
        dropped,
        catalog_changed: version != state.catalog.version,
        dropped_files,
        application_key: owner.map(|o| o.key),
        bundle: matches!(item, domain::catalog::applying::Applying::Bundle(_)),
    }))
}

/// Keep only the draft's uploads that still exist, pass their checks and are
/// still asked for by the answers; name the others so the applicant knows what
/// to upload again.
async fn keep_live_uploads(
    state: &AppState,
    owner: Option<&ApplicationKey>,
    item: domain::catalog::applying::Applying<'_>,
    answers: &domain::catalog::situation::Answers,
    materials: &mut Materials,
) -> Result<Vec<String>, ApiError> {
    let checklist = item.checklist(answers);
    let mut dropped = Vec::new();
    let asked: Vec<String> = checklist.entries.iter().map(|e| e.material.id.clone()).collect();
    for (material, files) in materials.files.iter_mut() {
        let mut kept = Vec::new();
        for file in files.drain(..) {
            let Some(owner) = owner else {
                dropped.push(file.name);
                continue;
            };
            let live = match crate::apply::uploads::checks::verify(state, owner, &file.upload).await {
                Ok(checked) => checked.item == item.code() && &checked.material == material && asked.contains(material),
                Err(ApiError::Internal(error)) => return Err(ApiError::Internal(error)),
                Err(_) => false,
            };
            if live { kept.push(file) } else { dropped.push(file.name) }
        }
        *files = kept;
    }
    materials.files.retain(|_, files| !files.is_empty());
    materials.keep_only(&checklist);
    Ok(dropped)
}
