//! 我的数据 (个人信息权益): a signed-in person sees and changes their consents
//! per purpose, exports what the platform holds of them (JSON, and a page to
//! read or print), and deletes their account's data: the cases stay, as the
//! law requires them kept, but nothing links them to the person any more.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::account::consent::{Consent, ConsentChange, Purpose};
use domain::account::export::PersonalData;
use domain::api::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::consents;
use crate::account::owners::subject;
use crate::account::routes::MaybeSignedIn;
use crate::account::sessions::{self, Session};
use crate::error::ApiError;
use crate::extract::{ApiJson, JsonBody};
use crate::hosting::disposition::{Disposition, content_disposition};

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new()
        .routes(routes!(list_consents, change_consent))
        .routes(routes!(export_json))
        .routes(routes!(export_readable))
        .routes(routes!(delete_account))
}

impl JsonBody for ConsentChange {}

fn signed_in(session: Option<Session>) -> Result<Session, ApiError> {
    session.ok_or_else(|| ApiError::Unauthorized("请先登录".to_owned()))
}

/// Each purpose, given or not, and when it last changed.
#[utoipa::path(get, path = "/my/consents", tag = "account",
    responses((status = 200, body = Vec<Consent>), (status = 401, body = ErrorBody)))]
async fn list_consents(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Json<Vec<Consent>>, ApiError> {
    let session = signed_in(session)?;
    Ok(Json(consents::of(&state, &session.identity).await?))
}

/// Give or withdraw one purpose (signing in itself ends by deleting the account's data).
#[utoipa::path(post, path = "/my/consents", tag = "account", request_body = ConsentChange,
    responses((status = 200, body = Vec<Consent>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn change_consent(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
    ApiJson(change): ApiJson<ConsentChange>,
) -> Result<Json<Vec<Consent>>, ApiError> {
    let session = signed_in(session)?;
    if change.purpose == Purpose::SignIn && !change.given {
        return Err(ApiError::Unprocessable("不再使用登录，请删除账号数据；办件仍按规定保留".to_owned()));
    }
    consents::set(&state, &session.identity, change.purpose, change.given).await?;
    Ok(Json(consents::of(&state, &session.identity).await?))
}

async fn gather(state: &AppState, session: &Session) -> Result<PersonalData, ApiError> {
    Ok(PersonalData {
        exported_on: crate::db::china_date(),
        identity: session.identity.clone(),
        consents: consents::of(state, &session.identity).await?,
        cases: crate::account::my_cases::views_of(state, &session.identity).await?,
    })
}

fn download(content_type: &str, name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, content_disposition(Disposition::Attachment, name)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// Everything held of the person, as JSON: identity, consents, every case of theirs.
#[utoipa::path(get, path = "/my/data", tag = "account",
    responses((status = 200, body = PersonalData), (status = 401, body = ErrorBody)))]
async fn export_json(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    let session = signed_in(session)?;
    let data = gather(&state, &session).await?;
    Ok(download("application/json", "我的数据.json", serde_json::to_string_pretty(&data)?))
}

/// The same, as a page to read or print.
#[utoipa::path(get, path = "/my/data/readable", tag = "account",
    responses((status = 200, description = "The page", content_type = "text/html"), (status = 401, body = ErrorBody)))]
async fn export_readable(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    let session = signed_in(session)?;
    let data = gather(&state, &session).await?;
    let page = crate::case::documents::html::render(&data.readable(&state.notify.centre_name), None);
    Ok(download("text/html; charset=utf-8", "我的数据.html", page))
}

/// Delete the account's data: the links to the person's cases (theirs, and
/// those agents applied for them), the WeChat notices' openids, the consents
/// and every session. The cases themselves stay (kept as the law
/// requires, still opened with their codes).
#[utoipa::path(post, path = "/my/account/delete", tag = "account",
    responses((status = 204, description = "Deleted, signed out everywhere"), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody)))]
async fn delete_account(
    State(state): State<Arc<AppState>>,
    MaybeSignedIn(session): MaybeSignedIn,
) -> Result<Response, ApiError> {
    let session = signed_in(session)?;
    let person = subject(&state, &session.identity);
    let mut tx = crate::db::begin_write(&state.db).await?;
    for table in ["case_owners", "case_wechat", "consents", "sessions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE subject_hash = $1")).bind(&person).execute(&mut *tx).await?;
    }
    // The cases agents applied for them: no longer listed for them either.
    if let Some(principal) = crate::account::owners::principal_hash(&state, &session.identity) {
        sqlx::query("DELETE FROM case_principals WHERE principal_hash = $1").bind(principal).execute(&mut *tx).await?;
    }
    // WeChat notices not yet sent to this WeChat account: not sent.
    if let Some(openid) = session.identity.wechat_openid()
        && let Some(key) = crate::notify::caps::recipient_key(&state, crate::notify::Channel::Wechat, openid)
    {
        for delete in [
            "DELETE FROM outbox_attempts WHERE outbox_id IN \
             (SELECT id FROM outbox WHERE recipient_key = $1 AND state = 'pending')",
            "DELETE FROM outbox WHERE recipient_key = $1 AND state = 'pending'",
        ] {
            sqlx::query(delete).bind(&key).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    tracing::info!("a signed-in person deleted their account's data");
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, sessions::set_cookie(None))]).into_response())
}
