//! Every upload belongs to one application: another application's key cannot
//! read, continue, delete, check or submit it, and a file a case holds survives
//! a tus DELETE, a re-check under a stricter catalog and a second device's
//! removal. Resuming a draft on another device hands over the key; submitting
//! deletes the draft.

use crate::support::{
    PNG, TestApp, applicant_client, complete_application as application, spawn_app, spawn_with_settings, upload,
};
use serde_json::{Value, json};

fn url(app: &TestApp, id: &str) -> String {
    format!("{}/api/uploads/{id}", app.address)
}

async fn delete(client: &reqwest::Client, url: &str) -> u16 {
    client.delete(url).header("Tus-Resumable", "1.0.0").send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn another_applications_key_cannot_touch_an_upload() {
    let app = spawn_app().await;
    let id = upload(&app, "JT-003", "photo", "照片.png", PNG).await;
    let stranger = applicant_client(&app.address).await;
    let anonymous = reqwest::Client::new();
    for client in [&stranger, &anonymous] {
        assert_eq!(app.upload_status(client, &id).await, 404, "HEAD answers like a missing upload");
        let patched = client
            .patch(url(&app, &id))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", "0")
            .header("Content-Type", "application/offset+octet-stream")
            .body(PNG.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(patched.status(), 404);
        assert_eq!(delete(client, &url(&app, &id)).await, 404);
        let checked = client
            .post(format!("{}/api/upload-checks", app.address))
            .json(&json!({"upload": id}))
            .send()
            .await
            .unwrap();
        assert_ne!(checked.status(), 200);
    }
    // A key the server never issued is refused outright; no key at all is a malformed request.
    let create = |key: Option<&str>| {
        let request = reqwest::Client::new()
            .post(format!("{}/api/uploads", app.address))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", "3")
            .header("Upload-Metadata", crate::support::tus_metadata("JT-003", "photo", "a.png"));
        match key {
            Some(key) => request.header("Application-Key", key),
            None => request,
        }
        .send()
    };
    assert_eq!(create(Some("ABCDEFGHJKMNPRSTUVWXY23456789ABC")).await.unwrap().status(), 403);
    assert_eq!(create(None).await.unwrap().status(), 400);
    // The stranger cannot submit the owner's files either.
    let mut body = application(&app).await;
    body["files"]["photo"] = json!([id]);
    let response = app.submit_as(&stranger, "stranger", &body).await;
    assert_eq!(response.status(), 422);
    // The owner still has it, whole.
    assert_eq!(app.upload_status(&app.client, &id).await, 200);
}

#[tokio::test]
async fn a_submitted_cases_files_cannot_be_deleted_through_the_upload_routes() {
    let app = spawn_app().await;
    let body = application(&app).await;
    assert_eq!(app.submit("k1", &body).await.status(), 201);
    let photo = body["files"]["photo"][0].as_str().unwrap();
    let response = app.client.delete(url(&app, photo)).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(response.status(), 403);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["message"], "这个文件已随申请提交，不能删除");
    assert_eq!(app.upload_status(&app.client, photo).await, 200, "still there");
    // The same application sent again from another device (another
    // Idempotency-Key, the same application key): it says where it went.
    let mut again = application(&app).await;
    again["files"]["photo"] = json!([photo]);
    let response = app.submit("k2", &again).await;
    assert_eq!(response.status(), 409);
    let refused: Value = response.json().await.unwrap();
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("这份申请已在另一台设备提交，办件编号 "), "{message}");
    // Another application's key cannot take the file either: one file, one case.
    let stranger = crate::support::applicant_client(&app.address).await;
    let response = app.submit_as(&stranger, "k3", &again).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn a_stricter_catalog_never_deletes_a_submitted_file() {
    let app = spawn_app().await;
    let body = application(&app).await;
    assert_eq!(app.submit("k1", &body).await.status(), 201);
    let front = body["files"]["id_card"][0].as_str().unwrap().to_owned();
    // An unsubmitted PNG of the same material, to show what the stricter rule does to it.
    let loose = upload(&app, "JT-003", "id_card", "另一张.png", PNG).await;

    // A second instance on the same database and files whose catalog takes only JPEG ID cards.
    let catalog = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(crate::support::repo_catalog()).unwrap() {
        let path = entry.unwrap().path();
        // The catalog's TOML files (not the sample workbook beside them).
        if path.is_file() && path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let stricter = text.replace(
                "file_types = [\"jpg\", \"png\"]\nmax_file_mb = 10\nmax_files = 2",
                "file_types = [\"jpg\"]\nmax_file_mb = 10\nmax_files = 2",
            );
            std::fs::write(catalog.path().join(path.file_name().unwrap()), stricter).unwrap();
        }
    }
    std::fs::create_dir_all(catalog.path().join("bundles")).unwrap();
    for entry in std::fs::read_dir(crate::support::repo_catalog().join("bundles")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, catalog.path().join("bundles").join(path.file_name().unwrap())).unwrap();
    }
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.catalog = catalog.path().to_path_buf();
    settings.public_dir = Some(crate::support::repo_catalog().join("../public"));
    settings.calendar = Some(crate::support::repo_catalog().join("../calendar"));
    let mut strict = spawn_with_settings(settings).await;
    strict.client = app.client.clone();

    for id in [&front, &loose] {
        let checked = strict.post("/api/upload-checks", &json!({"upload": id})).await;
        assert_eq!(checked.status(), 422, "the stricter rule refuses a PNG");
    }
    assert_eq!(app.upload_status(&app.client, &front).await, 200, "the case's file is kept");
    assert!(crate::support::stored(&app, &front), "its bytes too");
    assert_eq!(app.upload_status(&app.client, &loose).await, 404, "a file nothing holds is deleted");
    assert!(!crate::support::stored(&app, &loose), "its bytes are gone from storage");
}

