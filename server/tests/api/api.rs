//! The public API against the real server, database and catalog.

use crate::support::spawn_app;
use domain::api::{ErrorBody, Health, ServiceList};
use domain::{ApplicantType, ServiceItem};

async fn list(app: &crate::support::TestApp, query: &str) -> ServiceList {
    let response = app.get(&format!("/api/services{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn health_reports_the_loaded_catalog() {
    let app = spawn_app().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let health: Health = response.json().await.unwrap();
    assert_eq!(health.status, "ok");
    assert!(health.services >= 12, "{}", health.services);
    assert_eq!(health.catalog_version.len(), 12);
}

#[tokio::test]
async fn lists_every_service_with_departments() {
    let app = spawn_app().await;
    let all = list(&app, "").await;
    assert!(all.total >= 12);
    assert_eq!(all.items.len(), all.total.min(20));
    assert!(all.departments.contains(&"县民政局".to_owned()));
    let first = &all.items[0];
    assert!(!first.name.is_empty() && !first.department.is_empty() && !first.fee.is_empty());
}

#[tokio::test]
async fn searches_name_keywords_and_code() {
    let app = spawn_app().await;
    let by_name = list(&app, "?q=%E7%A4%BE%E4%BC%9A%E5%9B%A2%E4%BD%93").await; // 社会团体
    assert_eq!(by_name.items[0].code, "MZ-001");
    let by_keyword = list(&app, "?q=%E6%B1%BD%E4%BF%AE").await; // 汽修
    assert_eq!(by_keyword.items.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), ["JT-002"]);
    let by_code = list(&app, "?q=hb-001").await;
    assert_eq!(by_code.total, 1);
    assert_eq!(by_code.items[0].name, "建设项目环境影响报告表审批");
    assert_eq!(list(&app, "?q=%E7%81%AB%E6%98%9F").await.total, 0); // 火星
}

#[tokio::test]
async fn filters_by_department_and_applicant_and_pages() {
    let app = spawn_app().await;
    let transport = list(&app, "?department=%E5%8E%BF%E4%BA%A4%E9%80%9A%E8%BF%90%E8%BE%93%E5%B1%80").await;
    assert_eq!(transport.total, 3);
    assert!(transport.items.iter().all(|s| s.department == "县交通运输局"));
    let people = list(&app, "?applicant=individual").await;
    assert!(people.items.iter().all(|s| s.applicants.contains(&ApplicantType::Individual)));
    assert!(people.total < list(&app, "").await.total);
    let page2 = list(&app, "?per_page=5&page=2").await;
    assert_eq!((page2.page, page2.per_page, page2.items.len()), (2, 5, 5));
    let page1 = list(&app, "?per_page=5").await;
    assert!(page1.items.iter().all(|a| page2.items.iter().all(|b| a.code != b.code)));
}

#[tokio::test]
async fn bad_parameters_get_a_specific_error() {
    let app = spawn_app().await;
    for (query, needle) in [
        ("?page=0", "page 应为正整数"),
        ("?per_page=abc", "per_page 应为正整数"),
        ("?applicant=alien", "applicant 只能是"),
    ] {
        let response = app.get(&format!("/api/services{query}")).await;
        assert_eq!(response.status(), 400, "{query}");
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error.code, "bad_request");
        assert!(body.error.message.contains(needle), "{query}: {}", body.error.message);
    }
}

#[tokio::test]
async fn returns_the_full_guide() {
    let app = spawn_app().await;
    let response = app.get("/api/services/JT-001").await;
    assert_eq!(response.status(), 200);
    let item: ServiceItem = response.json().await.unwrap();
    assert_eq!(item.name, "道路货物运输经营许可");
    assert!(item.promised_limit_days <= item.legal_limit_days);
    assert!(!item.conditions.is_empty() && !item.procedure.is_empty() && !item.legal_basis.is_empty());
    let form = item.materials.iter().find_map(|m| m.blank_form.clone()).expect("a blank form");
    let pdf = app.get(&format!("/{form}")).await;
    assert_eq!(pdf.status(), 404, "a missing file is a 404, not the app: the stand-in dist has no forms");
}

#[tokio::test]
async fn unknown_things_are_json_404s() {
    let app = spawn_app().await;
    for path in ["/api/services/NOPE-404", "/api/no-such-endpoint"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: ErrorBody = response.json().await.unwrap();
        assert_eq!(body.error.code, "not_found");
        assert!(!body.error.message.is_empty());
    }
}

#[tokio::test]
async fn an_overlong_search_is_refused_in_words() {
    let app = crate::support::spawn_app().await;
    let response = app.get(&format!("/api/services?q={}", "道".repeat(51))).await;
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["message"], "搜索词太长了，请用 50 个字以内的关键词，例如“道路运输”");
}
