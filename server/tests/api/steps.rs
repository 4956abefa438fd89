//! What the case tests do again and again: look a case up, move it as staff,
//! read an error's message.

use domain::apply::submission::Receipt;
use domain::case::view::{CaseView, StaffCase};
use serde_json::{Value, json};

use crate::support::{PDF, TestApp, complete_application, upload};

/// The applicant's key to a case: its number and query code.
pub fn key(receipt: &Receipt) -> Value {
    json!({"case_number": receipt.case_number, "query_code": receipt.query_code})
}

/// The case as the applicant sees it.
pub async fn lookup(app: &TestApp, receipt: &Receipt) -> CaseView {
    let response = app.post("/api/cases/lookup", &key(receipt)).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A staff move, as sent.
pub async fn act(app: &TestApp, token: &str, case: &str, action: Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/staff/cases/{case}/actions", app.address))
        .bearer_auth(token)
        .json(&action)
        .send()
        .await
        .unwrap()
}

/// A staff move that must succeed, and the case after it.
pub async fn moved(app: &TestApp, token: &str, case: &str, action: Value) -> StaffCase {
    let response = act(app, token, case, action.clone()).await;
    assert_eq!(response.status(), 200, "{action}: {}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// The Chinese message of an error answer.
pub async fn message(response: reqwest::Response) -> String {
    response.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().to_owned()
}

/// Submit JT-003 with every material (nothing left for later) for a person:
/// `name`, `id_number`, `phone` (the phone also keys the submission).
pub async fn submit_complete(app: &TestApp, name: &str, id_number: &str, phone: &str) -> Receipt {
    let mut body = complete_application(app).await;
    body["later"] = json!([]);
    body["pledge_accepted"] = json!(false);
    body["files"]["safe_driving_record"] = json!([upload(app, "JT-003", "safe_driving_record", "记录.pdf", PDF).await]);
    body["form"]["applicant"]["name"] = json!(name);
    body["form"]["applicant"]["id_number"] = json!(id_number);
    body["form"]["applicant"]["phone"] = json!(phone);
    let response = app.submit(&format!("complete-{phone}"), &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}