#[tokio::test]
async fn a_draft_moves_its_key_to_another_device_and_is_deleted_by_the_submission() {
    let app = spawn_app().await;
    // Phone A: uploads and a server draft.
    let body = application(&app).await;
    let photo = body["files"]["photo"][0].as_str().unwrap().to_owned();
    let materials = json!({"files": {"photo": [{"upload": photo, "name": "照片.png", "size": PNG.len()}]}});
    let saved: Value = app
        .post("/api/drafts", &json!({"item": "JT-003", "answers": {}, "materials": materials}))
        .await
        .json()
        .await
        .unwrap();
    let code = saved["resume_code"].as_str().unwrap().to_owned();

    // PC B: a browser with nothing in it resumes with the code and gets the key.
    let pc = reqwest::Client::new();
    let loaded = crate::support::json_of(
        pc.post(format!("{}/api/drafts/resume", app.address)).json(&json!({"resume_code": code})),
    )
    .await;
    assert_eq!(loaded["draft"]["materials"]["files"]["photo"][0]["upload"], photo.as_str(), "the upload is kept");
    let key = loaded["application_key"].as_str().expect("the key travels with the draft").to_owned();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("application-key", key.parse().unwrap());
    let pc = reqwest::Client::builder().default_headers(headers).build().unwrap();
    assert_eq!(app.upload_status(&pc, &photo).await, 200, "B can go on with A's uploads");
    assert_eq!(app.submit_as(&pc, "from-pc", &body).await.status(), 201);

    // The draft is gone; phone A's later removal of a file does not reach the case.
    let gone = app.post("/api/drafts/resume", &json!({"resume_code": code})).await;
    assert_eq!(gone.status(), 404);
    assert_eq!(delete(&app.client, &url(&app, &photo)).await, 403);
    assert_eq!(app.upload_status(&pc, &photo).await, 200);
}

#[tokio::test]
async fn the_tus_endpoint_answers_with_a_trailing_slash_too() {
    let app = spawn_app().await;
    let options =
        app.client.request(reqwest::Method::OPTIONS, format!("{}/api/uploads/", app.address)).send().await.unwrap();
    assert!(options.status().is_success(), "{}", options.status());
    assert!(options.headers().contains_key("tus-version"));
    let created = app
        .client
        .post(format!("{}/api/uploads/", app.address))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", PNG.len().to_string())
        .header("Upload-Metadata", crate::support::tus_metadata("JT-003", "photo", "照片.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
}

#[tokio::test]
async fn the_upload_routes_answer_only_tus_requests() {
    let app = spawn_app().await;
    let url = format!("{}/api/uploads", app.address);
    // Another method: 405 with the methods there are, before any key is looked at.
    let traced = app.client.request(reqwest::Method::TRACE, &url).send().await.unwrap();
    assert_eq!(traced.status(), 405);
    assert_eq!(traced.headers()["allow"], "POST, OPTIONS");
    let got = app.client.get(format!("{url}/someid")).send().await.unwrap();
    assert_eq!(got.status(), 405);
    assert_eq!(got.headers()["allow"], "HEAD, PATCH, DELETE, OPTIONS");
    // Without the headers tus requires: 400, saying which one is missing.
    let bare = app.client.post(&url).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(bare.status(), 400);
    assert!(bare.text().await.unwrap().contains("upload-length"));
    // Another tus version: tus's own 412.
    let old = app
        .client
        .post(&url)
        .header("Tus-Resumable", "0.2.2")
        .header("Upload-Length", "3")
        .header("Upload-Metadata", crate::support::tus_metadata("JT-003", "photo", "a.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 412);
}

/// Ask to start a `len`-byte photo upload as `client` (the answer, whatever it is).
async fn start_photo_upload(app: &TestApp, client: &reqwest::Client, len: usize) -> reqwest::Response {
    client
        .post(format!("{}/api/uploads", app.address))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", len.to_string())
        .header("Upload-Metadata", crate::support::tus_metadata("JT-003", "photo", "b.png"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn one_application_cannot_fill_the_disk() {
    let app = crate::support::spawn_app_with(|s| s.limits.bytes_per_application = 20).await;
    upload(&app, "JT-003", "photo", "照片.png", PNG).await;
    let refused = start_photo_upload(&app, &app.client, 15).await;
    assert_eq!(refused.status(), 413);
}

#[tokio::test]
async fn new_application_keys_do_not_get_one_address_round_its_hourly_bytes() {
    let app = crate::support::spawn_app_with(|s| s.limits.upload_bytes_per_client_per_hour = 25).await;
    upload(&app, "JT-003", "photo", "照片.png", PNG).await;
    // Another key from the same address: the application's own budget is fresh, the address's is not.
    let other = crate::support::applicant_client(&app.address).await;
    let refused = start_photo_upload(&app, &other, 15).await;
    assert_eq!(refused.status(), 429);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("一小时内上传的文件太多"), "{body}");
}
