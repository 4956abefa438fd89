//! The crash drill: a real `bianmin` process is killed with SIGKILL while a
//! client is in the middle of a PATCH, and started again on the same data. The
//! client resumes with tus-js-client's default retry delays (0, 1, 3, 5 s), and
//! the stored bytes equal the original.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;

const LENGTH: usize = 8 * 1_048_576;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(port: u16, data: &Path, dist: &Path, env: &[(String, String)]) -> Child {
    let repo = crate::support::repo_catalog().join("..");
    Command::new(env!("CARGO_BIN_EXE_bianmin"))
        .arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data)
        .arg("--catalog")
        .arg(repo.join("catalog"))
        .arg("--dist")
        .arg(dist)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("bianmin starts")
}

async fn wait_ready(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(response) = client.get(format!("{base}/api/health")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("bianmin did not come up");
}

/// The environment of a process on the database and storage the suite runs on:
/// its variables, the PostgreSQL database to drop afterwards, where files land.
async fn environment(
    dir: &Path,
    data: &Path,
) -> (Vec<(String, String)>, Option<crate::support::TestDatabase>, std::path::PathBuf) {
    let mut env = Vec::new();
    let mut postgres = None;
    if let Some(admin) = std::env::var("BIANMIN_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
        let (database, url) = crate::support::TestDatabase::create(&admin).await;
        env.push(("DATABASE_URL".to_owned(), url));
        postgres = Some(database);
    }
    let mut stored_in = data.join("uploads");
    if std::env::var("BIANMIN_TEST_STORAGE").as_deref() == Ok("s3") {
        stored_in = dir.join("s3");
        let s3 = crate::support::start_s3(&stored_in).await;
        env.extend([
            ("BIANMIN_STORAGE".to_owned(), "s3".to_owned()),
            ("BIANMIN_S3_ENDPOINT".to_owned(), s3.s3_endpoint.unwrap()),
            ("BIANMIN_S3_BUCKET".to_owned(), s3.s3_bucket.unwrap()),
            ("BIANMIN_S3_ACCESS_KEY_ID".to_owned(), s3.s3_access_key_id.unwrap()),
            ("BIANMIN_S3_SECRET_ACCESS_KEY".to_owned(), s3.s3_secret_access_key.unwrap().expose().to_owned()),
        ]);
    }
    (env, postgres, stored_in)
}

/// A client with a fresh application key of the server at `base`, as the app has one.
async fn applicant(base: &str) -> (reqwest::Client, String) {
    let issued: serde_json::Value =
        reqwest::Client::new().post(format!("{base}/api/application-keys")).send().await.unwrap().json().await.unwrap();
    let key = issued["application_key"].as_str().unwrap().to_owned();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("application-key", key.parse().unwrap());
    (reqwest::Client::builder().default_headers(headers).build().unwrap(), key)
}

#[tokio::test]
async fn a_sigkill_mid_patch_resumes_with_the_reference_clients_retry_delays() {
    let dirs = tempfile::tempdir().unwrap();
    let (data, dist) = (dirs.path().join("data"), dirs.path().join("dist"));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), crate::support::INDEX_HTML).unwrap();
    let (env, postgres, stored_in) = environment(dirs.path(), &data).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(port, &data, &dist, &env);
    let plain = reqwest::Client::new();
    wait_ready(&plain, &base).await;
    // The applicant's key, sent by the client and by the raw request below.
    let (client, key) = applicant(&base).await;

    let mut body = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    body.extend((0..LENGTH - 8).map(|i| (i * 7 % 251) as u8));
    let location = crate::support::create_upload(&client, &base, "JT-003", "id_card", "正面.png", LENGTH).await;
    let id = location.rsplit('/').next().unwrap().to_owned();

    // A PATCH of the whole file whose connection is mid-body when the server dies.
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "PATCH /api/uploads/{id} HTTP/1.1\r\nHost: 127.0.0.1\r\nTus-Resumable: 1.0.0\r\nApplication-Key: {key}\r\n\
         Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {LENGTH}\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&body[..3 * 1_048_576]).await.unwrap();
    socket.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    drop(socket);

    let mut server = start(port, &data, &dist, &env);
    wait_ready(&plain, &base).await;
    let restarted = Instant::now();
    // tus-js-client's defaults: retryDelays [0, 1000, 3000, 5000].
    let mut finished = false;
    for delay in [0u64, 1000, 3000, 5000] {
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let Ok(head) = client.head(format!("{base}{location}")).header("Tus-Resumable", "1.0.0").send().await else {
            continue;
        };
        if head.status() != 200 {
            continue;
        }
        let offset: usize = head.headers()["upload-offset"].to_str().unwrap().parse().unwrap();
        let patched = client
            .patch(format!("{base}{location}"))
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(body[offset..].to_vec())
            .send()
            .await;
        if patched.is_ok_and(|r| r.status() == 204) {
            finished = true;
            break;
        }
    }
    let took = restarted.elapsed();
    assert!(finished, "the upload resumed within the reference client's retries (gave up after {took:?})");
    println!("resumed and finished {took:?} after the restart");

    let checked =
        client.post(format!("{base}/api/upload-checks")).json(&serde_json::json!({"upload": id})).send().await.unwrap();
    assert_eq!(checked.status(), 200, "{}", checked.text().await.unwrap());
    let stored: Vec<_> = crate::support::files_under(&stored_in)
        .into_iter()
        .filter(|p| std::fs::metadata(p).map(|m| m.len() as usize == LENGTH).unwrap_or(false))
        .collect();
    assert_eq!(stored.len(), 1, "one stored file of the whole length: {stored:?}");
    // Stored encrypted with the file's own key: decrypted, the bytes equal the original.
    let mut bytes = std::fs::read(&stored[0]).unwrap();
    assert!(bytes != body, "not in the clear");
    let keys = bianmin::at_rest::data_key::DataKeys::load(None, None, &data).unwrap();
    keys.file_cipher(keys.current_id(), &id).unwrap().apply(0, &mut bytes);
    assert!(bytes == body, "the stored bytes equal the original");
    server.kill().unwrap();
    server.wait().unwrap();
    if let Some(database) = postgres {
        database.drop_now();
    }
}

