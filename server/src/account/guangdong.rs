//! A Guangdong-style OAuth platform: `authorize` sends the browser back with a
//! `code`; `access_token` exchanges it (with the client secret) for a token;
//! `tokeninfo` reads the token: `userobj` (the person: name, ID number,
//! phone, the platform's level 二–五级) and, when a legal person signed in,
//! `pareobj` (the organisation's name and unified social credit code).

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::account::identity::{Assurance, Identity, MAX_LEVEL, SubjectKind};
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

fn configured(state: &AppState) -> Result<(&str, &str, &str), ApiError> {
    let s = &state.sign_in;
    match (&s.guangdong_client_id, &s.guangdong_client_secret) {
        (Some(id), Some(secret)) if !s.guangdong_base_url.is_empty() => {
            Ok((id, secret.expose(), s.guangdong_base_url.trim_end_matches('/')))
        }
        _ => Err(ApiError::NotFound("本中心没有开通广东省统一身份认证登录，可以不登录直接办理".to_owned())),
    }
}

/// Whether this centre signs people in through such a platform.
pub fn offered(state: &AppState) -> bool {
    configured(state).is_ok()
}

fn callback_url(state: &AppState) -> String {
    format!("{}/api/auth/guangdong/callback", state.sign_in.oidc_public_url.trim_end_matches('/'))
}

/// The platform's level (二级 to 五级) on our scale: 二级 a phone (1) … 五级 in person (4).
pub fn level(raw: &str) -> u8 {
    let digit = match raw.trim().trim_start_matches(['L', 'l']).trim_end_matches('级') {
        "二" => 2,
        "三" => 3,
        "四" => 4,
        "五" => 5,
        other => other.parse::<u8>().unwrap_or(0),
    };
    digit.saturating_sub(1).min(MAX_LEVEL)
}

/// Begin: to the platform's `authorize`.
#[utoipa::path(get, path = "/auth/guangdong/start", tag = "account", params(Begin),
    responses((status = 303, description = "To the platform"), (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
async fn start(State(state): State<Arc<AppState>>, ApiQuery(begin): ApiQuery<Begin>) -> Result<Response, ApiError> {
    begin_at(&state, begin.return_to.as_deref()).await
}

/// To `authorize`, coming back to `return_to` afterwards.
pub async fn begin_at(state: &AppState, return_to: Option<&str>) -> Result<Response, ApiError> {
    let (client_id, _, base) = configured(state)?;
    let returned = crate::secret::random_hex(16)?;
    let pending = Pending {
        provider: Adapter::Guangdong,
        verifier: String::new(),
        nonce: String::new(),
        return_to: sign_ins::safe_return(return_to),
    };
    let binding = sign_ins::record(state, &returned, &pending).await?;
    let url = openidconnect::url::Url::parse_with_params(
        &format!("{base}/authorize"),
        [
            ("client_id", client_id),
            ("response_type", "code"),
            ("redirect_uri", &callback_url(state)),
            ("state", &returned),
            ("scope", "all"),
        ],
    )
    .map_err(unavailable)?;
    Ok(sign_ins::to_provider(url.to_string(), &binding))
}

/// What the platform sends the browser back with.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Answer {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

/// `access_token`'s answer: a token, or an OAuth error.
#[derive(Deserialize)]
struct Token {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// `tokeninfo`'s answer.
#[derive(Deserialize)]
struct TokenInfo {
    userobj: Person,
    #[serde(default)]
    pareobj: Option<Organisation>,
}

#[derive(Deserialize)]
struct Person {
    uid: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    idcard: Option<String>,
    #[serde(default)]
    mobile: Option<String>,
    #[serde(default)]
    level: String,
}

#[derive(Deserialize)]
struct Organisation {
    corpname: String,
    uscc: String,
}

/// The platform's answer: the code exchanged, the token read, a session.
#[utoipa::path(get, path = "/auth/guangdong/callback", tag = "account", params(Answer),
    responses((status = 303, description = "Signed in, back to the page"), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "Not begun in this browser, used already, too old, or a refused code"),
              (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiQuery(answer): ApiQuery<Answer>,
) -> Result<Response, ApiError> {
    let (client_id, secret, base) = configured(&state)?;
    let (Some(code), Some(returned)) = (answer.code, answer.state) else {
        return Ok(sign_ins::cancelled());
    };
    let pending = sign_ins::take(&state, Adapter::Guangdong, &returned, sign_ins::binding_of(&headers)).await?;
    let http = http()?;
    let redirect = callback_url(&state);
    let form = [
        ("client_id", client_id),
        ("client_secret", secret),
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &redirect),
    ];
    let response = http.post(format!("{base}/access_token")).form(&form).send().await.map_err(unavailable)?;
    let status = response.status();
    let token: Token = serde_json::from_slice(&response.bytes().await.map_err(unavailable)?).map_err(unavailable)?;
    let token = match token {
        Token { access_token: Some(token), .. } if status.is_success() => token,
        // A used or expired code: sign in again.
        Token { error: Some(error), .. } if error == "invalid_grant" => return Err(sign_ins::expired()),
        Token { error, .. } => return Err(unavailable(format!("access_token: {status} {error:?}"))),
    };
    let response =
        http.get(format!("{base}/tokeninfo")).query(&[("access_token", &token)]).send().await.map_err(unavailable)?;
    if !response.status().is_success() {
        return Err(unavailable(format!("tokeninfo answered {}", response.status())));
    }
    let info: TokenInfo = serde_json::from_slice(&response.bytes().await.map_err(unavailable)?).map_err(unavailable)?;
    let today = crate::db::china_date().ymd();
    let person = info.userobj;
    let identity = Identity {
        provider: "guangdong".to_owned(),
        subject: person.uid,
        kind: if info.pareobj.is_some() { SubjectKind::LegalPerson } else { SubjectKind::Person },
        real_name: person.name.filter(|n| !n.is_empty()),
        id_number: person.idcard.filter(|id| domain::apply::identity::check_resident_id(id, today).is_ok()),
        phone: person.mobile.filter(|m| !m.is_empty()),
        assurance: Assurance { level: level(&person.level), raw: person.level },
        credit_code: info.pareobj.as_ref().map(|o| o.uscc.clone()),
        organisation: info.pareobj.map(|o| o.corpname),
        authenticated_at: crate::db::now_rfc3339(),
    };
    sign_ins::signed_in(&state, &identity, pending.return_to).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_platforms_levels_two_to_five_are_ours_one_to_four() {
        for (raw, ours) in [("2", 1), ("L3", 2), ("四级", 3), ("5", 4), ("", 0), ("9", 4)] {
            assert_eq!(super::level(raw), ours, "{raw}");
        }
    }
}
