//! Personal data at rest: after a whole journey (uploads, a draft, a
//! submission, a look-up, a complaint, staff reading the case) no resident ID
//! number, phone number or query code is anywhere in the clear — not in the
//! database (every table's text on PostgreSQL, the file's bytes and its WAL on
//! SQLite), not in the stored files. And what is stored still reads back.

use crate::support::{TestApp, complete_application_with, files_under, spawn_app, upload};
use serde_json::{Value, json};

const ID_NUMBER: &str = "11010519491231002X";
const PHONE: &str = "13812345678";

/// A scanned form whose text layer carries the ID number and phone, as real scans do.
fn pdf() -> Vec<u8> {
    crate::pdfs::form(&format!("申请人 张三 身份证 {ID_NUMBER} 电话 {PHONE}"))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Every row of every table as text.
async fn database_text(app: &TestApp) -> Vec<u8> {
    let db = app.db().await;
    if app.database_url.starts_with("postgres") {
        let tables =
            sqlx::query("SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public'")
                .fetch_all(&db)
                .await
                .unwrap();
        let mut all = Vec::new();
        for table in tables {
            let name: String = sqlx::Row::get(&table, "name");
            let rows = sqlx::query(&format!("SELECT row_to_json(t)::text AS row FROM \"{name}\" t"))
                .fetch_all(&db)
                .await
                .unwrap();
            for row in rows {
                all.extend(sqlx::Row::get::<String, _>(&row, "row").into_bytes());
            }
        }
        all
    } else {
        // The database file and its write-ahead log, byte for byte.
        let mut all = Vec::new();
        for path in files_under(&app.data_dir) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("bianmin.db") {
                all.extend(std::fs::read(&path).unwrap());
            }
        }
        all
    }
}

#[tokio::test]
async fn no_id_number_phone_or_query_code_is_stored_in_the_clear() {
    let app = spawn_app().await;
    let mut body = complete_application_with(&app, &pdf()).await;
    body["form"]["delivery"] =
        json!({"method": "post", "recipient": "张三", "phone": PHONE, "address": "示范县人民路 88 号"});
    let draft = json!({"item": "JT-003", "answers": {}, "form": body["form"], "materials": {}});
    let saved: Value = app.post("/api/drafts", &draft).await.json().await.unwrap();
    let resume_code = saved["resume_code"].as_str().expect("a resume code").to_owned();
    let receipt: Value = app.submit("at-rest", &body).await.json().await.unwrap();
    let query_code = receipt["query_code"].as_str().expect("a receipt").to_owned();
    let key = json!({"case_number": receipt["case_number"], "query_code": query_code});
    assert_eq!(app.post("/api/cases/lookup", &key).await.status(), 200);
    let complaint = json!({"case": key, "text": "窗口让我等了很久", "phone": PHONE});
    assert_eq!(app.post("/api/complaints", &complaint).await.status(), 200);
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let case_path = format!("/api/staff/cases/{}", receipt["case_number"].as_str().unwrap());
    let case: Value = app.staff_get(&token, &case_path).await.json().await.unwrap();
    // Everything still reads back for those allowed to see it…
    assert_eq!(case["application"]["form"]["applicant"]["id_number"], ID_NUMBER);
    let retried = app.submit("at-rest", &body).await;
    assert_eq!(retried.json::<Value>().await.unwrap()["query_code"], query_code.as_str(), "the receipt replays");
    let download = case["files"].as_array().unwrap().iter().find(|f| f["material"] == "application").unwrap();
    let bytes = app.staff_get(&token, download["download"].as_str().unwrap()).await.bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), pdf().as_slice(), "the scan downloads as it was uploaded");

    // …and nothing is in the clear at rest.
    let stored = database_text(&app).await;
    assert!(!stored.is_empty());
    for secret in [ID_NUMBER, PHONE, query_code.as_str(), resume_code.as_str(), "人民路"] {
        assert!(!contains(&stored, secret), "{secret} is in the database in the clear");
    }
    let files = files_under(&app.files_dir);
    assert!(!files.is_empty());
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        for secret in [ID_NUMBER, PHONE, "%PDF", "申请表"] {
            assert!(!contains(&bytes, secret), "{secret} is in the clear in {}", path.display());
        }
    }
}

