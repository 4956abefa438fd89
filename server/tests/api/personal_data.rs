//! 我的数据: consent per purpose, the export (every case of the person and
//! nothing of anyone else's) and deleting the account's data (the cases stay,
//! unlinked, still opened with their codes).

use serde_json::{Value, json};

use bianmin::account::sessions::{self, COOKIE, CSRF_HEADER, NewSession};

use crate::accounts::person;
use crate::support::{TestApp, spawn_app};

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    who: &NewSession,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .request(method, format!("{}{path}", app.address))
        .header("Cookie", format!("{COOKIE}={}", who.cookie))
        .header(CSRF_HEADER, &who.csrf);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn claim(app: &TestApp, who: &NewSession, receipt: &domain::apply::submission::Receipt) {
    let key = json!({"case_number": receipt.case_number, "query_code": receipt.query_code});
    let claimed = call(app, reqwest::Method::POST, "/api/my/cases/claim", who, Some(key)).await;
    assert_eq!(claimed.status(), 200);
}

#[tokio::test]
async fn the_export_holds_every_case_of_the_person_and_nothing_of_anyone_else() {
    let app = spawn_app().await;
    let zhang = sessions::create(&app.state, &person("zhang", "张三", "11010519491231002X", 3)).await.unwrap();
    let li = sessions::create(&app.state, &person("li", "李四", "110101198805123010", 3)).await.unwrap();
    let first = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    // The phone keys the test's submission: a second case, another phone of the person's.
    let second = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345679").await;
    let theirs = crate::steps::submit_complete(&app, "李四", "110101198805123010", "13912345678").await;
    claim(&app, &zhang, &first).await;
    claim(&app, &zhang, &second).await;
    claim(&app, &li, &theirs).await;

    let exported = call(&app, reqwest::Method::GET, "/api/my/data", &zhang, None).await;
    assert_eq!(exported.status(), 200);
    assert!(exported.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(exported.headers()["cache-control"], "no-store");
    let text = exported.text().await.unwrap();
    let data: Value = serde_json::from_str(&text).unwrap();
    let mut numbers: Vec<&str> =
        data["cases"].as_array().unwrap().iter().map(|c| c["case_number"].as_str().unwrap()).collect();
    numbers.sort_unstable();
    let mut expected = vec![first.case_number.as_str(), second.case_number.as_str()];
    expected.sort_unstable();
    assert_eq!(numbers, expected, "every case of the person's");
    assert_eq!(data["identity"]["id_number"], "11010519491231002X", "the person's own data, in full");
    for other in [theirs.case_number.as_str(), "李四", "110101198805123010", "13912345678"] {
        assert!(!text.contains(other), "nothing of anyone else's: {other}");
    }
    let sign_in = data["consents"].as_array().unwrap().iter().find(|c| c["purpose"] == "sign_in").unwrap();
    assert_eq!(sign_in["given"], false, "a session made without the sign-in flow records no consent");

    // The page to read: the same cases, escaped, no script.
    let readable = call(&app, reqwest::Method::GET, "/api/my/data/readable", &zhang, None).await;
    assert_eq!(readable.status(), 200);
    let page = readable.text().await.unwrap();
    assert!(page.contains(&first.case_number) && page.contains(&second.case_number));
    assert!(!page.contains(&theirs.case_number) && !page.contains("<script"));

    // Signed out: nothing to export.
    assert_eq!(app.get("/api/my/data").await.status(), 401);
}

#[tokio::test]
async fn consent_per_purpose_is_given_and_withdrawn_and_prefill_follows_it() {
    let app = spawn_app().await;
    let zhang = sessions::create(&app.state, &person("zhang", "张三", "11010519491231002X", 3)).await.unwrap();
    let change = |purpose: &str, given: bool| json!({"purpose": purpose, "given": given});
    let given = call(&app, reqwest::Method::POST, "/api/my/consents", &zhang, Some(change("prefill", true))).await;
    let list: Value = given.json().await.unwrap();
    let prefill = list.as_array().unwrap().iter().find(|c| c["purpose"] == "prefill").unwrap();
    assert_eq!(prefill["given"], true);
    assert!(prefill["changed_at"].is_string());
    assert_eq!(call(&app, reqwest::Method::GET, "/api/session/prefill", &zhang, None).await.status(), 200);

    let withdrawn = call(&app, reqwest::Method::POST, "/api/my/consents", &zhang, Some(change("prefill", false))).await;
    assert_eq!(withdrawn.status(), 200);
    assert_eq!(call(&app, reqwest::Method::GET, "/api/session/prefill", &zhang, None).await.status(), 403);
    // Signing in itself is withdrawn by deleting the account's data, said in words.
    let refused = call(&app, reqwest::Method::POST, "/api/my/consents", &zhang, Some(change("sign_in", false))).await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("删除账号数据"));
    // Without the CSRF token the cookie changes nothing.
    let forged = reqwest::Client::new()
        .post(format!("{}/api/my/consents", app.address))
        .header("Cookie", format!("{COOKIE}={}", zhang.cookie))
        .json(&change("prefill", true))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn deleting_the_account_leaves_the_cases_intact_and_unlinked() {
    let app = spawn_app().await;
    let identity = person("zhang", "张三", "11010519491231002X", 3);
    let phone = sessions::create(&app.state, &identity).await.unwrap();
    let computer = sessions::create(&app.state, &identity).await.unwrap();
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    claim(&app, &phone, &receipt).await;
    call(&app, reqwest::Method::POST, "/api/my/consents", &phone, Some(json!({"purpose": "prefill", "given": true})))
        .await;

    let deleted = call(&app, reqwest::Method::POST, "/api/my/account/delete", &phone, None).await;
    assert_eq!(deleted.status(), 204);
    assert!(deleted.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    // Signed out everywhere.
    for device in [&phone, &computer] {
        let current: Value = call(&app, reqwest::Method::GET, "/api/session", device, None).await.json().await.unwrap();
        assert_eq!(current["signed_in"], false);
    }
    // Nothing links the person to the case; nothing of the consents is left.
    let pool = &app.state.db;
    for table in ["case_owners", "consents", "sessions"] {
        let left: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await.unwrap();
        assert_eq!(left, 0, "{table}");
    }
    // The case stays, as the law requires, and opens with its codes.
    let key = json!({"case_number": receipt.case_number, "query_code": receipt.query_code});
    let found = app.client.post(format!("{}/api/cases/lookup", app.address)).json(&key).send().await.unwrap();
    assert_eq!(found.status(), 200);
    // Signing in again starts with nothing.
    let again = sessions::create(&app.state, &identity).await.unwrap();
    let mine: Value = call(&app, reqwest::Method::GET, "/api/my/cases", &again, None).await.json().await.unwrap();
    assert_eq!(mine, json!([]));
}
