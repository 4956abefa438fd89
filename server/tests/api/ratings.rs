//! 好差评 as the provinces run it: a rating at 受理 and one at 办结, each with
//! its channel; an unhappy one answered by the department may be given
//! again (the second stands in the figures); a completed case left unrated
//! is rated by default after the configured days; the department records
//! its 回访; the figures count work orders, late replies and reply times.

use domain::case::view::PublicFigures;
use domain::case::work_order::{VisitResult, WorkOrder};
use serde_json::{Value, json};
use sqlx::Row;

use crate::steps::{key, lookup, message, moved, submit_complete};
use crate::support::{TestApp, spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";

async fn staff_post(app: &TestApp, token: &str, path: &str, body: Value) -> reqwest::Response {
    app.client.post(format!("{}{path}", app.address)).bearer_auth(token).json(&body).send().await.unwrap()
}

fn rating(
    receipt: &domain::apply::submission::Receipt,
    stage: &str,
    overall: u8,
    reason: &str,
    channel: &str,
) -> Value {
    let mut body = key(receipt);
    body["stage"] = json!(stage);
    body["channel"] = json!(channel);
    body["rating"] = json!({"overall": overall, "reason": reason});
    body
}

#[tokio::test]
async fn each_stage_is_rated_once_and_an_answered_bad_rating_may_be_given_again() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    let early = app.post("/api/cases/rating", &rating(&receipt, "acceptance", 5, "", "mobile")).await;
    assert_eq!(early.status(), 409);
    assert_eq!(message(early).await, "受理（或不予受理）后才能评价受理");
    moved(&app, &token, case, json!({"action": "accept"})).await;
    assert!(lookup(&app, &receipt).await.can_rate_acceptance);
    let first = app.post("/api/cases/rating", &rating(&receipt, "acceptance", 5, "", "qr_code")).await;
    assert_eq!(first.status(), 200);
    let twice = app.post("/api/cases/rating", &rating(&receipt, "acceptance", 4, "", "pc")).await;
    assert_eq!(message(twice).await, "这个办件已经评价过了");
    let by_default = app.post("/api/cases/rating", &rating(&receipt, "completion", 5, "", "default")).await;
    assert_eq!(by_default.status(), 422, "only the service rates by default");

    moved(&app, &token, case, json!({"action": "complete", "result": "准予许可"})).await;
    let view = lookup(&app, &receipt).await;
    assert!(view.can_rate && !view.can_rate_acceptance);
    assert_eq!(view.acceptance_rating.map(|r| r.overall), Some(5));
    let unhappy = rating(&receipt, "completion", 2, "证件邮寄慢了三天", "mobile");
    assert_eq!(app.post("/api/cases/rating", &unhappy).await.status(), 200);
    let before = app.post("/api/cases/rating", &rating(&receipt, "completion", 4, "", "mobile")).await;
    assert_eq!(message(before).await, "部门答复后，您可以再评价一次");
    // The department answers; the applicant rates again, and the second stands.
    let orders: Vec<WorkOrder> = app.staff_get(&token, "/api/staff/work-orders").await.json().await.unwrap();
    let order = &orders[0];
    let visit = json!({"result": "satisfied"});
    let early_visit = staff_post(&app, &token, &format!("/api/staff/work-orders/{}/visit", order.id), visit).await;
    assert_eq!(message(early_visit).await, "答复申请人之后才能记录回访结果");
    let reply = json!({"reply": "已核实：邮寄交接延误，已与邮政约定次日寄出，欢迎再次评价。"});
    staff_post(&app, &token, &format!("/api/staff/work-orders/{}/reply", order.id), reply).await;
    let view = lookup(&app, &receipt).await;
    assert!(view.can_rate, "a second rating after the reply");
    let again = app.post("/api/cases/rating", &rating(&receipt, "completion", 4, "", "mobile")).await;
    assert_eq!(again.status(), 200);
    let view = lookup(&app, &receipt).await;
    assert!(!view.can_rate);
    assert_eq!(view.rating.map(|r| r.overall), Some(4), "the second stands");
    let db = app.db().await;
    let rows =
        sqlx::query("SELECT stage, round, channel FROM case_ratings WHERE case_number = $1 ORDER BY stage, round")
            .bind(case)
            .fetch_all(&db)
            .await
            .unwrap();
    let stored: Vec<(String, i64, String)> =
        rows.iter().map(|r| (r.get("stage"), r.get("round"), r.get("channel"))).collect();
    assert_eq!(
        stored,
        [
            ("acceptance".into(), 1, "qr_code".into()),
            ("completion".into(), 1, "mobile".into()),
            ("completion".into(), 2, "mobile".into())
        ]
    );

    // The 回访: an unhappy one needs the applicant's words; recorded once.
    let path = format!("/api/staff/work-orders/{}/visit", order.id);
    let wordless = staff_post(&app, &token, &path, json!({"result": "unsatisfied"})).await;
    assert_eq!(
        (wordless.status().as_u16(), message(wordless).await.as_str()),
        (422, "回访不满意的，请写下申请人的意见")
    );
    let called =
        staff_post(&app, &token, &path, json!({"result": "satisfied", "note": "电话回访，申请人认可整改"})).await;
    assert_eq!(called.status(), 200);
    let called: WorkOrder = called.json().await.unwrap();
    let visit = called.visit.unwrap();
    assert_eq!(
        (visit.result, visit.note.as_str(), visit.by.as_str()),
        (VisitResult::Satisfied, "电话回访，申请人认可整改", "测试")
    );
    assert_eq!(staff_post(&app, &token, &path, json!({"result": "satisfied"})).await.status(), 409);
    let sealed: String = sqlx::query("SELECT visit_note FROM work_orders WHERE id = $1")
        .bind(&order.id)
        .fetch_one(&db)
        .await
        .unwrap()
        .get("visit_note");
    assert!(!sealed.contains("回访"), "sealed at rest");

    let figures: PublicFigures = app.get("/api/figures").await.json().await.unwrap();
    let mine = figures.departments.iter().find(|d| d.department == TRANSPORT).unwrap();
    assert_eq!((mine.ratings, mine.satisfaction_percent), (1, Some(100.0)), "the second rating counts");
    assert_eq!((mine.work_orders, mine.overdue_work_orders, mine.average_reply_days), (1, 0, Some(0.0)));
}

