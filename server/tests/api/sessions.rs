//! Signed-in sessions: the cookie opens the session and nothing else does; a
//! change made with the cookie but without the CSRF token is refused; a
//! session ends when unused and when old; sign-out ends one session or all of
//! a person's; the database holds neither the cookie, nor the token, nor the
//! identity in clear.

use domain::account::identity::{Assurance, Identity, SubjectKind};
use domain::account::session::Lifetimes;
use serde_json::Value;
use sqlx::Row;

use bianmin::account::sessions;

use crate::support::{TestApp, spawn_app};

fn zhang() -> Identity {
    Identity {
        provider: "oidc".into(),
        subject: "sub-8a1f".into(),
        kind: SubjectKind::Person,
        real_name: Some("张三丰".into()),
        id_number: Some("11010519491231002X".into()),
        phone: Some("13812345678".into()),
        assurance: Assurance { level: 3, raw: "L3".into() },
        credit_code: None,
        organisation: None,
        authenticated_at: "2026-12-04T10:00:00Z".into(),
    }
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", app.address))
        .header("Cookie", format!("{}={cookie}", sessions::COOKIE));
    if let Some(token) = csrf {
        request = request.header(sessions::CSRF_HEADER, token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_session_cookie_without_its_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    let made = sessions::create(&app.state, &zhang()).await.unwrap();

    // Who is signed in, masked, with the token for changes.
    let current: Value =
        send(&app, reqwest::Method::GET, "/api/session", &made.cookie, None).await.json().await.unwrap();
    assert_eq!(current["signed_in"], true);
    assert_eq!(current["identity"]["name"], "张*丰");
    assert_eq!(current["identity"]["id_number"], "110***********002X");
    assert_eq!(current["identity"]["level"], 3);
    assert_eq!(current["csrf"], made.csrf.as_str());
    let anonymous: Value = app.get("/api/session").await.json().await.unwrap();
    assert_eq!(anonymous["signed_in"], false);

    // The cookie alone (what another site's form would send) cannot sign out.
    for token in [None, Some("h1:0000"), Some(made.cookie.as_str())] {
        let refused = send(&app, reqwest::Method::POST, "/api/session/sign-out", &made.cookie, token).await;
        assert_eq!(refused.status(), 403, "{token:?}");
        let body: Value = refused.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains("防伪令牌"));
    }
    let still: Value = send(&app, reqwest::Method::GET, "/api/session", &made.cookie, None).await.json().await.unwrap();
    assert_eq!(still["signed_in"], true);

    // With the token: signed out, the cookie cleared, the session gone.
    let out = send(&app, reqwest::Method::POST, "/api/session/sign-out", &made.cookie, Some(&made.csrf)).await;
    assert_eq!(out.status(), 204);
    let cleared = out.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cleared.contains("Max-Age=0") && cleared.contains("HttpOnly") && cleared.contains("Secure"), "{cleared}");
    let gone: Value = send(&app, reqwest::Method::GET, "/api/session", &made.cookie, None).await.json().await.unwrap();
    assert_eq!(gone["signed_in"], false);
}

