//! The applicant's side of a case: look it up by case number and query code,
//! withdraw it, supply what was asked for (补正) or left for later (容缺), rate
//! it (好差评), and complain.
//!
//! The case number and query code travel in request bodies only. Nobody can
//! find or guess other cases: the query code is compared by hash in constant
//! time, "no such case" and "wrong code" get the same answer, and attempts are
//! limited per address and per case number.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use domain::api::ErrorBody;
use domain::apply::form::FieldError;
use domain::apply::submission::SubmissionProblems;
use domain::case::rating::Channel;
use domain::case::view::{CaseKey, CaseView, ComplaintBody, RatingBody, SupplementBody, check_complaint, check_rating};
use domain::case::{Action, Actor};
use domain::reference::{CaseNumber, QueryCode};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::routes::ProvenSession;
use crate::account::sessions::Session;
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::case::store::{self as cases, CaseRow, Step};
use crate::db::now_rfc3339;
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};
use crate::hosting::client::Client;

/// Wrong query codes one client address may try at one case per hour.
const FAILURES_PER_CLIENT: u32 = 10;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(lookup))
        .routes(routes!(withdraw))
        .routes(routes!(supplement))
        .routes(routes!(rate))
        .routes(routes!(complain))
}

impl JsonBody for CaseKey {}
impl JsonBody for SupplementBody {}
impl JsonBody for RatingBody {}
impl JsonBody for ComplaintBody {}

fn not_found() -> ApiError {
    ApiError::NotFound("办件编号或查询码不对。请对照回执核对后再试。".to_owned())
}

fn hash(state: &AppState, text: &str) -> String {
    state.keys.lookup().hash(crate::at_rest::lookup::Purpose::QueryCode, text)
}

/// The case for this key, or the one answer for every failure.
///
/// Wrong codes are counted per case and client address: ten an hour and that
/// address may not try this case again for the hour. Across all addresses a case
/// is never closed (a stranger who knows a case number must not keep its owner
/// out until a 容缺 deadline passes): past [`SLOW_AFTER`] wrong codes an hour,
/// every look-up of it waits longer, up to [`MAX_DELAY`]. Each attempt of an
/// address is counted before the comparison, in one statement, so concurrent
/// guesses each see their own number; the owner's right code takes its attempt
/// back. The per-case count (which only slows) is counted after a wrong code.
pub(crate) async fn open(state: &AppState, address: std::net::IpAddr, key: &CaseKey) -> Result<CaseRow, ApiError> {
    // An IPv6 host has a /64 to pick addresses from: it is one client.
    let address = crate::hosting::per_client::key(address);
    let minute = Duration::from_secs(60);
    if state.limiter.add(&format!("ip:{address}"), minute) > state.lookups_per_minute {
        return Err(ApiError::TooManyRequests("查询太频繁了，请一分钟后再试".to_owned()));
    }
    let number = CaseNumber::parse(&key.case_number);
    let code = QueryCode::parse(&key.query_code);
    let shown = number.as_ref().map_or("", CaseNumber::as_str);
    let (mine, all) = (format!("case:{shown}:{address}"), format!("case:{shown}"));
    let hour = Duration::from_secs(3600);
    if number.is_some() {
        if crate::hosting::limits::shared_add(&state.db, &mine, hour).await? > i64::from(FAILURES_PER_CLIENT) {
            return Err(ApiError::TooManyRequests(
                "这个办件编号输错查询码的次数太多，请 1 小时后再试，或拨打咨询电话查询。".to_owned(),
            ));
        }
        tokio::time::sleep(slowdown(crate::hosting::limits::shared_count(&state.db, &all, hour).await?)).await;
    }
    let found = match &number {
        Some(number) => cases::load(state, number).await?,
        None => None,
    };
    // The same work whether or not the case exists.
    let stored = found.as_ref().map_or_else(|| hash(state, "no such case"), |c| c.query_code_hash.clone());
    match found {
        Some(case)
            if crate::secret::same(
                hash(state, code.as_ref().map_or("", QueryCode::as_str)).as_bytes(),
                stored.as_bytes(),
            ) =>
        {
            crate::hosting::limits::shared_take_back(&state.db, &mine).await?;
            crate::case::moves::enforce_deadlines(state, case).await
        }
        _ => {
            if number.is_some() {
                crate::hosting::limits::shared_add(&state.db, &all, hour).await?;
            }
            Err(not_found())
        }
    }
}

/// The case for this key; or, when the query code is left empty, the signed-in
/// person's own case (one of 我的办件): the owner who lost the receipt still
/// follows, supplies and rates it. Anyone else gets the same answer as a wrong code.
pub(crate) async fn open_as(
    state: &AppState,
    address: std::net::IpAddr,
    session: Option<&Session>,
    key: &CaseKey,
) -> Result<CaseRow, ApiError> {
    if key.query_code.trim().is_empty()
        && let Some(session) = session
        && let Some(number) = CaseNumber::parse(&key.case_number)
        && crate::account::owners::owns(state, &session.identity, number.as_str()).await?
        && let Some(case) = cases::load(state, &number).await?
    {
        return crate::case::moves::enforce_deadlines(state, case).await;
    }
    open(state, address, key).await
}

/// Wrong codes an hour at one case, from all addresses, before look-ups of it slow down.
const SLOW_AFTER: i64 = 20;
/// The longest a look-up of a much-guessed case waits.
const MAX_DELAY: Duration = Duration::from_secs(3);

