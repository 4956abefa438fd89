//! Two server instances on one database and one S3 bucket, as behind a load
//! balancer: an upload started on one is finished on the other, the same
//! chunk sent to both at once is taken once, the same idempotent submission
//! sent to both at once makes one case, and guessing a query code is counted
//! across both.

use crate::support::{TestApp, spawn_app_with, spawn_with_settings, start_s3, upload};
use serde_json::{Value, json};

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PDF: &[u8] = crate::support::PDF;

/// Instance A with S3 storage (always, whatever the environment asks), and B sharing its database and bucket.
async fn pair(s3_dir: &std::path::Path) -> (TestApp, TestApp) {
    let storage = start_s3(s3_dir).await;
    let a = spawn_app_with(move |s| s.storage = storage).await;
    let mut settings = a.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let mut b = spawn_with_settings(settings).await;
    // One applicant behind a load balancer: the same browser (and key) reaches both.
    b.client = a.client.clone();
    (a, b)
}

/// The bucket's objects (files in the S3 stand-in's directory) whose names hold `id`, with their sizes.
fn objects_named(dir: &std::path::Path, id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(objects_named(&path, id));
        } else if path.to_string_lossy().contains(id) {
            out.push((path.display().to_string(), entry.metadata().map_or(0, |m| m.len())));
        }
    }
    out
}

fn png(len: usize) -> Vec<u8> {
    let mut body = PNG.to_vec();
    body.extend((0..len - PNG.len()).map(|i| (i % 251) as u8));
    body
}

async fn create(app: &TestApp, len: usize) -> String {
    let location = crate::support::create_upload(&app.client, &app.address, "JT-003", "id_card", "正面.png", len).await;
    location.rsplit('/').next().unwrap().to_owned()
}

async fn patch(app: &TestApp, id: &str, offset: usize, chunk: &[u8]) -> u16 {
    app.client
        .patch(format!("{}/api/uploads/{id}", app.address))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(chunk.to_vec())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn offset(app: &TestApp, id: &str) -> usize {
    let head = app
        .client
        .head(format!("{}/api/uploads/{id}", app.address))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    head.headers()["upload-offset"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn an_upload_started_on_one_instance_finishes_on_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = pair(dir.path()).await;
    let body = png(3 * 1_048_576);
    let id = create(&a, body.len()).await;
    assert_eq!(patch(&a, &id, 0, &body[..1_048_576]).await, 204);
    // The next request lands on the other instance: it knows where the upload stands.
    assert_eq!(offset(&b, &id).await, 1_048_576);
    assert_eq!(patch(&b, &id, 1_048_576, &body[1_048_576..2_097_152]).await, 204);
    // The same chunk sent to both at once (a retry racing the original): taken once.
    let (first, second) =
        tokio::join!(patch(&a, &id, 2_097_152, &body[2_097_152..]), patch(&b, &id, 2_097_152, &body[2_097_152..]));
    let mut statuses = [first, second];
    statuses.sort();
    assert_eq!(statuses[0], 204, "{statuses:?}");
    assert!(matches!(statuses[1], 409 | 423 | 403), "the loser is refused, not appended: {statuses:?}");
    assert_eq!(offset(&a, &id).await, body.len());
    let checked: Value = a.post("/api/upload-checks", &json!({"upload": id})).await.json().await.unwrap();
    assert_eq!(checked["size"], body.len());
    // Stored once, whole, in the bucket (read there: one object holds it all, encrypted, not twice over).
    let objects = objects_named(dir.path(), &id);
    let whole: Vec<&(String, u64)> = objects.iter().filter(|(_, size)| *size >= body.len() as u64).collect();
    assert_eq!(whole.len(), 1, "{objects:?}");
    assert!(objects.iter().map(|(_, size)| size).sum::<u64>() < 2 * body.len() as u64, "{objects:?}");
    let stored = std::fs::read(&whole[0].0).unwrap();
    assert!(!stored.windows(4096).any(|w| w == &body[8192..12288]), "encrypted in the bucket");
    let client = &b.client;
    let staff_sees_it =
        client.post(format!("{}/api/upload-checks", b.address)).json(&json!({"upload": id})).send().await.unwrap();
    assert_eq!(staff_sees_it.status(), 200);
}

#[tokio::test]
async fn one_submission_sent_to_both_instances_at_once_makes_one_case() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = pair(dir.path()).await;
    let body = json!({
        "answers": {},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                "phone": "13812345678", "address": "示范县人民路 88 号"},
                 "fields": crate::support::jt003_fields(),
                 "delivery": {"method": "window"}},
        "files": {
            "application": [upload(&a, "JT-003", "application", "申请表.pdf", PDF).await],
            "id_card": [upload(&b, "JT-003", "id_card", "正面.png", PNG).await, upload(&a, "JT-003", "id_card", "背面.png", PNG).await],
            "photo": [upload(&b, "JT-003", "photo", "照片.png", PNG).await],
            "safe_driving_record": [upload(&a, "JT-003", "safe_driving_record", "记录.pdf", PDF).await],
        },
    });
    let send = |app: &TestApp| {
        app.client
            .post(format!("{}/api/services/JT-003/submissions", app.address))
            .header("Idempotency-Key", "the-same-key")
            .json(&body)
            .send()
    };
    let responses = futures_util::future::join_all([send(&a), send(&b), send(&a), send(&b), send(&a), send(&b)]).await;
    let mut receipts = Vec::new();
    for response in responses {
        let response = response.unwrap();
        match response.status().as_u16() {
            201 => receipts.push(response.json::<Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned()),
            409 => {}
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert!(!receipts.is_empty());
    assert!(receipts.windows(2).all(|w| w[0] == w[1]), "every answer names the same case: {receipts:?}");
    let row = sqlx::query("SELECT COUNT(*) AS n FROM cases").fetch_one(&a.db().await).await.unwrap();
    assert_eq!(sqlx::Row::get::<i64, _>(&row, "n"), 1);
    // Retried later on either instance: the same receipt.
    let again: Value = send(&b).await.unwrap().json().await.unwrap();
    assert_eq!(again["case_number"], receipts[0]);
}

#[tokio::test]
async fn guessing_a_query_code_is_counted_across_instances() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = pair(dir.path()).await;
    let guess = json!({"case_number": "ABCD-EFGH", "query_code": "JKLM-NPRS"});
    for i in 0..10 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(app.post("/api/cases/lookup", &guess).await.status(), 404);
    }
    assert_eq!(a.post("/api/cases/lookup", &guess).await.status(), 429);
    assert_eq!(b.post("/api/cases/lookup", &guess).await.status(), 429);
}
