//! Resumable uploads over tus 1.0 against the real server and its real files.

use crate::support::{TestApp, spawn_app};
use base64::Engine;
use bianmin::at_rest::column::Column;
use domain::api::ErrorBody;
use serde_json::json;
use sha2::{Digest, Sha256};

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A file body: the given first bytes, then filler.
fn file(first: &[u8], len: usize) -> Vec<u8> {
    let mut body = first.to_vec();
    body.resize(len, 7);
    body
}

/// POST /api/uploads; the upload's address, or the refusal.
async fn create(app: &TestApp, material: &str, name: &str, len: usize) -> Result<String, reqwest::Response> {
    let metadata =
        format!("item {},material {},filename {}", b64(b"JT-003"), b64(material.as_bytes()), b64(name.as_bytes()));
    let response = app
        .client
        .post(format!("{}/api/uploads", app.address))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", len.to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    if response.status() != 201 {
        return Err(response);
    }
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    Ok(if location.starts_with('/') { format!("{}{location}", app.address) } else { location })
}

async fn patch(app: &TestApp, url: &str, offset: usize, chunk: &[u8], checksum: Option<String>) -> reqwest::Response {
    let mut request = app
        .client
        .patch(url)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", offset.to_string())
        .header("Content-Type", "application/offset+octet-stream")
        .body(chunk.to_vec());
    if let Some(checksum) = checksum {
        request = request.header("Upload-Checksum", checksum);
    }
    request.send().await.unwrap()
}

async fn offset(app: &TestApp, url: &str) -> usize {
    let response = app.client.head(url).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    response.headers()["upload-offset"].to_str().unwrap().parse().unwrap()
}

fn id_of(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

async fn check(app: &TestApp, url: &str) -> reqwest::Response {
    app.post("/api/upload-checks", &json!({"upload": id_of(url)})).await
}

async fn message(response: reqwest::Response) -> String {
    let status = response.status();
    let text = response.text().await.unwrap();
    serde_json::from_str::<ErrorBody>(&text).map(|b| b.error.message).unwrap_or_else(|_| format!("{status}: {text}"))
}

#[tokio::test]
async fn an_upload_cut_in_the_middle_resumes_from_the_last_acknowledged_byte() {
    let app = spawn_app().await;
    let body = file(PNG, 300_000);
    let url = create(&app, "id_card", "正面.png", body.len()).await.unwrap();
    // A PATCH for the whole file whose connection drops after 120,000 bytes.
    {
        use tokio::io::AsyncWriteExt;
        let path = url.trim_start_matches(&app.address);
        let mut socket = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://")).await.unwrap();
        let head = format!(
            "PATCH {path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n\
             Content-Type: application/offset+octet-stream\r\nApplication-Key: {}\r\nContent-Length: {}\r\n\r\n",
            app.application_key,
            body.len()
        );
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(&body[..120_000]).await.unwrap();
        socket.flush().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    // A reload asks where to go on from: nothing past what arrived, and no byte
    // the server did not get (polled: the cut request lets go of the upload first).
    let mut at = offset(&app, &url).await;
    for _ in 0..50 {
        let response = patch(&app, &url, at, &body[at..], None).await;
        if response.status() == 204 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        at = offset(&app, &url).await;
    }
    assert!(at <= 120_000, "the offset {at} is within what was sent");
    assert_eq!(offset(&app, &url).await, body.len());
    // Stored encrypted (the content check below reads it back as sent).
    let stored: Vec<u8> = walk(&app.files_dir);
    assert!(stored.len() >= body.len(), "the bytes are on disk");
    assert!(!stored.windows(PNG.len()).any(|w| w == PNG), "not in the clear");

    let checked: serde_json::Value = check(&app, &url).await.json().await.unwrap();
    assert_eq!(checked["file_type"], "png");
    assert_eq!(checked["size"], body.len());
}

/// Every file under a directory, with its size (S3's stand-in keeps its objects as files too).
fn files_under(dir: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push((path.display().to_string(), entry.metadata().map_or(0, |m| m.len())));
        }
    }
    out
}

/// Every byte stored under a directory (to see the upload really is on disk).
fn walk(dir: &std::path::Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
    out
}

