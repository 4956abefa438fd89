//! A Zhejiang-style identity platform against a stand-in written from such a
//! platform's access document: its login page sends the browser back to
//! `goto` with a single-use `ticket`; `simpleauth` takes form posts whose
//! `sign` is MD5(servicecode + servicepwd + time), `time` in Beijing within
//! five minutes, and answers `result` "0" (`ticketValidation` → token,
//! `getUserInfo` → the person) or a refusal code with `errmsg`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect};
use md5::{Digest, Md5};
use serde_json::{Value, json};

use bianmin::account::sessions::COOKIE;

use crate::accounts::{client, location, set_cookie};
use crate::support::{TestApp, spawn_app_with};

const SERVICE_CODE: &str = "sfxzwfw_bianmin";
const SERVICE_PASSWORD: &str = "9c1e5b7a3d";

#[derive(Clone, Default)]
struct Platform {
    /// ticket → (used, expired)
    tickets: Arc<Mutex<HashMap<String, (bool, bool)>>>,
    tokens: Arc<Mutex<Vec<String>>>,
}

async fn login(State(platform): State<Platform>, Query(q): Query<HashMap<String, String>>) -> axum::response::Response {
    let (Some(goto), Some(SERVICE_CODE)) = (q.get("goto"), q.get("servicecode").map(String::as_str)) else {
        return "接入参数错误".into_response();
    };
    let ticket = format!("ST-{}-zjzwfw", platform.tickets.lock().unwrap().len() + 1024);
    platform.tickets.lock().unwrap().insert(ticket.clone(), (false, false));
    let joiner = if goto.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{goto}{joiner}ticket={ticket}")).into_response()
}

fn reply(result: &str, errmsg: &str) -> axum::Json<Value> {
    axum::Json(json!({"result": result, "errmsg": errmsg}))
}

/// Beijing time now, as `yyyyMMddHHmmss`, give or take `skew` seconds.
fn beijing_now_within(time: &str, skew: i64) -> bool {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    (-skew..=skew).step_by(1).any(|d| bianmin::account::zhejiang::signature("", "", now + d).0 == time)
}

async fn simpleauth(State(platform): State<Platform>, Form(f): Form<HashMap<String, String>>) -> axum::Json<Value> {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if get("servicecode") != SERVICE_CODE {
        return reply("6500", "servicecode不存在");
    }
    let expected: String = Md5::digest([SERVICE_CODE, SERVICE_PASSWORD, get("time")].concat())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if get("sign") != expected {
        return reply("6502", "签名错误");
    }
    if !beijing_now_within(get("time"), 300) {
        return reply("6503", "时间戳已过期");
    }
    match get("method") {
        "ticketValidation" => {
            let mut tickets = platform.tickets.lock().unwrap();
            match tickets.get_mut(get("st")) {
                Some((used @ false, false)) => {
                    *used = true;
                    let token = format!("tk{}", platform.tokens.lock().unwrap().len() + 7);
                    platform.tokens.lock().unwrap().push(token.clone());
                    axum::Json(json!({"result": "0", "errmsg": "成功", "token": token}))
                }
                _ => reply("6501", "ticket无效或已过期"),
            }
        }
        "getUserInfo" if platform.tokens.lock().unwrap().iter().any(|t| t == get("token")) => axum::Json(json!({
            "result": "0", "errmsg": "成功", "userid": "8a9b1c2d3e4f", "loginname": "zhangsf",
            "username": "张三丰", "idtype": "1", "idnum": "11010519491231002X",
            "mobile": "13812345678", "authlevel": "3"
        })),
        "getUserInfo" => reply("6506", "token无效"),
        _ => reply("6505", "method不存在"),
    }
}

