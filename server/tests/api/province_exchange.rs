//! Reporting to the province through a national-format front database: a
//! real PostgreSQL database, its `up_pro_*` tables made from the profile's
//! schema, receives one row per record of a case walked from submission
//! through 受理, an extension, a 现场核查 pause and 办结, then rated — each
//! field as GB/T 39046 codes it. With the province's tables away, nothing is
//! lost and `bianmin province check` names the case; once they are back, two
//! instances deliver every record exactly once, and `replay` writes again
//! only what the province lost.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use sqlx::{Connection, Row};

use crate::support::{TestApp, spawn_app_with, spawn_with_settings, staff_token};

const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A credit code with a right check character, from 17 others.
fn credit_code(body: &str) -> String {
    let mut weight = 1;
    let mut sum = 0;
    for c in body.chars() {
        sum += USCC_CHARS.find(c).unwrap() as u32 * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    format!("{body}{}", USCC_CHARS.chars().nth(check as usize).unwrap())
}

/// The shipped catalog, as a centre completes it for reporting: every item's
/// 基本编码 and every department's codes.
pub fn reporting_catalog(root: &Path) -> PathBuf {
    let from = crate::support::repo_catalog();
    let to = root.join("catalog");
    std::fs::create_dir_all(to.join("bundles")).unwrap();
    let mut departments: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&from).unwrap().flatten() {
        let path = entry.path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.is_dir() {
            if name == "bundles" {
                for bundle in std::fs::read_dir(&path).unwrap().flatten() {
                    std::fs::copy(bundle.path(), to.join("bundles").join(bundle.file_name())).unwrap();
                }
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if name.ends_with(".toml") && text.starts_with("code = ") {
            let code = text.lines().next().unwrap().trim_start_matches("code = ").trim_matches('"').to_owned();
            let department = text.lines().find_map(|l| l.strip_prefix("department = ")).unwrap().trim_matches('"');
            if !departments.iter().any(|d| d == department) {
                departments.push(department.to_owned());
            }
            let basic = format!("0001{:08}", code.bytes().map(u32::from).sum::<u32>());
            std::fs::write(to.join(&name), format!("basic_code = \"{basic}\"\n{text}")).unwrap();
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
    let mut list = String::new();
    for (i, name) in departments.iter().enumerate() {
        let code = credit_code(&format!("11330102MB{:07}", i + 1));
        list.push_str(&format!("[[department]]\nname = \"{name}\"\ncredit_code = \"{code}\"\nregion = \"330102\"\n\n"));
    }
    std::fs::write(to.join("departments.toml"), list).unwrap();
    to
}

/// A fresh PostgreSQL database for the province's front tables (made without them).
async fn front_database() -> String {
    let admin = std::env::var("BIANMIN_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let name = format!(
        "bianmin_front_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );
    let mut connection = sqlx::PgConnection::connect(&admin).await.expect("PostgreSQL for the front database");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut connection).await.unwrap();
    let server = admin.split('?').next().unwrap().rsplit_once('/').unwrap().0.to_owned();
    format!("{server}/{name}")
}

async fn make_tables(url: &str) {
    let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(bianmin::exchange::national::SCHEMA).execute(&mut connection).await.unwrap();
}

async fn reporting_app(root: &Path, front: &str) -> TestApp {
    let catalog = reporting_catalog(root);
    let front = front.to_owned();
    spawn_app_with(move |s| {
        s.calendar = Some(crate::support::repo_catalog().parent().unwrap().join("calendar"));
        s.catalog = catalog;
        s.province.number = Some("{code}{date}{serial:4}".into());
        s.province.profile = "national-db".into();
        s.province.front_database_url = Some(front.as_str().into());
        s.notify.outbox_poll_ms = 50;
        s.notify.outbox_retry_secs = 1;
        s.today = Some("2026-12-07".into());
    })
    .await
}

pub async fn act(app: &TestApp, token: &str, case: &str, action: serde_json::Value) {
    crate::sms::act(app, token, case, action).await;
}

/// Wait until every province record of the app's database is delivered.
///
/// Up to a minute: a record refused while the platform was away waits out its
/// back-off (1, 2, 4, 8, 16 s with the tests' 1 s base), and on a loaded
/// machine the away spell can outlast four of those. It returns as soon as
/// all are done.
pub async fn all_delivered(app: &TestApp) -> i64 {
    let pool = app.db().await;
    for _ in 0..1200 {
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'province' AND state <> 'done'")
                .fetch_one(&pool)
                .await
                .unwrap();
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'province' AND state = 'done'")
        .fetch_one(&pool)
        .await
        .unwrap()
}

/// The rows of one table for one case, by column, in the order written.
async fn rows(front: &str, table: &str, columns: &[&str]) -> Vec<Vec<String>> {
    let mut connection = sqlx::PgConnection::connect(front).await.unwrap();
    let sql = format!("SELECT {} FROM {table} ORDER BY event_seq, sync_id", columns.join(", "));
    let found = sqlx::query(&sql).fetch_all(&mut connection).await.unwrap();
    found
        .iter()
        .map(|r| columns.iter().map(|c| r.try_get::<Option<String>, _>(*c).unwrap().unwrap_or_default()).collect())
        .collect()
}

pub async fn walk(app: &TestApp, case: &str) {
    let token = staff_token(app, "县交通运输局").await;
    act(app, &token, case, json!({"action": "accept"})).await;
    act(
        app,
        &token,
        case,
        json!({"action": "extend", "days": 10, "approver": "王局长", "reason": "需要向省厅核实从业记录"}),
    )
    .await;
    act(app, &token, case, json!({"action": "start"})).await;
    act(app, &token, case, json!({"action": "suspend", "procedure": "inspection", "reason": "核查经营场所"})).await;
    act(app, &token, case, json!({"action": "resume"})).await;
    let decision = json!({"outcome": "granted", "document_number": "示交运许〔2026〕12号",
        "certificate": {"name": "道路运输从业人员从业资格证", "number": "3201002026000123", "valid_until": "2032-11-22"}});
    act(app, &token, case, json!({"action": "complete", "result": "准予许可", "decision": decision})).await;
}

#[tokio::test]
async fn a_case_walked_to_its_end_is_in_the_provinces_front_tables_once_field_by_field() {
    let root = tempfile::TempDir::new().unwrap();
    let front = front_database().await;
    make_tables(&front).await;
    let app = reporting_app(root.path(), &front).await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let number = receipt.province_number.clone().expect("numbered");
    assert_eq!(number, "JT-003202612070001");
    walk(&app, &receipt.case_number).await;
    // Rated 非常满意 on a phone: the standard codes it 1 (its scale runs the other way).
    let rated = app
        .post(
            "/api/cases/rating",
            &json!({"case_number": receipt.case_number, "query_code": receipt.query_code, "stage": "completion",
                    "channel": "mobile", "rating": {"overall": 5, "reason": ""}}),
        )
        .await;
    assert_eq!(rated.status(), 200, "{}", rated.text().await.unwrap());
    let delivered = all_delivered(&app).await;

    let accept = rows(
        &front,
        "up_pro_accept",
        &[
            "operation",
            "project_no",
            "task_code",
            "case_type",
            "data_source",
            "applyer_name",
            "applyer_id_type",
            "applyer_id_no",
            "accept_result",
            "accept_dept_code",
            "promise_date",
            "accept_doc_no",
        ],
    )
    .await;
    assert_eq!(accept.len(), 2, "{accept:?}");
    assert_eq!(accept[0][..8], ["I", number.as_str(), "JT-003", "2", "2", "张三", "111", "11010519491231002X"]);
    assert!(accept[0][9].is_empty() && accept[0][8].is_empty(), "the application row knows no acceptance yet");
    assert_eq!(accept[1][0], "U");
    assert_eq!(accept[1][8], "0", "受理");
    assert_eq!(accept[1][9].len(), 18, "the unit's credit code");
    assert!(accept[1][10].ends_with("T235959") && accept[1][10].len() == 15, "{:?}", accept[1][10]);
    assert_eq!(accept[1][11], "县交通运输局受〔2026〕1号", "the 受理通知书's number");
    let apply_date = &rows(&front, "up_pro_accept", &["apply_date"]).await[0][0];
    assert!(apply_date.len() == 15 && apply_date.as_bytes()[8] == b'T', "YYYYMMDDThhmmss: {apply_date}");

    let materials = rows(&front, "up_pro_material", &["material_name", "is_received"]).await;
    assert!(materials.iter().any(|m| m[0] == "居民身份证" && m[1] == "1"), "{materials:?}");

    let steps = rows(&front, "up_pro_process", &["event_name", "process_name"]).await;
    assert_eq!(steps, [["通过", "办理"]]);
    let special =
        rows(&front, "up_pro_special_procedure", &["operation", "special_type", "special_name", "special_days"]).await;
    assert_eq!(
        special,
        [["I", "1", "延长审批", "10"], ["I", "2", "现场核查", ""], ["U", "2", "现场核查", ""]],
        "the extension, the pause begun and ended"
    );
    let result =
        rows(&front, "up_pro_result", &["result_type", "result_doc_no", "result_cetr_no", "cetr_valid_date"]).await;
    assert_eq!(result, [["1", "示交运许〔2026〕12号", "3201002026000123", "20321122"]]);
    let rating =
        rows(&front, "up_pro_evaluate", &["project_no", "eval_channel", "eval_times", "satisfaction", "eval_stage"])
            .await;
    assert_eq!(rating, [[number.as_str(), "2", "1", "1", "2"]]);
    assert_eq!(delivered, 8, "one notification per record");

    // The staff console lists what was reported, by dataset.
    let token = staff_token(&app, "县交通运输局").await;
    let staff: domain::case::view::StaffCase =
        app.staff_get(&token, &format!("/api/staff/cases/{}", receipt.case_number)).await.json().await.unwrap();
    let mut reported: Vec<&str> =
        staff.notifications.iter().filter(|n| n.channel == "province").map(|n| n.event.as_str()).collect();
    // Written within one second, they are listed in no certain order.
    reported.sort();
    let mut expected = ["办事申请", "事项受理", "特别程序", "事项办理", "特别程序", "特别程序", "事项办结", "评价"];
    expected.sort();
    assert_eq!(reported, expected);

    // The 受理通知书 names the case by both numbers.
    let notice =
        staff.documents.iter().find(|d| d.number == "县交通运输局受〔2026〕1号").expect("the acceptance notice");
    let path = format!("/api/staff/cases/{}/documents/{}?format=html", receipt.case_number, notice.id);
    let page = app.staff_get(&token, &path).await.text().await.unwrap();
    let both = format!("办件编号 {}，省平台办件编号 {number}", receipt.case_number);
    assert!(page.contains(&both), "{page}");
}

#[tokio::test]
async fn with_the_provinces_tables_away_nothing_is_lost_and_two_instances_send_each_record_once() {
    let root = tempfile::TempDir::new().unwrap();
    let front = front_database().await;
    let app = reporting_app(root.path(), &front).await;
    let mut second = app.settings.clone();
    second.listen = "127.0.0.1:0".parse().unwrap();
    let other = spawn_with_settings(second).await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let token = staff_token(&other, "县交通运输局").await;
    act(&other, &token, &receipt.case_number, json!({"action": "accept"})).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pool = app.db().await;
    let waiting: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT state, last_error FROM outbox WHERE channel = 'province' ORDER BY created_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(waiting.len(), 2);
    assert!(waiting.iter().all(|(state, _)| state == "pending"), "{waiting:?}");
    assert!(waiting[0].1.as_deref().unwrap_or_default().contains("省前置库暂时不能写入"), "{waiting:?}");

    // `bianmin province check` names the case that is not all reported.
    let checked = province(&app, "check").await;
    assert!(!checked.status.success());
    let listed = String::from_utf8_lossy(&checked.stdout);
    assert!(listed.contains(&receipt.case_number) && listed.contains("JT-003202612070001"), "{listed}");

    // The province's tables are back: both instances deliver, each record once.
    make_tables(&front).await;
    assert_eq!(all_delivered(&app).await, 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let accept = rows(&front, "up_pro_accept", &["operation"]).await;
    assert_eq!(accept, [["I"], ["U"]], "each once");
    assert!(province(&app, "check").await.status.success());

    // The province lost the acceptance row: a replay writes it again, and nothing twice.
    let mut connection = sqlx::PgConnection::connect(&front).await.unwrap();
    sqlx::query("DELETE FROM up_pro_accept WHERE operation = 'U'").execute(&mut connection).await.unwrap();
    let replayed = province(&app, "replay").await;
    assert!(replayed.status.success(), "{}", String::from_utf8_lossy(&replayed.stderr));
    assert_eq!(all_delivered(&app).await, 2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let accept = rows(&front, "up_pro_accept", &["operation"]).await;
    assert_eq!(accept, [["I"], ["U"]], "the lost row again, the other not doubled");
}

/// `bianmin province <what> --since 2026-01-01` on the app's database.
pub async fn province(app: &TestApp, what: &str) -> std::process::Output {
    let (bin, url, dir) = (env!("CARGO_BIN_EXE_bianmin"), app.database_url.clone(), app.data_dir.clone());
    let what = what.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(bin)
            .args(["province", &what, "--since", "2026-01-01", "--database-url", &url, "--data-dir"])
            .arg(dir)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_joint_case_is_reported_as_one_case_for_each_of_its_items_and_a_phone_as_mobile() {
    let root = tempfile::TempDir::new().unwrap();
    let front = front_database().await;
    make_tables(&front).await;
    let app = reporting_app(root.path(), &front).await;
    let body = crate::joint_cases::application(&app).await;
    let response = crate::joint_cases::submit(&app, "joint-report", &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: domain::apply::submission::Receipt = response.json().await.unwrap();
    all_delivered(&app).await;
    let accept = rows(&front, "up_pro_accept", &["project_no", "task_code", "applyer_name"]).await;
    let mut numbers: Vec<String> = receipt.parts.iter().map(|p| p.province_number.clone().unwrap()).collect();
    let mut reported: Vec<String> = accept.iter().map(|r| r[0].clone()).collect();
    numbers.sort();
    reported.sort();
    assert_eq!(reported, numbers, "one application per item, under its own number");
    assert!(accept.iter().all(|r| r[2] == "李四"));
    let materials = rows(&front, "up_pro_material", &["project_no", "material_name"]).await;
    assert!(materials.iter().any(|m| m[1] == "申请人身份证"), "{materials:?}");

    // Made on a phone, inside WeChat: 申报来源 3 (移动端).
    let body = crate::support::complete_application(&app).await;
    let phone = "Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.49";
    let made = app
        .client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", "from-a-phone")
        .header("User-Agent", phone)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let single: domain::apply::submission::Receipt = made.json().await.unwrap();
    all_delivered(&app).await;
    let sources = rows(&front, "up_pro_accept", &["project_no", "data_source"]).await;
    let number = single.province_number.unwrap();
    assert!(sources.iter().any(|r| r[0] == number && r[1] == "3"), "{sources:?}");
}

/// The province's own spelling of the front tables, and the DDL its DBA would have run.
const COLUMN_MAP: &str = "[tables]\nup_pro_accept = \"t_nb_accept\"\n\n[sync]\nsync_id = \"SYNC_ID\"\n\n\
    [columns.up_pro_accept]\nproject_no = \"PROJID\"\n\n[columns.up_pro_material]\nproject_no = \"PROJID\"\n\n\
    [columns.up_pro_process]\nproject_no = \"PROJID\"\n\n[columns.up_pro_special_procedure]\nproject_no = \"PROJID\"\n\n\
    [columns.up_pro_result]\nproject_no = \"PROJID\"\n\n[columns.up_pro_evaluate]\nproject_no = \"PROJID\"\n";

#[tokio::test]
async fn a_mysql_front_database_under_the_provinces_own_names_receives_each_row_once() {
    use bianmin::exchange::front_db::Dialect;
    let root = tempfile::TempDir::new().unwrap();
    let admin = std::env::var("BIANMIN_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into());
    let name = format!(
        "bianmin_front_{}_{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    );
    let mut connection = sqlx::MySqlConnection::connect(&admin).await.expect("MariaDB for the front database");
    sqlx::raw_sql(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4")).execute(&mut connection).await.unwrap();
    let front = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let ddl = bianmin::exchange::national::schema(Dialect::MySql)
        .replace("up_pro_accept (", "t_nb_accept (")
        .replace("project_no", "PROJID")
        .replace("sync_id", "SYNC_ID");
    let mut connection = sqlx::MySqlConnection::connect(&front).await.unwrap();
    sqlx::raw_sql(&ddl).execute(&mut connection).await.unwrap();
    let map = root.path().join("column-map.toml");
    std::fs::write(&map, COLUMN_MAP).unwrap();

    let catalog = reporting_catalog(root.path());
    let url = front.clone();
    let app = spawn_app_with(move |s| {
        s.calendar = Some(crate::support::repo_catalog().parent().unwrap().join("calendar"));
        s.catalog = catalog;
        s.province.number = Some("{code}{date}{serial:4}".into());
        s.province.profile = "national-db".into();
        s.province.front_database_url = Some(url.as_str().into());
        s.province.column_map = Some(map);
        s.notify.outbox_poll_ms = 50;
        s.today = Some("2026-12-07".into());
    })
    .await;
    let receipt = crate::steps::submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let token = staff_token(&app, "县交通运输局").await;
    act(&app, &token, &receipt.case_number, json!({"action": "accept"})).await;
    assert_eq!(all_delivered(&app).await, 2);
    let accept: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT PROJID, operation, applyer_name FROM t_nb_accept ORDER BY event_seq")
            .fetch_all(&mut connection)
            .await
            .unwrap();
    let number = receipt.province_number.unwrap();
    assert_eq!(
        accept,
        [(number.clone(), "I".into(), Some("张三".into())), (number.clone(), "U".into(), None)],
        "Chinese kept, under the province's names"
    );

    // A replay writes nothing twice (INSERT IGNORE on the province's key).
    assert!(province(&app, "replay").await.status.success());
    assert_eq!(all_delivered(&app).await, 2);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t_nb_accept").fetch_one(&mut connection).await.unwrap();
    assert_eq!(count, 2);
    sqlx::raw_sql(&format!("DROP DATABASE {name}")).execute(&mut connection).await.unwrap();
}
