//! Resumable uploads (tus 1.0: core, creation, termination, checksum, expiration)
//! under `/api/uploads/`, through the tus-protocol crates, with files stored by
//! Apache OpenDAL (the filesystem under the data directory by default).
//!
//! The server never trusts the browser: on creation a hook checks the declared
//! file against the material's rules (type by name, size, known item and
//! material) and keeps only the last part of the file name; once the bytes are
//! in, `POST /api/upload-checks` reads the file's first bytes and checks them
//! with the same `domain::apply::files` code, discarding a file whose content is not
//! what its name says.

pub mod encrypted;
pub mod owner;
pub mod state;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::State;
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use tus_protocol::hooks::{HookChain, PreHookResult};
use tus_protocol::{
    ChecksumAlgorithm, Config, Extension, ProtocolHandle, StateStore, Storage, StorageReader, UploadMetadata,
};
use tus_storage_opendal::opendal::Operator;
use tus_storage_opendal::opendal::services::{Fs, S3};

use crate::apply::uploads::state::{DbLocker, DbStateStore};
use crate::settings::StorageSettings;
use tus_protocol::storage::StorageHandle;
use tus_storage_opendal::OpendalStorage;

use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::apply::uploads::encrypted::EncryptedStorage;
use crate::apply::uploads::owner::Deletion;
use crate::catalog::Catalog;
use crate::data_key::DataKeys;
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};
use domain::api::ErrorBody;

/// The largest file any material may take (a material's own limit is lower).
const MAX_UPLOAD_BYTES: u64 = domain::catalog::check::MAX_FILE_MB as u64 * 1_048_576;
/// Unfinished uploads are kept this long after their last byte.
const EXPIRATION: Duration = Duration::from_secs(24 * 3600);

/// What reads finished uploads back.
/// The storage every upload goes through: encrypted at rest.
type Files = EncryptedStorage<OpendalStorage>;

pub struct UploadFiles {
    storage: Files,
    state: DbStateStore,
    locks: DbLocker,
}

fn text(metadata: &UploadMetadata, key: &str) -> String {
    metadata.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
}

/// The storage the settings choose: the filesystem under the data directory,
/// or an S3-compatible bucket.
pub fn operator(data_dir: &Path, settings: &StorageSettings) -> anyhow::Result<Operator> {
    match settings.kind.as_str() {
        "fs" => {
            let files = data_dir.join("uploads");
            std::fs::create_dir_all(&files)?;
            Ok(Operator::new(Fs::default().root(&files.to_string_lossy()))?)
        }
        "s3" => {
            // OpenDAL's HTTP client for S3 (installed once per process).
            opendal::install_default();
            let need = |value: &Option<String>, name: &str| {
                value.clone().with_context(|| format!("--storage s3 needs {name}"))
            };
            let mut s3 = S3::default()
                .endpoint(&need(&settings.s3_endpoint, "BIANMIN_S3_ENDPOINT")?)
                .bucket(&need(&settings.s3_bucket, "BIANMIN_S3_BUCKET")?)
                .region(&settings.s3_region)
                .root(&settings.s3_root)
                .access_key_id(&need(&settings.s3_access_key_id, "BIANMIN_S3_ACCESS_KEY_ID")?)
                .secret_access_key(&need(&settings.s3_secret_access_key, "BIANMIN_S3_SECRET_ACCESS_KEY")?)
                // Only what is configured here: no credentials from the machine's files.
                .disable_config_load();
            if settings.s3_virtual_host {
                s3 = s3.enable_virtual_host_style();
            }
            Ok(Operator::new(s3)?)
        }
        other => anyhow::bail!("--storage must be fs or s3, not {other}"),
    }
}

