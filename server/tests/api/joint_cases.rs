//! 一件事一次办: a bundle (开餐馆, KB-001) submitted once becomes one joint case
//! (联办件) with a part per item, exactly once under concurrent retries; the
//! lead department accepts the whole, the others see and move only their own
//! parts, supplements go out as one notice, the whole completes only when
//! every part does, and the figures count it once.

use domain::apply::submission::Receipt;
use domain::case::Status;
use domain::case::joint::Consult;
use domain::case::view::{PublicFigures, StaffCase, StaffCaseSummary};
use serde_json::{Value, json};
use sqlx::Row;

use crate::steps::{act, key, lookup, message, moved};
use crate::support::{PDF, PNG, TestApp, spawn_app_with, staff_token, upload};

const LEAD: &str = "县市场监督管理局";
const CITY: &str = "县城市管理局";
const FIRE: &str = "县消防救援大队";

/// A person opening a restaurant in a building they own, with a new sign.
fn answers() -> Value {
    json!({"applicant_type": "individual", "cold_food": false, "mode": "new", "own_building": true,
           "large": false, "check_mode": "inspection", "needs_acceptance": false})
}

pub async fn file(app: &TestApp, material: &str, name: &str) -> Value {
    let bytes = if name.ends_with(".png") { PNG } else { PDF };
    json!([upload(app, "KB-001", material, name, bytes).await])
}

/// The restaurant as the three forms ask about it: its name and address once,
/// then the food business, the signboard and the premises' fire facts.
fn restaurant() -> Value {
    json!({"premises_name": "示范县老张家常菜馆", "premises_address": "示范县人民路 9 号一楼",
           "SC-001.business_type": "restaurant", "SC-001.food_items": "热食类食品制售", "SC-001.premises_area": "120",
           "CG-001.sign_content": "老张家常菜", "CG-001.sign_kind": "shop_sign", "CG-001.sign_area": "6",
           "CG-001.sign_years": "3", "XF-001.venue_kind": "restaurant", "XF-001.floor_area": "120",
           "XF-001.floors": "一楼"})
}

/// The whole application: the ID card once for all three items; the food
/// safety rules and the fire training record left for later (容缺).
pub async fn application(app: &TestApp) -> Value {
    json!({
        "answers": answers(),
        "form": {"applicant": {"type": "person", "name": "李四", "id_number": "11010519491231002X",
                                "phone": "13812345678", "address": "示范县人民路 9 号"},
                 "fields": restaurant(),
                 "delivery": {"method": "window"}},
        "files": {
            "SC-001.application": file(app, "SC-001.application", "食品经营许可申请书.pdf").await,
            "SC-001.applicant_id": [
                upload(app, "KB-001", "SC-001.applicant_id", "人像面.png", PNG).await,
                upload(app, "KB-001", "SC-001.applicant_id", "国徽面.png", PNG).await,
            ],
            "SC-001.layout": file(app, "SC-001.layout", "平面图.pdf").await,
            "CG-001.application": file(app, "CG-001.application", "招牌申请表.pdf").await,
            "CG-001.rendering": file(app, "CG-001.rendering", "效果图.png").await,
            "XF-001.application": file(app, "XF-001.application", "消防申请表.pdf").await,
            "XF-001.floor_plan": file(app, "XF-001.floor_plan", "消防平面图.pdf").await,
            "XF-001.rules_and_plan": file(app, "XF-001.rules_and_plan", "预案.pdf").await,
        },
        "later": ["SC-001.safety_rules", "XF-001.training_record"],
        "pledge_accepted": true,
    })
}

/// The 容缺 materials, supplied after acceptance (a part is completed only with them).
pub async fn supply_later(app: &TestApp, receipt: &Receipt) {
    let mut body = key(receipt);
    body["files"] = json!({
        "SC-001.safety_rules": file(app, "SC-001.safety_rules", "制度.pdf").await,
        "XF-001.training_record": file(app, "XF-001.training_record", "培训记录.pdf").await,
    });
    let supplied = app.post("/api/cases/supplement", &body).await;
    assert_eq!(supplied.status(), 200, "{}", supplied.text().await.unwrap());
}