#[tokio::test]
async fn a_new_key_and_a_rotation_seal_everything_again_and_it_still_reads() {
    let app = spawn_app().await;
    let body = complete_application_with(&app, &pdf()).await;
    let receipt: Value = app.submit("rotate", &body).await.json().await.unwrap();
    let bianmin = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .args(args)
            .arg("--data-dir")
            .arg(&app.data_dir)
            .args(["--database-url", &app.database_url])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    bianmin(&["keys", "add", "--algorithm", "aes-256-gcm"]);
    let said = bianmin(&["keys", "rotate"]);
    assert!(said.contains("重新加密"), "{said}");

    let keys = app.settings.data_keys().unwrap();
    let row = sqlx::query("SELECT application FROM cases").fetch_one(&app.db().await).await.unwrap();
    let application: String = sqlx::Row::get(&row, "application");
    assert!(application.starts_with(&format!("enc2:{}:", keys.current_id())), "sealed with the new key");
    assert_ne!(keys.current_id(), "k1");

    // A restarted server on the new key file reads the old case and the old files.
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let mut restarted = crate::support::spawn_with_settings(settings).await;
    restarted.client = app.client.clone();
    let key = json!({"case_number": receipt["case_number"], "query_code": receipt["query_code"]});
    assert_eq!(restarted.post("/api/cases/lookup", &key).await.status(), 200);
    let form = body["files"]["application"][0].as_str().unwrap();
    let checked = restarted.post("/api/upload-checks", &json!({"upload": form})).await;
    assert_eq!(checked.status(), 200, "a file written under the old key still reads");
}

#[tokio::test]
async fn a_photos_gps_position_is_not_stored_and_a_pdf_with_a_script_is_refused() {
    let app = spawn_app().await;
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1];
    let exif = b"Exif\0\0GPSLatitude 39.9042 N GPSLongitude 116.4074 E Model Phone";
    jpeg.extend(((exif.len() + 2) as u16).to_be_bytes());
    jpeg.extend(exif);
    jpeg.extend([0xFF, 0xDA, 0, 4, 1, 2]);
    jpeg.extend((0..5000).map(|i| (i % 200) as u8));
    jpeg.extend([0xFF, 0xD9]);
    let id = upload(&app, "JT-003", "id_card", "正面.jpg", &jpeg).await;
    let checked = app.post("/api/upload-checks", &json!({"upload": id})).await;
    assert_eq!(checked.status(), 200, "still a JPEG");
    let stored: Vec<_> = files_under(&app.files_dir)
        .into_iter()
        .filter(|p| std::fs::metadata(p).map(|m| m.len() as usize == jpeg.len()).unwrap_or(false))
        .collect();
    assert_eq!(stored.len(), 1, "the same length as sent");
    let mut bytes = std::fs::read(&stored[0]).unwrap();
    let keys = app.settings.data_keys().unwrap();
    keys.file_cipher(keys.current_id(), &id).unwrap().apply(0, &mut bytes);
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && bytes.ends_with(&[0xFF, 0xD9]));
    assert!(!contains(&bytes, "GPS") && !contains(&bytes, "Phone"), "the position and camera are gone");
    assert_eq!(bytes[bytes.len() - 5002..], jpeg[jpeg.len() - 5002..], "the picture itself is untouched");

    // (Every kind of active content, however hidden: see pdf_checks.rs.)
    let script = crate::pdfs::with_hidden("/OpenAction << /S /JavaScript /JS (app.launchURL('x')) >>", &[], None);
    let id = upload(&app, "JT-003", "application", "申请表.pdf", &script).await;
    let refused = app.post("/api/upload-checks", &json!({"upload": id})).await;
    assert_eq!(refused.status(), 422);
    let message: Value = refused.json().await.unwrap();
    assert_eq!(
        message["error"]["message"],
        "“申请表.pdf”里含有脚本（JavaScript），为了安全不能上传。请用“打印为 PDF”或扫描重新生成这个文件后再传"
    );
}

