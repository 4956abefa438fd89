//! After submission: the staff API moves cases (token per department, scoped),
//! the applicant looks them up (no enumeration), supplies what is asked for,
//! withdraws, rates; 容缺 deadlines end cases; the public figures follow.

use crate::steps::{act, key, lookup, message, moved};
use crate::support::{TestApp, spawn_app_with, staff_token, upload};
use domain::apply::submission::Receipt;
use domain::case::Status;
use domain::case::view::{CaseView, PublicFigures, StaffCase, StaffCaseSummary};
use serde_json::{Value, json};

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
const PDF: &[u8] = crate::support::PDF;
const TRANSPORT: &str = "县交通运输局";

/// A Monday: cases accepted today are due five working days on.
async fn app_on(today: &str) -> TestApp {
    let today = today.to_owned();
    spawn_app_with(move |s| s.today = Some(today)).await
}

/// Submit a complete JT-003 application; `later` leaves the driving record for later.
async fn submit(app: &TestApp, later: bool) -> Receipt {
    let mut files = json!({
        "application": [upload(app, "JT-003", "application", "申请表.pdf", PDF).await],
        "id_card": [upload(app, "JT-003", "id_card", "正面.png", PNG).await, upload(app, "JT-003", "id_card", "背面.png", PNG).await],
        "photo": [upload(app, "JT-003", "photo", "照片.png", PNG).await],
    });
    if !later {
        files["safe_driving_record"] = json!([upload(app, "JT-003", "safe_driving_record", "记录.pdf", PDF).await]);
    }
    let body = json!({
        "answers": {},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                "phone": "13812345678", "address": "示范县人民路 88 号"},
                 "fields": crate::support::jt003_fields(),
                 "delivery": {"method": "window"}},
        "files": files,
        "later": if later { json!(["safe_driving_record"]) } else { json!([]) },
        "pledge_accepted": later,
    });
    let response = app
        .client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", format!("k-{}", rand_suffix()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