/// The tus routes and the reader for the checks, with state and locks in the database.
pub async fn build(
    operator: Operator,
    db: AnyPool,
    catalog: Arc<Catalog>,
    keys: Arc<DataKeys>,
) -> anyhow::Result<(Router, UploadFiles)> {
    let config = Config::new()
        .with_extension(Extension::Creation)
        .with_extension(Extension::Termination)
        .with_extension(Extension::Expiration)
        .with_checksum(ChecksumAlgorithm::Sha1)
        .with_checksum(ChecksumAlgorithm::Sha256)
        .with_max_size(MAX_UPLOAD_BYTES)
        // A body of unknown length (chunked) is held in memory at most one chunk.
        .with_max_intake_buffer(domain::apply::tus::CHUNK_BYTES)
        .with_expiration(EXPIRATION)
        .with_base_path("/api/uploads")
        .without_download();
    let hooks = HookChain::new().on_pre_create(move |ctx| {
        let catalog = Arc::clone(&catalog);
        async move {
            let metadata = ctx.upload().metadata().clone();
            Ok(check_creation(&catalog, &metadata, ctx.upload().length()))
        }
    });
    let protocol = ProtocolHandle::new(
        config,
        EncryptedStorage::new(OpendalStorage::new(operator.clone()), Arc::clone(&keys)),
        DbStateStore::new(db.clone(), Arc::clone(&keys)),
        DbLocker::new(db.clone()),
        hooks,
    );
    let router = tus_axum::TusRouter::new(tus_axum::TusState::new(protocol)).build()?;
    reclaim_expired_hourly(OpendalStorage::new(operator.clone()), db.clone(), Arc::clone(&keys));
    let reader = UploadFiles {
        storage: EncryptedStorage::new(OpendalStorage::new(operator), Arc::clone(&keys)),
        state: DbStateStore::new(db.clone(), keys),
        locks: DbLocker::new(db),
    };
    Ok((router, reader))
}

/// Unfinished uploads whose expiry passed are deleted, bytes and state, once an
/// hour (by whichever instance gets there: each upload is locked while it goes).
fn reclaim_expired_hourly(storage: OpendalStorage, db: AnyPool, keys: Arc<DataKeys>) {
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            match reclaim_expired(&storage, &keys, &db, tus_protocol::chrono::Utc::now()).await {
                Ok(removed) if removed > 0 => tracing::info!(removed, "expired uploads reclaimed"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "reclaiming expired uploads failed; trying again in an hour"),
            }
        }
    });
}

/// Delete the unfinished uploads that expired before `before`; how many went.
pub async fn reclaim_expired(
    storage: &OpendalStorage,
    keys: &Arc<DataKeys>,
    db: &AnyPool,
    before: tus_protocol::chrono::DateTime<tus_protocol::chrono::Utc>,
) -> tus_protocol::Result<usize> {
    let (state, locker) = (DbStateStore::new(db.clone(), Arc::clone(keys)), DbLocker::new(db.clone()));
    Ok(tus_protocol::reclaim_expired_uploads(storage, &state, &locker, before).await?.removed())
}

impl UploadFiles {
    /// Delete an upload's bytes and record (retention). False when it is busy
    /// (a request holds its lock: the next run takes it) or already gone.
    pub async fn remove(&self, upload_id: &str) -> anyhow::Result<bool> {
        use tus_protocol::Locker;
        let Some(_guard) = self.locks.try_lock(upload_id).await? else { return Ok(false) };
        let Some(upload) = self.state.get(upload_id).await? else { return Ok(false) };
        if let Some(handle) = upload.storage_handle() {
            self.storage.delete(&handle).await?;
        }
        self.state.delete(upload_id).await?;
        Ok(true)
    }

