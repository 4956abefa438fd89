//! 材料复用: a signed-in applicant who agreed to it is offered the files of
//! their earlier cases (not withdrawn) for the materials of a new application
//! that may be reused, previews one, and names the chosen ones in the
//! submission. The case then refers to the same stored file: nothing is
//! copied, and the new case's application key cannot delete it (a case holds it).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::account::consent::Purpose;
use domain::account::identity::Identity;
use domain::api::ErrorBody;
use domain::apply::reuse::{EarlierFile, NOT_OFFERED};
use domain::apply::submission::{Filled, MaterialError};
use domain::case::Status;
use domain::reference::CaseNumber;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::routes::MaybeSignedIn;
use crate::case::store::{CaseRow, NewFile};
use crate::error::ApiError;
use crate::extract::ApiQuery;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(preview))
}

/// Which item or bundle the offer is for.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForItem {
    /// 事项编码, or a 一件事's code.
    item: String,
}

/// The person, agreed to material reuse; else the refusal in words.
async fn reusing(state: &AppState, identity: Option<&Identity>) -> Result<Identity, ApiError> {
    let identity = identity.ok_or_else(|| ApiError::Unauthorized("请先登录，再使用以前提交过的材料".to_owned()))?;
    if !crate::account::consents::given(state, identity).await?.contains(&Purpose::MaterialReuse) {
        return Err(ApiError::Forbidden("请先同意使用以前提交过的材料".to_owned()));
    }
    Ok(identity.clone())
}

/// What an application for `code` may be given: an item's materials, or
/// every document of a bundle under its checklist id.
fn wanted(state: &AppState, code: &str) -> Vec<domain::Material> {
    match (state.catalog.get(code), state.catalog.bundle(code)) {
        (Some(item), _) => item.materials.clone(),
        (None, Some(bundle)) => bundle.documents(),
        (None, None) => Vec::new(),
    }
}

/// The cases whose files are the person's to reuse: their single cases and
/// the parts of their joint cases, none withdrawn.
async fn sources(state: &AppState, identity: &Identity) -> Result<Vec<CaseRow>, ApiError> {
    let mut out = Vec::new();
    for number in crate::account::owners::cases_of(state, identity).await? {
        let Some(number) = CaseNumber::parse(&number) else { continue };
        let Some(case) = crate::case::store::load(state, &number).await? else { continue };
        if case.status == Status::Withdrawn {
            continue;
        }
        if case.bundle().is_some() {
            let parts = crate::case::store::parts(state, &case.case_number).await?;
            out.extend(parts.into_iter().filter(|p| p.status != Status::Withdrawn));
        } else if !case.is_joint() {
            out.push(case);
        }
    }
    Ok(out)
}

/// Every file of the person's earlier cases that may stand for a material of
/// `code` (an item or a bundle), once each, with whether a virus scan passed it.
async fn offered(state: &AppState, identity: &Identity, code: &str) -> Result<Vec<(EarlierFile, bool)>, ApiError> {
    let wanted = wanted(state, code);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<(EarlierFile, bool)> = Vec::new();
    for case in sources(state, identity).await? {
        let Ok(earlier) = case.item(state) else { continue };
        for file in crate::case::store::files(state, &case).await? {
            // What that case's department needed new is not offered either.
            let Some(was) = earlier.materials.iter().find(|m| m.id == file.material && m.reusable) else {
                continue;
            };
            // The same document: the same item's material (a bundle names it `CODE.material`),
            // or one of the same name (the catalog's rule: same name = same document).
            let same = |m: &&domain::Material| {
                (m.id == file.material && code == earlier.code)
                    || m.id == format!("{}.{}", earlier.code, file.material)
                    || m.name == was.name
            };
            let Some(material) = wanted.iter().filter(|m| m.reusable).find(same) else {
                continue;
            };
            // One upload several parts of a joint case used: offered once.
            if out.iter().any(|(o, _)| o.upload == file.upload) {
                continue;
            }
            // A side's name goes before the file's (`人像面：…`) where the material has sides.
            let slot = material
                .slots
                .iter()
                .position(|side| file.name.starts_with(&format!("{side}：")))
                .and_then(|i| u8::try_from(i).ok());
            let offer = EarlierFile {
                upload: file.upload,
                material: material.id.clone(),
                material_name: material.name.clone(),
                name: file.name,
                size: file.size,
                slot,
                case_number: case.whole_number().unwrap_or(&case.case_number).to_owned(),
                item_name: earlier.name.clone(),
                added_at: file.added_at,
            };
            out.push((offer, file.scanned));
        }
    }
    Ok(out)
}

