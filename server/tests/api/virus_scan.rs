//! Uploads scanned by a real clamd: a file carrying the test signature is
//! refused and kept nowhere; a clean one passes and reaches staff marked as
//! scanned; a scanner that is down makes the check wait, the file kept;
//! without a scanner, staff see the files as not scanned.

use serde_json::{Value, json};

use crate::support::{Clamd, EICAR, PNG, complete_application, spawn_app, spawn_app_with, staff_token, upload};

#[tokio::test]
async fn clamd_refuses_a_file_with_the_test_signature_and_passes_the_rest() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut clamd = Clamd::start(dir.path()).await;
    let socket = format!("unix:{}", clamd.socket.display());
    let app = spawn_app_with(move |s| s.clamd = Some(socket)).await;

    let mut infected = PNG.to_vec();
    infected.extend_from_slice(EICAR.as_bytes());
    let id = upload(&app, "JT-003", "id_card", "正面.png", &infected).await;
    let refused = app.post("/api/upload-checks", &json!({"upload": id})).await;
    assert_eq!(refused.status(), 422);
    let message: Value = refused.json().await.unwrap();
    assert!(message["error"]["message"].as_str().unwrap().contains("发现了病毒或恶意代码"), "{message}");
    assert_eq!(app.post("/api/upload-checks", &json!({"upload": id})).await.status(), 404, "kept nowhere");

    let clean = upload(&app, "JT-003", "photo", "照片.png", PNG).await;
    let checked: Value = app.post("/api/upload-checks", &json!({"upload": clean})).await.json().await.unwrap();
    assert_eq!(checked["scanned"], true, "{checked}");

    // Everything submitted was scanned, and staff see so.
    let receipt: Value = app.submit("scanned", &complete_application(&app).await).await.json().await.unwrap();
    let token = staff_token(&app, "县交通运输局").await;
    let case: Value = app
        .staff_get(&token, &format!("/api/staff/cases/{}", receipt["case_number"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    let files = case["files"].as_array().unwrap();
    assert!(!files.is_empty() && files.iter().all(|f| f["scanned"] == true), "{files:?}");

    // The scanner down: the check waits for it, the file is kept.
    clamd.stop();
    let waiting = upload(&app, "JT-003", "photo", "照片.png", PNG).await;
    let answer = app.post("/api/upload-checks", &json!({"upload": waiting})).await;
    assert_eq!(answer.status(), 503);
    let message: Value = answer.json().await.unwrap();
    assert!(message["error"]["message"].as_str().unwrap().contains("病毒扫描暂时不可用"), "{message}");
    assert_eq!(app.upload_status(&app.client, &waiting).await, 200, "the file is kept");
}

#[tokio::test]
async fn without_a_scanner_staff_see_files_as_not_scanned() {
    let app = spawn_app().await;
    let receipt: Value = app.submit("unscanned", &complete_application(&app).await).await.json().await.unwrap();
    let token = staff_token(&app, "县交通运输局").await;
    let case: Value = app
        .staff_get(&token, &format!("/api/staff/cases/{}", receipt["case_number"].as_str().unwrap()))
        .await
        .json()
        .await
        .unwrap();
    let files = case["files"].as_array().unwrap();
    assert!(!files.is_empty() && files.iter().all(|f| f["scanned"] == false), "{files:?}");
}