#[tokio::test]
async fn every_staff_move_through_a_supplement_to_completion_and_a_rating() {
    let app = app_on("2026-09-28").await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit(&app, false).await;
    let case = receipt.case_number.as_str();

    let view = lookup(&app, &receipt).await;
    assert_eq!((view.status, view.item_name.as_str()), (Status::Submitted, "道路货物运输驾驶员从业资格证核发"));
    assert!(view.can_withdraw && !view.can_rate);
    assert_eq!(view.timeline[0].label, "提交申请");

    // The staff see it in their list and read it with its files.
    let list: Vec<StaffCaseSummary> =
        app.staff_get(&token, "/api/staff/cases?status=submitted").await.json().await.unwrap();
    assert_eq!(list.iter().map(|c| c.case_number.as_str()).collect::<Vec<_>>(), [case]);
    let staff: StaffCase = moved(&app, &token, case, json!({"action": "pre_review"})).await;
    assert_eq!(staff.files.len(), 5);
    // Each side of the ID card says which it is.
    let mut sides: Vec<&str> =
        staff.files.iter().filter(|f| f.material == "id_card").map(|f| f.name.as_str()).collect();
    sides.sort_unstable();
    assert_eq!(sides, ["人像面：正面.png", "国徽面：背面.png"]);
    assert!(staff.actions.contains(&"request_supplement".to_owned()) && staff.actions.contains(&"accept".to_owned()));
    assert_eq!(
        staff.application.form.applicant,
        serde_json::from_value(json!({"type": "person", "name": "张三",
        "id_number": "11010519491231002X", "phone": "13812345678", "address": "示范县人民路 88 号"}))
        .unwrap()
    );

    // Files are downloaded through the API, with the token.
    let photo = staff.files.iter().find(|f| f.material == "photo").unwrap();
    let download =
        app.client.get(format!("{}{}", app.address, photo.download)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/png");
    assert!(
        download.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''%E7%85%A7%E7%89%87.png")
    );
    assert!(download.bytes().await.unwrap().starts_with(PNG), "the photo as sent");
    assert_eq!(app.get(&photo.download).await.status(), 401, "never a public address");

    // One supplement notice lists every material, each with its reason.
    let notice = json!({"action": "request_supplement", "items": [
        {"material": "photo", "reason": "照片背景不是白色"},
        {"material": "id_card", "reason": "背面看不清"}]});
    let staff = moved(&app, &token, case, notice).await;
    assert_eq!(staff.status, Status::NeedsSupplement);
    let view = lookup(&app, &receipt).await;
    assert_eq!(
        view.supplement.iter().map(|s| (s.name.as_str(), s.reason.as_str())).collect::<Vec<_>>(),
        [("近期一寸免冠白底彩色照片", "照片背景不是白色"), ("居民身份证", "背面看不清")]
    );
    // Each ask carries the catalog's definition: the status page takes the upload without the item.
    let id_card = view.supplement[1].definition.as_ref().expect("the ID card's definition");
    assert_eq!((id_card.id.as_str(), id_card.slots.len()), ("id_card", 2));

    // The applicant uploads only those: another material, or one missing, is refused in place.
    let stray = upload(&app, "JT-003", "application", "申请表.pdf", PDF).await;
    let new_photo = upload(&app, "JT-003", "photo", "新照片.png", PNG).await;
    let mut body = key(&receipt);
    body["files"] = json!({"application": [stray], "photo": [new_photo]});
    let response = app.post("/api/cases/supplement", &body).await;
    assert_eq!(response.status(), 422);
    let problems: Value = response.json().await.unwrap();
    let materials: Vec<(&str, &str)> = problems["problems"]["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["material"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        materials,
        [("application", "这项材料不在补交范围内，不用上传"), ("id_card", "请上传补正后的“居民身份证”")]
    );
    let back = upload(&app, "JT-003", "id_card", "背面-清晰.png", PNG).await;
    body["files"] = json!({"photo": [new_photo], "id_card": [back]});
    let response = app.post("/api/cases/supplement", &body).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let view: CaseView = response.json().await.unwrap();
    assert_eq!(view.status, Status::Submitted);
    assert!(view.supplement.is_empty());

    // Accept (the clock starts), start, suspend (it stops), resume, complete.
    let staff = moved(&app, &token, case, json!({"action": "accept"})).await;
    assert_eq!(staff.files.len(), 7, "the supplement's files join the case");
    assert_eq!(staff.accepted_on.unwrap().to_string(), "2026-09-28");
    // Five working days through the National Day week: 29, 30 September, 8, 9, 10 (Saturday, worked) October.
    assert_eq!(staff.due.unwrap().to_string(), "2026-10-10");
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.remaining_days, Some(5));
    assert_eq!(view.light, Some(domain::time::calendar::Light::OnTime));
    assert!(view.can_withdraw, "until the decision");
    moved(&app, &token, case, json!({"action": "start"})).await;
    moved(&app, &token, case, json!({"action": "suspend", "reason": "需要现场核查"})).await;
    assert_eq!(lookup(&app, &receipt).await.status, Status::Suspended);
    moved(&app, &token, case, json!({"action": "resume"})).await;
    let staff = moved(&app, &token, case, json!({"action": "complete", "result": "准予许可，证件已制作"})).await;
    assert_eq!(staff.status, Status::Completed);
    assert!(staff.actions.is_empty());
    let labels: Vec<String> = staff.timeline.iter().map(|e| e.label.clone()).collect();
    assert_eq!(
        labels,
        ["提交申请", "开始预审", "补正告知", "补正材料后重新提交", "受理", "开始办理", "暂停办理", "恢复办理", "办结"]
    );
    assert_eq!(staff.timeline[6].note.as_deref(), Some("需要现场核查"));

    // Illegal moves and incomplete ones say why.
    let response = act(&app, &token, case, json!({"action": "accept"})).await;
    assert_eq!(response.status(), 409);
    assert_eq!(message(response).await, "办件“已办结”时不能“受理”");
    let response = act(&app, &token, case, json!({"action": "fly"})).await;
    assert_eq!(response.status(), 400);

    // Rating: once, with a reason when unhappy.
    let view = lookup(&app, &receipt).await;
    assert!(view.can_rate);
    assert_eq!(view.result.as_deref(), Some("准予许可，证件已制作"));
    let mut rating = key(&receipt);
    rating["rating"] = json!({"overall": 2, "indicators": {"efficiency": 2}});
    let response = app.post("/api/cases/rating", &rating).await;
    assert_eq!(response.status(), 422);
    rating["rating"]["reason"] = json!("补正来回了一次");
    let view: CaseView = app.post("/api/cases/rating", &rating).await.json().await.unwrap();
    assert_eq!(view.rating.unwrap().overall, 2);
    assert!(!view.can_rate);
    assert_eq!(app.post("/api/cases/rating", &rating).await.status(), 409);

    let figures: PublicFigures = app.get("/api/figures").await.json().await.unwrap();
    let transport = figures.departments.iter().find(|f| f.department == TRANSPORT).unwrap();
    assert_eq!((transport.received, transport.completed, transport.ratings), (1, 1, 1));
    assert_eq!(transport.on_time_percent, Some(100.0));
    assert_eq!(transport.satisfaction_percent, Some(0.0));
}