#[tokio::test]
async fn a_chunk_whose_checksum_does_not_match_is_refused_and_not_kept() {
    let app = spawn_app().await;
    let body = file(PNG, 1000);
    let url = create(&app, "id_card", "a.png", body.len()).await.unwrap();
    let wrong = format!("sha256 {}", b64(&Sha256::digest(b"something else")));
    let response = patch(&app, &url, 0, &body, Some(wrong)).await;
    assert_eq!(response.status(), 460, "tus checksum mismatch");
    assert_eq!(offset(&app, &url).await, 0);
    let right = format!("sha256 {}", b64(&Sha256::digest(&body)));
    assert_eq!(patch(&app, &url, 0, &body, Some(right)).await.status(), 204);
}

#[tokio::test]
async fn the_material_rules_apply_before_any_byte_is_sent() {
    let app = spawn_app().await;
    let too_big = create(&app, "id_card", "a.png", 11 * 1_048_576).await.unwrap_err();
    assert_eq!(too_big.status(), 413);
    assert!(message(too_big).await.contains("超过了每个文件 10 MB 的上限"));
    let wrong_type = create(&app, "id_card", "a.pdf", 100).await.unwrap_err();
    assert_eq!(wrong_type.status(), 415);
    assert!(message(wrong_type).await.contains("这项材料只收 JPG、PNG 文件"));
    let unknown = create(&app, "no_such_material", "a.png", 100).await.unwrap_err();
    assert_eq!(unknown.status(), 404);
    let empty = create(&app, "id_card", "a.png", 0).await.unwrap_err();
    assert_eq!(empty.status(), 400);
}

#[tokio::test]
async fn a_path_like_file_name_keeps_only_its_last_part() {
    let app = spawn_app().await;
    let body = file(PNG, 500);
    let url = create(&app, "id_card", "../../etc/passwd.png", body.len()).await.unwrap();
    assert_eq!(patch(&app, &url, 0, &body, None).await.status(), 204);
    let checked: serde_json::Value = check(&app, &url).await.json().await.unwrap();
    assert_eq!(checked["file_name"], "passwd.png");
    assert!(!app.data_dir.join("etc").exists() && !app.data_dir.parent().unwrap().join("etc").exists());
}

#[tokio::test]
async fn content_that_is_not_what_the_name_says_is_refused_and_discarded() {
    let app = spawn_app().await;
    let body = file(b"%PDF-1.7\n", 800);
    let url = create(&app, "id_card", "photo.png", body.len()).await.unwrap();
    assert_eq!(patch(&app, &url, 0, &body, None).await.status(), 204);
    let id = id_of(&url);
    let held = |app: &TestApp| {
        files_under(&app.files_dir).into_iter().filter(|(name, _)| name.contains(&id)).collect::<Vec<_>>()
    };
    let before = held(&app);
    assert!(before.iter().map(|(_, size)| size).sum::<u64>() >= body.len() as u64, "stored first: {before:?}");
    let response = check(&app, &url).await;
    assert_eq!(response.status(), 422);
    assert_eq!(message(response).await, "“photo.png”的名字是 PNG，内容却是 PDF：请用原文件重新上传，不要只改文件名");
    assert_eq!(check(&app, &url).await.status(), 404, "not kept");
    // Nothing of it is left in storage (its bytes are encrypted: found by name, not content).
    assert_eq!(held(&app), [], "the bytes are gone too");
}

