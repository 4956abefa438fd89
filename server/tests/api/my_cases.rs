//! 我的办件: a case made without signing in is claimed with its number and
//! query code (认领) and then appears on the person's other devices; a
//! claim needs the session's CSRF token and the right code; nobody else sees it.

use domain::account::identity::{Assurance, Identity, SubjectKind};
use serde_json::{Value, json};

use bianmin::account::sessions::{self, COOKIE, CSRF_HEADER};

use crate::support::{TestApp, spawn_app};

fn person(subject: &str) -> Identity {
    Identity {
        provider: "oidc".into(),
        subject: subject.into(),
        kind: SubjectKind::Person,
        real_name: Some("张三".into()),
        id_number: Some("11010519491231002X".into()),
        phone: None,
        assurance: Assurance { level: 2, raw: "2".into() },
        credit_code: None,
        organisation: None,
        authenticated_at: "2026-12-04T10:00:00Z".into(),
    }
}

async fn my_cases(app: &TestApp, cookie: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/api/my/cases", app.address))
        .header("Cookie", format!("{COOKIE}={cookie}"))
        .send()
        .await
        .unwrap()
}

async fn claim(app: &TestApp, cookie: &str, csrf: Option<&str>, key: &Value) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/my/cases/claim", app.address))
        .header("Cookie", format!("{COOKIE}={cookie}"))
        .json(key);
    if let Some(token) = csrf {
        request = request.header(CSRF_HEADER, token);
    }
    request.send().await.unwrap()
}

