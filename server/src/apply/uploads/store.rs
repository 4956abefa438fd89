//! Where upload bytes go and how they are read back: the tus routes, the
//! storage (encrypted, on disk or in S3), the creation hook and expiry.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use sqlx::AnyPool;
use tus_protocol::hooks::{HookChain, PreHookResult};
use tus_protocol::{ChecksumAlgorithm, Config, Extension, ProtocolHandle, StateStore, Storage, UploadMetadata};
use tus_storage_opendal::opendal::Operator;
use tus_storage_opendal::opendal::services::{Fs, S3};

use crate::apply::uploads::state::{DbLocker, DbStateStore};
use crate::settings::StorageSettings;
use tus_storage_opendal::OpendalStorage;

use crate::at_rest::data_key::DataKeys;
use crate::at_rest::storage::EncryptedStorage;
use crate::catalog::Catalog;
use crate::error::ApiError;

/// The largest file any material may take (a material's own limit is lower).
pub const MAX_UPLOAD_BYTES: u64 = domain::catalog::check::MAX_FILE_MB as u64 * 1_048_576;
/// Unfinished uploads are kept this long after their last byte.
const EXPIRATION: Duration = crate::settings::Retention::UNFINISHED_UPLOAD;

/// What reads finished uploads back.
/// The storage every upload goes through: encrypted at rest.
pub type Files = EncryptedStorage<OpendalStorage>;

pub struct UploadFiles {
    db: AnyPool,
    keys: Arc<DataKeys>,
    pub(super) storage: Files,
    pub(super) state: DbStateStore,
    locks: DbLocker,
}

pub fn text(metadata: &UploadMetadata, key: &str) -> String {
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
                .secret_access_key(&need(
                    &settings.s3_secret_access_key.as_ref().map(|s| s.expose().to_owned()),
                    "BIANMIN_S3_SECRET_ACCESS_KEY",
                )?)
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
        EncryptedStorage::new(OpendalStorage::new(operator.clone()), Arc::clone(&keys), db.clone()),
        DbStateStore::new(db.clone(), Arc::clone(&keys)),
        DbLocker::new(db.clone()),
        hooks,
    );
    let router = tus_axum::TusRouter::new(tus_axum::TusState::new(protocol)).build()?;
    let reader = UploadFiles {
        storage: EncryptedStorage::new(OpendalStorage::new(operator), Arc::clone(&keys), db.clone()),
        state: DbStateStore::new(db.clone(), Arc::clone(&keys)),
        locks: DbLocker::new(db.clone()),
        db,
        keys,
    };
    Ok((router, reader))
}

/// Delete the unfinished uploads that expired before `before`; how many went.
pub async fn reclaim_expired(
    storage: &Files,
    keys: &Arc<DataKeys>,
    db: &AnyPool,
    before: tus_protocol::chrono::DateTime<tus_protocol::chrono::Utc>,
) -> tus_protocol::Result<usize> {
    let (state, locker) = (DbStateStore::new(db.clone(), Arc::clone(keys)), DbLocker::new(db.clone()));
    Ok(tus_protocol::reclaim_expired_uploads(storage, &state, &locker, before).await?.removed())
}

impl UploadFiles {
    /// Delete the unfinished uploads that expired before now (the scheduler's
    /// hourly job; each upload is locked while it goes); how many went.
    pub async fn reclaim_expired(&self) -> tus_protocol::Result<usize> {
        reclaim_expired(&self.storage, &self.keys, &self.db, tus_protocol::chrono::Utc::now()).await
    }

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