#[tokio::test]
async fn a_completed_case_left_unrated_is_rated_by_default_after_the_days_set() {
    let app = spawn_app_with(|s| {
        s.today = Some("2026-11-23".into());
        s.default_rating_days = 7;
    })
    .await;
    let token = staff_token(&app, TRANSPORT).await;
    let quiet = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let rated = submit_complete(&app, "李四", "11010219900307123X", "13912345678").await;
    for receipt in [&quiet, &rated] {
        moved(&app, &token, &receipt.case_number, json!({"action": "accept"})).await;
        moved(&app, &token, &receipt.case_number, json!({"action": "complete", "result": "准予许可"})).await;
    }
    assert_eq!(app.post("/api/cases/rating", &rating(&rated, "completion", 5, "", "pc")).await.status(), 200);
    let sixth = app.on_day("2026-11-29").await;
    assert_eq!(bianmin::case::store::ratings::give_defaults(&sixth.state, 7).await.unwrap(), 0, "not yet");
    assert!(lookup(&sixth, &quiet).await.rating.is_none());
    // (The instance's own hourly job may have run first, at its start: then this finds nothing left.)
    let seventh = app.on_day("2026-11-30").await;
    bianmin::case::store::ratings::give_defaults(&seventh.state, 7).await.unwrap();
    assert_eq!(bianmin::case::store::ratings::give_defaults(&seventh.state, 7).await.unwrap(), 0, "once");
    let view = lookup(&seventh, &quiet).await;
    assert_eq!(view.rating.map(|r| r.overall), Some(4), "满意 by default");
    assert!(!view.can_rate);
    let db = app.db().await;
    let channel: String = sqlx::query("SELECT channel FROM case_ratings WHERE case_number = $1")
        .bind(&quiet.case_number)
        .fetch_one(&db)
        .await
        .unwrap()
        .get("channel");
    assert_eq!(channel, "default");
}