#[tokio::test]
async fn tokens_are_required_and_scoped_to_their_department() {
    let app = app_on("2026-11-23").await;
    let receipt = submit(&app, false).await;
    let case = receipt.case_number.as_str();
    let other = staff_token(&app, "县民政局").await;

    let none = app.get("/api/staff/cases").await;
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let wrong =
        app.client.get(format!("{}/api/staff/cases", app.address)).bearer_auth("not-a-token").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(message(wrong).await, "部门令牌无效，请核对后重试");

    // Another department sees nothing of it and cannot move it.
    let list: Vec<Value> = app.staff_get(&other, "/api/staff/cases").await.json().await.unwrap();
    assert!(list.is_empty());
    let read =
        app.client.get(format!("{}/api/staff/cases/{case}", app.address)).bearer_auth(&other).send().await.unwrap();
    assert_eq!(read.status(), 404);
    assert_eq!(act(&app, &other, case, json!({"action": "accept"})).await.status(), 404);
    assert_eq!(lookup(&app, &receipt).await.status, Status::Submitted);

    let me = crate::support::json_of(app.client.get(format!("{}/api/staff/me", app.address)).bearer_auth(&other)).await;
    assert_eq!(me["department"], "县民政局");
}

#[tokio::test]
async fn look_ups_cannot_enumerate_or_guess_cases() {
    let app = app_on("2026-11-23").await;
    let receipt = submit(&app, false).await;

    let wrong_code =
        app.post("/api/cases/lookup", &json!({"case_number": receipt.case_number, "query_code": "AAAA-AAAA"})).await;
    let no_case =
        app.post("/api/cases/lookup", &json!({"case_number": "AAAA-AAAA", "query_code": receipt.query_code})).await;
    assert_eq!((wrong_code.status().as_u16(), no_case.status().as_u16()), (404, 404));
    assert_eq!(message(wrong_code).await, message(no_case).await, "the same answer either way");
    let garbage = app.post("/api/cases/lookup", &json!({"case_number": "../../etc", "query_code": ""})).await;
    assert_eq!(garbage.status(), 404);

    // Typed on a phone: lower case and spaces are fine.
    let typed = json!({"case_number": receipt.case_number.to_lowercase().replace('-', " "), "query_code": receipt.query_code.to_lowercase()});
    assert_eq!(app.post("/api/cases/lookup", &typed).await.status(), 200);

    // Guessing the code of one case: closed after ten wrong tries, even to the right code.
    for _ in 0..9 {
        app.post("/api/cases/lookup", &json!({"case_number": receipt.case_number, "query_code": "BBBB-BBBB"})).await;
    }
    let blocked = app.post("/api/cases/lookup", &key(&receipt)).await;
    assert_eq!(blocked.status(), 429);

    // And one address cannot try many cases quickly.
    let mut last = 0;
    for i in 0..25 {
        last = app
            .post("/api/cases/lookup", &json!({"case_number": format!("CCCC-CC{:02}", i), "query_code": "x"}))
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn withdrawal_until_the_decision() {
    let app = app_on("2026-11-23").await;
    let token = staff_token(&app, TRANSPORT).await;
    let first = submit(&app, false).await;
    let view: CaseView = app.post("/api/cases/withdraw", &key(&first)).await.json().await.unwrap();
    assert_eq!(view.status, Status::Withdrawn);
    assert_eq!(view.timeline.last().unwrap().label, "撤回申请");

    // Accepted and being handled: still the applicant's to withdraw.
    let second = submit(&app, false).await;
    moved(&app, &token, &second.case_number, json!({"action": "accept"})).await;
    moved(&app, &token, &second.case_number, json!({"action": "start"})).await;
    assert!(lookup(&app, &second).await.can_withdraw);
    let view: CaseView = app.post("/api/cases/withdraw", &key(&second)).await.json().await.unwrap();
    assert_eq!(view.status, Status::Withdrawn);
    assert!(!view.can_withdraw && !view.can_rate);
    let staff: StaffCase =
        app.staff_get(&token, &format!("/api/staff/cases/{}", second.case_number)).await.json().await.unwrap();
    assert!(staff.actions.is_empty(), "the department can no longer decide it");

    // Decided: the decision stands.
    let third = submit(&app, false).await;
    moved(&app, &token, &third.case_number, json!({"action": "accept"})).await;
    moved(&app, &token, &third.case_number, json!({"action": "complete", "result": "准予许可"})).await;
    let response = app.post("/api/cases/withdraw", &key(&third)).await;
    assert_eq!(response.status(), 409);
    assert_eq!(message(response).await, "办件“已办结”时不能“撤回申请”");
}

#[tokio::test]
async fn a_tolerated_material_supplied_in_time_keeps_the_case_and_a_late_one_ends_it() {
    let app = app_on("2026-11-23").await;
    let token = staff_token(&app, TRANSPORT).await;
    let on_time = submit(&app, true).await;
    let late = submit(&app, true).await;
    for receipt in [&on_time, &late] {
        moved(&app, &token, &receipt.case_number, json!({"action": "accept"})).await;
    }
    let view = lookup(&app, &on_time).await;
    assert_eq!(
        view.later.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["3 年内无重大以上交通责任事故记录证明"]
    );
    assert_eq!(view.later_due.unwrap().to_string(), "2026-11-30", "five working days after acceptance");

    let record = upload(&app, "JT-003", "safe_driving_record", "记录.pdf", PDF).await;
    let mut body = key(&on_time);
    body["files"] = json!({"safe_driving_record": [record]});
    let view: CaseView = app.post("/api/cases/supplement", &body).await.json().await.unwrap();
    assert_eq!(view.status, Status::Accepted);
    assert!(view.later.is_empty());
    assert_eq!(view.timeline.last().unwrap().label, "补交容缺材料");

    // Two weeks later (the same database and files, another day): the late one has ended by rule.
    let later_app = {
        let mut settings = app.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.today = Some("2026-12-07".to_owned());
        crate::support::spawn_with_settings(settings).await
    };
    let view = lookup(&later_app, &late).await;
    assert_eq!(view.status, Status::Terminated);
    let last = view.timeline.last().unwrap();
    assert_eq!((last.label.as_str(), last.note.as_deref()), ("终止", Some("容缺材料逾期未补齐")));
    assert_eq!(lookup(&later_app, &on_time).await.status, Status::Accepted);
    // Overdue against its promise: the light says so.
    let view = lookup(&later_app, &on_time).await;
    assert_eq!(view.light, Some(domain::time::calendar::Light::Overdue));
    assert_eq!(view.remaining_days, Some(-5));
}

#[tokio::test]
async fn complaints_are_kept_without_the_query_code() {
    let app = app_on("2026-11-23").await;
    let response = app.post("/api/complaints", &json!({"text": "差", "phone": ""})).await;
    assert_eq!(response.status(), 422);
    let receipt = submit(&app, false).await;
    let mut body = json!({"text": "窗口工作人员态度不好", "phone": "13812345678"});
    body["case"] = key(&receipt);
    let response = app.post("/api/complaints", &body).await;
    assert_eq!(response.status(), 200);
    let reference: Value = response.json().await.unwrap();
    assert_eq!(reference["reference"].as_str().unwrap().len(), 9);
    let row = sqlx::query("SELECT id, body FROM complaints").fetch_one(&app.db().await).await.unwrap();
    let (id, sealed): (String, String) = (sqlx::Row::get(&row, "id"), sqlx::Row::get(&row, "body"));
    assert!(!sealed.contains("态度不好"), "sealed at rest");
    let stored =
        app.settings.data_keys().unwrap().open(bianmin::at_rest::column::Column::ComplaintBody, &id, &sealed).unwrap();
    assert!(stored.contains("态度不好") && !stored.contains(&receipt.query_code));
}

#[tokio::test]
async fn behind_the_proxy_each_client_address_has_its_own_limit() {
    let app = spawn_app_with(|s| {
        s.behind_proxy = true;
        s.lookups_per_minute = 2;
    })
    .await;
    let guess = json!({"case_number": "ABCD-EFGH", "query_code": "JKLM-NPRS"});
    let from = |ip: &'static str| {
        app.client
            .post(format!("{}/api/cases/lookup", app.address))
            .header("X-Forwarded-For", format!("10.0.0.9, {ip}"))
            .json(&guess)
            .send()
    };
    assert_eq!(from("203.0.113.1").await.unwrap().status(), 404);
    assert_eq!(from("203.0.113.1").await.unwrap().status(), 404);
    assert_eq!(from("203.0.113.1").await.unwrap().status(), 429, "the third in a minute from one address");
    assert_eq!(
        from("203.0.113.2").await.unwrap().status(),
        404,
        "another address behind the same proxy is not blocked"
    );
    // An IPv6 host is counted by its /64, whichever address in it it picks.
    assert_eq!(from("2001:db8:1:2::1").await.unwrap().status(), 404);
    assert_eq!(from("2001:db8:1:2::2").await.unwrap().status(), 404);
    assert_eq!(from("2001:db8:1:2::3").await.unwrap().status(), 429, "the same /64");
    assert_eq!(from("2001:db8:1:3::1").await.unwrap().status(), 404, "another /64");
}

#[tokio::test]
async fn a_refusal_needs_its_reason_and_the_applicant_sees_it() {
    let app = app_on("2026-11-23").await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit(&app, false).await;
    let case = receipt.case_number.as_str();
    let response = act(&app, &token, case, json!({"action": "refuse", "reason": " "})).await;
    assert_eq!(response.status(), 422);
    assert_eq!(message(response).await, "“不予受理”要写明原因");
    let staff = moved(&app, &token, case, json!({"action": "refuse", "reason": "申请人不符合年龄条件"})).await;
    assert_eq!(staff.status, Status::NotAccepted);
    assert!(staff.actions.is_empty(), "nothing more can be done");
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.status_label, "不予受理");
    assert_eq!(view.timeline.last().unwrap().note.as_deref(), Some("申请人不符合年龄条件"));
    assert!(!view.can_withdraw && !view.can_rate);
}

