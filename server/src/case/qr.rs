//! The QR code printed on the receipt: a phone that scans it opens the
//! case's status page (the case number only; the query code is typed, never
//! encoded), marked as come from the code, where the applicant follows the
//! case and rates it (channel 扫码评价).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(rating_code))
}

/// What the code holds: the case's status page, marked as scanned.
fn address(public_url: &str, case_number: &str) -> String {
    format!("{}/cases/{case_number}?from=qr", public_url.trim_end_matches('/'))
}

/// The receipt's QR code (SVG) for a case: any well-formed case number gets
/// one, so the answer says nothing about which cases exist.
#[utoipa::path(get, path = "/cases/{case}/rating-qr", tag = "cases",
    params(("case" = String, Path, description = "办件编号")),
    responses((status = 200, description = "An SVG image", content_type = "image/svg+xml"),
              (status = 404, body = ErrorBody)))]
async fn rating_code(State(state): State<Arc<AppState>>, Path(case): Path<String>) -> Result<Response, ApiError> {
    let number = domain::reference::CaseNumber::parse(&case)
        .ok_or_else(|| ApiError::NotFound("办件编号的格式不对".to_owned()))?;
    let code = qrcode::QrCode::new(address(&state.notify.public_url, number.as_str()).as_bytes())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("the receipt's QR code: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).quiet_zone(true).build();
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "public, max-age=86400")], svg)
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_holds_the_status_page_and_never_the_query_code() {
        let held = super::address("https://zwfw.example.gov.cn/", "ABCD-EFGH");
        assert_eq!(held, "https://zwfw.example.gov.cn/cases/ABCD-EFGH?from=qr");
    }
}