    /// The answer to `HEAD` while another request holds the upload's lock (a
    /// PATCH streaming, or one whose connection died and whose lease is running
    /// out): the offset last committed, at once, instead of waiting for the lock.
    /// `None` when the lock is free (the tus handler answers then).
    pub async fn head_while_locked(&self, upload_id: &str) -> Result<Option<axum::response::Response>, ApiError> {
        let internal = |e: tus_protocol::Error| ApiError::Internal(anyhow::anyhow!("upload state: {e}"));
        if !self.locks.is_held(upload_id).await.map_err(internal)? {
            return Ok(None);
        }
        let Some(upload) = self.state.get(upload_id).await.map_err(internal)? else { return Ok(None) };
        // The bytes stored are what counts (the state lags them after a crash), as the tus handler reconciles.
        let stored = match upload.storage_handle() {
            Some(handle) => self.storage.size(&handle).await.map_err(internal)?.unwrap_or(0),
            None => 0,
        };
        let offset = stored.max(upload.offset()).min(upload.length().unwrap_or(u64::MAX));
        let mut response = axum::response::Response::builder()
            .status(200)
            .header("tus-resumable", "1.0.0")
            .header("cache-control", "no-store")
            .header("upload-offset", offset.to_string());
        if let Some(length) = upload.length() {
            response = response.header("upload-length", length.to_string());
        }
        response.body(axum::body::Body::empty()).map(Some).map_err(|e| ApiError::Internal(e.into()))
    }
}

/// The creation rules: a known item and material, a type the material takes,
/// a size within its limit. The file name keeps only its last part.
fn check_creation(catalog: &Catalog, metadata: &UploadMetadata, length: Option<u64>) -> PreHookResult {
    let (item_code, material_id) = (text(metadata, "item"), text(metadata, "material"));
    let Some(material) = catalog.material(&item_code, &material_id) else {
        return PreHookResult::reject(404, "上传的文件没有对应的申请材料，请刷新页面后重试");
    };
    let name = domain::apply::files::safe_file_name(&text(metadata, "filename"));
    let size = length.unwrap_or(0);
    if size > u64::from(material.max_file_mb) * 1_048_576 {
        return PreHookResult::reject(413, format!("“{name}”超过了每个文件 {} MB 的上限", material.max_file_mb));
    }
    // The name's type is checked now; the content's when the bytes are in.
    match domain::apply::files::from_extension(&name) {
        Some(kind) if material.file_types.contains(&kind) && size > 0 => {}
        _ if size == 0 => return PreHookResult::reject(400, format!("“{name}”是空文件，请重新选择")),
        _ => {
            return PreHookResult::reject(
                415,
                format!("“{name}”的类型不能上传：这项材料只收 {} 文件", types(material)),
            );
        }
    }
    let mut cleaned = metadata.clone();
    cleaned.insert("filename", tus_protocol::state::MetadataValue::new(name.into_bytes()));
    PreHookResult::proceed_with_metadata(cleaned)
}

