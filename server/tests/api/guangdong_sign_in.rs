//! A Guangdong-style OAuth platform against a stand-in written from such a
//! platform's access document: `authorize` sends the browser back with a
//! single-use code; `access_token` takes it with the client's secret and the
//! same `redirect_uri` (else `invalid_grant` or `invalid_client`);
//! `tokeninfo` answers `userobj` and, for a legal person, `pareobj`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde_json::{Value, json};

use bianmin::account::sessions::{COOKIE, CSRF_HEADER};

use crate::accounts::{client, location, set_cookie};
use crate::support::{TestApp, spawn_app_with};

const CLIENT_ID: &str = "gdbs_sfx_bianmin";
const CLIENT_SECRET: &str = "c7a1e9d3b5f2";

#[derive(Clone, Default)]
struct Platform {
    /// code → (redirect_uri, used)
    codes: Arc<Mutex<HashMap<String, (String, bool)>>>,
    tokens: Arc<Mutex<Vec<String>>>,
    /// Whether the one signing in does so for a company.
    company: Arc<Mutex<bool>>,
}

async fn authorize(State(p): State<Platform>, Query(q): Query<HashMap<String, String>>) -> axum::response::Response {
    let (Some(CLIENT_ID), Some("code"), Some(redirect), Some(state)) = (
        q.get("client_id").map(String::as_str),
        q.get("response_type").map(String::as_str),
        q.get("redirect_uri"),
        q.get("state"),
    ) else {
        return (StatusCode::BAD_REQUEST, "invalid_request").into_response();
    };
    let code = format!("gd{}", p.codes.lock().unwrap().len() + 300);
    p.codes.lock().unwrap().insert(code.clone(), (redirect.clone(), false));
    Redirect::to(&format!("{redirect}?code={code}&state={state}")).into_response()
}

