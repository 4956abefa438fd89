//! WeChat web authorisation (网页授权, `snsapi_base`): inside WeChat a person
//! is recognised without typing anything. WeChat sends the browser back with
//! a `code` (single use, five minutes), exchanged server-side for the
//! `openid` with the 公众号's AppSecret. An openid names a WeChat account, not
//! a person: the identity has no real name and level 0 — good for 我的办件
//! and reminders on that WeChat, never for prefill or an item that requires a level.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::account::identity::{Assurance, Identity, SubjectKind};
use domain::api::ErrorBody;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::account::oidc::{http, unavailable};
use crate::account::sign_ins::{self, Adapter, Begin, Pending};
use crate::error::ApiError;
use crate::extract::ApiQuery;

pub fn routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::new().routes(routes!(start)).routes(routes!(callback))
}

fn configured(state: &AppState) -> Result<(&str, &str), ApiError> {
    match (&state.sign_in.wechat_appid, &state.sign_in.wechat_secret) {
        (Some(appid), Some(secret)) => Ok((appid, secret.expose())),
        _ => Err(ApiError::NotFound("本中心没有开通微信登录，可以不登录直接办理".to_owned())),
    }
}

/// Begin: to WeChat's authorisation page, silently (`snsapi_base`).
#[utoipa::path(get, path = "/auth/wechat/start", tag = "account", params(Begin),
    responses((status = 303, description = "To WeChat"), (status = 404, body = ErrorBody)))]
async fn start(State(state): State<Arc<AppState>>, ApiQuery(begin): ApiQuery<Begin>) -> Result<Response, ApiError> {
    let (appid, _) = configured(&state)?;
    let returned = crate::secret::random_hex(16)?;
    let pending = Pending {
        provider: Adapter::Wechat,
        verifier: String::new(),
        nonce: String::new(),
        return_to: sign_ins::safe_return(begin.return_to.as_deref()),
    };
    let binding = sign_ins::record(&state, &returned, &pending).await?;
    let callback = format!("{}/api/auth/wechat/callback", state.sign_in.oidc_public_url.trim_end_matches('/'));
    let mut url = openidconnect::url::Url::parse_with_params(
        &state.sign_in.wechat_authorize_url,
        [
            ("appid", appid),
            ("redirect_uri", &callback),
            ("response_type", "code"),
            ("scope", "snsapi_base"),
            ("state", &returned),
        ],
    )
    .map_err(unavailable)?;
    // WeChat's pages want the fragment, as its documents show.
    url.set_fragment(Some("wechat_redirect"));
    Ok(sign_ins::to_provider(url.to_string(), &binding))
}

/// What WeChat sends the browser back with (no `code` when the person declined).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Answer {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

/// WeChat's `errcode` for a code it does not know (or no longer: five minutes).
const INVALID_CODE: i64 = 40029;
/// … and for a code already exchanged.
const CODE_USED: i64 = 40163;

/// `sns/oauth2/access_token`'s answer: the openid, or an `errcode`.
#[derive(Deserialize)]
struct Exchanged {
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
    /// 1 for a 快照页 visitor (no real WeChat account behind the page).
    #[serde(default)]
    is_snapshotuser: i64,
}

/// WeChat's answer: a session for that WeChat account, back to the page.
#[utoipa::path(get, path = "/auth/wechat/callback", tag = "account", params(Answer),
    responses((status = 303, description = "Signed in, back to the page"), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "Not begun in this browser, used already, too old, or refused by WeChat"),
              (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiQuery(answer): ApiQuery<Answer>,
) -> Result<Response, ApiError> {
    let (appid, secret) = configured(&state)?;
    let (Some(code), Some(returned)) = (answer.code, answer.state) else {
        return Ok(sign_ins::cancelled());
    };
    let pending = sign_ins::take(&state, Adapter::Wechat, &returned, sign_ins::binding_of(&headers)).await?;
    let url = format!("{}/sns/oauth2/access_token", state.sign_in.wechat_api_url.trim_end_matches('/'));
    let response = http()?
        .get(url)
        .query(&[("appid", appid), ("secret", secret), ("code", &code), ("grant_type", "authorization_code")])
        .send()
        .await
        .map_err(unavailable)?;
    if !response.status().is_success() {
        return Err(unavailable(format!("WeChat answered {}", response.status())));
    }
    let exchanged: Exchanged =
        serde_json::from_slice(&response.bytes().await.map_err(unavailable)?).map_err(unavailable)?;
    let openid = match exchanged {
        Exchanged { errcode: 0, is_snapshotuser: 0, openid: Some(openid), .. } if !openid.is_empty() => openid,
        // An expired or used code, or a 快照页 visitor: sign in again, from WeChat.
        Exchanged { errcode: 0 | INVALID_CODE | CODE_USED, .. } => return Err(sign_ins::expired()),
        // A wrong AppID or AppSecret, WeChat busy: the centre's to fix, nothing signed in.
        Exchanged { errcode, errmsg, .. } => return Err(unavailable(format!("WeChat refused: {errcode} {errmsg}"))),
    };
    let identity = Identity {
        provider: domain::account::identity::WECHAT.to_owned(),
        subject: openid,
        kind: SubjectKind::Person,
        real_name: None,
        id_number: None,
        phone: None,
        assurance: Assurance { level: 0, raw: "snsapi_base".to_owned() },
        credit_code: None,
        organisation: None,
        authenticated_at: crate::db::now_rfc3339(),
    };
    sign_ins::signed_in(&state, &identity, pending.return_to).await
}
