//! WeChat web authorisation against a stand-in written from WeChat's
//! documents (网页授权): its authorisation page sends the browser back with a
//! single-use `code` valid five minutes; `sns/oauth2/access_token` exchanges
//! it, with the AppID and AppSecret, for the `openid` — or answers an
//! `errcode` (40029 invalid code, 40163 code been used, 40125 invalid
//! appsecret). The openid signs in a WeChat account: level 0, no real name.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};

use bianmin::account::sessions::COOKIE;

use crate::accounts::{client, location, set_cookie};
use crate::support::{TestApp, spawn_app_with};

const APPID: &str = "wx5f0e3b2a9c1d4e67";
const APPSECRET: &str = "3f9a7c2e1b6d4a8f0c5e9b7d2a1f6c3e";

/// A code as WeChat keeps it: whose it is, whether used, whether expired.
#[derive(Clone)]
struct Code {
    openid: String,
    used: bool,
    expired: bool,
}

#[derive(Clone, Default)]
struct WeChat {
    codes: Arc<Mutex<HashMap<String, Code>>>,
    /// The WeChat account using the phone.
    who: Arc<Mutex<String>>,
}

/// `connect/oauth2/authorize`: a code for the account on the phone, back to `redirect_uri`.
async fn authorize(State(wechat): State<WeChat>, Query(q): Query<HashMap<String, String>>) -> axum::response::Response {
    let ok = q.get("appid").map(String::as_str) == Some(APPID)
        && q.get("response_type").map(String::as_str) == Some("code")
        && matches!(q.get("scope").map(String::as_str), Some("snsapi_base" | "snsapi_userinfo"));
    let (Some(redirect), Some(state), true) = (q.get("redirect_uri"), q.get("state"), ok) else {
        return (axum::http::StatusCode::OK, "参数错误").into_response();
    };
    let code = format!("0{}", wechat.codes.lock().unwrap().len() + 71);
    let openid = wechat.who.lock().unwrap().clone();
    wechat.codes.lock().unwrap().insert(code.clone(), Code { openid, used: false, expired: false });
    Redirect::to(&format!("{redirect}?code={code}&state={state}")).into_response()
}

/// `sns/oauth2/access_token`: the openid for a code, once.
async fn access_token(State(wechat): State<WeChat>, Query(q): Query<HashMap<String, String>>) -> axum::Json<Value> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if get("appid") != APPID || get("secret") != APPSECRET {
        return axum::Json(json!({"errcode": 40125, "errmsg": "invalid appsecret, rid: 6750a1b2-1c2d3e4f"}));
    }
    if get("grant_type") != "authorization_code" {
        return axum::Json(json!({"errcode": 40002, "errmsg": "invalid grant_type"}));
    }
    let mut codes = wechat.codes.lock().unwrap();
    let Some(code) = codes.get_mut(get("code")) else {
        return axum::Json(json!({"errcode": 40029, "errmsg": "invalid code"}));
    };
    if code.expired {
        return axum::Json(json!({"errcode": 40029, "errmsg": "invalid code"}));
    }
    if code.used {
        return axum::Json(json!({"errcode": 40163, "errmsg": "code been used"}));
    }
    code.used = true;
    axum::Json(json!({
        "access_token": "ACCESS_TOKEN_PAGE", "expires_in": 7200, "refresh_token": "REFRESH",
        "openid": code.openid, "scope": "snsapi_base", "is_snapshotuser": 0
    }))
}

async fn start_wechat() -> (WeChat, String) {
    let wechat = WeChat::default();
    *wechat.who.lock().unwrap() = "oX7Nc5qT2Lr9k3mB6vW1yZ4aD8fE".to_owned();
    let router = axum::Router::new()
        .route("/connect/oauth2/authorize", axum::routing::get(authorize))
        .route("/sns/oauth2/access_token", axum::routing::get(access_token))
        .with_state(wechat.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (wechat, address)
}

async fn app_with_wechat(stand_in: &str, secret: &str) -> TestApp {
    let (stand_in, secret) = (stand_in.to_owned(), secret.to_owned());
    // WeChat sends the browser back to the site's public address: known beforehand.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    spawn_app_with(move |s| {
        s.listen = format!("127.0.0.1:{port}").parse().unwrap();
        s.sign_in.oidc_public_url = format!("http://127.0.0.1:{port}");
        s.sign_in.wechat_appid = Some(APPID.into());
        s.sign_in.wechat_secret = Some(secret.as_str().into());
        s.sign_in.wechat_authorize_url = format!("{stand_in}/connect/oauth2/authorize");
        s.sign_in.wechat_api_url = stand_in;
    })
    .await
}

