//! `POST /api/upload-checks`: a finished upload's content checked with
//! `domain::apply::files` (what its name says, no active content in a PDF).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tus_protocol::{StateStore, Storage, StorageReader};

use tus_protocol::storage::StorageHandle;

use super::store::{Files, MAX_UPLOAD_BYTES, text};
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::apply::uploads::owner::Deletion;
use crate::apply::uploads::virus_scan::{Clamd, Verdict};
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};
use domain::api::ErrorBody;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct CheckRequest {
    upload: String,
}

impl JsonBody for CheckRequest {}

/// A finished upload that passed every check.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckedUpload {
    pub upload: String,
    pub item: String,
    pub material: String,
    pub file_name: String,
    pub size: u64,
    pub file_type: domain::FileType,
    /// Scanned for viruses and found clean (false: no scanner is configured).
    pub scanned: bool,
    /// The named side it was sent for (`Material::slots`), as the browser said at creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<u8>,
}

pub fn check_routes() -> utoipa_axum::router::OpenApiRouter<Arc<crate::AppState>> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(check_upload))
}

/// `POST /api/upload-checks {"upload": id}`: the content check of a finished upload.
#[utoipa::path(post, path = "/upload-checks", tag = "uploads", request_body = CheckRequest, params(ApplicationKeyHeader),
    responses((status = 200, body = CheckedUpload), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "The content is not what the name says: the upload was deleted")))]
async fn check_upload(
    State(state): State<Arc<crate::AppState>>,
    owner: ApplicationKey,
    ApiJson(request): ApiJson<CheckRequest>,
) -> Result<Json<CheckedUpload>, ApiError> {
    verify(&state, &owner, &request.upload).await.map(Json)
}

/// Check a finished upload: it exists, is complete, belongs to a known material,
/// and its first bytes agree with its name and the material's rules. A file that
/// is not what it claims is deleted, bytes and record, unless a case holds it
/// (a stricter catalog never destroys what was submitted).
pub async fn verify(
    state: &crate::AppState,
    owner: &ApplicationKey,
    upload_id: &str,
) -> Result<CheckedUpload, ApiError> {
    let missing = || ApiError::NotFound("没有找到这个上传的文件，请重新上传".to_owned());
    if !crate::apply::uploads::owner::owns(&state.db, upload_id, owner).await? {
        return Err(missing());
    }
    let files = &state.uploads;
    let upload = files.state.get(upload_id).await.map_err(|_| missing())?.ok_or_else(missing)?;
    if !upload.is_complete() {
        return Err(ApiError::BadRequest("文件还没有上传完，请等上传完成".to_owned()));
    }
    let metadata = upload.metadata();
    let (item_code, material_id, name) =
        (text(metadata, "item"), text(metadata, "material"), text(metadata, "filename"));
    let slot = text(metadata, "slot").parse::<u8>().ok();
    let material = state.catalog.material(&item_code, &material_id).ok_or_else(missing)?;
    let handle = upload.storage_handle().ok_or_else(missing)?;
    let first = first_bytes(&files.storage, &handle).await?;
    let size = upload.length().unwrap_or(upload.offset());
    let checked = match domain::apply::files::check_file(material, &name, size, &first) {
        Ok(domain::FileType::Pdf) => match pdf_active_content(&files.storage, &handle, size).await? {
            Some(what) => Err(domain::apply::files::pdf_refusal(&name, what)),
            None => Ok(domain::FileType::Pdf),
        },
        other => other,
    };
    let scanned = match (&checked, &state.clamd) {
        (Ok(_), Some(clamd)) => match scan(clamd, &files.storage, &handle, upload_id).await? {
            Verdict::Clean => Ok(true),
            Verdict::Found(_) => Err(domain::apply::files::virus_refusal(&name)),
        },
        (Ok(_), None) | (Err(_), _) => Ok(false),
    };
    match checked.and_then(|file_type| scanned.map(|scanned| (file_type, scanned))) {
        Ok((file_type, scanned)) => Ok(CheckedUpload {
            upload: upload_id.to_owned(),
            item: item_code,
            material: material_id,
            file_name: name,
            size,
            file_type,
            scanned,
            slot,
        }),
        Err(message) => {
            // Only a file nothing holds yet is deleted: a case's file stays whatever the rules say now.
            if crate::apply::uploads::owner::claim_for_deletion(&state.db, upload_id, owner).await? != Deletion::Claimed
            {
                return Err(ApiError::Unprocessable(message));
            }
            files
                .storage
                .delete(&handle)
                .await
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("deleting an upload: {e}")))?;
            files
                .state
                .delete(upload_id)
                .await
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("deleting an upload: {e}")))?;
            Err(ApiError::Unprocessable(message))
        }
    }
}

/// The first bytes of a stored file, enough to tell its type by them.
pub async fn first_bytes(storage: &Files, handle: &StorageHandle) -> Result<Vec<u8>, ApiError> {
    let mut stream = storage
        .stream_range(handle, 0, Some(domain::apply::files::SNIFF_LEN as u64))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")))?;
    let mut first = Vec::new();
    while let Some(chunk) = stream.next().await {
        first.extend_from_slice(&chunk.map_err(|e| ApiError::Internal(e.into()))?);
        if first.len() >= domain::apply::files::SNIFF_LEN {
            break;
        }
    }
    Ok(first)
}

/// clamd's verdict on a stored file; a scanner that cannot answer now makes
/// the check wait for it (503), the file kept.
async fn scan(clamd: &Clamd, storage: &Files, handle: &StorageHandle, upload: &str) -> Result<Verdict, ApiError> {
    let unavailable = |error: String| {
        tracing::error!(%error, "the virus scanner did not answer");
        ApiError::Unavailable("病毒扫描暂时不可用，文件已保留。请过几分钟再试。".to_owned())
    };
    let stream = storage
        .stream_range(handle, 0, None)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")))?;
    let verdict =
        crate::apply::uploads::virus_scan::scan(clamd, stream).await.map_err(|e| unavailable(format!("{e:#}")))?;
    if let Verdict::Found(signature) = &verdict {
        tracing::warn!(upload, %signature, "an upload carried a virus: refused and deleted");
    }
    Ok(verdict)
}

/// What a stored PDF carries that it must not: the whole file is read (it is
/// at most a material's size limit) and judged by its structure.
async fn pdf_active_content(
    storage: &Files,
    handle: &StorageHandle,
    size: u64,
) -> Result<Option<&'static str>, ApiError> {
    let internal = |e: std::io::Error| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}"));
    let mut stream = storage
        .stream_range(handle, 0, None)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")))?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).min(MAX_UPLOAD_BYTES as usize));
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(internal)?);
    }
    Ok(crate::apply::uploads::pdf::judge(bytes).await.map(crate::apply::uploads::pdf::Finding::words))
}
