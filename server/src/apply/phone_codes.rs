//! Proving the phone that progress SMS goes to: `POST /api/phone-codes` sends
//! a one-time code to the form's mobile number, `POST /api/phone-codes/check`
//! takes it back, and a submission that asks for SMS is refused unless its
//! application proved that number ([`proven`]). Without this anyone could have
//! the centre text a stranger.
//!
//! Throttled three ways: one code a minute and five a day per number, whoever
//! asks (kept in the database, so every instance counts them); a few an hour per
//! client address; five wrong tries spend a code. The number and the code are
//! kept only as keyed hashes, and rows go after a day (`retention`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use domain::api::ErrorBody;
use domain::apply::identity;
use domain::apply::phone_code::{self as rules, CodeCheck, CodeRequest, CodeSent, NumberProven};
use sqlx::Row;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::apply::application_key::{ApplicationKey, ApplicationKeyHeader};
use crate::at_rest::lookup::Purpose;
use crate::db::{now_rfc3339, rfc3339_in};
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};
use crate::hosting::client::Client;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(send)).routes(routes!(check))
}

impl JsonBody for CodeRequest {}
impl JsonBody for CodeCheck {}

/// How long the provider may take to take a code (the applicant is waiting).
const SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The keyed hash a number is counted and found by (the same as the daily notice caps use).
fn phone_key(state: &AppState, phone: &str) -> String {
    state.keys.lookup().hash(Purpose::Recipient, &format!("sms:{}", identity::normalise_mobile(phone)))
}

fn code_hash(state: &AppState, id: &str, code: &str) -> String {
    state.keys.lookup().hash(Purpose::PhoneCode, &format!("{id}:{code}"))
}

/// The number as a mainland mobile number, or why not.
fn mobile(phone: &str) -> Result<String, ApiError> {
    identity::check_mobile(phone)
        .map_err(|_| ApiError::Unprocessable("请先在申请表里填写正确的11位手机号码".to_owned()))?;
    Ok(identity::normalise_mobile(phone))
}

/// Send a one-time code to the number, for this application.
#[utoipa::path(post, path = "/phone-codes", tag = "apply", params(ApplicationKeyHeader), request_body = CodeRequest,
    responses((status = 201, body = CodeSent), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "This centre sends no SMS"),
              (status = 422, body = ErrorBody, description = "Not a mainland mobile number"),
              (status = 429, body = ErrorBody, description = "Too soon, or too many for this number or address"),
              (status = 503, body = ErrorBody, description = "The SMS provider did not take the code")))]
async fn send(
    State(state): State<Arc<AppState>>,
    owner: ApplicationKey,
    Client(address): Client,
    ApiJson(request): ApiJson<CodeRequest>,
) -> Result<(axum::http::StatusCode, Json<CodeSent>), ApiError> {
    let Some(provider) = state.sms.as_ref() else {
        return Err(ApiError::NotFound("这里不发短信通知，不需要验证手机号码".to_owned()));
    };
    let phone = mobile(&request.phone)?;
    let address_key = format!("phone-code:{}", crate::hosting::per_client::key(address));
    if state.limiter.add(&address_key, std::time::Duration::from_secs(3600)) > state.limits.phone_codes_per_hour {
        return Err(ApiError::TooManyRequests("获取验证码太频繁了，请一小时后再试，或不选短信通知".to_owned()));
    }
    let sent = issue(&state, provider, &owner.hash, &phone, "，或不选短信通知").await?;
    Ok((axum::http::StatusCode::CREATED, Json(sent)))
}

/// Send a one-time code to `phone` for `bound_to` (an application's hash, or
/// what a query-code recovery binds to), within the limits per number.
/// `instead` ends the refusals with what the applicant can do instead.
pub(crate) async fn issue(
    state: &AppState,
    provider: &crate::notify::sms::SmsProvider,
    bound_to: &str,
    phone: &str,
    instead: &str,
) -> Result<CodeSent, ApiError> {
    let key = phone_key(state, phone);
    let id = crate::secret::random_hex(16)?;
    let code = random_code()?;
    // The limits per number are decided inside one write transaction, so two
    // instances asked at once cannot both send.
    let mut tx = crate::db::begin_write(&state.db).await?;
    let recent =
        sqlx::query("SELECT sent_at FROM phone_codes WHERE phone_key = $1 AND sent_at > $2 ORDER BY sent_at DESC")
            .bind(&key)
            .bind(rfc3339_in(-24 * 3600))
            .fetch_all(&mut *tx)
            .await?;
    if let Some(last) = recent.first() {
        let wait = seconds_until(&last.try_get::<String, _>("sent_at")?, i64::from(rules::RESEND_SECS));
        if wait > 0 {
            return Err(ApiError::TooManyRequests(format!("验证码已发出，请 {wait} 秒后再重新获取")));
        }
    }
    if recent.len() >= rules::PER_NUMBER_PER_DAY as usize {
        return Err(ApiError::TooManyRequests(format!("这个号码今天获取验证码的次数已用完，请明天再试{instead}")));
    }
    sqlx::query(
        "INSERT INTO phone_codes (id, application_hash, phone_key, code_hash, sent_at, tries) VALUES ($1, $2, $3, $4, $5, 0)",
    )
    .bind(&id)
    .bind(bound_to)
    .bind(&key)
    .bind(code_hash(state, &id, &code))
    .bind(now_rfc3339())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Sent after the row is written: a crash between leaves a code counted but never sent, never the reverse.
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ApiError::Internal(e.into()))?;
    let params = [("code".to_owned(), code)];
    if let Err(failure) = provider.send(&client, phone, provider.code_template_id(), &params).await {
        tracing::warn!(why = %failure.why, "a verification code was not sent");
        return Err(ApiError::Unavailable(format!("验证码短信没有发出去，请稍后再试{instead}")));
    }
    tracing::info!("a verification code was sent");
    Ok(CodeSent { to: identity::mask_mobile(phone), valid_secs: rules::VALID_SECS, resend_secs: rules::RESEND_SECS })
}

