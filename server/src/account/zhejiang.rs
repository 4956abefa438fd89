//! A Zhejiang-style unified identity platform: the browser goes to its login
//! page with our `servicecode` and a `goto` address; it comes back with a
//! `ticket`. The ticket is validated server-side (`ticketValidation`) for a
//! token, and the token read (`getUserInfo`) for the person: real name, ID
//! number, phone and the platform's `authlevel`. Every call carries `time`
//! (Beijing, `yyyyMMddHHmmss`) and `sign` = MD5(servicecode + servicepwd +
//! time) in lowercase hex; every answer has `result` ("0" for success) and `errmsg`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use domain::account::identity::{Assurance, Identity, MAX_LEVEL, SubjectKind};
use domain::api::ErrorBody;
use md5::{Digest, Md5};
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

/// The platform's answer code for a ticket it does not know (or no longer).
const TICKET_INVALID: &str = "6501";

fn configured(state: &AppState) -> Result<(&str, &str), ApiError> {
    let s = &state.sign_in;
    match (&s.zhejiang_service_code, &s.zhejiang_service_password) {
        (Some(code), Some(password)) if !s.zhejiang_login_url.is_empty() && !s.zhejiang_api_url.is_empty() => {
            Ok((code, password.expose()))
        }
        _ => Err(ApiError::NotFound("本中心没有开通浙江政务服务网登录，可以不登录直接办理".to_owned())),
    }
}

/// `time` and `sign` for a call made at `unix` seconds.
pub fn signature(service_code: &str, password: &str, unix: i64) -> (String, String) {
    let beijing = unix + 8 * 3600;
    let date = domain::time::date::Date::from_days(beijing.div_euclid(86_400));
    let seconds = beijing.rem_euclid(86_400);
    let (y, m, d) = date.ymd();
    let time = format!("{y:04}{m:02}{d:02}{:02}{:02}{:02}", seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let digest = Md5::digest([service_code, password, &time].concat().as_bytes());
    let sign = digest.iter().map(|b| format!("{b:02x}")).collect();
    (time, sign)
}

/// Begin: to the platform's login page, which comes back with a ticket.
#[utoipa::path(get, path = "/auth/zhejiang/start", tag = "account", params(Begin),
    responses((status = 303, description = "To the platform"), (status = 404, body = ErrorBody),
              (status = 503, body = ErrorBody)))]
async fn start(State(state): State<Arc<AppState>>, ApiQuery(begin): ApiQuery<Begin>) -> Result<Response, ApiError> {
    begin_at(&state, begin.return_to.as_deref()).await
}

/// Whether this centre signs people in through such a platform.
pub fn offered(state: &AppState) -> bool {
    configured(state).is_ok()
}

/// To the login page, coming back to `return_to` afterwards.
pub async fn begin_at(state: &AppState, return_to: Option<&str>) -> Result<Response, ApiError> {
    let (service_code, _) = configured(state)?;
    let returned = crate::secret::random_hex(16)?;
    let pending = Pending {
        provider: Adapter::Zhejiang,
        verifier: String::new(),
        nonce: String::new(),
        return_to: sign_ins::safe_return(return_to),
    };
    let binding = sign_ins::record(state, &returned, &pending).await?;
    let public = state.sign_in.oidc_public_url.trim_end_matches('/');
    let goto = format!("{public}/api/auth/zhejiang/callback?state={returned}");
    let mut url = openidconnect::url::Url::parse(&state.sign_in.zhejiang_login_url).map_err(unavailable)?;
    url.query_pairs_mut().append_pair("servicecode", service_code).append_pair("goto", &goto);
    Ok(sign_ins::to_provider(url.to_string(), &binding))
}

/// What the platform sends the browser back with.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Answer {
    #[serde(default)]
    ticket: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