/// The notifications' crash drill: a real `bianmin` process is killed with
/// SIGKILL right after a case event commits and before its notification is
/// sent (its worker looks at start and then not for an hour); started again
/// on the same data, it sends the notification, once, and a further restart
/// sends nothing again.
#[tokio::test]
async fn a_notification_committed_before_a_sigkill_is_sent_once_after_the_restart() {
    use crate::outbox::{Received, receiver, webhook_file};
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Received { requests: 2, ..Received::default() }));
    let (_config, hooks) = webhook_file(&receiver(&seen).await);
    let dirs = tempfile::tempdir().unwrap();
    let (data, dist) = (dirs.path().join("data"), dirs.path().join("dist"));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), crate::support::INDEX_HTML).unwrap();
    let (mut env, postgres, _) = environment(dirs.path(), &data).await;
    env.push(("BIANMIN_WEBHOOKS".to_owned(), hooks.display().to_string()));
    let with_poll = |ms: &str| {
        let mut env = env.clone();
        env.push(("BIANMIN_OUTBOX_POLL_MS".to_owned(), ms.to_owned()));
        env
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let plain = reqwest::Client::new();
    let mut server = start(port, &data, &dist, &with_poll("3600000"));
    wait_ready(&plain, &base).await;
    let (client, _) = applicant(&base).await;
    let body = crate::support::complete_application_as(&client, &base, crate::support::PDF).await;
    let submitted = client
        .post(format!("{base}/api/services/JT-003/submissions"))
        .header("Idempotency-Key", "crash-notice-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 201);
    let case_number = submitted.json::<serde_json::Value>().await.unwrap()["case_number"].as_str().unwrap().to_owned();
    server.kill().unwrap(); // SIGKILL: the event is committed, its notification not sent
    server.wait().unwrap();
    assert!(seen.lock().unwrap().accepted.is_empty(), "nothing was sent before the crash");

    let mut server = start(port, &data, &dist, &with_poll("50"));
    wait_ready(&plain, &base).await;
    for _ in 0..200 {
        if !seen.lock().unwrap().accepted.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    // Once more: what was delivered is not delivered again.
    let mut server = start(port, &data, &dist, &with_poll("50"));
    wait_ready(&plain, &base).await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    server.kill().unwrap();
    server.wait().unwrap();
    let accepted = std::mem::take(&mut seen.lock().unwrap().accepted);
    let got: Vec<(&str, &str)> =
        accepted.iter().map(|(_, b)| (b["type"].as_str().unwrap(), b["case_number"].as_str().unwrap())).collect();
    assert_eq!(got, [("case.submit", case_number.as_str())], "sent once after the restart");
    if let Some(database) = postgres {
        database.drop_now();
    }
}
