//! Retention removes exactly what the rules say, and nothing a case or a live
//! draft holds: run as if days and years had passed.

use crate::support::{PNG, TestApp, applicant_client, complete_application, spawn_app, upload};
use bianmin::settings::Retention;
use serde_json::{Value, json};

const DAY: i64 = 86_400;

/// Whether the upload is still there: its bytes in storage (read there) and,
/// while they are, its owner still served.
async fn exists(app: &TestApp, client: &reqwest::Client, id: &str) -> bool {
    let stored = crate::support::stored(app, id);
    if stored {
        assert_eq!(app.upload_status(client, id).await, 200, "{id} is stored and still served");
    }
    stored
}

async fn submit(app: &TestApp, key: &str) -> Value {
    let body = complete_application(app).await;
    let response = app.submit(key, &body).await;
    assert_eq!(response.status(), 201);
    json!({"receipt": response.json::<Value>().await.unwrap(), "files": body["files"]})
}

/// Wait until every upload's lock is released (a PATCH releases its lock just
/// after answering; retention leaves a locked upload to its next run).
async fn settle(app: &TestApp) {
    for _ in 0..100 {
        if count(app, "SELECT COUNT(*) AS n FROM upload_locks").await == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("upload locks were not released");
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::Row::get(&sqlx::query(sql).fetch_one(&app.db().await).await.unwrap(), "n")
}

#[tokio::test]
async fn retention_removes_exactly_what_the_rules_say() {
    let app = spawn_app().await;
    let rules = Retention::default();
    let now = bianmin::db::unix_now();

    // A case that stays open, and one the applicant withdrew.
    let open = submit(&app, "open").await;
    let withdrawn = submit(&app, "withdrawn").await;
    let key =
        json!({"case_number": withdrawn["receipt"]["case_number"], "query_code": withdrawn["receipt"]["query_code"]});
    assert_eq!(app.post("/api/cases/withdraw", &key).await.status(), 200);
    // An upload nobody submitted, and another application's kept by its live draft.
    let loose = upload(&app, "JT-003", "photo", "多余.png", PNG).await;
    let drafter = applicant_client(&app.address).await;
    let mut other = app.settings.clone();
    other.listen = "127.0.0.1:0".parse().unwrap();
    let mut second = crate::support::spawn_with_settings(other).await;
    second.client = drafter.clone();
    let kept = upload(&second, "JT-003", "photo", "草稿里的.png", PNG).await;
    let draft = json!({"item": "JT-003", "answers": {}, "materials": {"files": {"photo": [{"upload": kept, "name": "草稿里的.png", "size": PNG.len()}]}}});
    assert_eq!(second.post("/api/drafts", &draft).await.status(), 200);

    // A notice delivered today (its payload holds a sealed phone).
    sqlx::query(
        "INSERT INTO outbox (id, case_number, channel, recipient, event, payload, state, attempts, next_at, created_at) \
         VALUES ('ntc_old', 'X', 'sms', '138****5678', 'notice.submitted', 'enc2:x', 'done', 1, $1, $1)",
    )
    .bind(bianmin::db::now_rfc3339())
    .execute(&app.db().await)
    .await
    .unwrap();
    sqlx::query("INSERT INTO outbox_attempts (outbox_id, attempt, at, result) VALUES ('ntc_old', 1, $1, 'ok 200')")
        .bind(bianmin::db::now_rfc3339())
        .execute(&app.db().await)
        .await
        .unwrap();

    settle(&app).await;
    // Today: nothing is old enough.
    assert_eq!(bianmin::retention::run(&app.state, &rules, now).await.unwrap(), Default::default());
    assert!(exists(&app, &app.client, &loose).await);
    // The look-up's lock on the upload is let go before the sweep (under load it can outlive the answer).
    settle(&app).await;

    // Four days on: the loose upload goes; the draft's and the cases' stay.
    let removed = bianmin::retention::run(&app.state, &rules, now + 4 * DAY).await.unwrap();
    assert_eq!(removed.unattached_uploads, 1);
    assert_eq!((removed.closed_case_files, removed.cases), (0, 0));
    assert!(!exists(&app, &app.client, &loose).await);
    assert!(exists(&app, &drafter, &kept).await, "the live draft keeps its upload");
    let open_photo = open["files"]["photo"][0].as_str().unwrap();
    assert!(exists(&app, &app.client, open_photo).await);

    // Ninety-one days on: the draft has expired (30 days), so its upload goes;
    // the withdrawn case's files go, its record stays; the open case keeps all.
    settle(&app).await;
    let removed = bianmin::retention::run(&app.state, &rules, now + 91 * DAY).await.unwrap();
    assert_eq!((removed.unattached_uploads, removed.closed_case_files, removed.cases), (1, 4, 0));
    assert_eq!(removed.notices, 1, "the notice sent 91 days ago goes, with its attempts");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM outbox_attempts").await, 0);
    assert!(!exists(&app, &drafter, &kept).await);
    for id in withdrawn["files"].as_object().unwrap().values().flat_map(|v| v.as_array().unwrap()) {
        assert!(!exists(&app, &app.client, id.as_str().unwrap()).await, "a withdrawn case's file is gone");
    }
    assert!(exists(&app, &app.client, open_photo).await, "an open case keeps its files");
    assert_eq!(app.post("/api/cases/lookup", &key).await.status(), 200, "the withdrawn case's record stays");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM case_files").await, 4);

    // Eleven years on: the withdrawn case ends its archive period, and so does the
    // open one nobody ever moved (nothing is kept beyond the longest rule).
    settle(&app).await;
    let removed = bianmin::retention::run(&app.state, &rules, now + 11 * 365 * DAY).await.unwrap();
    assert_eq!(removed.cases, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM cases").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM case_files").await, 0);
    for table in ["case_terms", "documents", "work_orders", "case_events"] {
        assert_eq!(count(&app, &format!("SELECT COUNT(*) AS n FROM {table}")).await, 0, "{table} goes with its case");
    }
    assert!(!exists(&app, &app.client, open_photo).await, "its files are gone from storage too");
}
