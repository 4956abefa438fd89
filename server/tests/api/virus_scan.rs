//! Uploads scanned by a real clamd: a file carrying the test signature is
//! refused and kept nowhere; a clean one passes and reaches staff marked as
//! scanned; a scanner that is down makes the check wait, the file kept;
//! without a scanner, staff see the files as not scanned.

use serde_json::{Value, json};

use crate::support::{Clamd, EICAR, PNG, complete_application, spawn_app, spawn_app_with, staff_token, upload};

/// Submit a complete application; each of its files' "scanned" mark as staff see it.
async fn scanned_marks(app: &crate::support::TestApp, key: &str) -> Vec<bool> {
    let receipt: Value = app.submit(key, &complete_application(app).await).await.json().await.unwrap();
    let token = staff_token(app, "县交通运输局").await;
    let path = format!("/api/staff/cases/{}", receipt["case_number"].as_str().unwrap());
    let case: Value = app.staff_get(&token, &path).await.json().await.unwrap();
    case["files"].as_array().unwrap().iter().map(|f| f["scanned"] == true).collect()
}

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
    let scanned = scanned_marks(&app, "scanned").await;
    assert!(!scanned.is_empty() && scanned.iter().all(|s| *s), "{scanned:?}");

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
    let scanned = scanned_marks(&app, "unscanned").await;
    assert!(!scanned.is_empty() && scanned.iter().all(|s| !*s), "{scanned:?}");
}