/// The signed-in person's earlier files that may be used for this item's materials.
#[utoipa::path(get, path = "/my/materials", tag = "account", params(ForItem),
    responses((status = 200, body = Vec<EarlierFile>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn list(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
    ApiQuery(query): ApiQuery<ForItem>,
) -> Result<Json<Vec<EarlierFile>>, ApiError> {
    let identity = reusing(&state, session.as_ref().map(|s| &s.identity)).await?;
    let files = offered(&state, &identity, &query.item).await?;
    Ok(Json(files.into_iter().map(|(f, _)| f).collect()))
}

/// One earlier file to look at before using it (only the person's own).
#[utoipa::path(get, path = "/my/materials/{upload}", tag = "account",
    params(("upload" = String, Path, description = "The file's upload id, as listed"), ForItem),
    responses((status = 200, description = "The file"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn preview(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
    Path(upload): Path<String>,
    ApiQuery(query): ApiQuery<ForItem>,
) -> Result<Response, ApiError> {
    let identity = reusing(&state, session.as_ref().map(|s| &s.identity)).await?;
    let missing = || ApiError::NotFound("没有找到这份材料".to_owned());
    let files = offered(&state, &identity, &query.item).await?;
    let (file, _) = files.into_iter().find(|(f, _)| f.upload == upload).ok_or_else(missing)?;
    let (size, stream) = crate::apply::uploads::gather::open(&state, &upload).await?;
    let kind = match file.name.rsplit('.').next().map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

/// The reused files a submission names, as the new case's: each must be one
/// the person is offered for that very material, and fit its rules now.
pub async fn gather(
    state: &AppState,
    identity: Option<&Identity>,
    item: &str,
    reused: &BTreeMap<String, Vec<String>>,
) -> Result<(Vec<NewFile>, Vec<MaterialError>), ApiError> {
    if reused.values().all(Vec::is_empty) {
        return Ok((Vec::new(), Vec::new()));
    }
    // Not signed in, or not agreed: said by material, like any other problem of the submission.
    let identity = match reusing(state, identity).await {
        Ok(identity) => identity,
        Err(ApiError::Unauthorized(message) | ApiError::Forbidden(message)) => {
            let problems = reused.keys().map(|m| MaterialError { material: m.clone(), message: message.clone() });
            return Ok((Vec::new(), problems.collect()));
        }
        Err(other) => return Err(other),
    };
    let offers = offered(state, &identity, item).await?;
    let (mut files, mut problems) = (Vec::new(), Vec::new());
    for (material_id, uploads) in reused {
        let problem = |message: &str| MaterialError { material: material_id.clone(), message: message.to_owned() };
        let Some(material) = state.catalog.material(item, material_id) else {
            problems.push(problem(NOT_OFFERED));
            continue;
        };
        for upload in uploads {
            // Offered for this material: by its id, or by its name (a bundle's checklist
            // names a document by the first item that needs it under these answers).
            let Some((offer, scanned)) = offers
                .iter()
                .find(|(o, _)| &o.upload == upload && (&o.material == material_id || o.material_name == material.name))
            else {
                problems.push(problem(NOT_OFFERED));
                continue;
            };
            match crate::apply::uploads::earlier::recheck(state, upload, &offer.name, material).await? {
                Ok(fits) => files.push(NewFile {
                    upload: upload.clone(),
                    owner: String::new(),
                    material: material_id.clone(),
                    name: offer.name.clone(),
                    size: offer.size,
                    scanned: *scanned,
                    filled: Filled { slot: fits.slot, pdf: fits.file_type == domain::FileType::Pdf },
                    reused: true,
                }),
                Err(message) => problems.push(problem(&message)),
            }
        }
    }
    Ok((files, problems))
}
