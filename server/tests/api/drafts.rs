//! Drafts on the server: continue on another device with a resume code.

use crate::support::{spawn_app, spawn_app_with, upload};
use domain::api::{DraftLoaded, DraftSaved, ErrorBody};
use serde_json::json;

fn draft() -> serde_json::Value {
    json!({
        "item": "JT-001",
        "answers": {"applicant_type": "company", "agent": false, "vehicles_owned": 2},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X", "phone": "13812345678", "address": ""}}
    })
}

#[tokio::test]
async fn a_draft_continues_on_another_device() {
    let app = spawn_app().await;
    let saved: DraftSaved = app.post("/api/drafts", &draft()).await.json().await.unwrap();
    assert_eq!(saved.resume_code.len(), 14, "12 characters in groups of four: {}", saved.resume_code);
    assert!(saved.resume_code.chars().all(|c| c == '-' || domain::reference::ALPHABET.contains(&(c as u8))));

    // Typed on another phone: lower case, spaces instead of hyphens.
    let typed = saved.resume_code.to_lowercase().replace('-', " ");
    let response = app.post("/api/drafts/resume", &json!({"resume_code": typed})).await;
    assert_eq!(response.status(), 200);
    let loaded: DraftLoaded = response.json().await.unwrap();
    assert_eq!(loaded.draft.item, "JT-001");
    assert_eq!(serde_json::to_value(&loaded.draft.answers).unwrap(), draft()["answers"]);
    let mut form = draft()["form"].clone();
    form["fields"] = json!({});
    assert_eq!(serde_json::to_value(&loaded.draft.form).unwrap(), form);
    assert!(loaded.dropped.is_empty() && !loaded.catalog_changed);

    // Saving again replaces the content and moves the expiry on.
    let mut changed = draft();
    changed["answers"]["vehicles_owned"] = json!(5);
    let again: DraftSaved = app
        .post("/api/drafts/save", &json!({"resume_code": saved.resume_code, "draft": changed}))
        .await
        .json()
        .await
        .unwrap();
    assert!(again.expires_at >= saved.expires_at);
    let loaded: DraftLoaded =
        app.post("/api/drafts/resume", &json!({"resume_code": saved.resume_code})).await.json().await.unwrap();
    assert_eq!(loaded.draft.answers["vehicles_owned"], domain::catalog::situation::Answer::Number(5));
}

#[tokio::test]
async fn unknown_malformed_and_expired_codes_get_the_same_answer() {
    let app = spawn_app_with(|s| s.retention.draft_days = 0).await;
    let saved: DraftSaved = app.post("/api/drafts", &draft()).await.json().await.unwrap();
    let mut messages = Vec::new();
    for code in [saved.resume_code.as_str(), "ABCD-EFGH-JKLM", "0000-0000-0000", ""] {
        let response = app.post("/api/drafts/resume", &json!({"resume_code": code})).await;
        assert_eq!(response.status(), 404, "{code}");
        messages.push(response.json::<ErrorBody>().await.unwrap().error.message);
    }
    messages.dedup();
    assert_eq!(messages, ["没有找到这份草稿：可能是恢复码有误，或已超过保存期限"]);
    let save = app.post("/api/drafts/save", &json!({"resume_code": saved.resume_code, "draft": draft()})).await;
    assert_eq!(save.status(), 404, "an expired draft cannot be saved into either");
}

#[tokio::test]
async fn answers_that_no_longer_fit_the_catalog_are_dropped_and_named() {
    let app = spawn_app().await;
    let mut old = draft();
    old["answers"]["applicant_type"] = json!("cooperative");
    old["answers"]["fleet_colour"] = json!("red");
    let saved: DraftSaved = app.post("/api/drafts", &old).await.json().await.unwrap();
    // As if the draft had been saved against an earlier catalog.
    sqlx::query("UPDATE drafts SET catalog_version = 'older'").execute(&app.db().await).await.unwrap();

    let loaded: DraftLoaded =
        app.post("/api/drafts/resume", &json!({"resume_code": saved.resume_code})).await.json().await.unwrap();
    assert!(loaded.catalog_changed);
    assert_eq!(loaded.dropped, ["以什么身份申请？", "fleet_colour"]);
    assert!(!loaded.draft.answers.contains_key("applicant_type"));
    assert_eq!(loaded.draft.answers["vehicles_owned"], domain::catalog::situation::Answer::Number(2));
}

#[tokio::test]
async fn drafts_need_a_known_item_and_a_readable_body() {
    let app = spawn_app().await;
    let response = app.post("/api/drafts", &json!({"item": "NOPE"})).await;
    assert_eq!(response.status(), 404);
    assert!(response.json::<ErrorBody>().await.unwrap().error.message.contains("没有找到编码为 NOPE 的事项"));
    let response = app.post("/api/drafts", &json!([1])).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<ErrorBody>().await.unwrap().error.message, "草稿的格式不对，请刷新页面后重试");
}

#[tokio::test]
async fn finished_uploads_travel_with_the_draft_and_vanished_ones_are_named() {
    let app = spawn_app().await;
    let pdf: &[u8] = crate::support::PDF;
    let kept = upload(&app, "JT-001", "application", "申请表.pdf", pdf).await;
    let deleted = upload(&app, "JT-001", "safety_rules", "制度.pdf", pdf).await;
    // Uploaded for a material the answers no longer ask for (no agent).
    let unasked = upload(&app, "JT-001", "authorisation", "委托书.pdf", pdf).await;
    let file = |id: &str, name: &str| json!({"upload": id, "name": name, "size": pdf.len()});
    let mut body = draft();
    body["materials"] = json!({
        "files": {"application": [file(&kept, "申请表.pdf")], "safety_rules": [file(&deleted, "制度.pdf")],
                  "authorisation": [file(&unasked, "委托书.pdf")]},
        "later": [], "pledge_accepted": false
    });
    let saved: DraftSaved = app.post("/api/drafts", &body).await.json().await.unwrap();
    let gone = app
        .client
        .delete(format!("{}/api/uploads/{deleted}", app.address))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 204);

    let loaded: DraftLoaded =
        app.post("/api/drafts/resume", &json!({"resume_code": saved.resume_code})).await.json().await.unwrap();
    let files = &loaded.draft.materials.files;
    assert_eq!(files.keys().collect::<Vec<_>>(), ["application"]);
    assert_eq!(files["application"][0].upload, kept);
    assert_eq!(files["application"][0].name, "申请表.pdf");
    assert_eq!(loaded.dropped_files, ["委托书.pdf", "制度.pdf"]);
}

#[tokio::test]
async fn one_address_may_keep_only_so_many_new_drafts_an_hour() {
    let app = crate::support::spawn_app_with(|s| s.limits.drafts_per_hour = 2).await;
    let draft = serde_json::json!({"item": "JT-003", "answers": {}, "materials": {}});
    for _ in 0..2 {
        assert_eq!(app.post("/api/drafts", &draft).await.status(), 200);
    }
    let refused = app.post("/api/drafts", &draft).await;
    assert_eq!(refused.status(), 429);
    let message: serde_json::Value = refused.json().await.unwrap();
    assert!(message["error"]["message"].as_str().unwrap().contains("一小时后再试"), "{message}");
}