#[tokio::test]
async fn sessions_end_when_unused_when_old_and_everywhere_at_once() {
    let app = spawn_app().await;
    let life = Lifetimes::default();
    let now = bianmin::db::unix_now();
    let phone = sessions::create(&app.state, &zhang()).await.unwrap();
    let computer = sessions::create(&app.state, &zhang()).await.unwrap();
    let other = sessions::create(&app.state, &Identity { subject: "sub-other".into(), ..zhang() }).await.unwrap();
    assert!(sessions::open(&app.state, &phone.cookie, now + 29 * 60, life).await.unwrap().is_some());
    // Unused for half an hour after that: ended, and its row deleted.
    assert!(sessions::open(&app.state, &computer.cookie, now + 31 * 60, life).await.unwrap().is_none());
    // Used every few minutes, it still ends twelve hours after sign-in.
    let mut at = now;
    while at < now + 12 * 3600 - 600 {
        at += 20 * 60;
        if sessions::open(&app.state, &phone.cookie, at, life).await.unwrap().is_none() {
            break;
        }
    }
    assert!(at >= now + 11 * 3600, "alive while used, for hours");
    assert!(sessions::open(&app.state, &phone.cookie, now + 12 * 3600, life).await.unwrap().is_none());

    // Sign out everywhere ends all of this person's sessions and no one else's.
    let a = sessions::create(&app.state, &zhang()).await.unwrap();
    let b = sessions::create(&app.state, &zhang()).await.unwrap();
    let session = sessions::open(&app.state, &a.cookie, now, life).await.unwrap().unwrap();
    assert_eq!(session.end_everywhere(&app.state).await.unwrap(), 2);
    assert!(sessions::open(&app.state, &b.cookie, now, life).await.unwrap().is_none());
    assert!(sessions::open(&app.state, &other.cookie, now, life).await.unwrap().is_some());

    // Housekeeping removes what has ended without anyone coming back to it.
    assert_eq!(sessions::sweep(&app.state, now + 12 * 3600, life).await.unwrap(), 1, "the other person's");
    let left: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM sessions").fetch_one(&app.db().await).await.unwrap().get("n");
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_copy_of_the_database_opens_no_session() {
    let app = spawn_app().await;
    let made = sessions::create(&app.state, &zhang()).await.unwrap();
    let rows =
        sqlx::query("SELECT id_hash, subject_hash, identity FROM sessions").fetch_all(&app.db().await).await.unwrap();
    assert_eq!(rows.len(), 1);
    let stored: Vec<String> =
        ["id_hash", "subject_hash", "identity"].iter().map(|c| rows[0].try_get::<String, _>(*c).unwrap()).collect();
    let all = stored.join(" ");
    for secret in [made.cookie.as_str(), made.csrf.as_str(), "张三丰", "11010519491231002X", "13812345678", "sub-8a1f"]
    {
        assert!(!all.contains(secret), "{secret} is not stored in clear");
    }
    // The stored hash used as a cookie opens nothing.
    let forged: Value = send(&app, reqwest::Method::GET, "/api/session", &stored[0], None).await.json().await.unwrap();
    assert_eq!(forged["signed_in"], false);
}

#[tokio::test]
async fn the_verified_name_and_id_number_go_only_to_the_signed_in_browser() {
    let app = spawn_app().await;
    let made = sessions::create(&app.state, &zhang()).await.unwrap();
    // Not before the person agrees to it (a purpose of its own).
    let asked = send(&app, reqwest::Method::GET, "/api/session/prefill", &made.cookie, None).await;
    assert_eq!(asked.status(), 403);
    let agree = reqwest::Client::new()
        .post(format!("{}/api/my/consents", app.address))
        .header("Cookie", format!("{}={}", sessions::COOKIE, made.cookie))
        .header(sessions::CSRF_HEADER, &made.csrf)
        .json(&serde_json::json!({"purpose": "prefill", "given": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(agree.status(), 200);
    let current: Value =
        send(&app, reqwest::Method::GET, "/api/session", &made.cookie, None).await.json().await.unwrap();
    assert_eq!(current["consents"], serde_json::json!(["prefill"]));
    let filled = send(&app, reqwest::Method::GET, "/api/session/prefill", &made.cookie, None).await;
    assert_eq!(filled.status(), 200);
    assert_eq!(filled.headers()["cache-control"], "no-store");
    let filled: Value = filled.json().await.unwrap();
    assert_eq!((filled["name"].as_str(), filled["id_number"].as_str()), (Some("张三丰"), Some("11010519491231002X")));
    assert_eq!(app.get("/api/session/prefill").await.status(), 401, "signed out: nothing");

    // WeChat's openid verifies no name: nothing to fill in.
    let wechat = Identity {
        provider: "wechat".into(),
        real_name: None,
        id_number: None,
        assurance: Assurance { level: 0, raw: "none".into() },
        ..zhang()
    };
    let openid = sessions::create(&app.state, &wechat).await.unwrap();
    let refused = send(&app, reqwest::Method::GET, "/api/session/prefill", &openid.cookie, None).await;
    assert_eq!(refused.status(), 404);
}