/// The stored forms of a case's query code and a draft's resume code.
async fn stored_codes(app: &TestApp) -> (String, String) {
    let db = app.db().await;
    let case = sqlx::query("SELECT query_code_hash FROM cases").fetch_one(&db).await.unwrap();
    let draft = sqlx::query("SELECT resume_code FROM drafts").fetch_one(&db).await.unwrap();
    (sqlx::Row::get(&case, "query_code_hash"), sqlx::Row::get(&draft, "resume_code"))
}

#[tokio::test]
async fn the_database_without_the_key_file_opens_no_draft_and_no_case() {
    let app = spawn_app().await;
    let body = complete_application_with(&app, &pdf()).await;
    let draft = json!({"item": "JT-003", "answers": {}, "form": body["form"], "materials": {}});
    let receipt: Value = app.submit("stolen", &body).await.json().await.unwrap();
    // (A submission deletes its application's drafts: this one is for the next.)
    let saved: Value = app.post("/api/drafts", &draft).await.json().await.unwrap();
    let resume = json!({"resume_code": saved["resume_code"]});
    let key = json!({"case_number": receipt["case_number"], "query_code": receipt["query_code"]});
    assert_eq!(app.post("/api/cases/lookup", &key).await.status(), 200);
    assert_eq!(app.post("/api/drafts/resume", &resume).await.status(), 200);

    // What is stored is keyed: neither the code nor its plain SHA-256.
    let (query_hash, resume_hash) = stored_codes(&app).await;
    let code = receipt["query_code"].as_str().unwrap();
    for (stored, plain) in [(&query_hash, code), (&resume_hash, saved["resume_code"].as_str().unwrap())] {
        assert!(stored.starts_with("h1:"), "{stored}");
        assert_ne!(stored, plain);
        assert!(!stored.contains(&bianmin::secret::sha256_hex(plain.as_bytes())));
    }
    // The application key likewise, in every table that names the application.
    let plain_key = bianmin::secret::sha256_hex(app.application_key.as_bytes());
    for (table, column) in [("application_keys", "key_hash"), ("upload_owners", "application_hash")] {
        let rows = sqlx::query(&format!("SELECT {column} AS hash FROM {table}")).fetch_all(&app.db().await).await;
        let hashes: Vec<String> = rows.unwrap().iter().map(|r| sqlx::Row::get(r, "hash")).collect();
        assert!(
            !hashes.is_empty() && hashes.iter().all(|h| h.starts_with("h1:") && *h != plain_key),
            "{table}: {hashes:?}"
        );
    }
    // Stored values presented as codes open nothing.
    let forged = json!({"case_number": receipt["case_number"], "query_code": query_hash});
    assert_eq!(app.post("/api/cases/lookup", &forged).await.status(), 404);
    assert_eq!(app.post("/api/drafts/resume", &json!({"resume_code": resume_hash})).await.status(), 404);

    // The same database served with another key file (the thief's): even the
    // right codes open nothing, and the sealed application does not open.
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let other = bianmin::at_rest::data_key::DataKeys::new_line("k1", bianmin::at_rest::data_key::Algorithm::Sm4Gcm);
    settings.data_key = Some(other.unwrap().into());
    let thief = crate::support::spawn_with_settings(settings).await;
    for (path, request) in [("/api/cases/lookup", &key), ("/api/drafts/resume", &resume)] {
        let answer = thief.post(path, request).await;
        assert_ne!(answer.status(), 200, "{path} opened with another key");
        let text = answer.text().await.unwrap();
        assert!(!text.contains(ID_NUMBER) && !text.contains(PHONE), "{path}: {text}");
    }
    // Nor does the application's key: the thief's server does not know it.
    let with_key = app.client.post(format!("{}/api/drafts", thief.address)).json(&draft).send().await.unwrap();
    assert_eq!(with_key.status(), 403, "{}", with_key.text().await.unwrap());
}