#[tokio::test]
async fn two_hundred_concurrent_wrong_codes_from_many_addresses_cannot_lock_the_owner_out() {
    let app = spawn_app_with(|s| s.behind_proxy = true).await;
    let receipt = submit(&app, false).await;
    let guess = json!({"case_number": receipt.case_number, "query_code": "BBBB-BBBB"});
    let from = |i: usize, body: Value| {
        app.client
            .post(format!("{}/api/cases/lookup", app.address))
            .header("X-Forwarded-For", format!("198.51.{}.{}", i / 250, i % 250 + 1))
            .json(&body)
            .send()
    };
    let answers = futures_util::future::join_all((0..200).map(|i| from(i, guess.clone()))).await;
    for answer in answers {
        assert_eq!(answer.unwrap().status(), 404, "every guess is simply wrong");
    }
    // The owner, from home, gets in (slowed a little, never locked out)…
    let owner = from(999, key(&receipt)).await.unwrap();
    assert_eq!(owner.status(), 200);
    // …while one address that keeps guessing is stopped.
    futures_util::future::join_all((0..10).map(|_| from(7, guess.clone()))).await;
    assert_eq!(from(7, guess.clone()).await.unwrap().status(), 429);
}

#[tokio::test]
async fn the_public_figures_are_computed_at_most_once_in_their_max_age() {
    // An hour's max age: however slow the machine, the second read is within it.
    let app = spawn_app_with(|s| s.figures_max_age_secs = 3600).await;
    async fn received(app: &TestApp) -> u32 {
        app.get("/api/figures").await.json::<PublicFigures>().await.unwrap().overall.received
    }
    assert_eq!(received(&app).await, 0);
    let receipt = submit(&app, false).await;
    let token = staff_token(&app, TRANSPORT).await;
    assert_eq!(act(&app, &token, &receipt.case_number, json!({"action": "accept"})).await.status(), 200);
    assert_eq!(received(&app).await, 0, "within the max age: the figures already computed");
    // An instance whose max age is zero computes them on every read.
    let mut settings = app.settings.clone();
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.figures_max_age_secs = 0;
    let fresh = crate::support::spawn_with_settings(settings).await;
    assert_eq!(received(&fresh).await, 1, "past it: computed again");
}