#[tokio::test]
async fn the_windows_pad_rates_the_stage_the_case_is_at() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    let path = format!("/api/staff/cases/{case}/rating");
    let tap = |overall: u8| json!({"rating": {"overall": overall}});
    let early = staff_post(&app, &token, &path, tap(5)).await;
    assert_eq!((early.status().as_u16(), message(early).await.as_str()), (409, "受理（或不予受理）后才能评价受理"));
    moved(&app, &token, case, json!({"action": "accept"})).await;
    let at_acceptance: Value = staff_post(&app, &token, &path, tap(5)).await.json().await.unwrap();
    assert_eq!(at_acceptance, json!({"stage": "acceptance", "round": 1}));
    moved(&app, &token, case, json!({"action": "complete", "result": "准予许可"})).await;
    let unhappy = staff_post(&app, &token, &path, tap(1)).await;
    assert_eq!(message(unhappy).await, "选择不满意的，请写下原因，我们会在 15 个工作日内答复");
    let at_completion: Value = staff_post(&app, &token, &path, tap(4)).await.json().await.unwrap();
    assert_eq!(at_completion["stage"], "completion");
    assert_eq!(staff_post(&app, &token, &path, tap(4)).await.status(), 409, "rated");
    let theirs = staff_token(&app, "县市场监督管理局").await;
    assert_eq!(staff_post(&app, &theirs, &path, tap(4)).await.status(), 404, "another department's case");
    let db = app.db().await;
    let channels: Vec<String> = sqlx::query("SELECT channel FROM case_ratings WHERE case_number = $1")
        .bind(case)
        .fetch_all(&db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("channel"))
        .collect();
    assert_eq!(channels, ["hall_pad", "hall_pad"]);
    assert!(lookup(&app, &receipt).await.acceptance_rating.is_some());
}

#[tokio::test]
async fn the_receipts_qr_code_opens_the_status_page_marked_as_scanned() {
    let app = spawn_app_with(|s| s.notify.public_url = "https://zwfw.example.gov.cn/".into()).await;
    let code = app.get("/api/cases/ABCD-EFGH/rating-qr").await;
    assert_eq!(code.status(), 200);
    assert_eq!(code.headers()["content-type"], "image/svg+xml");
    let svg = code.text().await.unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
    assert_eq!(app.get("/api/cases/not-a-case/rating-qr").await.status(), 404);
}

#[tokio::test]
async fn ratings_are_sealed_and_one_an_older_version_kept_in_clear_is_sealed_at_start() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    moved(&app, &token, case, json!({"action": "accept"})).await;
    moved(&app, &token, case, json!({"action": "complete", "result": "准予许可"})).await;
    let said = rating(&receipt, "completion", 4, "窗口的张老师很耐心", "pc");
    assert_eq!(app.post("/api/cases/rating", &said).await.status(), 200);
    let db = app.db().await;
    let stored = |db: sqlx::AnyPool| async move {
        sqlx::query("SELECT rating FROM case_ratings WHERE case_number = $1")
            .bind(case)
            .fetch_one(&db)
            .await
            .unwrap()
            .get::<String, _>("rating")
    };
    let sealed = stored(db.clone()).await;
    assert!(sealed.starts_with("enc2:") && !sealed.contains("张老师"), "sealed at rest");
    // As the version before kept it: in clear.
    sqlx::query("UPDATE case_ratings SET rating = $1 WHERE case_number = $2")
        .bind(r#"{"overall":4,"indicators":{},"reason":"窗口的张老师很耐心"}"#)
        .bind(case)
        .execute(&db)
        .await
        .unwrap();
    let restarted = app.on_day("2026-11-24").await;
    assert!(stored(db.clone()).await.starts_with("enc2:"), "sealed at start");
    assert_eq!(lookup(&restarted, &receipt).await.rating.map(|r| r.reason), Some("窗口的张老师很耐心".into()));
}