/// The co-departments answer the lead before acceptance: nothing to supplement, they agree.
async fn agreed(app: &TestApp, whole: &str) {
    let staff: StaffCase = read(app, &staff_token(app, LEAD).await, whole).await.json().await.unwrap();
    for department in [CITY, FIRE] {
        let part = &staff.parts.iter().find(|p| p.department == department).unwrap().case_number;
        moved(app, &staff_token(app, department).await, part, json!({"action": "agree"})).await;
    }
}

/// Submit a KB-001 application with this Idempotency-Key.
pub async fn submit(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/bundles/KB-001/submissions", app.address))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn read(app: &TestApp, token: &str, case: &str) -> reqwest::Response {
    app.staff_get(token, &format!("/api/staff/cases/{case}")).await
}

#[tokio::test]
async fn a_bundle_becomes_one_joint_case_exactly_once_under_concurrent_retries() {
    let app = spawn_app_with(|s| s.today = Some("2026-09-28".into())).await;
    let body = application(&app).await;
    let sends = (0..4).map(|_| submit(&app, "joint-1", &body));
    let responses = futures_util::future::join_all(sends).await;
    let mut receipts = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            201 => receipts.push(response.json::<Receipt>().await.unwrap()),
            409 => {}
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert!(!receipts.is_empty());
    assert!(receipts.iter().all(|r| r.case_number == receipts[0].case_number), "one joint case");
    let receipt = &receipts[0];
    assert_eq!((receipt.item_name.as_str(), receipt.department.as_str()), ("开餐馆（一件事）", LEAD));
    let departments: Vec<&str> = receipt.parts.iter().map(|p| p.department.as_str()).collect();
    assert_eq!(departments, [LEAD, CITY, FIRE]);
    assert_eq!(receipt.later_due_days, 5, "never beyond the shortest promise of the items that need them");

    let db = app.db().await;
    let rows = sqlx::query("SELECT case_number, joint_number, bundle_code FROM cases").fetch_all(&db).await.unwrap();
    assert_eq!(rows.len(), 4, "the whole and three parts, once");
    let parts = rows
        .iter()
        .filter(|r| r.try_get::<Option<String>, _>("joint_number").unwrap().as_deref() == Some(&receipt.case_number));
    assert_eq!(parts.count(), 3);
    // The shared ID card is one upload a side, in every part that uses it.
    let shared = sqlx::query(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT upload) AS uploads FROM case_files WHERE material = 'applicant_id'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((shared.try_get::<i64, _>("n").unwrap(), shared.try_get::<i64, _>("uploads").unwrap()), (6, 2));

    // The same key with the same body answers the same receipt afterwards too.
    let again = submit(&app, "joint-1", &body).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Receipt>().await.unwrap().case_number, receipt.case_number);
}