#[tokio::test]
async fn codes_kept_before_keyed_hashing_move_over_at_start_and_still_open() {
    let app = spawn_app().await;
    let body = complete_application_with(&app, &pdf()).await;
    let draft = json!({"item": "JT-003", "answers": {}, "form": body["form"], "materials": {}});
    let receipt: Value = app.submit("old-hashes", &body).await.json().await.unwrap();
    let saved: Value = app.post("/api/drafts", &draft).await.json().await.unwrap();
    let code = saved["resume_code"].as_str().unwrap();
    let query_code = receipt["query_code"].as_str().unwrap();
    // An upload not yet submitted, owned by the application's key.
    let upload =
        crate::support::upload_as(&app.client, &app.address, "JT-003", "photo", "照片.png", crate::support::PNG).await;
    // As an older version kept them: the query code's plain SHA-256, the resume code in clear.
    let db = app.db().await;
    sqlx::query("UPDATE cases SET query_code_hash = $1")
        .bind(bianmin::secret::sha256_hex(query_code.as_bytes()))
        .execute(&db)
        .await
        .unwrap();
    sqlx::query("UPDATE drafts SET resume_code = $1").bind(code).execute(&db).await.unwrap();
    // And the application key's plain SHA-256 wherever the application is named.
    let plain_key = bianmin::secret::sha256_hex(app.application_key.as_bytes());
    for (table, column) in
        [("application_keys", "key_hash"), ("upload_owners", "application_hash"), ("drafts", "application_hash")]
    {
        sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE {column} IS NOT NULL"))
            .bind(&plain_key)
            .execute(&db)
            .await
            .unwrap();
    }

    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let restarted = crate::support::spawn_with_settings(settings).await;
    let (query_hash, resume_hash) = stored_codes(&app).await;
    assert!(query_hash.starts_with("h1:") && resume_hash.starts_with("h1:"), "moved at start");
    let key = json!({"case_number": receipt["case_number"], "query_code": query_code});
    assert_eq!(restarted.post("/api/cases/lookup", &key).await.status(), 200);
    assert_eq!(restarted.post("/api/drafts/resume", &json!({"resume_code": code})).await.status(), 200);
    // The application key still owns its uploads and is still known.
    assert_eq!(restarted.upload_status(&app.client, &upload).await, 200);
    assert_eq!(restarted.post("/api/drafts", &draft).await.status(), 200);
    let kept = sqlx::query("SELECT key_hash FROM application_keys").fetch_all(&db).await.unwrap();
    assert!(kept.iter().all(|r| sqlx::Row::get::<String, _>(r, "key_hash").starts_with("h1:")));
}

/// Two submitted cases, the second by another applicant (李四) on another device.
async fn two_cases(app: &TestApp) -> (String, String) {
    let first: Value = app.submit("first", &complete_application_with(app, &pdf()).await).await.json().await.unwrap();
    let other = crate::support::applicant_client(&app.address).await;
    let mut body = crate::support::complete_application_as(&other, &app.address, &pdf()).await;
    body["form"]["applicant"]["name"] = json!("李四");
    let second: Value = app.submit_as(&other, "second", &body).await.json().await.unwrap();
    let number = |r: &Value| r["case_number"].as_str().expect("a receipt").to_owned();
    (number(&first), number(&second))
}

async fn application_of(db: &sqlx::AnyPool, case: &str) -> String {
    let row =
        sqlx::query("SELECT application FROM cases WHERE case_number = $1").bind(case).fetch_one(db).await.unwrap();
    sqlx::Row::get(&row, "application")
}

