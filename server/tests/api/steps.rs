//! What the case tests do again and again: look a case up, move it as staff,
//! read an error's message.

use domain::apply::submission::Receipt;
use domain::case::view::{CaseView, StaffCase};
use serde_json::{Value, json};

use crate::support::TestApp;

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
