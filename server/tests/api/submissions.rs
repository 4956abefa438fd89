//! Submitting once: every rule checked again on the server, one case per
//! Idempotency-Key however often and however concurrently it is sent.

use crate::support::{TestApp, spawn_app, upload};
use domain::api::ErrorBody;
use domain::apply::submission::Receipt;
use serde_json::{Value, json};

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
const PDF: &[u8] = crate::support::PDF;

/// A complete application for 道路货物运输驾驶员从业资格证核发 (JT-003), the
/// 3-year driving record left for later (容缺).
async fn application(app: &TestApp) -> Value {
    let form_file = upload(app, "JT-003", "application", "申请表.pdf", PDF).await;
    let front = upload(app, "JT-003", "id_card", "正面.png", PNG).await;
    let back = upload(app, "JT-003", "id_card", "背面.png", PNG).await;
    let photo = upload(app, "JT-003", "photo", "照片.png", PNG).await;
    json!({
        "answers": {},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                "phone": "13812345678", "address": "示范县人民路 88 号"},
                 "fields": crate::support::jt003_fields(),
                 "delivery": {"method": "post", "recipient": "张三", "phone": "13812345678", "address": "示范县人民路 88 号"}},
        "files": {"application": [form_file], "id_card": [front, back], "photo": [photo]},
        "later": ["safe_driving_record"],
        "pledge_accepted": true
    })
}

async fn submit(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn cases(app: &TestApp) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM cases").fetch_one(&app.db().await).await.unwrap();
    sqlx::Row::get(&row, "n")
}

#[tokio::test]
async fn a_complete_application_makes_one_case_with_a_receipt() {
    let app = spawn_app().await;
    let body = application(&app).await;
    let response = submit(&app, "key-1", &body).await;
    assert_eq!(response.status(), 201);
    let receipt: Receipt = response.json().await.unwrap();
    assert_eq!(receipt.case_number.len(), 9, "8 characters in two groups: {}", receipt.case_number);
    assert!(receipt.case_number.chars().all(|c| c == '-' || domain::reference::ALPHABET.contains(&(c as u8))));
    assert_eq!((receipt.item_name.as_str(), receipt.promised_limit_days), ("道路货物运输驾驶员从业资格证核发", 5));
    assert_eq!(receipt.later, ["safe_driving_record"]);
    assert_eq!(receipt.later_due_days, 5, "due within the promised limit");

    // A retry (a timeout, a double tap) gets the same answer and no second case.
    let again: Receipt = submit(&app, "key-1", &body).await.json().await.unwrap();
    assert_eq!(again, receipt);
    assert_eq!(cases(&app).await, 1);

    // The same key with different content is refused.
    let mut changed = body.clone();
    changed["form"]["applicant"]["address"] = json!("别的地址");
    let response = submit(&app, "key-1", &changed).await;
    assert_eq!(response.status(), 422);
    assert_eq!(cases(&app).await, 1);
}

#[tokio::test]
async fn concurrent_submissions_with_one_key_make_exactly_one_case() {
    let app = spawn_app().await;
    let body = application(&app).await;
    let sends = (0..8).map(|_| submit(&app, "same-key", &body));
    let responses = futures_util::future::join_all(sends).await;
    let mut receipts = Vec::new();
    for response in responses {
        match response.status().as_u16() {
            201 => receipts.push(response.json::<Receipt>().await.unwrap().case_number),
            409 => assert_eq!(response.json::<ErrorBody>().await.unwrap().error.code, "conflict"),
            other => panic!("unexpected {other}"),
        }
    }
    assert!(!receipts.is_empty());
    receipts.dedup();
    assert_eq!(receipts.len(), 1, "every 201 names the same case");
    assert_eq!(cases(&app).await, 1);
}

#[tokio::test]
async fn every_problem_comes_back_in_place_and_the_key_can_be_used_again() {
    let app = spawn_app().await;
    let mut body = application(&app).await;
    body["form"]["applicant"]["id_number"] = json!("110105194912310021");
    body["files"]["photo"] = json!([]);
    body["pledge_accepted"] = json!(false);
    let response = submit(&app, "key-2", &body).await;
    assert_eq!(response.status(), 422);
    let error: ErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.code, "invalid_application");
    let problems = error.problems.unwrap();
    assert_eq!(problems.fields.len(), 1);
    assert_eq!(problems.fields[0].message, "身份证号码校验位不正确，请核对最后一位");
    let materials: Vec<(&str, &str)> =
        problems.materials.iter().map(|m| (m.material.as_str(), m.message.as_str())).collect();
    assert_eq!(
        materials,
        [
            ("safe_driving_record", "选择容缺后补的，需要先阅读并同意容缺受理承诺书"),
            ("photo", "请上传“近期一寸免冠白底彩色照片”"),
        ]
    );
    assert_eq!(cases(&app).await, 0);

    // Fixed and sent again with the same key: accepted.
    body["form"]["applicant"]["id_number"] = json!("11010519491231002X");
    body["files"]["photo"] = json!([upload(&app, "JT-003", "photo", "照片.png", PNG).await]);
    body["pledge_accepted"] = json!(true);
    assert_eq!(submit(&app, "key-2", &body).await.status(), 201);
}

