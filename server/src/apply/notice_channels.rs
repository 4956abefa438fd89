//! `GET /api/notice-channels`: whether this centre sends SMS and email, so the
//! review page offers the applicant only the channels that will really carry
//! notices (and the receipt promises nothing else).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use domain::api::NoticeChannels;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(notice_channels))
}

/// `GET /api/notice-channels`.
#[utoipa::path(get, path = "/notice-channels", tag = "apply", responses((status = 200, body = NoticeChannels)))]
async fn notice_channels(State(state): State<Arc<AppState>>) -> Json<NoticeChannels> {
    Json(NoticeChannels { sms: state.sms.is_some(), email: crate::notify::email::configured(&state.notify) })
}
