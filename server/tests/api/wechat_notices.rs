//! WeChat notices (模板消息) against a stand-in written from WeChat's
//! documents: `POST /cgi-bin/stable_token` hands out the 公众号's
//! access_token (the same one to every caller while it is valid, in its
//! normal mode; 40125 for a wrong AppSecret), and `POST
//! /cgi-bin/message/template/send?access_token=` sends a template to an
//! openid: 40001 for a token that is not the latest, 43004 when the person
//! does not follow the 公众号, 40037 for another template, 47003 for a field
//! the template does not have or a value longer than its type allows, -1
//! when busy. Progress goes only to a WeChat account that signed in and made
//! or claimed the case.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use domain::account::identity::{Assurance, Identity, SubjectKind};
use serde_json::{Value, json};

use bianmin::account::sessions::{self, COOKIE, CSRF_HEADER};

use crate::sms::act;
use crate::support::{TestApp, spawn_app_with, spawn_with_settings, staff_token};

const APPID: &str = "wx5f0e3b2a9c1d4e67";
const APPSECRET: &str = "3f9a7c2e1b6d4a8f0c5e9b7d2a1f6c3e";
const TEMPLATE: &str = "Wq3yV2fJd0kM8sXh5RbT1nLc7GaP4eUo9iZ6vBmN0Ek";
const FOLLOWER: &str = "oX7Nc5qT2Lr9k3mB6vW1yZ4aD8fE";
const NOT_FOLLOWING: &str = "oX7Nc5qT2Lr9k3mB6vW1yZ4aD0aA";

/// One message WeChat took or refused.
#[derive(Clone, Debug)]
struct Message {
    body: Value,
    errcode: i64,
}

#[derive(Clone, Default)]
struct WeChat {
    /// The access token now valid, and how many were handed out.
    token: Arc<Mutex<Option<String>>>,
    issued: Arc<Mutex<usize>>,
    messages: Arc<Mutex<Vec<Message>>>,
    /// Answer -1 (system busy) to so many sends first.
    busy: Arc<Mutex<usize>>,
}

/// `cgi-bin/stable_token`, normal mode: the valid token, or a new one when there is none.
async fn stable_token(State(wechat): State<WeChat>, body: String) -> axum::Json<Value> {
    let asked: Value = serde_json::from_str(&body).unwrap_or_default();
    if asked["grant_type"] != "client_credential" {
        return axum::Json(json!({"errcode": 40002, "errmsg": "invalid grant_type"}));
    }
    if asked["appid"] != APPID {
        return axum::Json(json!({"errcode": 40013, "errmsg": "invalid appid"}));
    }
    if asked["secret"] != APPSECRET {
        return axum::Json(json!({"errcode": 40125, "errmsg": "invalid appsecret"}));
    }
    let mut token = wechat.token.lock().unwrap();
    if token.is_none() || asked["force_refresh"] == true {
        let mut issued = wechat.issued.lock().unwrap();
        *issued += 1;
        *token = Some(format!("86_stable{}Tk9aXbQ2mLr7", *issued));
    }
    axum::Json(json!({"access_token": token.clone().unwrap(), "expires_in": 7200}))
}

/// The template's fields and the longest value each type takes (thing: 20, character_string: 32).
fn field_problem(data: &Value) -> Option<String> {
    let fields = data.as_object()?;
    for (name, value) in fields {
        let text = value["value"].as_str().unwrap_or_default();
        let fits = match name.as_str() {
            "thing1" | "thing3" => (1..=20).contains(&text.chars().count()),
            "character_string2" => (1..=32).contains(&text.len()) && text.is_ascii(),
            "time4" => !text.is_empty(),
            _ => false,
        };
        if !fits {
            return Some(format!("argument invalid! data.{name}.value invalid"));
        }
    }
    None
}