async fn start_platform() -> (Platform, String) {
    let platform = Platform::default();
    let router = axum::Router::new()
        .route("/sso/mobile.do", axum::routing::get(login))
        .route("/sso/servlet/simpleauth", axum::routing::post(simpleauth))
        .with_state(platform.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (platform, address)
}

async fn app_with_platform(platform: &str, password: &str) -> TestApp {
    let (platform, password) = (platform.to_owned(), password.to_owned());
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    spawn_app_with(move |s| {
        s.listen = format!("127.0.0.1:{port}").parse().unwrap();
        s.sign_in.oidc_public_url = format!("http://127.0.0.1:{port}");
        s.sign_in.zhejiang_service_code = Some(SERVICE_CODE.into());
        s.sign_in.zhejiang_service_password = Some(password.as_str().into());
        s.sign_in.zhejiang_login_url = format!("{platform}/sso/mobile.do?action=oauth&scope=1");
        s.sign_in.zhejiang_api_url = format!("{platform}/sso/servlet/simpleauth");
    })
    .await
}

/// Begin at the app, log in at the platform: the callback address and the binding cookie.
async fn through_platform(app: &TestApp) -> (String, String) {
    // The page's one address for the province's sign-in leads here when the centre uses such a platform.
    let begun = client().get(format!("{}/api/auth/start?return=/my", app.address)).send().await.unwrap();
    assert_eq!(begun.status(), 303);
    let binding = set_cookie(&begun, "__Host-bianmin-sign-in").unwrap();
    let back = client().get(location(&begun)).send().await.unwrap();
    (location(&back), binding)
}

async fn callback(url: &str, binding: &str) -> reqwest::Response {
    client().get(url).header("Cookie", format!("__Host-bianmin-sign-in={binding}")).send().await.unwrap()
}

#[tokio::test]
async fn a_ticket_validated_with_a_signed_call_signs_the_person_in() {
    let (platform, address) = start_platform().await;
    let app = app_with_platform(&address, SERVICE_PASSWORD).await;
    let offered: Value = app.get("/api/session").await.json().await.unwrap();
    assert_eq!(offered["sign_in"], true);
    let (back, binding) = through_platform(&app).await;
    assert!(back.contains("ticket=ST-"), "{back}");
    let signed = callback(&back, &binding).await;
    assert_eq!(signed.status(), 303, "{:?}", signed.text().await);
    assert_eq!(location(&signed), "/my");
    let cookie = format!("{COOKIE}={}", set_cookie(&signed, COOKIE).unwrap());
    let current: Value = client()
        .get(format!("{}/api/session", app.address))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["identity"]["provider"], "zhejiang");
    assert_eq!(current["identity"]["name"], "张*丰");
    assert_eq!(current["identity"]["level"], 3);
    assert_eq!(current["consents"], json!(["sign_in"]), "signing in is recorded as its consent");

    // The same ticket again (its state taken): refused; under a fresh state the platform refuses it too.
    assert_eq!(callback(&back, &binding).await.status(), 403);
    let (fresh, binding) = through_platform(&app).await;
    let used = back.split("ticket=").nth(1).unwrap();
    let state = fresh.split("state=").nth(1).unwrap().split('&').next().unwrap();
    let replay = format!("{}/api/auth/zhejiang/callback?state={state}&ticket={used}", app.address);
    let refused = callback(&replay, &binding).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("重新登录"));

    // An expired ticket.
    let (late, binding) = through_platform(&app).await;
    for (_, expired) in platform.tickets.lock().unwrap().values_mut() {
        *expired = true;
    }
    assert_eq!(callback(&late, &binding).await.status(), 403);
}

#[tokio::test]
async fn a_wrong_service_password_fails_the_signature_and_signs_no_one_in() {
    let (_platform, address) = start_platform().await;
    let app = app_with_platform(&address, "not-the-password").await;
    let (back, binding) = through_platform(&app).await;
    let refused = callback(&back, &binding).await;
    assert_eq!(refused.status(), 503, "the platform refused the signature: the centre's to fix");
    assert!(set_cookie(&refused, COOKIE).is_none());
}
