//! Ratings made on the province's own 好差评 page
//! (`BIANMIN_PROVINCE_RATING_URL`), sent back to `POST /api/province/ratings`:
//! the body signed by the province (`X-Province-Signature`, hex HMAC-SHA256
//! of the body under `BIANMIN_PROVINCE_RATING_SECRET`), the satisfaction on the
//! profile's scale. Recorded as any rating (a 差评 opens a work order, the
//! figures count it) but not reported upward again: the province has it.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use domain::api::ErrorBody;
use domain::case::exchange::codes::channel_of;
use domain::case::rating::Stage;
use domain::case::view::{Rating, check_rating};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::case::rating::Origin;
use crate::error::ApiError;

/// A rating as the province sends it back.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ProvinceRating {
    /// The province's case number.
    #[schema(max_length = 64)]
    pub projid: String,
    /// On the profile's scale: the standard's (1 非常满意 … 5) for `national-db`,
    /// Zhejiang's (5 非常满意 … 1) for `acceptance-http`.
    #[schema(minimum = 1, maximum = 5)]
    pub satisfaction: u8,
    /// 评价渠道, as the national 好差评 system numbers them.
    pub channel: String,
    /// `1` 受理, `2` 办结.
    pub stage: String,
    /// Why, for 不满意 and 非常不满意.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// What the province is answered.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    /// `00`: recorded.
    pub code: &'static str,
    /// The rating's round on the case (1, or 2 after a 差评 was answered).
    pub round: u8,
}

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(receive))
}

/// A rating the province's page took, recorded on its case.
#[utoipa::path(post, path = "/province/ratings", tag = "province", request_body = ProvinceRating,
    params(("X-Province-Signature" = String, Header, description = "hex HMAC-SHA256 of the body under the rating secret")),
    responses((status = 200, body = Recorded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn receive(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Recorded>, ApiError> {
    // Unsigned is refused before anything is looked at.
    let signature = headers.get("x-province-signature").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let given = hex(signature.trim())
        .filter(|g| !g.is_empty())
        .ok_or_else(|| ApiError::Unauthorized("缺少省平台的签名，或签名不对".to_owned()))?;
    let (Some(exchange), Some(page)) =
        (state.exchange.as_ref(), state.exchange.as_ref().and_then(|e| e.rating_page.as_ref()))
    else {
        return Err(ApiError::NotFound("本中心没有使用省平台的评价页面".to_owned()));
    };
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(page.secret.expose().as_bytes()).expect("any key");
    mac.update(&body);
    mac.verify_slice(&given).map_err(|_| ApiError::Unauthorized("签名不对".to_owned()))?;
    let rating: ProvinceRating =
        serde_json::from_slice(&body).map_err(|_| ApiError::BadRequest("评价内容无法读取".to_owned()))?;
    let satisfaction = exchange
        .profile
        .satisfaction(rating.satisfaction)
        .ok_or_else(|| ApiError::Unprocessable("满意度应为 1 到 5".to_owned()))?;
    let channel = channel_of(&rating.channel)
        .ok_or_else(|| ApiError::Unprocessable(format!("评价渠道“{}”不在代码表中", rating.channel)))?;
    let stage = match rating.stage.as_str() {
        "1" => Stage::Acceptance,
        "2" => Stage::Completion,
        other => return Err(ApiError::Unprocessable(format!("评价环节应为 1 或 2，这里是“{other}”"))),
    };
    let given =
        Rating { overall: satisfaction.overall(), indicators: Default::default(), reason: rating.reason.clone() };
    if let Some(problem) = check_rating(&given).into_iter().next() {
        return Err(ApiError::Unprocessable(problem.message));
    }
    let number: Option<String> = sqlx::query_scalar("SELECT case_number FROM cases WHERE province_number = $1")
        .bind(&rating.projid)
        .fetch_optional(&state.db)
        .await?;
    let case = match number {
        Some(number) => crate::case::store::load_stored(&state, &number).await?,
        None => None,
    }
    .ok_or_else(|| ApiError::NotFound(format!("没有省平台办件编号为 {} 的办件", rating.projid)))?;
    let round = crate::case::rating::rate(&state, &case, stage, &given, (channel, Origin::Province)).await?;
    Ok(Json(Recorded { code: "00", round }))
}

/// Hex text as bytes.
fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}
