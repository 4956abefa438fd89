//! An application's uploads as a case takes them: each one checked again and
//! claimed for it, and a case's file opened for staff.

use tus_protocol::{StateStore, StorageReader};

use super::checks::verify;
use crate::apply::application_key::ApplicationKey;
use crate::error::ApiError;

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
    let damaged = || {
        ApiError::Damaged(
            "这个文件在存储中已损坏或被改动，系统已拒绝提供。请联系系统管理员从备份恢复，或请申请人补正重新上传。"
                .to_owned(),
        )
    };
    let invalid = |e: &std::io::Error| e.kind() == std::io::ErrorKind::InvalidData;
    let mut stream = files.storage.stream_range(&handle, 0, None).await.map_err(|e| match &e {
        tus_protocol::Error::Storage(inner) if inner.downcast_ref::<std::io::Error>().is_some_and(invalid) => damaged(),
        _ => ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")),
    })?;
    // The first piece is checked before anything is answered, so a damaged
    // start is a clear error; later damage cuts the download short.
    use futures_util::StreamExt;
    let stream: tus_protocol::storage::ByteStream = match stream.next().await {
        Some(Err(e)) if invalid(&e) => return Err(damaged()),
        Some(Err(e)) => return Err(ApiError::Internal(anyhow::anyhow!("reading an upload: {e}"))),
        Some(Ok(first)) => Box::pin(futures_util::stream::once(async move { Ok(first) }).chain(stream)),
        None => stream,
    };
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
) -> Result<(Vec<crate::case::store::NewFile>, Vec<domain::apply::submission::MaterialError>), ApiError> {
    use domain::apply::submission::MaterialError;
    if uploads.values().map(Vec::len).sum::<usize>() > domain::apply::submission::MAX_UPLOADS_PER_REQUEST {
        return Err(ApiError::BadRequest(format!(
            "一次最多提交 {} 个文件，请删除多余的文件后再提交",
            domain::apply::submission::MAX_UPLOADS_PER_REQUEST
        )));
    }
    let mut files = Vec::new();
    // The same rules as the task list's: each upload once, each content once.
    let mut problems = domain::apply::submission::duplicate_uploads(uploads);
    let mut digests = std::collections::BTreeMap::<String, Vec<String>>::new();
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
                    digests.entry(material.clone()).or_default().push(digest(state, id).await?);
                    // Staff see which side a file is: the side's name goes before the file's.
                    let side = file.slot.and_then(|slot| {
                        state.catalog.material(item, material).and_then(|m| m.slots.get(usize::from(slot)).cloned())
                    });
                    let filled = domain::apply::submission::Filled {
                        slot: file.slot,
                        pdf: file.file_type == domain::FileType::Pdf,
                    };
                    files.push(crate::case::store::NewFile {
                        upload: file.upload,
                        owner: owner.hash.clone(),
                        material: file.material,
                        name: side.map_or(file.file_name.clone(), |side| format!("{side}：{}", file.file_name)),
                        size: file.size,
                        scanned: file.scanned,
                        filled,
                        reused: false,
                    });
                }
                Ok(file) => problems.push(problem(format!("“{}”不是这项材料的文件，请重新上传", file.file_name))),
                Err(ApiError::Internal(error)) => return Err(ApiError::Internal(error)),
                Err(ApiError::Unavailable(message)) => return Err(ApiError::Unavailable(message)),
                Err(error) => problems.push(problem(error.message())),
            }
        }
    }
    problems.extend(domain::apply::submission::duplicate_contents(&digests));
    Ok((files, problems))
}

/// SHA-256 (hex) of a stored upload's bytes, read as a stream.
async fn digest(state: &crate::AppState, upload_id: &str) -> Result<String, ApiError> {
    use futures_util::StreamExt;
    use sha2::Digest;
    let (_, mut stream) = open(state, upload_id).await?;
    let mut hasher = sha2::Sha256::new();
    while let Some(chunk) = stream.next().await {
        hasher.update(chunk.map_err(|e| ApiError::Internal(anyhow::anyhow!("reading an upload: {e}")))?);
    }
    Ok(crate::secret::hex(&hasher.finalize()))
}
