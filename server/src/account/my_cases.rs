//! 我的办件: a signed-in person's cases on any device, and 认领 — binding a
//! case made without signing in, proven with its case number and query code
//! (counted against guessing like any look-up).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use domain::account::identity::Identity;
use domain::api::ErrorBody;
use domain::apply::form::ApplicationForm;
use domain::case::view::{CaseKey, CaseView};
use domain::reference::CaseNumber;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::owners;
use crate::account::routes::MaybeSignedIn;
use crate::account::sessions::Session;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::hosting::client::Client;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(mine)).routes(routes!(claim)).routes(routes!(last_form))
}

fn signed_in(session: Option<Session>) -> Result<Session, ApiError> {
    session.ok_or_else(|| ApiError::Unauthorized("请先登录，再查看我的办件".to_owned()))
}

/// The signed-in person's cases, each as its status page shows it.
#[utoipa::path(get, path = "/my/cases", tag = "account",
    responses((status = 200, body = Vec<CaseView>), (status = 401, body = ErrorBody)))]
async fn mine(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Json<Vec<CaseView>>, ApiError> {
    let session = signed_in(session)?;
    Ok(Json(views_of(&state, &session.identity).await?))
}

/// Every case bound to the person, each as its status page shows it.
pub async fn views_of(state: &AppState, identity: &Identity) -> Result<Vec<CaseView>, ApiError> {
    let mut out = Vec::new();
    for number in owners::cases_of(state, identity).await? {
        let Some(number) = CaseNumber::parse(&number) else { continue };
        // A case removed by the retention rules is simply no longer listed.
        if let Some(case) = crate::case::store::load(state, &number).await? {
            let case = crate::case::moves::enforce_deadlines(state, case).await?;
            out.push(crate::case::views::applicant_view(state, &case).await?);
        }
    }
    Ok(out)
}

/// Which item's form to fill from the last application.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForItem {
    /// 事项编码.
    item: String,
}

/// The form of the person's latest application of this item, to fill a new
/// one from on request (after agreeing to prefill); the page fills the
/// verified name and ID number over it again.
#[utoipa::path(get, path = "/my/last-form", tag = "account", params(ForItem),
    responses((status = 200, body = ApplicationForm), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn last_form(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
    crate::extract::ApiQuery(query): crate::extract::ApiQuery<ForItem>,
) -> Result<Json<ApplicationForm>, ApiError> {
    let session = signed_in(session)?;
    let agreed = crate::account::consents::given(&state, &session.identity).await?;
    if !agreed.contains(&domain::account::consent::Purpose::Prefill) {
        return Err(ApiError::Forbidden("请先同意用认证过的信息自动填写".to_owned()));
    }
    let mut latest: Option<crate::case::store::CaseRow> = None;
    for number in owners::cases_of(&state, &session.identity).await? {
        let Some(number) = CaseNumber::parse(&number) else { continue };
        let Some(case) = crate::case::store::load(&state, &number).await? else { continue };
        if case.item_code == query.item && latest.as_ref().is_none_or(|l| l.submitted_at < case.submitted_at) {
            latest = Some(case);
        }
    }
    let case = latest.ok_or_else(|| ApiError::NotFound("没有找到您以前办过这个事项的申请".to_owned()))?;
    Ok(Json(case.application.form))
}

/// 认领: bind a case made without signing in, with its case number and query code.
#[utoipa::path(post, path = "/my/cases/claim", tag = "account", request_body = CaseKey,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn claim(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    MaybeSignedIn(session): MaybeSignedIn,
    ApiJson(key): ApiJson<CaseKey>,
) -> Result<Json<CaseView>, ApiError> {
    let session = signed_in(session)?;
    let case = crate::case::applicant::open(&state, address, &key).await?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    owners::bind(&mut tx, &state, &session.identity, &case.case_number).await?;
    tx.commit().await?;
    Ok(Json(crate::case::views::applicant_view(&state, &case).await?))
}