/// Begin at the app, pass WeChat's page: the callback address and the binding cookie.
async fn through_wechat(app: &TestApp) -> (String, String) {
    let begun = client().get(format!("{}/api/auth/wechat/start?return=/my", app.address)).send().await.unwrap();
    assert_eq!(begun.status(), 303);
    let binding = set_cookie(&begun, "__Host-bianmin-sign-in").unwrap();
    let at_wechat = location(&begun);
    assert!(at_wechat.ends_with("#wechat_redirect"), "{at_wechat}");
    assert!(at_wechat.contains("scope=snsapi_base"));
    let page = at_wechat.trim_end_matches("#wechat_redirect");
    let back = client().get(page).send().await.unwrap();
    (location(&back), binding)
}

async fn callback(callback: &str, binding: &str) -> reqwest::Response {
    client().get(callback).header("Cookie", format!("__Host-bianmin-sign-in={binding}")).send().await.unwrap()
}

#[tokio::test]
async fn inside_wechat_the_openid_signs_in_a_wechat_account_without_a_name() {
    let (wechat, stand_in) = start_wechat().await;
    let app = app_with_wechat(&stand_in, APPSECRET).await;
    let offered: Value = app.get("/api/session").await.json().await.unwrap();
    assert_eq!(offered["wechat"], true);

    let (back, binding) = through_wechat(&app).await;
    let signed = callback(&back, &binding).await;
    assert_eq!(signed.status(), 303);
    assert_eq!(location(&signed), "/my");
    let session = set_cookie(&signed, COOKIE).unwrap();
    let cookie = format!("{COOKIE}={session}");
    let current: Value = client()
        .get(format!("{}/api/session", app.address))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["signed_in"], true);
    assert_eq!(current["identity"]["provider"], "wechat");
    assert_eq!(current["identity"]["level"], 0);
    assert!(current["identity"].get("name").is_none(), "an openid names no one");
    // Nothing to fill a form with; 我的办件 works for that WeChat account.
    let prefill =
        client().get(format!("{}/api/session/prefill", app.address)).header("Cookie", &cookie).send().await.unwrap();
    assert_eq!(prefill.status(), 404);
    let mine = client().get(format!("{}/api/my/cases", app.address)).header("Cookie", &cookie).send().await.unwrap();
    assert_eq!(mine.status(), 200);

    // The same answer again (a replay): its state was taken.
    assert_eq!(callback(&back, &binding).await.status(), 403);
    // Another browser cannot finish a sign-in begun here.
    let (other, _) = through_wechat(&app).await;
    assert_eq!(callback(&other, "someone-elses-binding").await.status(), 403);

    // A code WeChat already exchanged, under a fresh state: refused in words.
    let (fresh, binding) = through_wechat(&app).await;
    let used_code = back.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let fresh_state = fresh.split("state=").nth(1).unwrap();
    let with_used_code = format!("{}/api/auth/wechat/callback?code={used_code}&state={fresh_state}", app.address);
    let replayed = callback(&with_used_code, &binding).await;
    assert_eq!(replayed.status(), 403);
    let body: Value = replayed.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("重新登录"));

    // An expired code (past its five minutes).
    let (late, binding) = through_wechat(&app).await;
    for code in wechat.codes.lock().unwrap().values_mut() {
        code.expired = true;
    }
    assert_eq!(callback(&late, &binding).await.status(), 403);
}

#[tokio::test]
async fn a_wrong_app_secret_is_the_centres_to_fix_and_signs_no_one_in() {
    let (_wechat, stand_in) = start_wechat().await;
    let app = app_with_wechat(&stand_in, "not-the-secret").await;
    let (back, binding) = through_wechat(&app).await;
    let refused = callback(&back, &binding).await;
    assert_eq!(refused.status(), 503);
    assert!(set_cookie(&refused, COOKIE).is_none());
    // Declined or closed at WeChat (no code): back home, anonymous, nothing lost.
    let state = back.split("state=").nth(1).unwrap();
    let declined = callback(&format!("{}/api/auth/wechat/callback?state={state}", app.address), &binding).await;
    assert_eq!(declined.status(), 303);
    assert_eq!(location(&declined), "/?sign-in=cancelled");
}