/// Every answer of the platform: `result` "0" and what was asked, or a refusal.
#[derive(Deserialize)]
struct Reply {
    result: String,
    #[serde(default)]
    errmsg: String,
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    userid: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    idnum: Option<String>,
    #[serde(default)]
    mobile: Option<String>,
    #[serde(default)]
    authlevel: Option<String>,
}

/// One signed call to the platform's API.
async fn call(state: &AppState, method: &str, field: (&str, &str)) -> Result<Reply, ApiError> {
    let (service_code, password) = configured(state)?;
    let (time, sign) = signature(service_code, password, crate::db::unix_now());
    let form = [
        ("method", method),
        ("servicecode", service_code),
        ("time", &time),
        ("sign", &sign),
        field,
        ("datatype", "json"),
    ];
    let response = http()?.post(&state.sign_in.zhejiang_api_url).form(&form).send().await.map_err(unavailable)?;
    if !response.status().is_success() {
        return Err(unavailable(format!("the platform answered {}", response.status())));
    }
    serde_json::from_slice(&response.bytes().await.map_err(unavailable)?).map_err(unavailable)
}

/// The platform's answer: the ticket validated, the person read, a session.
#[utoipa::path(get, path = "/auth/zhejiang/callback", tag = "account", params(Answer),
    responses((status = 303, description = "Signed in, back to the page"), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "Not begun in this browser, used already, too old, or an expired ticket"),
              (status = 404, body = ErrorBody), (status = 503, body = ErrorBody)))]
async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiQuery(answer): ApiQuery<Answer>,
) -> Result<Response, ApiError> {
    configured(&state)?;
    let (Some(ticket), Some(returned)) = (answer.ticket, answer.state) else {
        return Ok(sign_ins::cancelled());
    };
    let pending = sign_ins::take(&state, Adapter::Zhejiang, &returned, sign_ins::binding_of(&headers)).await?;
    let validated = call(&state, "ticketValidation", ("st", &ticket)).await?;
    let token = match validated {
        Reply { result, token: Some(token), .. } if result == "0" => token,
        Reply { result, .. } if result == TICKET_INVALID => return Err(sign_ins::expired()),
        Reply { result, errmsg, .. } => return Err(unavailable(format!("ticketValidation: {result} {errmsg}"))),
    };
    let person = call(&state, "getUserInfo", ("token", &token)).await?;
    if person.result != "0" {
        return Err(unavailable(format!("getUserInfo: {} {}", person.result, person.errmsg)));
    }
    let subject = person.userid.filter(|u| !u.is_empty()).ok_or_else(|| unavailable("no userid"))?;
    let today = crate::db::china_date().ymd();
    let raw = person.authlevel.unwrap_or_default();
    let identity = Identity {
        provider: "zhejiang".to_owned(),
        subject,
        kind: SubjectKind::Person,
        real_name: person.username.filter(|n| !n.is_empty()),
        id_number: person.idnum.filter(|id| domain::apply::identity::check_resident_id(id, today).is_ok()),
        phone: person.mobile.filter(|m| !m.is_empty()),
        // Its levels: 1 registered with a phone, 2 real name checked, 3 face or bank card — the same steps as ours.
        assurance: Assurance { level: raw.parse::<u8>().unwrap_or(0).min(MAX_LEVEL), raw },
        credit_code: None,
        organisation: None,
        authenticated_at: crate::db::now_rfc3339(),
    };
    sign_ins::signed_in(&state, &identity, pending.return_to).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_call_is_signed_with_md5_of_code_password_and_beijing_time() {
        // 2026-12-05 10:00:00 UTC is 18:00:00 in Beijing.
        let (time, sign) = super::signature("bianmin_test", "p@ss", 1_796_464_800);
        assert_eq!(time, "20261205180000");
        assert_eq!(sign.len(), 32);
        assert_eq!(sign, super::signature("bianmin_test", "p@ss", 1_796_464_800).1);
        assert_ne!(sign, super::signature("bianmin_test", "other", 1_796_464_800).1);
    }
}