fn numbers(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["case_number"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_case_claimed_with_its_codes_appears_on_the_persons_other_devices() {
    let app = spawn_app().await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let key = json!({"case_number": receipt.case_number, "query_code": receipt.query_code});
    let phone = sessions::create(&app.state, &person("zhang")).await.unwrap();
    let computer = sessions::create(&app.state, &person("zhang")).await.unwrap();
    let stranger = sessions::create(&app.state, &person("wang")).await.unwrap();

    assert_eq!(app.get("/api/my/cases").await.status(), 401, "signed out: nothing to list");
    let before: Value = my_cases(&app, &phone.cookie).await.json().await.unwrap();
    assert!(numbers(&before).is_empty());

    // The cookie alone cannot claim; a wrong query code cannot either.
    assert_eq!(claim(&app, &phone.cookie, None, &key).await.status(), 403);
    let wrong = json!({"case_number": receipt.case_number, "query_code": "AAAA-AAAA"});
    assert_eq!(claim(&app, &phone.cookie, Some(&phone.csrf), &wrong).await.status(), 404);
    let claimed = claim(&app, &phone.cookie, Some(&phone.csrf), &key).await;
    assert_eq!(claimed.status(), 200);
    // Claimed twice (a double tap): still one.
    assert_eq!(claim(&app, &phone.cookie, Some(&phone.csrf), &key).await.status(), 200);

    let elsewhere: Value = my_cases(&app, &computer.cookie).await.json().await.unwrap();
    assert_eq!(numbers(&elsewhere), std::slice::from_ref(&receipt.case_number), "on the person's computer too");
    assert_eq!(elsewhere[0]["status"], "submitted");
    let theirs: Value = my_cases(&app, &stranger.cookie).await.json().await.unwrap();
    assert!(numbers(&theirs).is_empty(), "nobody else sees it");
}

async fn submit_signed_in(
    app: &TestApp,
    key: &str,
    body: &Value,
    cookie: &str,
    csrf: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", key)
        .header("Cookie", format!("{COOKIE}={cookie}"))
        .json(body);
    if let Some(token) = csrf {
        request = request.header(CSRF_HEADER, token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_signed_in_applicant_applies_as_the_verified_person_and_the_case_is_theirs() {
    let app = spawn_app().await;
    let session = sessions::create(&app.state, &person("zhang")).await.unwrap();
    // The page sent another name and ID number than the provider verified.
    let mut body = crate::support::complete_application(&app).await;
    body["form"]["applicant"]["name"] = json!("李四");
    body["form"]["applicant"]["id_number"] = json!("110101198805123010");
    let response = submit_signed_in(&app, "signed-in", &body, &session.cookie, Some(&session.csrf)).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: domain::apply::submission::Receipt = response.json().await.unwrap();
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let staff: Value =
        app.staff_get(&token, &format!("/api/staff/cases/{}", receipt.case_number)).await.json().await.unwrap();
    let applicant = &staff["application"]["form"]["applicant"];
    assert_eq!(
        (applicant["name"].as_str(), applicant["id_number"].as_str()),
        (Some("张三"), Some("11010519491231002X"))
    );
    let mine: Value = my_cases(&app, &session.cookie).await.json().await.unwrap();
    assert_eq!(numbers(&mine), std::slice::from_ref(&receipt.case_number), "made while signed in: the person's");

    // Without the CSRF token the session is not used: an anonymous application, not bound.
    let body = crate::support::complete_application(&app).await;
    let response = submit_signed_in(&app, "no-token", &body, &session.cookie, None).await;
    assert_eq!(response.status(), 201);
    let mine: Value = my_cases(&app, &session.cookie).await.json().await.unwrap();
    assert_eq!(numbers(&mine).len(), 1);
}

/// The shipped catalog with JT-003 requiring a level-3 sign-in.
fn catalog_requiring_level_3() -> tempfile::TempDir {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().map(Result::unwrap) {
            match entry.path().is_dir() {
                true => copy(&entry.path(), &to.join(entry.file_name())),
                false => drop(std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap()),
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog"), dir.path());
    let item = dir.path().join("jt-003-freight-driver-qualification.toml");
    let text = std::fs::read_to_string(&item).unwrap().replacen("visits = ", "sign_in_level = 3\nvisits = ", 1);
    std::fs::write(&item, text).unwrap();
    dir
}

#[tokio::test]
async fn an_item_requiring_level_3_refuses_anonymous_and_level_2_sign_ins_in_words() {
    let catalog = catalog_requiring_level_3();
    let path = catalog.path().to_owned();
    let calendar = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../calendar");
    let app = crate::support::spawn_app_with(|s| {
        s.catalog = path;
        s.calendar = Some(calendar);
    })
    .await;
    let body = crate::support::complete_application(&app).await;
    let anonymous = app.submit("anonymous", &body).await;
    assert_eq!(anonymous.status(), 401);
    let said: Value = anonymous.json().await.unwrap();
    assert!(said["error"]["message"].as_str().unwrap().contains("需要先登录（实名认证等级不低于3级）"), "{said}");

    let weak = sessions::create(&app.state, &person("zhang")).await.unwrap();
    let refused = submit_signed_in(&app, "level-2", &body, &weak.cookie, Some(&weak.csrf)).await;
    assert_eq!(refused.status(), 401);
    let said: Value = refused.json().await.unwrap();
    assert!(said["error"]["message"].as_str().unwrap().contains("等级不够"), "{said}");

    let sure = Identity { assurance: Assurance { level: 3, raw: "L3".into() }, ..person("zhang") };
    let strong = sessions::create(&app.state, &sure).await.unwrap();
    let accepted = submit_signed_in(&app, "level-3", &body, &strong.cookie, Some(&strong.csrf)).await;
    assert_eq!(accepted.status(), 201, "{}", accepted.text().await.unwrap());
}

async fn lookup(app: &TestApp, cookie: &str, csrf: Option<&str>, case_number: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/cases/lookup", app.address))
        .header("Cookie", format!("{COOKIE}={cookie}"))
        .json(&json!({"case_number": case_number, "query_code": ""}));
    if let Some(token) = csrf {
        request = request.header(CSRF_HEADER, token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_owner_follows_a_case_without_its_query_code_and_nobody_else_can() {
    let app = spawn_app().await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let key = json!({"case_number": receipt.case_number, "query_code": receipt.query_code});
    let owner = sessions::create(&app.state, &person("zhang")).await.unwrap();
    let stranger = sessions::create(&app.state, &person("wang")).await.unwrap();

    // Before the claim, not even the person who will own it opens it without the code.
    assert_eq!(lookup(&app, &owner.cookie, Some(&owner.csrf), &receipt.case_number).await.status(), 404);
    assert_eq!(claim(&app, &owner.cookie, Some(&owner.csrf), &key).await.status(), 200);

    let opened = lookup(&app, &owner.cookie, Some(&owner.csrf), &receipt.case_number).await;
    assert_eq!(opened.status(), 200, "the owner who lost the receipt still follows the case");
    let view: Value = opened.json().await.unwrap();
    assert_eq!(view["case_number"], receipt.case_number.as_str());
    // Without the CSRF token the cookie proves nothing; another person's session opens nothing.
    assert_eq!(lookup(&app, &owner.cookie, None, &receipt.case_number).await.status(), 404);
    assert_eq!(lookup(&app, &stranger.cookie, Some(&stranger.csrf), &receipt.case_number).await.status(), 404);

    // And the owner withdraws it the same way.
    let withdrawn = reqwest::Client::new()
        .post(format!("{}/api/cases/withdraw", app.address))
        .header("Cookie", format!("{COOKIE}={}", owner.cookie))
        .header(CSRF_HEADER, &owner.csrf)
        .json(&json!({"case_number": receipt.case_number, "query_code": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), 200);
    let view: Value = withdrawn.json().await.unwrap();
    assert_eq!(view["status"], "withdrawn");
}

#[tokio::test]
async fn a_new_form_is_filled_from_the_persons_last_application_on_request() {
    let app = spawn_app().await;
    let session = sessions::create(&app.state, &person("zhang")).await.unwrap();
    let stranger = sessions::create(&app.state, &person("wang")).await.unwrap();
    let mut body = crate::support::complete_application(&app).await;
    body["form"]["applicant"]["address"] = json!("示范县和平街 9 号 3 单元");
    let made = submit_signed_in(&app, "last", &body, &session.cookie, Some(&session.csrf)).await;
    assert_eq!(made.status(), 201);
    let last = |who: &sessions::NewSession, item: &str| {
        reqwest::Client::new()
            .get(format!("{}/api/my/last-form?item={item}", app.address))
            .header("Cookie", format!("{COOKIE}={}", who.cookie))
            .send()
    };
    assert_eq!(last(&session, "JT-003").await.unwrap().status(), 403, "only after agreeing to prefill");
    for who in [&session, &stranger] {
        let agreed = reqwest::Client::new()
            .post(format!("{}/api/my/consents", app.address))
            .header("Cookie", format!("{COOKIE}={}", who.cookie))
            .header(CSRF_HEADER, &who.csrf)
            .json(&json!({"purpose": "prefill", "given": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(agreed.status(), 200);
    }
    let form: Value = last(&session, "JT-003").await.unwrap().json().await.unwrap();
    assert_eq!(form["applicant"]["address"], "示范县和平街 9 号 3 单元");
    assert_eq!(last(&session, "JT-001").await.unwrap().status(), 404, "not an item the person applied for");
    assert_eq!(last(&stranger, "JT-003").await.unwrap().status(), 404, "nobody else's");
}
