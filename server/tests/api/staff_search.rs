//! Finding a case at the window: by number, name, ID number or phone, through
//! keyed hashes (no clear name or number is stored to search by, and the
//! access log never holds what was typed); by light and by due date; a
//! joint case with its parts.

use domain::case::search::CaseSearchPage;
use domain::case::view::StaffCaseSummary;
use serde_json::{Value, json};
use sqlx::Row;

use crate::steps::moved;
use crate::support::{TestApp, spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";
const OTHER_ID: &str = "11010219900307123X";

async fn submit_for(app: &TestApp, name: &str, id_number: &str, phone: &str) -> String {
    crate::steps::submit_complete(app, name, id_number, phone).await.case_number
}

async fn search(app: &TestApp, token: &str, body: Value) -> CaseSearchPage {
    let response = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/search", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn found(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    search(app, token, json!({"query": query})).await.cases.into_iter().map(|c| c.case_number).collect()
}

#[tokio::test]
async fn a_clerk_finds_a_case_by_number_name_id_or_phone_and_nothing_is_kept_in_clear() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let zhang = submit_for(&app, "张三", "11010519491231002X", "13812345678").await;
    let li = submit_for(&app, "李小红", OTHER_ID, "13912345678").await;

    assert_eq!(
        found(&app, &token, "110105 19491231 002x").await,
        vec![zhang.clone()],
        "typed with spaces, lower-case x"
    );
    assert_eq!(found(&app, &token, "李小红").await, vec![li.clone()]);
    assert_eq!(found(&app, &token, "+86 139 1234 5678").await, vec![li.clone()]);
    assert_eq!(found(&app, &token, &li.to_lowercase()).await, vec![li.clone()], "by case number");
    assert!(found(&app, &token, "李小").await.is_empty(), "a whole name, not a fragment");
    assert!(found(&app, &token, "王五").await.is_empty());
    let row = search(&app, &token, json!({"query": "张三"})).await.cases.remove(0);
    assert_eq!((row.applicant.as_str(), row.item_code.as_str()), ("张*", "JT-003"), "the applicant, masked");
    let other = staff_token(&app, "县市场监督管理局").await;
    assert!(found(&app, &other, "张三").await.is_empty(), "another department finds nothing");

    // Nothing a clerk can search by is stored in clear, nor written to the access log.
    let db = app.db().await;
    for (table, columns) in [("case_terms", "case_number || term_hash"), ("access_log", "COALESCE(detail, '')")] {
        let rows = sqlx::query(&format!("SELECT {columns} AS text FROM {table}")).fetch_all(&db).await.unwrap();
        assert!(!rows.is_empty(), "{table} has rows");
        for row in rows {
            let text: String = row.get("text");
            for clear in ["11010519491231002X", OTHER_ID, "13912345678", "李小红", "张三"] {
                assert!(!text.contains(clear), "{table} holds {clear} in clear: {text}");
            }
        }
    }

    // Cases stored before the search existed are found after the next start.
    sqlx::query("DELETE FROM case_terms").execute(&db).await.unwrap();
    assert!(found(&app, &token, "李小红").await.is_empty());
    let restarted = app.on_day("2026-11-23").await;
    assert_eq!(found(&restarted, &token, "李小红").await, [li]);
}

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app.staff_get(token, &format!("/api/staff/cases?{query}")).await;
    assert_eq!(response.status(), 200);
    response.json::<Vec<StaffCaseSummary>>().await.unwrap().into_iter().map(|c| c.case_number).collect()
}

#[tokio::test]
async fn the_list_filters_by_light_and_sorts_by_due_date() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    submit_for(&app, "张三", "11010519491231002X", "13812345678").await;
    submit_for(&app, "李小红", OTHER_ID, "13912345678").await;
    // Newest first (the same second: by number); the last of them is accepted
    // Monday 23 November, due Monday the 30th (five working days).
    let newest = ids(&app, &token, "").await;
    let (second, first) = (newest[0].clone(), newest[1].clone());
    moved(&app, &token, &first, json!({"action": "accept"})).await;
    assert_eq!(ids(&app, &token, "sort=due").await, [first.clone(), second.clone()], "the running case first");
    assert_eq!(ids(&app, &token, "light=on_time").await, vec![first.clone()]);
    assert!(ids(&app, &token, "light=close").await.is_empty());

    // Friday the 27th: one working day left, the light is yellow.
    let friday = app.on_day("2026-11-27").await;
    assert_eq!(ids(&friday, &token, "light=close").await, vec![first.clone()]);
    assert!(ids(&friday, &token, "light=on_time").await.is_empty());
    // Tuesday 1 December: overdue.
    let late = app.on_day("2026-12-01").await;
    // The other application was never answered: accepted by law from its receipt, and as late.
    let mut overdue = ids(&late, &token, "light=overdue").await;
    overdue.sort();
    let mut both = vec![first.clone(), second.clone()];
    both.sort();
    assert_eq!(overdue, both);
    let page = search(&late, &token, json!({"light": "overdue", "query": first})).await;
    assert_eq!(page.cases[0].light, Some(domain::time::calendar::Light::Overdue));
    assert_eq!(late.staff_get(&token, "/api/staff/cases?light=red").await.status(), 400);
    let zero = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/search", late.address))
        .bearer_auth(&token)
        .json(&json!({"page": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(zero.status(), 400, "pages count from 1");
    let past = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/search", late.address))
        .bearer_auth(&token)
        .json(&json!({"page": 2_147_483_648_u64}))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 400, "within the schema's 32-bit integer");
    let array = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/search", late.address))
        .bearer_auth(&token)
        .json(&json!([]))
        .send()
        .await
        .unwrap();
    assert_eq!(array.status(), 400, "a body is an object");
}