#[tokio::test]
async fn the_staff_list_pages_through_every_case_without_a_row_limit() {
    let app = app_on("2026-11-23").await;
    let token = staff_token(&app, TRANSPORT).await;
    let mut submitted = Vec::new();
    for _ in 0..3 {
        submitted.push(submit(&app, false).await.case_number);
    }
    let first = app.staff_get(&token, "/api/staff/cases?per_page=2").await;
    assert_eq!(first.status(), 200);
    let link = first.headers()["link"].to_str().unwrap().to_owned();
    assert_eq!(link, "</api/staff/cases?page=2&per_page=2>; rel=\"next\"");
    let first: Vec<StaffCaseSummary> = first.json().await.unwrap();
    let second = app.staff_get(&token, "/api/staff/cases?page=2&per_page=2").await;
    assert!(second.headers().get("link").is_none(), "the last page");
    let second: Vec<StaffCaseSummary> = second.json().await.unwrap();
    assert_eq!((first.len(), second.len()), (2, 1));
    let mut seen: Vec<String> = first.iter().chain(&second).map(|c| c.case_number.clone()).collect();
    seen.sort();
    submitted.sort();
    assert_eq!(seen, submitted, "every case once, across the pages");
    assert_eq!(app.staff_get(&token, "/api/staff/cases?page=0").await.status(), 400);
    assert_eq!(app.staff_get(&token, "/api/staff/cases?per_page=2147483648").await.status(), 400, "past i32");
    let all: Vec<StaffCaseSummary> = app.staff_get(&token, "/api/staff/cases").await.json().await.unwrap();
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn a_case_is_not_completed_while_a_later_material_is_outstanding() {
    let app = app_on("2026-11-23").await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit(&app, true).await;
    let case = receipt.case_number.as_str();
    moved(&app, &token, case, json!({"action": "accept"})).await;
    let early = act(&app, &token, case, json!({"action": "complete", "result": "准予许可"})).await;
    assert_eq!(early.status(), 422);
    assert_eq!(
        message(early).await,
        "还有容缺材料没有补齐（3 年内无重大以上交通责任事故记录证明），不能办结。请等申请人补齐；逾期未补齐的，办件会自动终止"
    );
    assert_eq!(lookup(&app, &receipt).await.status, Status::Accepted, "nothing moved");
    // Supplied, it may be completed.
    let mut body = key(&receipt);
    body["files"] =
        json!({"safe_driving_record": [upload(&app, "JT-003", "safe_driving_record", "记录.pdf", PDF).await]});
    assert_eq!(app.post("/api/cases/supplement", &body).await.status(), 200);
    moved(&app, &token, case, json!({"action": "complete", "result": "准予许可"})).await;
    assert_eq!(lookup(&app, &receipt).await.status, Status::Completed);
}
