//! A file from an earlier case offered for a new application (材料复用): read
//! back and checked against the new material's rules (type by its first
//! bytes, size). Never deleted, whatever they say: a case holds it.

use tus_protocol::StateStore;

use super::store::text;
use crate::error::ApiError;

/// What the new material learns of the file.
pub struct Rechecked {
    pub file_type: domain::FileType,
    pub slot: Option<u8>,
}

/// The file checked for `material`: its type and side, or why it does not fit.
pub async fn recheck(
    state: &crate::AppState,
    upload_id: &str,
    name: &str,
    material: &domain::Material,
) -> Result<Result<Rechecked, String>, ApiError> {
    let files = &state.uploads;
    let Some(upload) = files.state.get(upload_id).await.map_err(|e| ApiError::Internal(e.into()))? else {
        return Ok(Err(domain::apply::reuse::NOT_OFFERED.to_owned()));
    };
    let Some(handle) = upload.storage_handle().filter(|_| upload.is_complete()) else {
        return Ok(Err(domain::apply::reuse::NOT_OFFERED.to_owned()));
    };
    let first = super::checks::first_bytes(&files.storage, &handle).await?;
    let size = upload.length().unwrap_or(upload.offset());
    let slot = text(upload.metadata(), "slot").parse::<u8>().ok().filter(|s| usize::from(*s) < material.slots.len());
    Ok(domain::apply::files::check_file(material, name, size, &first).map(|file_type| Rechecked { file_type, slot }))
}