#[tokio::test]
async fn the_lead_accepts_departments_work_in_parallel_and_one_notice_asks_for_everything() {
    let app = spawn_app_with(|s| s.today = Some("2026-09-28".into())).await;
    let (lead, city, fire) =
        (staff_token(&app, LEAD).await, staff_token(&app, CITY).await, staff_token(&app, FIRE).await);
    let response = submit(&app, "joint-2", &application(&app).await).await;
    assert_eq!(response.status(), 201);
    let receipt: Receipt = response.json().await.unwrap();
    let whole = receipt.case_number.as_str();

    let view = lookup(&app, &receipt).await;
    assert_eq!((view.status, view.status_label.as_str()), (Status::Submitted, "已提交，等待牵头部门审查"));
    assert_eq!(view.parts.len(), 3);
    assert!(view.can_withdraw);

    // The lead sees the whole with every part side by side; the others only their own part.
    let staff: StaffCase = read(&app, &lead, whole).await.json().await.unwrap();
    assert_eq!(staff.parts.len(), 3);
    // Not yet 受理: the other departments have not answered the lead.
    assert_eq!(staff.actions, ["pre_review", "refuse"]);
    assert_eq!(staff.consult_by.map(|d| d.to_string()).as_deref(), Some("2026-09-30"), "two working days");
    let part_of =
        |department: &str| staff.parts.iter().find(|p| p.department == department).unwrap().case_number.clone();
    let (food, sign, safety) = (part_of(LEAD), part_of(CITY), part_of(FIRE));
    assert!(
        staff.parts.iter().all(|p| p.files.iter().any(|f| f.material == "applicant_id")),
        "shared ID in every part"
    );
    assert_eq!(read(&app, &city, whole).await.status(), 404, "another department's token sees no whole");
    // The lead reads every part's documents before accepting for all; the others only their own.
    let fire_file = &staff.parts.iter().find(|p| p.department == FIRE).unwrap().files[0];
    assert_eq!(app.staff_get(&lead, &fire_file.download).await.status(), 200, "the lead reads the fire part's file");
    assert_eq!(app.staff_get(&city, &fire_file.download).await.status(), 404, "another department does not");
    assert_eq!(read(&app, &city, &safety).await.status(), 404, "nor another department's part");
    let list: Vec<StaffCaseSummary> = app.staff_get(&city, "/api/staff/cases").await.json().await.unwrap();
    assert_eq!(list.iter().map(|c| c.case_number.as_str()).collect::<Vec<_>>(), [sign.as_str()]);
    let own: StaffCase = read(&app, &city, &sign).await.json().await.unwrap();
    assert_eq!(own.joint_number.as_deref(), Some(whole));
    assert_eq!(own.actions, ["agree", "request_supplement", "refuse"]);

    // Before acceptance a department can only ask (or refuse its part); the lead accepts.
    let early = act(&app, &city, &sign, json!({"action": "accept"})).await;
    assert_eq!(early.status(), 422);
    assert!(message(early).await.contains("统一受理"));
    let ask = |material: &str, reason: &str| json!({"action": "request_supplement", "items": [{"material": material, "reason": reason}]});
    moved(&app, &city, &sign, ask("rendering", "效果图没有标注尺寸")).await;
    moved(&app, &fire, &safety, ask("floor_plan", "没有标出安全出口")).await;
    assert_eq!(lookup(&app, &receipt).await.status, Status::Submitted, "nothing reaches the applicant yet");
    let blocked = act(&app, &lead, whole, json!({"action": "accept"})).await;
    assert_eq!(blocked.status(), 409);
    assert!(message(blocked).await.contains("请先发出补正告知"));
    let sent = moved(&app, &lead, whole, json!({"action": "request_supplement", "items": []})).await;
    assert_eq!(sent.notice.len(), 2);

    // One notice, every department's materials and reasons; one upload answers it.
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.status, Status::NeedsSupplement);
    let asks: Vec<(&str, &str)> = view.supplement.iter().map(|s| (s.material.as_str(), s.reason.as_str())).collect();
    assert_eq!(
        asks,
        [
            ("CG-001.rendering", "县城市管理局：效果图没有标注尺寸"),
            ("XF-001.floor_plan", "县消防救援大队：没有标出安全出口")
        ]
    );
    // A bundle's document under its checklist key, as the status page uploads it.
    let plan = view.supplement[1].definition.as_ref().expect("the floor plan's definition");
    assert_eq!((plan.id.as_str(), plan.name.as_str()), ("XF-001.floor_plan", view.supplement[1].name.as_str()));
    let supplied = app
        .post(
            "/api/cases/supplement",
            &json!({"case_number": whole, "query_code": receipt.query_code, "files": {
                "CG-001.rendering": file(&app, "CG-001.rendering", "新效果图.png").await,
                "XF-001.floor_plan": file(&app, "XF-001.floor_plan", "新平面图.pdf").await,
            }}),
        )
        .await;
    assert_eq!(supplied.status(), 200, "{}", supplied.text().await.unwrap());
    assert_eq!(lookup(&app, &receipt).await.status, Status::Submitted);

    // Accepted as a whole; then each department on its own part, in parallel.
    let accepted = moved(&app, &lead, whole, json!({"action": "accept"})).await;
    assert_eq!(
        accepted.due.map(|d| d.to_string()).as_deref(),
        Some("2026-10-10"),
        "5 working days: the National Day holiday off, the make-up Saturday on"
    );
    assert!(accepted.parts.iter().all(|p| p.status == Status::Accepted));
    assert_eq!(
        act(&app, &lead, &sign, json!({"action": "start"})).await.status(),
        404,
        "the lead moves only its own part"
    );
    moved(&app, &city, &sign, json!({"action": "start"})).await;
    let decision = json!({"outcome": "granted", "document_number": "示城管许〔2026〕3号"});
    let done = json!({"action": "complete", "result": "准予设置，许可决定书可到窗口领取", "decision": decision});
    let signed = moved(&app, &city, &sign, done).await;
    // The department's decision is its own paper, under its number, and the applicant's to download.
    assert_eq!(signed.documents.len(), 1);
    assert_eq!(signed.documents[0].number, "示城管许〔2026〕3号");
    let listed = lookup(&app, &receipt).await.documents;
    assert!(listed.iter().any(|d| d.id == signed.documents[0].id), "{listed:?}");
    let mut ask = key(&receipt);
    ask["id"] = json!(signed.documents[0].id);
    ask["format"] = json!("html");
    let copy = app.post("/api/cases/documents", &ask).await;
    assert_eq!(copy.status(), 200);
    let page = copy.text().await.unwrap();
    assert!(page.contains("准予") && page.contains("示城管许〔2026〕3号"), "{page}");
    // The fire part's 容缺 training record is not in yet: 办结 waits for it, and says so.
    let early = act(&app, &fire, &safety, json!({"action": "complete", "result": "检查合格，发给许可证"})).await;
    assert_eq!(early.status(), 422);
    let why = message(early).await;
    assert!(why.starts_with("还有容缺材料没有补齐（"), "{why}");
    assert!(why.contains("不能办结"), "{why}");
    supply_later(&app, &receipt).await;
    moved(&app, &fire, &safety, json!({"action": "complete", "result": "检查合格，发给许可证"})).await;
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.status, Status::InProgress, "the whole is not complete while a part is open");
    assert!(!view.can_rate);
    let lights: Vec<Status> = view.parts.iter().map(|p| p.status).collect();
    assert_eq!(lights, [Status::Accepted, Status::Completed, Status::Completed]);
    moved(&app, &lead, &food, json!({"action": "complete", "result": "准予许可，发给食品经营许可证"})).await;

    let view = lookup(&app, &receipt).await;
    assert_eq!((view.status, view.status_label.as_str()), (Status::Completed, "全部办结"));
    assert!(view.timeline.iter().any(|e| e.label == "县城市管理局：办结"), "one timeline: {:?}", view.timeline);
    assert!(view.can_rate);
    let rated = app
        .post(
            "/api/cases/rating",
            &json!({"case_number": whole, "query_code": receipt.query_code,
        "rating": {"overall": 5}}),
        )
        .await;
    assert_eq!(rated.status(), 200, "{}", rated.text().await.unwrap());

    // The public figures count the joint case once overall, and once in each department.
    let figures: PublicFigures = app.get("/api/figures").await.json().await.unwrap();
    assert_eq!((figures.overall.received, figures.overall.completed), (1, 1));
    for department in [LEAD, CITY, FIRE] {
        let own = figures.departments.iter().find(|d| d.department == department).unwrap();
        assert_eq!((own.received, own.completed), (1, 1), "{department}");
    }
}

