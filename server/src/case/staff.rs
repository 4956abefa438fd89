//! The staff API a department's approval system (or the staff console) calls:
//! its cases, each with its files, and every move of a case.
//!
//! `Authorization: Bearer <token>`. Tokens belong to one department and are
//! kept only as SHA-256; a token sees and moves its own department's cases
//! only, and another department's case answers exactly as a missing one.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use domain::case::view::StaffCase;
use domain::case::{Action, Actor};

use sqlx::AnyPool;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::case::audit::{self, What};
use crate::case::store::{self as cases, CaseRow, Step};
use crate::extract::{ApiJson, JsonBody};

use crate::case::staff_tokens::{Holder, Refusal};
use crate::error::ApiError;
use crate::hosting::disposition::{Disposition, content_disposition};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(read)).routes(routes!(act)).routes(routes!(download))
}

/// Make a token for a department; only its hash is stored. Returns the token.
pub async fn add_token(db: &AnyPool, department: &str, label: &str) -> anyhow::Result<String> {
    Ok(crate::case::staff_tokens::add(db, department, label, 365).await?.token)
}

impl JsonBody for Action {
    const REFUSAL: &'static str =
        "操作的格式不对：应为 {\"action\": \"accept\"} 这样的 JSON，补正、不予受理、暂停和办结还要写明所需的内容";
}

/// The holder of a valid token, and the client's address (for the access log).
pub struct Staff {
    pub department: String,
    pub holder: Holder,
    pub client: std::net::IpAddr,
}

impl Staff {
    fn actor(&self) -> Actor {
        Actor::Staff { department: self.department.clone(), by: Some(self.holder.label.clone()) }
    }

    /// Record an access in the access log.
    pub(crate) async fn log(
        &self,
        state: &AppState,
        what: What,
        case: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), ApiError> {
        audit::record(&state.db, &self.holder, what, case, detail, self.client).await
    }
}

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::Unauthorized("请提供部门令牌（Authorization: Bearer …）".to_owned()))?;
        match crate::case::staff_tokens::authenticate(&state.db, token).await? {
            Ok(holder) => {
                let client =
                    crate::hosting::client::address_of(&state.trusted_proxies, &parts.extensions, &parts.headers);
                Ok(Staff { department: holder.department.clone(), holder, client })
            }
            Err(Refusal::Unknown) => Err(ApiError::Unauthorized("部门令牌无效，请核对后重试".to_owned())),
            Err(Refusal::Revoked) => Err(ApiError::Unauthorized("这个令牌已停用，请向管理员领取新令牌".to_owned())),
            Err(Refusal::Expired) => Err(ApiError::Unauthorized("这个令牌已过期，请向管理员领取新令牌".to_owned())),
        }
    }
}

use domain::api::Me;

/// Whose token this is.
#[utoipa::path(get, path = "/staff/me", tag = "staff", security(("department_token" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn me(staff: Staff) -> Json<Me> {
    Json(Me { department: staff.department, label: staff.holder.label })
}

/// One of the department's cases, or the same "not found" as for no case at all.
pub(crate) async fn own(state: &AppState, staff: &Staff, case_number: &str) -> Result<CaseRow, ApiError> {
    let missing = || ApiError::NotFound(format!("本部门没有编号为 {case_number} 的办件"));
    let number = domain::reference::CaseNumber::parse(case_number).ok_or_else(missing)?;
    match cases::load(state, &number).await? {
        Some(case) if case.department == staff.department => crate::case::moves::enforce_deadlines(state, case).await,
        _ => Err(missing()),
    }
}

/// A case whose files the token may read: its own department's, and, for
/// the lead department of a joint case, every part's (to check the other
/// departments' documents before accepting for everyone; read only).
async fn readable(state: &AppState, staff: &Staff, case_number: &str) -> Result<CaseRow, ApiError> {
    let missing = || ApiError::NotFound(format!("本部门没有编号为 {case_number} 的办件"));
    let number = domain::reference::CaseNumber::parse(case_number).ok_or_else(missing)?;
    let case = cases::load(state, &number).await?.ok_or_else(missing)?;
    if case.department == staff.department {
        return Ok(case);
    }
    let whole = match case.whole_number() {
        Some(whole) => cases::load_stored(state, whole).await?,
        None => None,
    };
    match whole {
        Some(whole) if whole.department == staff.department => Ok(case),
        Some(_) | None => Err(missing()),
    }
}

/// One case: the application, its files (to download through the API), timeline and the actions it allows.
#[utoipa::path(get, path = "/staff/cases/{case}", tag = "staff", security(("department_token" = [])),
    params(("case" = String, Path, description = "办件编号")),
    responses((status = 200, body = StaffCase), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn read(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(case): Path<String>,
) -> Result<Json<StaffCase>, ApiError> {
    let case = own(&state, &staff, &case).await?;
    staff.log(&state, What::ReadCase, Some(&case.case_number), None).await?;
    Ok(Json(crate::case::views::staff_view(&state, &case).await?))
}

/// Move a case: `{"action": "accept"}`, `{"action": "request_supplement", "items": [{"material", "reason"}]}`,
/// `{"action": "refuse", "reason"}`, `start`, `suspend` (reason), `resume`, `complete` (result), `pre_review`.
#[utoipa::path(post, path = "/staff/cases/{case}/actions", tag = "staff", security(("department_token" = [])),
    params(("case" = String, Path, description = "办件编号")), request_body = Action,
    responses((status = 200, body = StaffCase), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "The case's status does not allow it"),
              (status = 422, body = ErrorBody, description = "A reason, result or material is missing")))]
async fn act(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(case): Path<String>,
    ApiJson(action): ApiJson<Action>,
) -> Result<Json<StaffCase>, ApiError> {
    let case = own(&state, &staff, &case).await?;
    staff.log(&state, What::MoveCase, Some(&case.case_number), Some(action.name())).await?;
    let moved = crate::case::moves::record(&state, &case, Step::of(&action, &staff.actor()), &[]).await?;
    Ok(Json(crate::case::views::staff_view(&state, &moved).await?))
}

/// A file of the case, streamed.
#[utoipa::path(get, path = "/staff/cases/{case}/files/{upload}", tag = "staff", security(("department_token" = [])),
    params(("case" = String, Path, description = "办件编号"), ("upload" = String, Path, description = "上传编号")),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn download(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path((case, upload)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let case = readable(&state, &staff, &case).await?;
    let files = cases::files(&state, &case).await?;
    let file = files
        .iter()
        .find(|f| f.upload == upload)
        .ok_or_else(|| ApiError::NotFound("这个办件没有这个文件".to_owned()))?;
    staff.log(&state, What::DownloadFile, Some(&case.case_number), Some(&upload)).await?;
    let (size, stream) = crate::apply::uploads::gather::open(&state, &upload).await?;
    let content_type = match domain::apply::files::from_extension(&file.name) {
        Some(domain::FileType::Pdf) => "application/pdf",
        Some(domain::FileType::Jpg) => "image/jpeg",
        Some(domain::FileType::Png) => "image/png",
        None => "application/octet-stream",
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_LENGTH, size.to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(Disposition::Attachment, &file.name)),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