#[tokio::test]
async fn uploads_of_another_material_or_a_lying_file_are_refused() {
    let app = spawn_app().await;
    let mut body = application(&app).await;
    let lying = upload(&app, "JT-003", "photo", "照片.png", PDF).await;
    let misplaced = upload(&app, "JT-003", "id_card", "正面.png", PNG).await;
    body["files"]["photo"] = json!([lying]);
    body["files"]["application"] = json!([misplaced]);
    let error: ErrorBody = submit(&app, "key-3", &body).await.json().await.unwrap();
    let messages: Vec<String> = error.problems.unwrap().materials.into_iter().map(|m| m.message).collect();
    assert!(messages.contains(&"“正面.png”不是这项材料的文件，请重新上传".to_owned()), "{messages:?}");
    assert!(
        messages.contains(&"“照片.png”的名字是 PNG，内容却是 PDF：请用原文件重新上传，不要只改文件名".to_owned()),
        "{messages:?}"
    );
}

#[tokio::test]
async fn a_key_is_required() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(format!("{}/api/services/JT-003/submissions", app.address))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.json::<ErrorBody>().await.unwrap().error.message.contains("Idempotency-Key"));
}

#[tokio::test]
async fn too_many_uploads_in_one_request_are_refused_before_any_is_looked_at() {
    let app = spawn_app().await;
    let mut body = application(&app).await;
    body["files"]["photo"] = json!((0..101).map(|i| format!("made-up-{i}")).collect::<Vec<_>>());
    let response = submit(&app, "too-many", &body).await;
    assert_eq!(response.status(), 400);
    let error: ErrorBody = response.json().await.unwrap();
    assert_eq!(error.error.message, "一次最多提交 100 个文件，请删除多余的文件后再提交");
}

#[tokio::test]
async fn a_claim_left_by_a_crashed_worker_is_taken_over_after_a_few_minutes() {
    let app = spawn_app().await;
    let body = application(&app).await;
    let text = serde_json::to_vec(&body).unwrap();
    let hash = bianmin::secret::sha256_hex(&[b"JT-003".as_slice(), &[0], &text].concat());
    let db = app.db().await;
    for (key, at) in
        [("crashed-stale", "2000-01-01T00:00:00Z".to_owned()), ("crashed-fresh", bianmin::db::now_rfc3339())]
    {
        sqlx::query("INSERT INTO idempotency_keys (idempotency_key, request_hash, state, created_at) VALUES ($1, $2, 'in_flight', $3)")
            .bind(key)
            .bind(&hash)
            .bind(at)
            .execute(&db)
            .await
            .unwrap();
    }
    let request = |key: String| {
        app.client
            .post(format!("{}/api/services/JT-003/submissions", app.address))
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .body(text.clone())
            .send()
    };
    assert_eq!(request("crashed-fresh".to_owned()).await.unwrap().status(), 409, "a claim still running is left alone");
    assert_eq!(request("crashed-stale".to_owned()).await.unwrap().status(), 201, "a stale one is taken over");
}

#[tokio::test]
async fn one_address_may_submit_only_so_many_applications_an_hour() {
    let app = crate::support::spawn_app_with(|s| s.limits.submissions_per_hour = 2).await;
    for i in 0..2 {
        let client = crate::support::applicant_client(&app.address).await;
        let body = crate::support::complete_application_as(&client, &app.address, PDF).await;
        assert_eq!(app.submit_as(&client, &format!("pace-{i}"), &body).await.status(), 201);
    }
    let client = crate::support::applicant_client(&app.address).await;
    let body = crate::support::complete_application_as(&client, &app.address, PDF).await;
    let refused = app.submit_as(&client, "pace-3", &body).await;
    assert_eq!(refused.status(), 429);
    let message: serde_json::Value = refused.json().await.unwrap();
    assert!(message["error"]["message"].as_str().unwrap().contains("一小时后再试"), "{message}");
}

/// A tiny JPEG as a phone's camera would start one (the checks read the first bytes).
const JPEG: &[u8] =
    &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9];

#[tokio::test]
async fn an_id_card_needs_both_sides_and_one_photo_twice_is_refused() {
    let app = spawn_app().await;
    let mut body = application(&app).await;
    // The same photo picked for both sides: two uploads, one content.
    let front = upload(&app, "JT-003", "id_card", "人像面.jpg", JPEG).await;
    let back = upload(&app, "JT-003", "id_card", "国徽面.jpg", JPEG).await;
    body["files"]["id_card"] = json!([front, back]);
    let response = submit(&app, "same-photo", &body).await;
    assert_eq!(response.status(), 422);
    let refused: Value = response.json().await.unwrap();
    assert_eq!(
        refused["problems"]["materials"],
        json!([{"material": "id_card", "message": domain::apply::submission::DUPLICATE_CONTENT}])
    );
    // One side only: the missing side is named.
    body["files"]["id_card"] = json!([front]);
    let refused: Value = submit(&app, "one-side", &body).await.json().await.unwrap();
    assert_eq!(
        refused["problems"]["materials"],
        json!([{"material": "id_card", "message": "请上传“居民身份证”的国徽面"}])
    );
    assert_eq!(cases(&app).await, 0);
}

