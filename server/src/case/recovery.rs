//! 找回查询码: `POST /api/cases/recovery-codes` sends a one-time code to the
//! phone the application gave, when the number typed is that phone;
//! `POST /api/cases/recovery` takes the code back and reissues the query code
//! (the old one stops working). Nothing is read back from storage: only keyed
//! hashes of codes are kept. The same answer comes whether or not the phone
//! belongs to the case; the limits of one-time codes apply (per number, per
//! address, five tries a code).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::api::ErrorBody;
use domain::apply::identity;
use domain::case::recovery::{RecoveryCheck, RecoveryRequest, RecoverySent};
use domain::case::view::CaseKey;
use domain::reference::CaseNumber;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::at_rest::lookup::Purpose;
use crate::case::store as cases;
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};
use crate::hosting::client::Client;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(send_code)).routes(routes!(reissue))
}

impl JsonBody for RecoveryRequest {}
impl JsonBody for RecoveryCheck {}

/// What refusals end with: the way that always works.
const INSTEAD: &str = "，或拨打办理部门的咨询电话";

/// What a recovery code is bound to: this case (never an application).
fn bound_to(state: &AppState, case_number: &str) -> String {
    state.keys.lookup().hash(Purpose::PhoneCode, &format!("recover:{case_number}"))
}

fn number(typed: &str) -> Result<CaseNumber, ApiError> {
    CaseNumber::parse(typed).ok_or_else(|| ApiError::Unprocessable("请输入回执上的办件编号，例如 ABCD-EFGH".to_owned()))
}

fn mobile(typed: &str) -> Result<String, ApiError> {
    identity::check_mobile(typed)
        .map_err(|_| ApiError::Unprocessable("请输入提交申请时填写的11位手机号码".to_owned()))?;
    Ok(identity::normalise_mobile(typed))
}

/// Whether `phone` is the one the case's application gave.
async fn belongs(state: &AppState, number: &CaseNumber, phone: &str) -> Result<bool, ApiError> {
    let case = cases::load(state, number).await?;
    Ok(case.is_some_and(|c| identity::normalise_mobile(c.application.form.notice_phone()) == phone))
}

/// Send a code to the case's phone, if that is the number typed.
#[utoipa::path(post, path = "/cases/recovery-codes", tag = "cases", request_body = RecoveryRequest,
    responses((status = 202, body = RecoverySent, description = "Sent if the number belongs to the case; the same answer if not"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody, description = "This centre sends no SMS"),
              (status = 422, body = ErrorBody, description = "Not a case number or not a mobile number"),
              (status = 429, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn send_code(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    ApiJson(request): ApiJson<RecoveryRequest>,
) -> Result<(StatusCode, Json<RecoverySent>), ApiError> {
    let Some(provider) = state.sms.as_ref() else {
        return Err(ApiError::NotFound("这里没有开通短信，找回查询码请拨打办理部门的咨询电话".to_owned()));
    };
    let (number, phone) = (number(&request.case_number)?, mobile(&request.phone)?);
    // One budget with the other one-time codes of this address.
    let address_key = format!("phone-code:{}", crate::hosting::per_client::key(address));
    if state.limiter.add(&address_key, std::time::Duration::from_secs(3600)) > state.limits.phone_codes_per_hour {
        return Err(ApiError::TooManyRequests(format!("获取验证码太频繁了，请一小时后再试{INSTEAD}")));
    }
    if belongs(&state, &number, &phone).await? {
        crate::apply::phone_codes::issue(&state, provider, &bound_to(&state, number.as_str()), &phone, INSTEAD).await?;
    }
    let sent = RecoverySent { to: identity::mask_mobile(&phone), valid_secs: domain::apply::phone_code::VALID_SECS };
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// Take the code back and reissue the query code.
#[utoipa::path(post, path = "/cases/recovery", tag = "cases", request_body = RecoveryCheck,
    responses((status = 200, body = CaseKey, description = "The case number with its new query code"),
              (status = 400, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "A wrong, expired or spent code")))]
async fn reissue(
    State(state): State<Arc<AppState>>,
    ApiJson(request): ApiJson<RecoveryCheck>,
) -> Result<Json<CaseKey>, ApiError> {
    let (number, phone) = (number(&request.case_number)?, mobile(&request.phone)?);
    // A code exists only for a phone that belongs to the case: a right code proves both.
    crate::apply::phone_codes::take(&state, &bound_to(&state, number.as_str()), &phone, &request.code).await?;
    let query_code = crate::apply::submissions::item::reference()?;
    let hash = state.keys.lookup().hash(Purpose::QueryCode, &query_code);
    sqlx::query("UPDATE cases SET query_code_hash = $1 WHERE case_number = $2")
        .bind(&hash)
        .bind(number.as_str())
        .execute(&state.db)
        .await?;
    tracing::info!("a query code was reissued");
    Ok(Json(CaseKey { case_number: number.as_str().to_owned(), query_code }))
}
