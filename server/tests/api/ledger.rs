//! The department's ledger (台账): one line per case submitted in the period,
//! with the acceptance notice's and the decision's numbers, identifiers
//! masked, as CSV and as a workbook; an impossible period is refused with a
//! sentence, and every export is in the access log.

use std::io::Cursor;

use calamine::Reader;
use serde_json::json;
use sqlx::Row;

use domain::time::date::Date;

use crate::steps::{lookup, message, moved, submit_complete};
use crate::support::{spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";

#[tokio::test]
async fn the_ledger_has_a_line_per_case_of_the_period_as_csv_and_as_a_workbook() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let done = submit_complete(&app, "张小三", "11010519491231002X", "13812345678").await;
    let open = submit_complete(&app, "李四", "11010219900307123X", "13912345678").await;
    moved(&app, &token, &done.case_number, json!({"action": "accept"})).await;
    let granted = json!({"outcome": "granted", "document_number": "示交运许〔2026〕12号",
        "certificate": {"name": "道路运输从业人员从业资格证", "number": "3201002026000123"}});
    let complete = json!({"action": "complete", "result": "准予许可", "decision": granted});
    moved(&app, &token, &done.case_number, complete).await;

    // The period is of submission, by the clock (`--today` moves only the calendar's day).
    let submitted = Date::in_beijing(&lookup(&app, &done).await.submitted_at).unwrap();
    let period = |from: i64, to: i64| {
        let day = |d: i64| Date::from_days(submitted.days() + d);
        format!("/api/staff/ledger?from={}&to={}", day(from), day(to))
    };
    let csv = app.staff_get(&token, &period(-10, 0)).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("办件编号,事项编码,事项名称,办件类型,申请人名称"));
    let line = lines.iter().find(|l| l.starts_with(&done.case_number)).unwrap();
    for cell in [
        "张*三",
        "110***********002X",
        "县交通运输局受〔2026〕1号",
        "准予许可",
        "示交运许〔2026〕12号",
        "3201002026000123",
    ] {
        assert!(line.contains(cell), "{cell} in {line}");
    }
    assert!(!text.contains("11010519491231002X") && !text.contains("13812345678"), "nothing in clear");
    assert!(lines.iter().any(|l| l.starts_with(&open.case_number) && l.contains("已提交")));
    // Another month holds none of them.
    let december = app.staff_get(&token, &period(1, 30)).await;
    assert_eq!(december.text().await.unwrap().trim_start_matches('\u{feff}').lines().count(), 1);
    // Another department's ledger holds none of them either.
    let other = staff_token(&app, "县市场监督管理局").await;
    let theirs = app.staff_get(&other, &period(-10, 0)).await;
    assert_eq!(theirs.text().await.unwrap().trim_start_matches('\u{feff}').lines().count(), 1);

    let book = app.staff_get(&token, &format!("{}&format=xlsx", period(-10, 0))).await;
    assert_eq!(book.status(), 200);
    let bytes = book.bytes().await.unwrap().to_vec();
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).expect("a workbook");
    let sheet = workbook.worksheet_range("台账").expect("the ledger sheet");
    assert_eq!(sheet.height(), 3);
    assert_eq!(sheet.get((0, 0)).unwrap().to_string(), "办件编号");
    let row = (1..3).find(|r| sheet.get((*r, 0)).unwrap().to_string() == done.case_number).unwrap();
    assert_eq!(sheet.get((row, 15)).unwrap().to_string(), "示交运许〔2026〕12号");

    for (query, status, why) in [
        ("from=2026-12-01&to=2026-11-01", 422, "开始日期不能晚于结束日期"),
        ("from=2024-01-01&to=2026-11-01", 422, "一次最多导出一年的台账，请缩短时间段"),
        ("from=11/01&to=2026-11-30", 400, "开始日期要写成 2026-12-01 这样的日期"),
    ] {
        let refused = app.staff_get(&token, &format!("/api/staff/ledger?{query}")).await;
        assert_eq!(refused.status(), status);
        assert_eq!(message(refused).await, why);
    }
    let db = app.db().await;
    let exports = sqlx::query("SELECT detail FROM access_log WHERE what = 'export_ledger' ORDER BY at")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(exports.len(), 4, "each export served, none refused");
    assert!(exports[0].get::<String, _>("detail").ends_with("2 行"));
}