/// How long the `attempt`-th look-up of a case this hour waits: nothing at
/// first, then doubling from 50 ms, at most [`MAX_DELAY`].
fn slowdown(attempt: i64) -> Duration {
    let over = attempt - SLOW_AFTER;
    if over <= 0 {
        return Duration::ZERO;
    }
    let millis = 50u64.saturating_mul(1u64 << over.min(16) as u32);
    Duration::from_millis(millis).min(MAX_DELAY)
}

/// Where a case stands. Unknown cases and wrong codes get the same 404.
#[utoipa::path(post, path = "/cases/lookup", tag = "cases", request_body = CaseKey,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn lookup(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    ProvenSession(session): ProvenSession,
    ApiJson(request): ApiJson<CaseKey>,
) -> Result<Json<CaseView>, ApiError> {
    let case = open_as(&state, address, session.as_ref(), &request).await?;
    Ok(Json(crate::case::views::applicant_view(&state, &case).await?))
}

/// Withdraw an application, until the decision (a joint case: the parts not yet decided).
#[utoipa::path(post, path = "/cases/withdraw", tag = "cases", request_body = CaseKey,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn withdraw(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    ProvenSession(session): ProvenSession,
    ApiJson(request): ApiJson<CaseKey>,
) -> Result<Json<CaseView>, ApiError> {
    let case = open_as(&state, address, session.as_ref(), &request).await?;
    let action = Action::Withdraw;
    let moved =
        crate::case::moves::record(&state, &case, Step { note: None, ..Step::of(&action, &Actor::Applicant) }, &[])
            .await?;
    Ok(Json(crate::case::views::applicant_view(&state, &moved).await?))
}

/// `POST /api/cases/supplement`: the new uploads of the materials the
/// department asked for (then the case goes back to it), or of 容缺 materials
/// before their deadline. Only those materials; every file checked again.
#[utoipa::path(post, path = "/cases/supplement", tag = "cases", request_body = SupplementBody, params(ApplicationKeyHeader),
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "Materials to fix are in `problems`")))]
async fn supplement(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    owner: ApplicationKey,
    ProvenSession(session): ProvenSession,
    ApiJson(request): ApiJson<SupplementBody>,
) -> Result<Json<CaseView>, ApiError> {
    let case = open_as(&state, address, session.as_ref(), &request.key).await?;
    let moved = Box::pin(crate::case::supply::supply(&state, &owner, &case, &request.files)).await?;
    Ok(Json(crate::case::views::applicant_view(&state, &moved).await?))
}

fn invalid(fields: Vec<FieldError>) -> ApiError {
    ApiError::Invalid(SubmissionProblems { fields, materials: Vec::new() })
}

/// Rate a case (好差评): at 受理 and at 办结, each once, and the completion
/// again once the department has answered an unhappy rating.
#[utoipa::path(post, path = "/cases/rating", tag = "cases", request_body = RatingBody,
    responses((status = 200, body = CaseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn rate(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    ProvenSession(session): ProvenSession,
    ApiJson(request): ApiJson<RatingBody>,
) -> Result<Json<CaseView>, ApiError> {
    let case = open_as(&state, address, session.as_ref(), &request.key).await?;
    if request.channel == Channel::Default {
        return Err(ApiError::Unprocessable("默认评价由系统在办结后给出，不能提交".to_owned()));
    }
    let problems = check_rating(&request.rating);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    crate::case::rating::rate(
        &state,
        &case,
        request.stage,
        &request.rating,
        (request.channel, crate::case::rating::Origin::Bianmin),
    )
    .await?;
    Ok(Json(crate::case::views::applicant_view(&state, &case).await?))
}

use domain::api::ComplaintReceived;

/// A complaint about a case (with its key) or about the centre.
#[utoipa::path(post, path = "/complaints", tag = "cases", request_body = ComplaintBody,
    responses((status = 200, body = ComplaintReceived), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn complain(
    State(state): State<Arc<AppState>>,
    Client(address): Client,
    ProvenSession(session): ProvenSession,
    ApiJson(request): ApiJson<ComplaintBody>,
) -> Result<Json<ComplaintReceived>, ApiError> {
    let problems = check_complaint(&request);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    let case = match &request.case {
        Some(key) => Some(open_as(&state, address, session.as_ref(), key).await?),
        None => {
            if state
                .limiter
                .add(&format!("complaint:{}", crate::hosting::per_client::key(address)), Duration::from_secs(60))
                > 5
            {
                return Err(ApiError::TooManyRequests("提交太频繁了，请一分钟后再试".to_owned()));
            }
            None
        }
    };
    let reference = crate::secret::random_reference(8)?;
    let mut tx = crate::db::begin_write(&state.db).await?;
    sqlx::query("INSERT INTO complaints (id, case_number, department, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&reference)
        .bind(case.as_ref().map(|c| c.case_number.clone()))
        .bind(case.as_ref().map_or(String::new(), |c| c.department.clone()))
        // The words and the phone only: the case's query code is not kept.
        .bind(state.keys.seal(
            crate::at_rest::column::Column::ComplaintBody,
            &reference,
            &serde_json::json!({ "text": request.text.trim(), "phone": request.phone.trim() }).to_string(),
        )?)
        .bind(now_rfc3339())
        .execute(&mut *tx)
        .await?;
    // About a case: the department answers it as a work order.
    if let Some(case) = &case {
        let source = domain::case::work_order::Source::Complaint;
        crate::case::store::work_orders::open(&mut tx, &state, source, case, &request.text).await?;
    }
    tx.commit().await?;
    tracing::info!(reference = %reference, "complaint received");
    Ok(Json(ComplaintReceived { reference }))
}