async fn access_token(State(p): State<Platform>, Form(f): Form<HashMap<String, String>>) -> axum::response::Response {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if get("client_id") != CLIENT_ID || get("client_secret") != CLIENT_SECRET {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_client"}))).into_response();
    }
    let mut codes = p.codes.lock().unwrap();
    match codes.get_mut(get("code")) {
        Some((redirect, used @ false))
            if redirect == get("redirect_uri") && get("grant_type") == "authorization_code" =>
        {
            *used = true;
            let token = format!("at{}", p.tokens.lock().unwrap().len() + 1);
            p.tokens.lock().unwrap().push(token.clone());
            axum::Json(json!({"access_token": token, "token_type": "bearer", "expires_in": 7200})).into_response()
        }
        _ => (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant", "error_description": "code无效"})))
            .into_response(),
    }
}

async fn tokeninfo(State(p): State<Platform>, Query(q): Query<HashMap<String, String>>) -> axum::response::Response {
    let known = q.get("access_token").is_some_and(|t| p.tokens.lock().unwrap().contains(t));
    if !known {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_token"}))).into_response();
    }
    let userobj = json!({"uid": "gd-7f3a21", "name": "李四", "idcard": "110101198805123010", "mobile": "13912345678", "level": "3"});
    let pareobj = json!({"corpname": "示范县老李餐饮有限公司", "uscc": "91440300MA5FXXXX1Q", "legalname": "李四"});
    let company = *p.company.lock().unwrap();
    axum::Json(json!({"userobj": userobj, "pareobj": if company { pareobj } else { Value::Null }})).into_response()
}

async fn start_platform() -> (Platform, String) {
    let platform = Platform::default();
    let router = axum::Router::new()
        .route("/authorize", axum::routing::get(authorize))
        .route("/access_token", axum::routing::post(access_token))
        .route("/tokeninfo", axum::routing::get(tokeninfo))
        .with_state(platform.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (platform, address)
}

async fn app_with_platform(platform: &str, secret: &str) -> TestApp {
    let (platform, secret) = (platform.to_owned(), secret.to_owned());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    spawn_app_with(move |s| {
        s.listen = format!("127.0.0.1:{port}").parse().unwrap();
        s.sign_in.oidc_public_url = format!("http://127.0.0.1:{port}");
        s.sign_in.guangdong_client_id = Some(CLIENT_ID.into());
        s.sign_in.guangdong_client_secret = Some(secret.as_str().into());
        s.sign_in.guangdong_base_url = platform;
    })
    .await
}

async fn sign_in(app: &TestApp) -> (String, String, reqwest::Response) {
    let begun = client().get(format!("{}/api/auth/start?return=/my", app.address)).send().await.unwrap();
    assert_eq!(begun.status(), 303);
    let binding = set_cookie(&begun, "__Host-bianmin-sign-in").unwrap();
    let back = location(&client().get(location(&begun)).send().await.unwrap());
    let answered =
        client().get(&back).header("Cookie", format!("__Host-bianmin-sign-in={binding}")).send().await.unwrap();
    (back, binding, answered)
}

async fn session(app: &TestApp, cookie: &str) -> Value {
    client()
        .get(format!("{}/api/session", app.address))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_and_a_legal_person_sign_in_with_the_platforms_levels() {
    let (platform, address) = start_platform().await;
    let app = app_with_platform(&address, CLIENT_SECRET).await;
    let (back, binding, signed) = sign_in(&app).await;
    assert_eq!(signed.status(), 303, "{:?}", signed.text().await);
    let cookie = format!("{COOKIE}={}", set_cookie(&signed, COOKIE).unwrap());
    let current = session(&app, &cookie).await;
    assert_eq!(current["identity"]["provider"], "guangdong");
    assert_eq!(current["identity"]["kind"], "person");
    assert_eq!(current["identity"]["name"], "李*");
    assert_eq!(current["identity"]["level"], 2, "三级: real name checked");

    // The code again under a fresh state: the platform says invalid_grant; sign in again.
    let begun = client().get(format!("{}/api/auth/guangdong/start", app.address)).send().await.unwrap();
    let fresh_binding = set_cookie(&begun, "__Host-bianmin-sign-in").unwrap();
    let fresh_state = location(&begun).split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
    let code = back.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let replay = format!("{}/api/auth/guangdong/callback?code={code}&state={fresh_state}", app.address);
    let refused =
        client().get(&replay).header("Cookie", format!("__Host-bianmin-sign-in={fresh_binding}")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(!binding.is_empty());

    // For a company: a legal person, and the form is filled with its name and credit code.
    *platform.company.lock().unwrap() = true;
    let (_, _, signed) = sign_in(&app).await;
    let made = set_cookie(&signed, COOKIE).unwrap();
    let cookie = format!("{COOKIE}={made}");
    let current = session(&app, &cookie).await;
    assert_eq!(current["identity"]["kind"], "legal_person");
    assert_eq!(current["identity"]["organisation"], "示范县老李餐饮有限公司");
    let csrf = current["csrf"].as_str().unwrap().to_owned();
    let agree = client()
        .post(format!("{}/api/my/consents", app.address))
        .header("Cookie", &cookie)
        .header(CSRF_HEADER, &csrf)
        .json(&json!({"purpose": "prefill", "given": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(agree.status(), 200);
    let filled: Value = client()
        .get(format!("{}/api/session/prefill", app.address))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (filled["name"].as_str(), filled["credit_code"].as_str()),
        (Some("示范县老李餐饮有限公司"), Some("91440300MA5FXXXX1Q"))
    );
}

#[tokio::test]
async fn a_wrong_client_secret_signs_no_one_in() {
    let (_platform, address) = start_platform().await;
    let app = app_with_platform(&address, "wrong").await;
    let (_, _, refused) = sign_in(&app).await;
    assert_eq!(refused.status(), 503);
    assert!(set_cookie(&refused, COOKIE).is_none());
}