#[tokio::test]
async fn unfinished_uploads_are_not_checked_and_can_be_cancelled() {
    let app = spawn_app().await;
    let body = file(PNG, 1000);
    let url = create(&app, "id_card", "a.png", body.len()).await.unwrap();
    assert_eq!(patch(&app, &url, 0, &body[..10], None).await.status(), 204);
    let response = check(&app, &url).await;
    assert_eq!(response.status(), 400);
    assert_eq!(message(response).await, "文件还没有上传完，请等上传完成");
    let deleted = app.client.delete(&url).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.client.head(&url).header("Tus-Resumable", "1.0.0").send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn large_chunks_of_a_scanned_pdf_go_through() {
    let app = spawn_app().await;
    // 道路货物运输经营许可's 安全生产管理制度 takes PDFs up to 30 MB.
    let body = crate::pdfs::scanned(1, 12 * 1_048_576, true, 7);
    let metadata =
        format!("item {},material {},filename {}", b64(b"JT-001"), b64(b"safety_rules"), b64("制度.pdf".as_bytes()));
    let created = app
        .client
        .post(format!("{}/api/uploads", app.address))
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", body.len().to_string())
        .header("Upload-Metadata", metadata)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let url = if location.starts_with('/') { format!("{}{location}", app.address) } else { location };
    let half = body.len() / 2;
    assert_eq!(patch(&app, &url, 0, &body[..half], None).await.status(), 204, "a 6 MB chunk");
    assert_eq!(patch(&app, &url, half, &body[half..], None).await.status(), 204);
    let checked: serde_json::Value = check(&app, &url).await.json().await.unwrap();
    assert_eq!(checked["size"], body.len());
}

#[tokio::test]
async fn expired_unfinished_uploads_are_reclaimed_and_finished_ones_kept() {
    let app = spawn_app().await;
    let body = file(PNG, 1000);
    let unfinished = create(&app, "id_card", "a.png", body.len()).await.unwrap();
    assert_eq!(patch(&app, &unfinished, 0, &body[..500], None).await.status(), 204);
    let finished = create(&app, "id_card", "b.png", body.len()).await.unwrap();
    assert_eq!(patch(&app, &finished, 0, &body, None).await.status(), 204);

    // As if the 24-hour expiry had passed: both records say they expired yesterday
    // (the finished one must be kept all the same).
    let db = app.db().await;
    let keys = std::sync::Arc::new(app.settings.data_keys().unwrap());
    for row in sqlx::query("SELECT id, state FROM upload_states").fetch_all(&db).await.unwrap() {
        let (id, state): (String, String) = (sqlx::Row::get(&row, "id"), sqlx::Row::get(&row, "state"));
        let mut state: serde_json::Value =
            serde_json::from_str(&keys.open(Column::UploadState, &id, &state).unwrap()).unwrap();
        state["expires_at"] = json!("2026-01-01T00:00:00Z");
        sqlx::query("UPDATE upload_states SET state = $1, expires_at = $2 WHERE id = $3")
            .bind(keys.seal(Column::UploadState, &id, &state.to_string()).unwrap())
            .bind("2026-01-01T00:00:00Z")
            .bind(id)
            .execute(&db)
            .await
            .unwrap();
    }
    let storage = bianmin::apply::uploads::store::operator(&app.data_dir, &app.settings.storage).unwrap();
    let now = tus_protocol::chrono::Utc::now();
    let removed = bianmin::apply::uploads::store::reclaim_expired(
        &bianmin::at_rest::storage::EncryptedStorage::new(
            tus_storage_opendal::OpendalStorage::new(storage),
            std::sync::Arc::clone(&keys),
            db.clone(),
        ),
        &keys,
        &db,
        now,
    )
    .await
    .unwrap();
    assert_eq!(removed, 1);
    let head = app.client.head(&unfinished).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(head.status(), 404);
    assert_eq!(check(&app, &finished).await.status(), 200);
}

#[tokio::test]
async fn a_body_of_unknown_length_is_held_in_memory_at_most_one_chunk() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let body = file(PNG, 8 * 1_048_576);
    let url = create(&app, "id_card", "正面.png", body.len()).await.unwrap();
    let own_key = &app.application_key;
    let path = url.trim_start_matches(&app.address).to_owned();
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nApplication-Key: {own_key}\r\nUpload-Offset: 0\r\n\
         Content-Type: application/offset+octet-stream\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // 8 MB in 1 MB pieces, with no length announced: more than one 5 MB chunk.
    for piece in body.chunks(1_048_576) {
        if socket.write_all(format!("{:x}\r\n", piece.len()).as_bytes()).await.is_err() {
            break;
        }
        if socket.write_all(piece).await.is_err() || socket.write_all(b"\r\n").await.is_err() {
            break;
        }
    }
    let _ = socket.write_all(b"0\r\n\r\n").await;
    let mut reply = Vec::new();
    let _ = socket.read_to_end(&mut reply).await;
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 413"), "refused as too large: {}", reply.lines().next().unwrap_or(""));
    assert_eq!(offset(&app, &url).await, 0, "nothing of it was stored");
}