/// Take back the code sent to the number for this application.
#[utoipa::path(post, path = "/phone-codes/check", tag = "apply", params(ApplicationKeyHeader), request_body = CodeCheck,
    responses((status = 200, body = NumberProven), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "Not a mobile number; a wrong, expired or spent code")))]
async fn check(
    State(state): State<Arc<AppState>>,
    owner: ApplicationKey,
    ApiJson(request): ApiJson<CodeCheck>,
) -> Result<Json<NumberProven>, ApiError> {
    let phone = mobile(&request.phone)?;
    take(&state, &owner.hash, &phone, &request.code).await?;
    Ok(Json(NumberProven { to: identity::mask_mobile(&phone) }))
}

/// Take back the code sent to `phone` for `bound_to`: at most [`rules::TRIES`]
/// tries, counted before the comparison; a right code is spent.
pub(crate) async fn take(state: &AppState, bound_to: &str, phone: &str, typed: &str) -> Result<(), ApiError> {
    let code = rules::normalise_code(typed)
        .ok_or_else(|| ApiError::Unprocessable(rules::code_problem(typed).unwrap_or_default().to_owned()))?;
    let row = sqlx::query(
        "SELECT id, code_hash, tries FROM phone_codes WHERE application_hash = $1 AND phone_key = $2 \
         AND proven_at IS NULL AND sent_at > $3 ORDER BY sent_at DESC LIMIT 1",
    )
    .bind(bound_to)
    .bind(phone_key(state, phone))
    .bind(rfc3339_in(-i64::from(rules::VALID_SECS)))
    .fetch_optional(&state.db)
    .await?
    .ok_or_else(|| ApiError::Unprocessable("验证码已过期或还没有获取，请点“获取验证码”".to_owned()))?;
    let id: String = row.try_get("id")?;
    // Counted before it is compared, in one statement: parallel guesses cannot pass the limit.
    let counted = sqlx::query("UPDATE phone_codes SET tries = tries + 1 WHERE id = $1 AND tries < $2")
        .bind(&id)
        .bind(i64::from(rules::TRIES))
        .execute(&state.db)
        .await?;
    if counted.rows_affected() != 1 {
        return Err(ApiError::Unprocessable("验证码输错的次数太多了，请重新获取验证码".to_owned()));
    }
    if !crate::secret::same(row.try_get::<String, _>("code_hash")?.as_bytes(), code_hash(state, &id, &code).as_bytes())
    {
        let left = i64::from(rules::TRIES) - row.try_get::<i64, _>("tries")? - 1;
        return Err(ApiError::Unprocessable(if left > 0 {
            format!("验证码不对，请核对短信里的 6 位数字（还可以再试 {left} 次）")
        } else {
            "验证码输错的次数太多了，请重新获取验证码".to_owned()
        }));
    }
    sqlx::query("UPDATE phone_codes SET proven_at = $1 WHERE id = $2")
        .bind(now_rfc3339())
        .bind(&id)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// Whether this application proved this number within the last day.
pub async fn proven(state: &AppState, owner: &ApplicationKey, phone: &str) -> Result<bool, ApiError> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM phone_codes WHERE application_hash = $1 AND phone_key = $2 AND proven_at > $3 LIMIT 1",
    )
    .bind(&owner.hash)
    .bind(phone_key(state, phone))
    .bind(rfc3339_in(-rules::PROOF_SECS))
    .fetch_optional(&state.db)
    .await?;
    Ok(row.is_some())
}

/// Six digits from the operating system's randomness, evenly spread.
fn random_code() -> Result<String, ApiError> {
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
        let n = u32::from_le_bytes(bytes);
        // Below the largest multiple of a million: no digit more likely than another.
        if n < 4_294_000_000 {
            return Ok(format!("{:06}", n % 1_000_000));
        }
    }
}

/// Seconds left until `secs` after `at` (RFC 3339), at least 0.
fn seconds_until(at: &str, secs: i64) -> i64 {
    domain::time::date::unix_secs(at).map_or(0, |t| (t + secs - crate::db::unix_now()).max(0))
}
