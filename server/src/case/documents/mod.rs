//! The statutory documents of a case, downloaded: by the department's staff
//! (`GET`, with the token) and by the applicant (`POST`, with the case number
//! and query code in the body, never in a URL), as PDF or a printable page.

pub mod html;
pub mod pdf;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use domain::case::document::{DocumentText, Format};
use domain::case::view::DocumentRequest;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::case::audit::What;
use crate::case::staff::{Staff, own};
use crate::case::store::documents;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, JsonBody};
use crate::hosting::client::Client;
use crate::hosting::disposition::{Disposition, content_disposition};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(staff_copy))
        .routes(routes!(applicant_copy))
        .routes(routes!(printed_application))
}

impl JsonBody for DocumentRequest {
    const REFUSAL: &'static str = "请求的格式不对：应为 {\"case_number\", \"query_code\", \"id\"} 这样的 JSON";
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Printed {
    /// `pdf` (default) or `html`.
    #[serde(default)]
    format: Format,
}

/// The issuer's seal image (PNG), when the centre configured one for it.
fn seal(state: &AppState, issuer: &str) -> Option<Vec<u8>> {
    let dir = state.documents.seal_dir.as_ref()?;
    // A department's name, never a path.
    if issuer.is_empty() || issuer.contains(['/', '\\']) || issuer.starts_with('.') {
        return None;
    }
    let path = dir.join(format!("{issuer}.png"));
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            tracing::warn!(%error, seal = %path.display(), "a seal image cannot be read");
            None
        }
    }
}

/// The document as its format asks, with a file name that says what it is.
fn respond(state: &AppState, document: &DocumentText, format: Format) -> Result<Response, ApiError> {
    let seal = seal(state, &document.issuer);
    printed(state, document, format, seal)
}

/// [`respond`] with the seal given (none for what the applicant signs).
fn printed(
    state: &AppState,
    document: &DocumentText,
    format: Format,
    seal: Option<Vec<u8>>,
) -> Result<Response, ApiError> {
    let (content_type, extension, body) = match format {
        Format::Pdf => ("application/pdf", "pdf", pdf::render(state, document, seal.as_deref())?),
        Format::Html => ("text/html; charset=utf-8", "html", html::render(document, seal.as_deref()).into_bytes()),
    };
    let name = format!("{}{}.{extension}", document.title, document.number);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, content_disposition(Disposition::Inline, &name)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from(body),
    )
        .into_response())
}

fn missing() -> ApiError {
    ApiError::NotFound("这个办件没有这份文书".to_owned())
}

/// One of a case's documents (受理通知书, 不予受理决定书, 补正告知书, 许可决定书).
#[utoipa::path(get, path = "/staff/cases/{case}/documents/{id}", tag = "staff", security(("department_token" = [])),
    params(("case" = String, Path, description = "办件编号"), ("id" = String, Path, description = "文书编号"), Printed),
    responses((status = 200, description = "The document", content_type = "application/pdf"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "No font for the PDF: the printable page still works")))]
async fn staff_copy(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path((case, id)): Path<(String, String)>,
    ApiQuery(printed): ApiQuery<Printed>,
) -> Result<Response, ApiError> {
    let case = own(&state, &staff, &case).await?;
    let document = documents::load(&state, &case.case_number, &id).await?.ok_or_else(missing)?;
    staff.log(&state, What::DownloadFile, Some(&case.case_number), Some(&format!("document {id}"))).await?;
    respond(&state, &document, printed.format)
}

/// The 申请表 printed from the application, for the parties to sign at the
/// window where the department wants a signed paper form.
#[utoipa::path(get, path = "/staff/cases/{case}/application-form", tag = "staff", security(("department_token" = [])),
    params(("case" = String, Path, description = "办件编号"), Printed),
    responses((status = 200, description = "The form", content_type = "application/pdf"),
              (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "No font for the PDF: the printable page still works")))]
async fn printed_application(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(case): Path<String>,
    ApiQuery(format): ApiQuery<Printed>,
) -> Result<Response, ApiError> {
    let case = own(&state, &staff, &case).await?;
    let code = case.bundle().unwrap_or(&case.item_code).to_owned();
    let applying = state.catalog.applying(&code).ok_or_else(missing)?;
    let form = domain::apply::printed::application_form(
        applying,
        &case.application,
        case.whole_number().unwrap_or(&case.case_number),
        &case.department,
        case.received_on,
    );
    staff.log(&state, What::DownloadFile, Some(&case.case_number), Some("application form")).await?;
    printed(&state, &form, format.format, None)
}

/// The applicant's copy of one of the case's documents.
#[utoipa::path(post, path = "/cases/documents", tag = "cases", request_body = DocumentRequest,
    responses((status = 200, description = "The document", content_type = "application/pdf"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 503, body = ErrorBody, description = "No font for the PDF: the printable page still works")))]
async fn applicant_copy(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    crate::account::routes::ProvenSession(session): crate::account::routes::ProvenSession,
    ApiJson(request): ApiJson<DocumentRequest>,
) -> Result<Response, ApiError> {
    let case = crate::case::applicant::open_as(&state, address, session.as_ref(), &request.key).await?;
    // A joint case's departments issue their own refusals and decisions on their parts.
    let mut numbers = vec![case.case_number.clone()];
    if case.is_joint() {
        let joint = crate::case::joint::JointCase::of(&state, &case).await?;
        numbers.extend(joint.parts.iter().map(|p| p.case_number.clone()));
    }
    let mut document = None;
    for number in &numbers {
        if let Some(found) = documents::load(&state, number, &request.id).await? {
            document = Some(found);
            break;
        }
    }
    let document = document.ok_or_else(missing)?;
    respond(&state, &document, request.format)
}