fn types(material: &domain::Material) -> String {
    material.file_types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、")
}

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
    let material = state.catalog.material(&item_code, &material_id).ok_or_else(missing)?;
    let handle = upload.storage_handle().ok_or_else(missing)?;
    let mut stream = files
        .storage
        .stream_range(&handle, 0, Some(domain::apply::files::SNIFF_LEN as u64))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")))?;
    let mut first = Vec::new();
    while let Some(chunk) = stream.next().await {
        first.extend_from_slice(&chunk.map_err(|e| ApiError::Internal(e.into()))?);
        if first.len() >= domain::apply::files::SNIFF_LEN {
            break;
        }
    }
    let size = upload.length().unwrap_or(upload.offset());
    let checked = match domain::apply::files::check_file(material, &name, size, &first) {
        Ok(domain::FileType::Pdf) => match pdf_active_content(&files.storage, &handle, size).await? {
            Some(what) => Err(domain::apply::files::pdf_refusal(&name, what)),
            None => Ok(domain::FileType::Pdf),
        },
        other => other,
    };
    match checked {
        Ok(file_type) => Ok(CheckedUpload {
            upload: upload_id.to_owned(),
            item: item_code,
            material: material_id,
            file_name: name,
            size,
            file_type,
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

/// The active content of a stored PDF, if any: the whole file is read (it is
/// at most a material's size limit), and every compressed stream in it is
/// inflated too, so a script in an object stream is found as well.
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
    if let Some(found) = domain::apply::files::pdf_active_content(&bytes) {
        return Ok(Some(found));
    }
    let mut rest = &bytes[..];
    let mut budget: u64 = 256 * 1_048_576;
    while let Some(start) = find(rest, b"stream") {
        let mut body = &rest[start + 6..];
        body = body.strip_prefix(b"\r").unwrap_or(body);
        body = body.strip_prefix(b"\n").unwrap_or(body);
        let end = find(body, b"endstream").unwrap_or(body.len());
        let mut inflated = Vec::new();
        let reader = flate2::read::ZlibDecoder::new(&body[..end]);
        // A bomb is cut off: at most the budget is inflated, in all.
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(reader, budget), &mut inflated);
        budget = budget.saturating_sub(inflated.len() as u64);
        if let Some(found) = domain::apply::files::pdf_active_content(&inflated) {
            return Ok(Some(found));
        }
        rest = &body[end..];
        if budget == 0 {
            break;
        }
    }
    Ok(None)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether an upload already belongs to a case (a file is submitted once).
pub async fn is_attached(state: &crate::AppState, upload_id: &str) -> Result<bool, ApiError> {
    let row = sqlx::query("SELECT 1 AS found FROM case_files WHERE upload = $1")
        .bind(upload_id)
        .fetch_optional(&state.db)
        .await?;
    Ok(row.is_some())
}

/// A finished upload's bytes as a stream (for the staff's download), with its
/// length; never held in memory whole.
pub async fn open(
    state: &crate::AppState,
    upload_id: &str,
) -> Result<(u64, tus_protocol::storage::ByteStream), ApiError> {
    let missing = || ApiError::NotFound("没有找到这个文件".to_owned());
    let files = &state.uploads;
    let upload = files.state.get(upload_id).await.map_err(|_| missing())?.ok_or_else(missing)?;
    let handle = upload.storage_handle().ok_or_else(missing)?;
    let size = upload.length().unwrap_or(upload.offset());
    let stream = files
        .storage
        .stream_range(&handle, 0, None)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")))?;
    Ok((size, stream))
}

/// The uploads sent with an application or a supplement, by material: each
/// one checked again (it exists, is complete, is what its name says, belongs to
/// this item and material, and is not already part of a case). The files that
/// pass, and a problem for each that does not.
pub async fn gather(
    state: &crate::AppState,
    owner: &ApplicationKey,
    item: &str,
    uploads: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<(Vec<crate::case::cases::NewFile>, Vec<domain::apply::submission::MaterialError>), ApiError> {
    use domain::apply::submission::MaterialError;
    if uploads.values().map(Vec::len).sum::<usize>() > domain::apply::submission::MAX_UPLOADS_PER_REQUEST {
        return Err(ApiError::BadRequest(format!(
            "一次最多提交 {} 个文件，请删除多余的文件后再提交",
            domain::apply::submission::MAX_UPLOADS_PER_REQUEST
        )));
    }
    let mut files = Vec::new();
    // The same rule as the task list's: each upload once.
    let mut problems = domain::apply::submission::duplicate_uploads(uploads);
    let mut seen = std::collections::BTreeSet::new();
    for (material, ids) in uploads {
        let problem = |message: String| MaterialError { material: material.clone(), message };
        for id in ids {
            if !seen.insert(id.as_str()) {
                continue; // reported above
            }
            if is_attached(state, id).await? {
                problems.push(problem(domain::apply::submission::DUPLICATE_FILE.to_owned()));
                continue;
            }
            match verify(state, owner, id).await {
                Ok(file) if file.item == item && &file.material == material => {
                    files.push(crate::case::cases::NewFile {
                        upload: file.upload,
                        owner: owner.hash.clone(),
                        material: file.material,
                        name: file.file_name,
                        size: file.size,
                    });
                }
                Ok(file) => problems.push(problem(format!("“{}”不是这项材料的文件，请重新上传", file.file_name))),
                Err(ApiError::Internal(error)) => return Err(ApiError::Internal(error)),
                Err(error) => problems.push(problem(error.message())),
            }
        }
    }
    Ok((files, problems))
}
