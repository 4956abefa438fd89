//! 找回查询码: a lost query code is reissued only to whoever proves the phone
//! the application gave, with a one-time SMS code; the old code stops working,
//! a stranger learns nothing, and the limits of one-time codes hold.

use std::sync::{Arc, Mutex};

use domain::apply::submission::Receipt;
use serde_json::{Value, json};

use crate::sms::{Provider, Seen, app_with_sms_as, last_code, stand_in};
use crate::support::{TestApp, complete_application, spawn_app};

async fn post(app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    let response = app.client.post(format!("{}{path}", app.address)).json(&body).send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn lookup(app: &TestApp, case_number: &str, query_code: &str) -> u16 {
    post(app, "/api/cases/lookup", json!({"case_number": case_number, "query_code": query_code})).await.0
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_lost_query_code_is_reissued_to_the_right_phone_with_its_sms_code() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let app = app_with_sms_as(Provider::Aliyun, stand_in(Provider::Aliyun, &seen).await, None, 10, |_| {}).await;
    let body = complete_application(&app).await;
    let receipt: Receipt = app.submit("recover", &body).await.json().await.unwrap();
    let case = receipt.case_number.as_str();
    let phone = body["form"]["applicant"]["phone"].as_str().unwrap().to_owned();

    // Another phone: the same answer, and nothing is sent.
    let (status, sent) =
        post(&app, "/api/cases/recovery-codes", json!({"case_number": case, "phone": "13900000000"})).await;
    assert_eq!((status, &sent["to"]), (202, &json!("139****0000")), "{sent}");
    assert!(seen.lock().unwrap().codes.is_empty(), "no SMS to a number the case does not have");
    // A made-up case number: the same answer too.
    let (status, _) =
        post(&app, "/api/cases/recovery-codes", json!({"case_number": "ABCD-EFGH", "phone": phone})).await;
    assert_eq!(status, 202);
    assert!(seen.lock().unwrap().codes.is_empty());

    // The right phone gets a code; a wrong code is refused and counted.
    let (status, _) = post(&app, "/api/cases/recovery-codes", json!({"case_number": case, "phone": phone})).await;
    assert_eq!(status, 202);
    let code = last_code(&seen);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let (status, refused) =
        post(&app, "/api/cases/recovery", json!({"case_number": case, "phone": phone, "code": wrong})).await;
    assert_eq!(status, 422);
    assert!(message(&refused).starts_with("验证码不对"), "{refused}");
    // The right code with another phone proves nothing.
    let (status, _) =
        post(&app, "/api/cases/recovery", json!({"case_number": case, "phone": "13900000000", "code": code})).await;
    assert_eq!(status, 422);

    // The right phone and code: a new query code; the old one stops working.
    let (status, key) =
        post(&app, "/api/cases/recovery", json!({"case_number": case, "phone": phone, "code": code})).await;
    assert_eq!(status, 200, "{key}");
    let new_code = key["query_code"].as_str().unwrap();
    assert_ne!(new_code, receipt.query_code);
    assert_eq!(lookup(&app, case, new_code).await, 200);
    assert_eq!(lookup(&app, case, &receipt.query_code).await, 404);
    // A code is spent once it is used.
    let (status, _) =
        post(&app, "/api/cases/recovery", json!({"case_number": case, "phone": phone, "code": code})).await;
    assert_eq!(status, 422);
    // Nothing in the clear: neither code is stored.
    let db = app.db().await;
    for (table, columns) in [("cases", "query_code_hash"), ("phone_codes", "application_hash || code_hash")] {
        for row in sqlx::query(&format!("SELECT {columns} AS text FROM {table}")).fetch_all(&db).await.unwrap() {
            let text: String = sqlx::Row::get(&row, "text");
            assert!(!text.contains(new_code) && !text.contains(&code), "{table} keeps no code in the clear");
        }
    }

    // Throttled: a minute between codes for one number.
    let (status, again) = post(&app, "/api/cases/recovery-codes", json!({"case_number": case, "phone": phone})).await;
    assert_eq!(status, 429, "{again}");
    assert!(message(&again).contains("秒后再重新获取"), "{again}");
}

#[tokio::test]
async fn without_sms_recovery_points_to_the_phone_line() {
    let app = spawn_app().await;
    let (status, body) =
        post(&app, "/api/cases/recovery-codes", json!({"case_number": "ABCD-EFGH", "phone": "13812345678"})).await;
    assert_eq!(status, 404);
    assert_eq!(message(&body), "这里没有开通短信，找回查询码请拨打办理部门的咨询电话");
}
