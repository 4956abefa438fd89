//! Situations, checklists and bundles through the API: the server recomputes the
//! checklist from the answers with the same domain code the app runs.

use crate::support::spawn_app;
use domain::api::{ErrorBody, ServiceList};
use domain::catalog::bundle::BundleDetail;
use domain::catalog::checklist::Checklist;
use serde_json::json;

async fn checklist(app: &crate::support::TestApp, path: &str, answers: serde_json::Value) -> Checklist {
    let response = app.client.post(format!("{}{path}", app.address)).json(&answers).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

fn ids(list: &Checklist) -> Vec<&str> {
    list.entries.iter().map(|e| e.material.id.as_str()).collect()
}

#[tokio::test]
async fn the_checklist_follows_the_answers() {
    let app = spawn_app().await;
    let path = "/api/services/JT-001/checklist";
    let company =
        checklist(&app, path, json!({"applicant_type": "company", "agent": true, "vehicles_owned": 3, "heavy": false}))
            .await;
    assert!(company.unanswered.is_empty());
    assert!(ids(&company).contains(&"authorisation") && ids(&company).contains(&"agent_id"));
    assert!(!ids(&company).contains(&"driver_qualifications"));
    let licences = company.entries.iter().find(|e| e.material.id == "vehicle_licences").unwrap();
    assert_eq!((licences.count, licences.title()), (3, "车辆行驶证（第 1 辆 … 第 3 辆）".to_owned()));

    let alone = checklist(
        &app,
        path,
        json!({"applicant_type": "individual", "agent": false, "vehicles_owned": 0, "heavy": true}),
    )
    .await;
    assert!(!ids(&alone).contains(&"authorisation"));
    assert!(!ids(&alone).contains(&"vehicle_licences"), "no vehicles bought yet: no 行驶证");
    assert!(ids(&alone).contains(&"driver_qualifications"));
}

#[tokio::test]
async fn partial_answers_say_what_is_still_unanswered() {
    let app = spawn_app().await;
    let list = checklist(&app, "/api/services/CG-001/checklist", json!({"applicant_type": "company"})).await;
    assert_eq!(list.unanswered, ["mode", "own_building"]);
    let list = checklist(
        &app,
        "/api/services/CG-001/checklist",
        json!({"applicant_type": "company", "mode": "new", "own_building": true}),
    )
    .await;
    assert_eq!(list.unanswered, ["large"], "asked only for new signs");
}

#[tokio::test]
async fn bad_answers_get_a_clear_error() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/services/JT-001/checklist", app.address))
        .header("content-type", "application/json")
        .body("[1, 2]")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: ErrorBody = response.json().await.unwrap();
    assert!(body.error.message.starts_with("回答的格式不对"), "{}", body.error.message);
    let missing =
        app.client.post(format!("{}/api/services/NOPE/checklist", app.address)).json(&json!({})).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_bundle_comes_with_its_items_and_lists_shared_documents_once() {
    let app = spawn_app().await;
    let detail: BundleDetail = app.get("/api/bundles/KB-001").await.json().await.unwrap();
    assert_eq!(detail.items.iter().map(|i| i.code.as_str()).collect::<Vec<_>>(), ["SC-001", "CG-001", "XF-001"]);
    assert_eq!(detail.promised_limit_days(), 5);
    let list = checklist(
        &app,
        "/api/bundles/KB-001/checklist",
        json!({"applicant_type": "individual", "cold_food": false, "mode": "new", "own_building": false, "large": false, "check_mode": "commitment", "needs_acceptance": false}),
    )
    .await;
    assert!(list.unanswered.is_empty(), "{:?}", list.unanswered);
    let id_card: Vec<_> = list.entries.iter().filter(|e| e.material.name == "申请人身份证").collect();
    assert_eq!(id_card.len(), 1, "one ID card for all three items");
    assert_eq!(id_card[0].items, ["SC-001", "CG-001", "XF-001"]);
}

#[tokio::test]
async fn search_shows_matching_bundles_on_the_first_page() {
    let app = spawn_app().await;
    let list: ServiceList = app.get("/api/services?q=%E9%A5%AD%E5%BA%97").await.json().await.unwrap(); // 饭店
    assert_eq!(list.bundles.iter().map(|b| b.code.as_str()).collect::<Vec<_>>(), ["KB-001"]);
    assert_eq!(list.bundles[0].item_names.len(), 3);
    let filtered: ServiceList =
        app.get("/api/services?q=%E9%A5%AD%E5%BA%97&applicant=individual").await.json().await.unwrap();
    assert!(filtered.bundles.is_empty());
}

#[tokio::test]
async fn the_server_checks_a_form_with_the_domain_rules() {
    let app = spawn_app().await;
    let url = format!("{}/api/services/JT-001/form/check", app.address);
    let form = json!({
        "answers": {"applicant_type": "individual", "agent": true},
        "form": {
            "applicant": {"type": "person", "name": "张三", "id_number": "110105194912310021", "phone": "138 1234 5678", "address": "示范县人民路 88 号"},
            "fields": {"business_scope": "general", "planned_start": "2026-02-30", "vehicle_count": "3"}
        }
    });
    let errors: Vec<domain::apply::form::FieldError> =
        app.client.post(&url).json(&form).send().await.unwrap().json().await.unwrap();
    let pairs: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("applicant.id_number", "身份证号码校验位不正确，请核对最后一位"),
            ("agent.name", "请填写代理人信息"),
            ("delivery.method", "请选择领取方式"),
            ("fields.planned_start", "计划开业日期请按“年-月-日”填写，例如 2026-03-01"),
        ]
    );
    let bad = app.client.post(&url).json(&json!({"form": 1})).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}
