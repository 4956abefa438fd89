//! 窗口评价器: the pad at the service window. The clerk, signed in with the
//! department's token, opens the case by its number; the applicant taps a
//! level (and says why when unhappy); the rating counts with channel
//! 窗口评价器 at the stage the case is at (办结 once completed, else 受理).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use domain::api::ErrorBody;
use domain::case::rating::{Channel, Stage};
use domain::case::view::check_rating;
use domain::case::view::{PadRated, PadRating};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::case::audit::What;
use crate::case::staff::{Staff, own};
use crate::case::store::{self as cases, ratings};
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(rate_at_the_window))
}

impl JsonBody for PadRating {
    const REFUSAL: &'static str = "评价的格式不对：应为 {\"rating\": {\"overall\": 5}} 这样的 JSON";
}

/// Record the applicant's rating given on the window's pad.
#[utoipa::path(post, path = "/staff/cases/{case}/rating", tag = "staff", security(("department_token" = [])),
    params(("case" = String, Path, description = "办件编号")), request_body = PadRating,
    responses((status = 200, body = PadRated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Not open for rating, or rated"),
              (status = 422, body = ErrorBody)))]
async fn rate_at_the_window(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(case): Path<String>,
    ApiJson(body): ApiJson<PadRating>,
) -> Result<Json<PadRated>, ApiError> {
    let case = own(&state, &staff, &case).await?;
    // A joint case is rated as a whole.
    let case = match case.whole_number() {
        Some(whole) => {
            cases::load_stored(&state, whole).await?.ok_or_else(|| ApiError::NotFound("没有这个办件".into()))?
        }
        None => case,
    };
    if let Some(problem) = check_rating(&body.rating).into_iter().next() {
        return Err(ApiError::Unprocessable(problem.message));
    }
    let status = crate::case::views::applicant_view(&state, &case).await?.status;
    let given = ratings::of_case(&state, &case.case_number).await?;
    // The stage the case is at: its completion once completed, else its acceptance.
    let stage = match given.next_round(status, Stage::Completion) {
        Ok(_) => Stage::Completion,
        Err(_) => Stage::Acceptance,
    };
    let round = crate::case::rating::rate(
        &state,
        &case,
        stage,
        &body.rating,
        (Channel::HallPad, crate::case::rating::Origin::Bianmin),
    )
    .await?;
    staff.log(&state, What::MoveCase, Some(&case.case_number), Some("hall_pad_rating")).await?;
    Ok(Json(PadRated { stage, round }))
}