#[tokio::test]
async fn a_refused_part_leaves_the_whole_partly_completed() {
    let app = spawn_app_with(|s| s.today = Some("2026-09-28".into())).await;
    let (lead, city, fire) =
        (staff_token(&app, LEAD).await, staff_token(&app, CITY).await, staff_token(&app, FIRE).await);
    let receipt: Receipt = submit(&app, "joint-3", &application(&app).await).await.json().await.unwrap();
    let whole = receipt.case_number.as_str();
    let staff: StaffCase = read(&app, &lead, whole).await.json().await.unwrap();
    let part_of =
        |department: &str| staff.parts.iter().find(|p| p.department == department).unwrap().case_number.clone();
    moved(&app, &city, &part_of(CITY), json!({"action": "refuse", "reason": "该路段不允许设置户外招牌"})).await;
    // The fire brigade stays silent: the lead waits until the consultation's deadline has passed (缺席默认).
    let early = act(&app, &lead, whole, json!({"action": "accept"})).await;
    assert_eq!(early.status(), 409);
    assert!(message(early).await.starts_with("县消防救援大队还没有答复是否同意受理"));
    let after = app.on_day("2026-10-08").await;
    let accepted = moved(&after, &lead, whole, json!({"action": "accept"})).await;
    let consult: Vec<Option<Consult>> = accepted.parts.iter().map(|p| p.consult).collect();
    assert_eq!(consult, [Some(Consult::Answered), Some(Consult::Answered), Some(Consult::Defaulted)]);
    let note = accepted.timeline.last().unwrap().note.clone().unwrap();
    assert_eq!(note, "县消防救援大队答复期限内未答复，按缺席默认视为同意受理");
    let fire_part: StaffCase = read(&app, &fire, &part_of(FIRE)).await.json().await.unwrap();
    assert!(fire_part.timeline.last().unwrap().note.as_deref().unwrap().starts_with("缺席默认"));
    supply_later(&app, &receipt).await;
    moved(&app, &fire, &part_of(FIRE), json!({"action": "complete", "result": "检查合格"})).await;
    moved(&app, &lead, &part_of(LEAD), json!({"action": "complete", "result": "准予许可"})).await;
    let view = lookup(&app, &receipt).await;
    assert_eq!(view.status_label, "部分办结");
    assert_eq!(view.parts[1].status, Status::NotAccepted);
    assert!(view.next_step.contains("不是每个部门都办成了"));

    // 91 days on, the refused part's files go; the ID card it shared stays with the parts that were done.
    let db = app.db().await;
    let sign_files: Vec<(String, String)> =
        sqlx::query("SELECT upload, material FROM case_files WHERE case_number = $1")
            .bind(part_of(CITY))
            .fetch_all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get("upload"), r.get("material")))
            .collect();
    assert!(sign_files.iter().all(|(id, _)| crate::support::stored(&app, id)), "stored before");
    let now = bianmin::db::unix_now();
    let removed =
        bianmin::retention::run(&app.state, &bianmin::settings::Retention::default(), now + 91 * 86_400).await.unwrap();
    assert_eq!(removed.closed_case_files, 4, "the sign's application, rendering and its copy of the ID's two sides");
    for (id, material) in &sign_files {
        let shared = material == "applicant_id";
        assert_eq!(crate::support::stored(&app, id), shared, "{material}: only the shared ID card's bytes remain");
    }
    let shared = sqlx::query(
        "SELECT COUNT(*) AS n FROM case_files f JOIN upload_owners o ON o.upload = f.upload WHERE f.material = 'applicant_id'",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(
        shared.try_get::<i64, _>("n").unwrap(),
        4,
        "both sides still held, with their owner, by the food and fire parts"
    );
}

