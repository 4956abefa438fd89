//! The law's clocks (《行政许可法》 arts. 32, 42, 45), moved with `--today`
//! across the 2026 National Day holiday: an application nobody answers in
//! five working days is accepted from its receipt (视为受理), told to the
//! applicant; an extension needs an approver and a reason and moves the due
//! date; a special procedure stops the clock while it lasts.

use domain::case::Status;
use domain::case::view::{StaffCase, StaffCaseSummary};
use domain::time::calendar::Light;
use serde_json::json;
use sqlx::Row;

use crate::steps::{act, lookup, message, moved, submit_complete};
use crate::support::{TestApp, spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";

async fn staff_case(app: &TestApp, token: &str, case: &str) -> StaffCase {
    app.staff_get(token, &format!("/api/staff/cases/{case}")).await.json().await.unwrap()
}

#[tokio::test]
async fn an_unanswered_application_is_accepted_from_its_receipt_on_the_sixth_working_day() {
    // Received Monday 28 September; 1–7 October are off and Saturday 10 October is worked:
    // the five working days are 29, 30 September, 8, 9 and 10 October.
    let app = spawn_app_with(|s| s.today = Some("2026-09-28".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let answered = submit_complete(&app, "李小红", "11010219900307123X", "13912345678").await;
    let fix = json!({"action": "request_supplement", "items": [{"material": "photo", "reason": "照片不清晰"}]});
    moved(&app, &token, &answered.case_number, fix).await;
    let case = receipt.case_number.as_str();

    let staff = staff_case(&app, &token, case).await;
    assert_eq!(staff.answer_by.map(|d| d.to_string()).as_deref(), Some("2026-10-10"));
    assert_eq!(staff.light, Some(Light::OnTime));
    // The third working day (8 October): the clerk's list marks it as due.
    let third = app.on_day("2026-10-08").await;
    let list: Vec<StaffCaseSummary> = third.staff_get(&token, "/api/staff/cases").await.json().await.unwrap();
    let row = list.iter().find(|c| c.case_number == case).unwrap();
    assert_eq!((row.status, row.light), (Status::Submitted, Some(Light::Close)));
    // The last day, a make-up Saturday: still the department's to answer.
    let last = app.on_day("2026-10-10").await;
    assert_eq!(lookup(&last, &receipt).await.status, Status::Submitted);

    // Sunday 11 October, with nobody opening it: the hourly job accepts it by law.
    let sixth = app.on_day("2026-10-11").await;
    // (The instance's own hourly job may have run first, at its start: then this finds nothing left.)
    bianmin::case::moves::enforce_answer_clock(&sixth.state, None).await.unwrap();
    assert_eq!(bianmin::case::moves::enforce_answer_clock(&sixth.state, None).await.unwrap(), 0, "once");
    let db = app.db().await;
    let event =
        sqlx::query("SELECT action, actor, label, note FROM case_events WHERE case_number = $1 ORDER BY seq DESC")
            .bind(case)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(event.get::<String, _>("action"), "deem_accept");
    assert!(event.get::<String, _>("actor").contains("system"));
    assert!(event.get::<String, _>("note").contains("视为受理"));
    let view = lookup(&sixth, &receipt).await;
    assert_eq!(view.status, Status::Accepted);
    assert_eq!(view.accepted_on.unwrap().to_string(), "2026-09-28", "accepted from the day it was received");
    assert_eq!(view.due.unwrap().to_string(), "2026-10-10", "the promise counted from then");
    assert_eq!(view.timeline.last().unwrap().label, "视为受理");
    let staff = staff_case(&sixth, &token, case).await;
    assert_eq!(staff.answer_by, None);
    assert_eq!(staff.actions, ["start", "extend", "suspend", "complete"]);
    assert_eq!(lookup(&sixth, &answered).await.status, Status::NeedsSupplement, "a supplement request is an answer");
    // Nobody else may claim to be the law.
    let claim = act(&sixth, &token, &answered.case_number, json!({"action": "deem_accept"})).await;
    assert_eq!(claim.status(), 422);
    assert_eq!(message(claim).await, "县交通运输局不能“视为受理”");
}

#[tokio::test]
async fn an_extension_needs_its_approver_and_moves_the_due_date() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    let accepted = moved(&app, &token, case, json!({"action": "accept"})).await;
    assert_eq!(accepted.due.unwrap().to_string(), "2026-11-30");

    let no_approver =
        act(&app, &token, case, json!({"action": "extend", "days": 10, "approver": " ", "reason": "需要补充调查"}))
            .await;
    assert_eq!(no_approver.status(), 422);
    assert_eq!(message(no_approver).await, "延长办理期限要写明批准人");
    let too_long =
        act(&app, &token, case, json!({"action": "extend", "days": 31, "approver": "王局长", "reason": "调查"})).await;
    assert_eq!(message(too_long).await, "延长的天数要在 1 到 30 个工作日之间");

    let extend = json!({"action": "extend", "days": 10, "approver": "王局长", "reason": "需要向省厅核实从业记录"});
    let staff = moved(&app, &token, case, extend).await;
    assert_eq!(staff.status, Status::Accepted, "the status stays");
    assert_eq!(staff.due.unwrap().to_string(), "2026-12-14", "ten working days later");
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.due.unwrap().to_string(), "2026-12-14");
    let last = view.timeline.last().unwrap();
    assert_eq!(last.label, "延长办理期限");
    assert_eq!(last.note.as_deref(), Some("延长 10 个工作日，经王局长批准。原因：需要向省厅核实从业记录"));
    // The department's system hears of it as any move.
    let db = app.db().await;
    let events: Vec<String> = sqlx::query("SELECT action FROM case_events WHERE case_number = $1 ORDER BY seq")
        .bind(case)
        .fetch_all(&db)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("action"))
        .collect();
    assert_eq!(events, ["submit", "accept", "extend"]);
}

