//! Staff tokens name their holder, expire, and can be revoked and rotated; every
//! staff list, read, download and move is in the access log with the token's
//! label, and case events name who acted.

use crate::steps::message;
use crate::support::{TestApp, complete_application, spawn_app};
use bianmin::case::staff_tokens;
use serde_json::{Value, json};

const TRANSPORT: &str = "县交通运输局";

async fn submit(app: &TestApp) -> Value {
    let response = app.submit("staff-access", &complete_application(app).await).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_revoked_or_expired_token_is_refused_and_a_rotated_one_replaces_it() {
    let app = spawn_app().await;
    let db = app.db().await;
    let made = staff_tokens::add(&db, TRANSPORT, "科员 李四", 30).await.unwrap();
    assert_eq!(app.staff_get(&made.token, "/api/staff/me").await.status(), 200);
    let listed = staff_tokens::list(&db).await.unwrap();
    let mine = listed.iter().find(|t| t.id == made.id).unwrap();
    assert_eq!((mine.label.as_str(), mine.department.as_str()), ("科员 李四", TRANSPORT));
    assert!(mine.expires_at.is_some() && mine.last_used_at.is_some(), "expiry and last use are kept");

    let rotated = staff_tokens::rotate(&db, &made.id, 30).await.unwrap().expect("a live token rotates");
    let old = app.staff_get(&made.token, "/api/staff/me").await;
    assert_eq!(old.status(), 401);
    assert_eq!(old.headers()["www-authenticate"], "Bearer");
    assert_eq!(message(old).await, "这个令牌已停用，请向管理员领取新令牌");
    assert_eq!(app.staff_get(&rotated.token, "/api/staff/me").await.status(), 200);

    assert!(staff_tokens::revoke(&db, &rotated.id).await.unwrap());
    assert_eq!(app.staff_get(&rotated.token, "/api/staff/me").await.status(), 401);
    assert!(!staff_tokens::revoke(&db, &rotated.id).await.unwrap(), "revoked once");

    let expiring = staff_tokens::add(&db, TRANSPORT, "旧系统", 1).await.unwrap();
    sqlx::query("UPDATE staff_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE id = $1")
        .bind(&expiring.id)
        .execute(&db)
        .await
        .unwrap();
    let expired = app.staff_get(&expiring.token, "/api/staff/me").await;
    assert_eq!(expired.status(), 401);
    assert_eq!(message(expired).await, "这个令牌已过期，请向管理员领取新令牌");
}

#[tokio::test]
async fn every_staff_read_is_in_the_access_log_and_events_name_the_token() {
    let app = spawn_app().await;
    let db = app.db().await;
    let receipt = submit(&app).await;
    let case = receipt["case_number"].as_str().unwrap();
    let token = staff_tokens::add(&db, TRANSPORT, "科员 王五", 30).await.unwrap().token;

    assert_eq!(app.staff_get(&token, "/api/staff/cases").await.status(), 200);
    let view: Value = app.staff_get(&token, &format!("/api/staff/cases/{case}")).await.json().await.unwrap();
    let upload = view["files"][0]["upload"].as_str().unwrap().to_owned();
    assert_eq!(app.staff_get(&token, &format!("/api/staff/cases/{case}/files/{upload}")).await.status(), 200);
    let moved = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/{case}/actions", app.address))
        .bearer_auth(&token)
        .json(&json!({"action": "accept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);

    let log = bianmin::case::audit::entries(&db, None, None).await.unwrap();
    let what: Vec<&str> = log.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(what, ["list_cases", "read_case", "download_file", "move_case"]);
    assert!(log.iter().all(|e| e.token_label == "科员 王五" && e.department == TRANSPORT && e.client == "127.0.0.1"));
    assert_eq!(log[2].detail.as_deref(), Some(upload.as_str()));
    assert_eq!(bianmin::case::audit::entries(&db, Some(case), None).await.unwrap().len(), 3, "by case");
    let csv = bianmin::case::audit::to_csv(&log);
    assert!(csv.starts_with("at,token_id,token_label") && csv.contains("download_file"));

    let row = sqlx::query("SELECT actor FROM case_events WHERE case_number = $1 AND action = 'accept'")
        .bind(case)
        .fetch_one(&db)
        .await
        .unwrap();
    let actor: String = sqlx::Row::get(&row, "actor");
    assert!(actor.contains("科员 王五"), "{actor}");
}

#[tokio::test]
async fn bianmin_audit_prints_and_exports_the_log() {
    let app = spawn_app().await;
    let token = staff_tokens::add(&app.db().await, TRANSPORT, "审批系统", 30).await.unwrap().token;
    assert_eq!(app.staff_get(&token, "/api/staff/cases").await.status(), 200);
    let run = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_bianmin"))
            .args(["audit", "--format", format, "--database-url", &app.database_url])
            .arg("--data-dir")
            .arg(&app.data_dir)
            .output()
            .unwrap()
    };
    let text = run("text");
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("审批系统") && text.contains("list_cases"), "{text}");
    let csv = String::from_utf8(run("csv").stdout).unwrap();
    assert_eq!(csv.lines().count(), 2, "a header and one access: {csv}");
}

#[tokio::test]
async fn a_malformed_action_is_refused_in_words_not_in_serdes_english() {
    let app = spawn_app().await;
    let receipt = submit(&app).await;
    let case = receipt["case_number"].as_str().unwrap();
    let token = staff_tokens::add(&app.db().await, TRANSPORT, "科员 王五", 30).await.unwrap().token;
    let response = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/{case}/actions", app.address))
        .bearer_auth(&token)
        .json(&json!({"action": "fly"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let message = message(response).await;
    assert!(message.starts_with("操作的格式不对"), "{message}");
    assert!(!message.contains("unknown variant") && !message.contains("expected"), "{message}");
}