/// 出生登记 (GA-002): the baby's data is part of the form, checked by the
/// same rules in browser and server, and the department sees it.
#[tokio::test]
async fn a_birth_registration_carries_the_babys_data_to_the_police_window() {
    let app = spawn_app().await;
    let mother = [
        upload(&app, "GA-002", "mother_id", "人像面.png", PNG).await,
        upload(&app, "GA-002", "mother_id", "国徽面.png", PNG).await,
    ];
    let father = [
        upload(&app, "GA-002", "father_id", "人像面.png", PNG).await,
        upload(&app, "GA-002", "father_id", "国徽面.png", PNG).await,
    ];
    let register = upload(&app, "GA-002", "household_register", "户口簿.png", PNG).await;
    let mut body = json!({
        "answers": {"born_in_province": true, "father_known": true},
        "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                "phone": "13812345678", "address": "示范县人民路 88 号"},
                 "applicant_party": "father",
                 "parties": {"mother": {"name": "王芳", "id_number": "11010119900815402X",
                                        "phone": "13712345678", "consent": true}},
                 "fields": {"baby_name": "张小宝", "baby_sex": "male", "birth_date": "2026-11-20",
                            "birth_place": "示范县人民医院", "register_with": "father"},
                 "delivery": {"method": "window"}},
        "files": {"mother_id": mother, "father_id": father, "household_register": [register]}
    });
    let submit = |key: &'static str, body: Value| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/api/services/GA-002/submissions", app.address))
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // Without the certificate's number: refused by the field's own words.
    let response = submit("no-number", body.clone()).await;
    assert_eq!(response.status(), 422);
    let refused: Value = response.json().await.unwrap();
    assert_eq!(refused["problems"]["fields"][0]["field"], "fields.birth_certificate_number");
    assert_eq!(refused["problems"]["fields"][0]["message"], "请填写出生医学证明编号");

    body["form"]["fields"]["birth_certificate_number"] = json!("Q260012345");
    let response = submit("complete", body).await;
    assert_eq!(response.status(), 201);
    let receipt: Receipt = response.json().await.unwrap();
    let token = crate::support::staff_token(&app, "县公安局").await;
    let staff: Value =
        app.staff_get(&token, &format!("/api/staff/cases/{}", receipt.case_number)).await.json().await.unwrap();
    let fields = &staff["application"]["form"]["fields"];
    assert_eq!((fields["baby_name"].as_str(), fields["birth_date"].as_str()), (Some("张小宝"), Some("2026-11-20")));
    assert_eq!(fields["birth_certificate_number"], "Q260012345");
    assert_eq!(staff["application"]["form"]["parties"]["mother"]["name"], "王芳");
    let sides: Vec<&str> = receipt.parties.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(sides, ["母亲", "父亲"], "the baby is described, not named as a side");
}

/// Items ask about the matter itself, as their 申请表 do: the shop that will
/// sell cigarettes (YC-001), the trees to fell (LY-001), each field named in
/// its problem and checked by its kind.
#[tokio::test]
async fn item_forms_ask_about_the_matter_itself() {
    let app = spawn_app().await;
    let person = json!({"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                      "phone": "13812345678", "address": "示范县人民路 88 号"},
                        "delivery": {"method": "window"}});
    let check = |code: &'static str, fields: Value| {
        let mut form = person.clone();
        form["fields"] = fields;
        let app = &app;
        async move {
            let response =
                app.post(&format!("/api/services/{code}/form/check"), &json!({"answers": {}, "form": form})).await;
            assert_eq!(response.status(), 200);
            let problems: Vec<Value> = response.json().await.unwrap();
            problems
                .into_iter()
                .map(|p| (p["field"].as_str().unwrap().to_owned(), p["message"].as_str().unwrap().to_owned()))
                .collect::<Vec<_>>()
        }
    };
    let empty = check("YC-001", json!({})).await;
    for (field, message) in [
        ("fields.shop_name", "请填写店铺名称（字号）"),
        ("fields.shop_address", "请填写经营场所地址"),
        ("fields.shop_area", "请填写经营场所面积（平方米）"),
        ("fields.shop_type", "请填写经营业态"),
    ] {
        assert!(empty.contains(&(field.to_owned(), message.to_owned())), "{field}: {empty:?}");
    }
    let shop = json!({"shop_name": "示范县人民路便民超市", "shop_address": "示范县人民路 88 号",
                      "shop_area": "四十", "shop_type": "convenience"});
    assert_eq!(
        check("YC-001", shop).await,
        [("fields.shop_area".to_owned(), "经营场所面积（平方米）请填写整数".to_owned())]
    );
    let trees = json!({"site": "示范镇新村后山", "species": "杉木", "trees": "120", "method": "selective"});
    assert_eq!(check("LY-001", trees).await, []);
}