#[tokio::test]
async fn after_acceptance_a_withdrawal_ends_only_the_parts_not_yet_decided() {
    let app = spawn_app_with(|s| s.today = Some("2026-09-28".into())).await;
    let (lead, city) = (staff_token(&app, LEAD).await, staff_token(&app, CITY).await);
    let receipt: Receipt = submit(&app, "joint-withdraw", &application(&app).await).await.json().await.unwrap();
    let whole = receipt.case_number.as_str();
    agreed(&app, whole).await;
    moved(&app, &lead, whole, json!({"action": "accept"})).await;
    let staff: StaffCase = read(&app, &lead, whole).await.json().await.unwrap();
    let sign = staff.parts.iter().find(|p| p.department == CITY).unwrap().case_number.clone();
    moved(&app, &city, &sign, json!({"action": "complete", "result": "准予设置"})).await;
    assert!(lookup(&app, &receipt).await.can_withdraw, "two parts are still being handled");

    let response = app.post("/api/cases/withdraw", &key(&receipt)).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let view = lookup(&app, &receipt).await;
    let parts: Vec<Status> = view.parts.iter().map(|p| p.status).collect();
    assert_eq!(parts, [Status::Withdrawn, Status::Completed, Status::Withdrawn], "the granted sign permit stands");
    assert_eq!(view.status_label, "部分办结");
    assert!(!view.can_withdraw);
    let again = app.post("/api/cases/withdraw", &key(&receipt)).await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn a_missed_later_deadline_ends_only_that_part() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let (lead, city) = (staff_token(&app, LEAD).await, staff_token(&app, CITY).await);
    let receipt: Receipt = submit(&app, "joint-4", &application(&app).await).await.json().await.unwrap();
    let whole = receipt.case_number.as_str();
    agreed(&app, whole).await;
    moved(&app, &lead, whole, json!({"action": "accept"})).await;
    let view = lookup(&app, &receipt).await;
    let later: Vec<&str> = view.later.iter().map(|m| m.material.as_str()).collect();
    assert_eq!(later, ["SC-001.safety_rules", "XF-001.training_record"]);
    assert_eq!(view.later_due.unwrap().to_string(), "2026-11-30");

    // The food safety rules come in time (one upload, in the part that needs it); the fire training record never does.
    let mut body = key(&receipt);
    body["files"] = json!({"SC-001.safety_rules": file(&app, "SC-001.safety_rules", "制度.pdf").await});
    let supplied = app.post("/api/cases/supplement", &body).await;
    assert_eq!(supplied.status(), 200, "{}", supplied.text().await.unwrap());
    let staff: StaffCase = read(&app, &lead, whole).await.json().await.unwrap();
    let sign = staff.parts.iter().find(|p| p.department == CITY).unwrap().case_number.clone();
    moved(&app, &city, &sign, json!({"action": "complete", "result": "准予设置"})).await;

    // A week later, on the same database: the fire part has ended by its own rule, the rest go on.
    let later_app = {
        let mut settings = app.settings.clone();
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.today = Some("2026-12-07".to_owned());
        crate::support::spawn_with_settings(settings).await
    };
    let view = lookup(&later_app, &receipt).await;
    let statuses: Vec<Status> = view.parts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, [Status::Accepted, Status::Completed, Status::Terminated]);
    assert_eq!(view.status, Status::InProgress);
    assert!(view.timeline.iter().any(|e| e.label == "县消防救援大队：终止"), "{:?}", view.timeline);
}