async fn set_application(db: &sqlx::AnyPool, case: &str, value: &str) {
    sqlx::query("UPDATE cases SET application = $1 WHERE case_number = $2")
        .bind(value)
        .bind(case)
        .execute(db)
        .await
        .unwrap();
}

#[tokio::test]
async fn swapped_or_clear_values_in_the_database_are_refused_not_shown() {
    let app = spawn_app().await;
    let (first, second) = two_cases(&app).await;
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let shown = |case: String| {
        let (app, token) = (&app, &token);
        async move {
            let answer = app.staff_get(token, &format!("/api/staff/cases/{case}")).await;
            (answer.status().as_u16(), answer.text().await.unwrap())
        }
    };
    assert!(shown(second.clone()).await.1.contains("李四"));
    let db = app.db().await;
    // Swapped: each case's sealed application moved into the other's row.
    let (a, b) = (application_of(&db, &first).await, application_of(&db, &second).await);
    set_application(&db, &first, &b).await;
    set_application(&db, &second, &a).await;
    for case in [&first, &second] {
        let (status, text) = shown(case.clone()).await;
        assert_eq!(status, 500, "a moved value does not open");
        assert!(!text.contains("李四") && !text.contains(ID_NUMBER), "{text}");
    }
    // Written in clear by someone with the database but not the key.
    let mut forged: Value = serde_json::from_str(
        &app.settings
            .data_keys()
            .unwrap()
            .open(bianmin::at_rest::column::Column::CaseApplication, &second, &b)
            .unwrap(),
    )
    .unwrap();
    forged["form"]["applicant"]["name"] = json!("王五");
    set_application(&db, &second, &forged.to_string()).await;
    let (status, text) = shown(second.clone()).await;
    assert_eq!(status, 500);
    assert!(!text.contains("王五"), "{text}");
    // A restart does not seal the forged value: the database already holds bound values.
    let restarted = app.on_day("2026-12-03").await;
    let answer = restarted.staff_get(&token, &format!("/api/staff/cases/{second}")).await;
    assert_eq!(answer.status(), 500);
    assert!(!application_of(&db, &second).await.starts_with("enc2:"));
}

#[tokio::test]
async fn values_an_older_version_kept_are_bound_at_the_first_start() {
    use bianmin::at_rest::column::Column;
    let app = spawn_app().await;
    let (first, second) = two_cases(&app).await;
    // As a version before encryption kept them: every sealed value in clear.
    let keys = app.settings.data_keys().unwrap();
    let db = app.db().await;
    for column in Column::ALL {
        let (table, id, name) = column.names();
        let rows = sqlx::query(&format!("SELECT {id} AS id, {name} AS value FROM {table} WHERE {name} IS NOT NULL"))
            .fetch_all(&db)
            .await
            .unwrap();
        for row in rows {
            let (row_id, value): (String, String) = (sqlx::Row::get(&row, "id"), sqlx::Row::get(&row, "value"));
            sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE {id} = $2 AND {name} = $3"))
                .bind(keys.open(column, &row_id, &value).unwrap())
                .bind(&row_id)
                .bind(&value)
                .execute(&db)
                .await
                .unwrap();
        }
    }
    assert!(application_of(&db, &second).await.contains("李四"));
    let restarted = app.on_day("2026-12-03").await;
    for case in [&first, &second] {
        assert!(application_of(&db, case).await.starts_with("enc2:"), "bound at start");
    }
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let answer = restarted.staff_get(&token, &format!("/api/staff/cases/{second}")).await;
    assert_eq!(answer.status(), 200);
    assert!(answer.text().await.unwrap().contains("李四"));
}