/// `cgi-bin/message/template/send`.
async fn send(
    State(wechat): State<WeChat>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> axum::Json<Value> {
    let body: Value = serde_json::from_str(&body).unwrap_or_default();
    let answer = |errcode: i64, errmsg: &str| {
        wechat.messages.lock().unwrap().push(Message { body: body.clone(), errcode });
        axum::Json(json!({"errcode": errcode, "errmsg": errmsg}))
    };
    let current = wechat.token.lock().unwrap().clone();
    match q.get("access_token") {
        None => return answer(41001, "access_token missing"),
        Some(token) if Some(token) != current.as_ref() => {
            return answer(40001, "invalid credential, access_token is invalid or not latest");
        }
        Some(_) => {}
    }
    {
        let mut busy = wechat.busy.lock().unwrap();
        if *busy > 0 {
            *busy -= 1;
            return answer(-1, "system error");
        }
    }
    if body["template_id"] != TEMPLATE {
        return answer(40037, "invalid template_id");
    }
    if body["touser"] != FOLLOWER {
        return answer(43004, "require subscribe");
    }
    if let Some(problem) = field_problem(&body["data"]) {
        return answer(47003, &problem);
    }
    let n = wechat.messages.lock().unwrap().len();
    wechat.messages.lock().unwrap().push(Message { body: body.clone(), errcode: 0 });
    axum::Json(json!({"errcode": 0, "errmsg": "ok", "msgid": 200_228_332 + n}))
}

async fn start_wechat() -> (WeChat, String) {
    let wechat = WeChat::default();
    let router = axum::Router::new()
        .route("/cgi-bin/stable_token", axum::routing::post(stable_token))
        .route("/cgi-bin/message/template/send", axum::routing::post(send))
        .with_state(wechat.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (wechat, address)
}

async fn app_with_wechat(stand_in: &str) -> TestApp {
    let stand_in = stand_in.to_owned();
    spawn_app_with(move |s| {
        s.sign_in.wechat_appid = Some(APPID.into());
        s.sign_in.wechat_secret = Some(APPSECRET.into());
        s.sign_in.wechat_api_url = stand_in;
        s.notify.wechat_template_id = Some(TEMPLATE.into());
        s.notify.public_url = "https://zwfw.example.gov.cn".into();
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
    })
    .await
}

/// A WeChat account signed in (web authorisation gave its openid).
fn wechat_account(openid: &str) -> Identity {
    Identity {
        provider: "wechat".into(),
        subject: openid.into(),
        kind: SubjectKind::Person,
        real_name: None,
        id_number: None,
        phone: None,
        assurance: Assurance { level: 0, raw: "snsapi_base".into() },
        credit_code: None,
        organisation: None,
        authenticated_at: "2026-12-06T10:00:00Z".into(),
    }
}

async fn submit_signed_in(app: &TestApp, key: &str, session: &sessions::NewSession) -> reqwest::Response {
    let body = crate::support::complete_application(app).await;
    app.client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", key)
        .header("Cookie", format!("{COOKIE}={}", session.cookie))
        .header(CSRF_HEADER, &session.csrf)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The messages WeChat took, once there are `count` of them.
async fn taken(wechat: &WeChat, count: usize) -> Vec<Value> {
    let took = || -> Vec<Value> {
        wechat.messages.lock().unwrap().iter().filter(|m| m.errcode == 0).map(|m| m.body.clone()).collect()
    };
    for _ in 0..200 {
        if took().len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    took()
}

async fn staff_notifications(app: &TestApp, token: &str, case: &str) -> Vec<domain::case::view::NotificationView> {
    let staff: domain::case::view::StaffCase =
        app.staff_get(token, &format!("/api/staff/cases/{case}")).await.json().await.unwrap();
    staff.notifications.into_iter().filter(|n| n.channel == "wechat").collect()
}

#[tokio::test]
async fn progress_goes_to_the_wechat_that_applied_with_one_token_shared_by_every_instance() {
    let (wechat, stand_in) = start_wechat().await;
    let app = app_with_wechat(&stand_in).await;
    let mut second = app.settings.clone();
    second.listen = "127.0.0.1:0".parse().unwrap();
    let other = spawn_with_settings(second).await;
    // WeChat is busy at first: the receipt's message is tried again.
    *wechat.busy.lock().unwrap() = 1;

    let session = sessions::create(&app.state, &wechat_account(FOLLOWER)).await.unwrap();
    let response = submit_signed_in(&app, "wx-1", &session).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: domain::apply::submission::Receipt = response.json().await.unwrap();
    assert_eq!(
        receipt.notices,
        [domain::apply::submission::ReceiptNotice { channel: "wechat".into(), to: "您登录的微信".into() }],
        "the receipt says progress goes to this WeChat"
    );
    let case = receipt.case_number.clone();
    let first = taken(&wechat, 1).await;
    assert_eq!(first.len(), 1);
    let message = &first[0];
    assert_eq!(message["touser"], FOLLOWER);
    assert_eq!(message["template_id"], TEMPLATE);
    assert_eq!(message["url"], format!("https://zwfw.example.gov.cn/cases/{case}"));
    assert_eq!(message["data"]["thing1"]["value"], "道路货物运输驾驶员从业资格证核发");
    assert_eq!(message["data"]["character_string2"]["value"], case.as_str());
    assert_eq!(message["data"]["thing3"]["value"], "已提交，等待受理");
    assert!(message["data"]["time4"]["value"].as_str().unwrap().contains('年'));

    // The staff act on the other instance; whichever delivers uses the one token.
    let token = staff_token(&other, "县交通运输局").await;
    act(
        &other,
        &token,
        &case,
        json!({"action": "request_supplement", "items": [
            {"material": "photo", "reason": "照片背景不是白色"}, {"material": "id_card", "reason": "背面不清晰"}]}),
    )
    .await;
    let both = taken(&wechat, 2).await;
    assert_eq!(both[1]["data"]["thing3"]["value"], "需补正2项材料，10个工作日内补齐");
    assert_eq!(*wechat.issued.lock().unwrap(), 1, "one access_token for both instances");
    let kept: String = sqlx::query_scalar("SELECT token FROM wechat_tokens").fetch_one(&app.db().await).await.unwrap();
    assert!(!kept.contains("Tk9aXbQ2mLr7"), "the token is kept sealed");

    // Someone else renewed the token (the 公众号's other system): WeChat says 40001;
    // the server forgets its token, takes the new one and the message still goes, in one attempt.
    *wechat.token.lock().unwrap() = Some("86_renewed_elsewhere".into());
    let again = submit_signed_in(&app, "wx-2", &session).await;
    let again: domain::apply::submission::Receipt = again.json().await.unwrap();
    let three = taken(&wechat, 3).await;
    assert_eq!(three[2]["data"]["character_string2"]["value"], again.case_number.as_str());
    let refused = wechat.messages.lock().unwrap().iter().filter(|m| m.errcode == 40001).count();
    assert_eq!(refused, 1);

    let seen = staff_notifications(&app, &token, &case).await;
    let states: Vec<(&str, &str, &str, u32)> =
        seen.iter().map(|n| (n.recipient.as_str(), n.event.as_str(), n.state.as_str(), n.attempts)).collect();
    assert_eq!(
        states,
        [("您登录的微信", "notice.submitted", "done", 2), ("您登录的微信", "notice.supplement_requested", "done", 1)]
    );
    let renewed = staff_notifications(&app, &token, &again.case_number).await;
    assert_eq!((renewed[0].state.as_str(), renewed[0].attempts), ("done", 1));

    let text = format!("{:?}", wechat.messages.lock().unwrap());
    for personal in ["张三", "11010519491231002X", "13812345678", "人民路"] {
        assert!(!text.contains(personal), "no personal data in a WeChat message");
    }
}

#[tokio::test]
async fn a_wechat_account_that_does_not_follow_is_not_retried_and_a_claim_or_deletion_decides_who_is_told() {
    let (wechat, stand_in) = start_wechat().await;
    let app = app_with_wechat(&stand_in).await;
    let token = staff_token(&app, "县交通运输局").await;

    // Not following the 公众号: 43004, dead after one try, said so to the staff.
    let stranger = sessions::create(&app.state, &wechat_account(NOT_FOLLOWING)).await.unwrap();
    let receipt: domain::apply::submission::Receipt =
        submit_signed_in(&app, "wx-3", &stranger).await.json().await.unwrap();
    let mut dead = Vec::new();
    for _ in 0..100 {
        dead = staff_notifications(&app, &token, &receipt.case_number).await;
        if dead.first().is_some_and(|n| n.state == "dead") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!((dead[0].state.as_str(), dead[0].attempts), ("dead", 1));
    assert!(dead[0].last_error.as_deref().unwrap().contains("没有关注"), "{:?}", dead[0]);

    // Made without signing in: no WeChat. Claimed later from WeChat: its progress goes there.
    let anonymous = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(staff_notifications(&app, &token, &anonymous.case_number).await.is_empty());
    let follower = sessions::create(&app.state, &wechat_account(FOLLOWER)).await.unwrap();
    let claimed = app
        .client
        .post(format!("{}/api/my/cases/claim", app.address))
        .header("Cookie", format!("{COOKIE}={}", follower.cookie))
        .header(CSRF_HEADER, &follower.csrf)
        .json(&json!({"case_number": anonymous.case_number, "query_code": anonymous.query_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(claimed.status(), 200);
    act(&app, &token, &anonymous.case_number, json!({"action": "accept"})).await;
    let sent = taken(&wechat, 1).await;
    assert_eq!(sent[0]["data"]["thing3"]["value"], "已受理");
    assert_eq!(sent[0]["touser"], FOLLOWER);

    // The person deletes their account's data: WeChat is told nothing more.
    let deleted = app
        .client
        .post(format!("{}/api/my/account/delete", app.address))
        .header("Cookie", format!("{COOKIE}={}", follower.cookie))
        .header(CSRF_HEADER, &follower.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_wechat").fetch_one(&app.db().await).await.unwrap();
    assert_eq!(kept, 1, "only the stranger's case keeps its WeChat");
    act(&app, &token, &anonymous.case_number, json!({"action": "start"})).await;
    act(&app, &token, &anonymous.case_number, json!({"action": "complete", "result": "准予许可"})).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let sends = wechat.messages.lock().unwrap().iter().filter(|m| m.body["touser"] == FOLLOWER).count();
    assert_eq!(sends, 1, "nothing after the deletion");
}