#[tokio::test]
async fn a_bundle_draft_continues_on_another_device_and_a_joint_rating_counts_for_each_department() {
    let app = spawn_app_with(|s| s.today = Some("2026-09-28".into())).await;
    let draft = json!({"item": "KB-003", "answers": {},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                               "phone": "13812345678", "address": ""},
                 "fields": {"property_address": "城关镇解放路 12 号", "GS-001.account_number": "0012"}}});
    let saved: domain::api::DraftSaved = app.post("/api/drafts", &draft).await.json().await.unwrap();
    let loaded: domain::api::DraftLoaded =
        app.post("/api/drafts/resume", &json!({"resume_code": saved.resume_code})).await.json().await.unwrap();
    assert!(loaded.bundle);
    assert_eq!(loaded.draft.form.unwrap().fields["GS-001.account_number"], "0012");

    // The bundle's form is checked with its merged fields: the shared address once, each utility's account number.
    let check = app.post("/api/bundles/KB-003/form/check", &json!({"answers": {}, "form": draft["form"]})).await;
    assert_eq!(check.status(), 200);
    let problems: Vec<Value> = check.json().await.unwrap();
    let fields: Vec<&str> = problems.iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"fields.GD-001.account_number") && fields.contains(&"fields.RQ-001.account_number"));
    assert!(!fields.contains(&"fields.property_address") && !fields.contains(&"fields.GS-001.account_number"));

    // A rated joint case counts in every department's satisfaction, and once overall.
    let (lead, city, fire) =
        (staff_token(&app, LEAD).await, staff_token(&app, CITY).await, staff_token(&app, FIRE).await);
    let receipt: Receipt = submit(&app, "joint-5", &application(&app).await).await.json().await.unwrap();
    let whole = receipt.case_number.as_str();
    agreed(&app, whole).await;
    let staff: StaffCase = moved(&app, &lead, whole, json!({"action": "accept"})).await;
    supply_later(&app, &receipt).await;
    for part in &staff.parts {
        let token =
            [(LEAD, &lead), (CITY, &city), (FIRE, &fire)].iter().find(|(d, _)| *d == part.department).unwrap().1;
        moved(&app, token, &part.case_number, json!({"action": "complete", "result": "准予许可"})).await;
    }
    let rated = app
        .post(
            "/api/cases/rating",
            &json!({"case_number": whole, "query_code": receipt.query_code, "rating": {"overall": 4}}),
        )
        .await;
    assert_eq!(rated.status(), 200);
    let figures: PublicFigures = app.get("/api/figures").await.json().await.unwrap();
    assert_eq!(figures.overall.ratings, 1);
    for department in [LEAD, CITY, FIRE] {
        assert_eq!(figures.departments.iter().find(|d| d.department == department).unwrap().ratings, 1, "{department}");
    }
}