#[tokio::test]
async fn a_special_procedure_stops_the_clock_while_it_lasts() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    moved(&app, &token, case, json!({"action": "accept"})).await;
    moved(&app, &token, case, json!({"action": "start"})).await;
    // Wednesday the 25th: sent for expert review.
    let wednesday = app.on_day("2026-11-25").await;
    let review = json!({"action": "suspend", "procedure": "expert_review", "reason": "请省级专家评审从业资格"});
    let staff = moved(&wednesday, &token, case, review).await;
    assert_eq!(staff.status, Status::Suspended);
    let view = lookup(&wednesday, &receipt).await;
    assert_eq!(view.timeline.last().unwrap().note.as_deref(), Some("专家评审：请省级专家评审从业资格"));
    assert_eq!(view.light, None, "no light while the clock stands");
    // Back the next Monday: Thursday, Friday and Monday did not count.
    let monday = app.on_day("2026-11-30").await;
    let staff = moved(&monday, &token, case, json!({"action": "resume"})).await;
    assert_eq!(staff.due.unwrap().to_string(), "2026-12-03");
    let unknown = act(&monday, &token, case, json!({"action": "suspend", "procedure": "holiday", "reason": "x"})).await;
    assert_eq!(unknown.status(), 400, "only the law's procedures");
}

#[tokio::test]
async fn a_supplement_not_made_by_its_deadline_ends_the_application() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    let ask = |reason: &str, days: u16| json!({"action": "request_supplement", "days": days, "items": [{"material": "photo", "reason": reason}]});
    // Said in the material's name, and a deadline the law's calendar can hold.
    let unnamed = act(&app, &token, case, ask(" ", 3)).await;
    assert_eq!(message(unnamed).await, "请写明“近期一寸免冠白底彩色照片”需要补正的原因");
    let never = act(&app, &token, case, ask("照片不清晰", 0)).await;
    assert_eq!(message(never).await, "补正期限要在 1 到 60 个工作日之间");
    // Asked on Monday 23 November with three working days: supplied by Thursday.
    let staff = moved(&app, &token, case, ask("照片不清晰", 3)).await;
    assert_eq!(staff.supply_by.map(|d| d.to_string()).as_deref(), Some("2026-11-26"));
    let note = staff.timeline.last().unwrap().note.clone().unwrap();
    assert_eq!(note, "需补正 1 项材料：近期一寸免冠白底彩色照片（照片不清晰）。请在 3 个工作日内补正");
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.supply_by.map(|d| d.to_string()).as_deref(), Some("2026-11-26"));
    let last = app.on_day("2026-11-26").await;
    bianmin::case::moves::enforce_answer_clock(&last.state, None).await.unwrap();
    assert_eq!(lookup(&last, &receipt).await.status, Status::NeedsSupplement, "the last day is the applicant's");
    // Friday, with nobody opening it: the hourly job ends it.
    let late = app.on_day("2026-11-27").await;
    bianmin::case::moves::enforce_answer_clock(&late.state, None).await.unwrap();
    let view = lookup(&late, &receipt).await;
    assert_eq!(view.status, Status::Terminated);
    assert_eq!(view.timeline.last().unwrap().note.as_deref(), Some("申请人逾期未补正，视为撤回申请"));
    assert_eq!(view.supply_by, None);
    // The 补正告知书 told the date and what follows.
    let document = &staff.documents[0];
    let path = format!("/api/staff/cases/{case}/documents/{}?format=html", document.id);
    let page = late.staff_get(&token, &path).await.text().await.unwrap();
    assert!(page.contains("请于2026年11月26日前补正。"), "{page}");
    assert!(page.contains("逾期未补正的，视为撤回申请"));
}
