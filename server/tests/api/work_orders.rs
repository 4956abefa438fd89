//! 好差评 closed-loop: a 差评 and a complaint about a case become the
//! department's work orders, due in fifteen working days; the reply is sealed,
//! shown on the applicant's status page, and reaches the department's system.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use domain::case::work_order::{Source, WorkOrder};
use serde_json::{Value, json};
use sqlx::Row;

use crate::outbox::{Received, receiver, webhook_file};
use crate::steps::{key, lookup, message, moved, submit_complete};
use crate::support::{TestApp, spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";

async fn work_orders(app: &TestApp, token: &str) -> Vec<WorkOrder> {
    app.staff_get(token, "/api/staff/work-orders").await.json().await.unwrap()
}

async fn reply(app: &TestApp, token: &str, id: &str, text: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/staff/work-orders/{id}/reply", app.address))
        .bearer_auth(token)
        .json(&json!({"reply": text}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_bad_rating_becomes_a_work_order_whose_reply_reaches_the_applicant_and_the_department() {
    let seen = Arc::new(Mutex::new(Received::default()));
    let (_config, file) = webhook_file(&receiver(&seen).await);
    let app = spawn_app_with(|s| {
        s.today = Some("2026-11-23".into());
        s.notify.webhooks = Some(file.clone());
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
    })
    .await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    moved(&app, &token, case, json!({"action": "accept"})).await;
    moved(&app, &token, case, json!({"action": "complete", "result": "准予许可"})).await;

    let mut rating = key(&receipt);
    rating["rating"] = json!({"overall": 1, "reason": "窗口让我跑了三次才办成"});
    assert_eq!(app.post("/api/cases/rating", &rating).await.status(), 200);
    let mut complaint = json!({"case": key(&receipt), "text": "窗口人员态度不好，还让我重复交材料"});
    complaint["phone"] = json!("");
    assert_eq!(app.post("/api/complaints", &complaint).await.status(), 200);

    let orders = work_orders(&app, &token).await;
    assert_eq!(orders.len(), 2);
    let bad = orders.iter().find(|o| o.source == Source::Rating).unwrap();
    assert_eq!(bad.text, "窗口让我跑了三次才办成");
    assert_eq!(bad.due.to_string(), "2026-12-14", "fifteen working days");
    assert!(orders.iter().any(|o| o.source == Source::Complaint && o.text.contains("态度不好")));
    assert!(work_orders(&app, &staff_token(&app, "县市场监督管理局").await).await.is_empty(), "another department's");
    // Sealed: the words are not in the database in clear.
    let db = app.db().await;
    for row in sqlx::query("SELECT body FROM work_orders").fetch_all(&db).await.unwrap() {
        assert!(!row.get::<String, _>("body").contains("窗口"));
    }

    let short = reply(&app, &token, &bad.id, "好的").await;
    assert_eq!(short.status(), 422);
    assert!(message(short).await.starts_with("请写下给申请人的答复"));
    let answer = "已核实：材料清单没有一次告知清楚。已更新清单并对窗口人员批评教育，欢迎再次评价。";
    let answered = reply(&app, &token, &bad.id, answer).await;
    assert_eq!(answered.status(), 200);
    let answered: WorkOrder = answered.json().await.unwrap();
    assert_eq!((answered.reply.as_deref(), answered.replied_by.as_deref()), (Some(answer), Some("测试")));
    assert_eq!(reply(&app, &token, &bad.id, answer).await.status(), 409, "answered once");
    let open = work_orders(&app, &token).await;
    assert!(open[0].reply.is_none(), "the unanswered one first");

    // The applicant sees the reply on the status page.
    let view = lookup(&app, &receipt).await;
    let last = view.timeline.last().unwrap();
    assert_eq!((last.label.as_str(), last.note.as_deref()), ("答复差评", Some(answer)));
    // The department's system hears of it.
    let mut kinds: Vec<String> = Vec::new();
    for _ in 0..200 {
        kinds = seen
            .lock()
            .unwrap()
            .accepted
            .iter()
            .map(|(_, b): &(String, Value)| b["type"].as_str().unwrap().to_owned())
            .collect();
        if kinds.iter().any(|k| k == "case.reply") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(kinds.iter().any(|k| k == "case.reply"), "{kinds:?}");
}