#[tokio::test]
async fn a_changed_byte_in_a_stored_file_is_refused_not_served() {
    let app = spawn_app().await;
    // A scan of several pieces, so damage past the first piece is caught too.
    let mut scan = pdf();
    scan.extend((0..3_000_000u32).map(|i| (i % 251) as u8));
    let body = complete_application_with(&app, &scan).await;
    let receipt: Value = app.submit("flip", &body).await.json().await.unwrap();
    let token = crate::support::staff_token(&app, "县交通运输局").await;
    let case_path = format!("/api/staff/cases/{}", receipt["case_number"].as_str().unwrap());
    let case: Value = app.staff_get(&token, &case_path).await.json().await.unwrap();
    let file = case["files"].as_array().unwrap().iter().find(|f| f["material"] == "application").unwrap();
    let download = file["download"].as_str().unwrap().to_owned();
    let upload = file["upload"].as_str().unwrap().to_owned();
    let fetched = app.staff_get(&token, &download).await;
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), scan.as_slice(), "whole and unchanged");

    // One byte flipped where the file is stored (disk or bucket alike).
    let storage = bianmin::apply::uploads::store::operator(&app.data_dir, &app.settings.storage).unwrap();
    let stored = storage
        .list_with("")
        .recursive(true)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.path().contains(upload.as_str()) && e.path().ends_with("/data"))
        .expect("the stored file")
        .path()
        .to_owned();
    let original = storage.read(&stored).await.unwrap().to_vec();
    for at in [10, 2_500_000] {
        let mut flipped = original.clone();
        flipped[at] ^= 0x01;
        storage.write(&stored, flipped).await.unwrap();
        let url = format!("{}{download}", app.address);
        let Ok(answer) = reqwest::Client::new().get(url).bearer_auth(&token).send().await else {
            // Cut before even the head went out: nothing served.
            assert!(at >= 1_048_576, "a clear error is expected for damage at the start");
            continue;
        };
        if at < 1_048_576 {
            // In the first piece: a clear error before any byte.
            assert_eq!(answer.status(), 500);
            let error: Value = answer.json().await.unwrap();
            assert_eq!(error["error"]["code"], "damaged");
            assert!(error["error"]["message"].as_str().unwrap().contains("已损坏或被改动"));
        } else {
            // Further in: the download stops short of the damaged piece.
            let bytes = answer.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            assert!(bytes.len() < scan.len() && bytes.len() <= 2_097_152, "{} bytes served", bytes.len());
            assert!(scan.starts_with(&bytes), "only checked bytes");
        }
    }
    // The tags removed: refused as well.
    storage.write(&stored, original).await.unwrap();
    assert_eq!(app.staff_get(&token, &download).await.status(), 200);
    sqlx::query("DELETE FROM file_tags WHERE start > 0").execute(&app.db().await).await.unwrap();
    assert_eq!(app.staff_get(&token, &download).await.status(), 500);
}

#[tokio::test]
async fn the_data_directory_and_everything_in_it_are_for_the_server_alone() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    complete_application_with(&app, &pdf()).await; // a database, uploads, their tags
    fn walk(path: &std::path::Path, found: &mut Vec<(std::path::PathBuf, u32, bool)>) {
        let meta = std::fs::metadata(path).unwrap();
        found.push((path.to_path_buf(), meta.permissions().mode() & 0o777, meta.is_dir()));
        if meta.is_dir() {
            for entry in std::fs::read_dir(path).unwrap().flatten() {
                walk(&entry.path(), found);
            }
        }
    }
    let mut found = Vec::new();
    walk(&app.data_dir, &mut found);
    // On SQLite and files the database and uploads are in it; on PostgreSQL and S3 only the directory is.
    let embedded = std::env::var("BIANMIN_TEST_DATABASE_URL").map_or(true, |u| u.is_empty());
    assert!(!embedded || found.len() > 3, "{found:?}");
    assert_eq!(found[0].1, 0o700, "the data directory itself");
    for (path, mode, dir) in &found {
        assert_eq!(mode & 0o077, 0, "{} is {mode:o}: no access for group or others", path.display());
        assert_eq!(*mode, if *dir { 0o700 } else { 0o600 }, "{}", path.display());
    }
}
