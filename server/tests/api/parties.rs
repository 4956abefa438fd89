//! Where the law has several parties: a marriage's two sides, a flat's buyer
//! and seller (and the seller's spouse), a baby and its parents. One party
//! submits and names the others; the same `domain` check refuses a missing
//! party's details in the browser and here; the clerk sees every party and
//! finds the case by any of them; the receipt names each side masked.

use domain::apply::submission::Receipt;
use serde_json::{Value, json};

use crate::support::{PDF, TestApp, spawn_app, staff_token, upload};

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 4, 5, 6];
const BUYER_ID: &str = "11010519491231002X";
const SELLER_ID: &str = "110101198805123010";
const SPOUSE_ID: &str = "11010119900815402X";

fn applicant() -> Value {
    json!({"type": "person", "name": "张三", "id_number": BUYER_ID, "phone": "13812345678",
           "address": "示范县人民路 88 号"})
}

async fn submit(app: &TestApp, code: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(format!("{}/api/services/{code}/submissions", app.address))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn problems(refused: &Value) -> Vec<(String, String)> {
    refused["problems"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["field"].as_str().unwrap().to_owned(), p["message"].as_str().unwrap().to_owned()))
        .collect()
}

async fn staff_case(app: &TestApp, department: &str, case_number: &str) -> Value {
    let token = staff_token(app, department).await;
    app.staff_get(&token, &format!("/api/staff/cases/{case_number}")).await.json().await.unwrap()
}

/// 二手房买卖 (BDC-001): the buyer applies and names the seller and the
/// seller's spouse (the flat is theirs together).
async fn sale(app: &TestApp) -> Value {
    let files = json!({
        "application": [upload(app, "BDC-001", "application", "申请书.pdf", PDF).await],
        "parties_id": [upload(app, "BDC-001", "parties_id", "双方身份证.png", PNG).await],
        "title_certificate": [upload(app, "BDC-001", "title_certificate", "房产证.png", PNG).await],
        "sale_contract": [upload(app, "BDC-001", "sale_contract", "合同.pdf", PDF).await],
    });
    json!({
        "answers": {"seller_married": true},
        "form": {"applicant": applicant(), "applicant_party": "buyer",
                 "parties": {
                     "seller": {"name": "李四", "id_number": SELLER_ID, "phone": "13912345678", "consent": true},
                     "seller_spouse": {"name": "王芳", "id_number": SPOUSE_ID, "phone": "13712345678", "consent": true}},
                 "fields": {"property_address": "城关镇解放路 12 号 3 单元 501 室",
                            "title_number": "示(2019)示范县不动产权第0001234号", "property_use": "residential",
                            "floor_area": "89", "price": "560000"},
                 "delivery": {"method": "window"}},
        "files": files,
    })
}

#[tokio::test]
async fn a_flat_sale_names_buyer_seller_and_spouse_and_the_clerk_sees_and_finds_each() {
    let app = spawn_app().await;
    let mut body = sale(&app).await;

    // The seller's ID number missing: refused by the domain rule the form page runs too.
    body["form"]["parties"]["seller"]["id_number"] = json!("");
    let response = submit(&app, "BDC-001", "no-seller-id", &body).await;
    assert_eq!(response.status(), 422);
    let found = problems(&response.json().await.unwrap());
    assert_eq!(found, [("parties.seller.id_number".to_owned(), "卖方：请填写身份证号码".to_owned())]);
    let check =
        app.post("/api/services/BDC-001/form/check", &json!({"answers": body["answers"], "form": body["form"]})).await;
    let checked: Vec<Value> = check.json().await.unwrap();
    assert_eq!(checked[0]["field"], "parties.seller.id_number", "the form check says the same");

    // The seller given the buyer's own number: one person cannot be both sides.
    body["form"]["parties"]["seller"]["id_number"] = json!(BUYER_ID.to_lowercase());
    let response = submit(&app, "BDC-001", "same-id", &body).await;
    let found = problems(&response.json().await.unwrap());
    assert_eq!(found, [("parties.seller.id_number".to_owned(), "卖方的身份证号码与买方的相同，请核对".to_owned())]);

    // Not saying which side the applicant is, and the spouse's consent not given.
    body["form"]["parties"]["seller"]["id_number"] = json!(SELLER_ID);
    body["form"]["applicant_party"] = Value::Null;
    body["form"]["parties"]["seller_spouse"]["consent"] = json!(false);
    let response = submit(&app, "BDC-001", "no-side", &body).await;
    let found: Vec<String> = problems(&response.json().await.unwrap()).into_iter().map(|(f, _)| f).collect();
    assert!(found.contains(&"parties.applicant".to_owned()), "{found:?}");

    let body = sale(&app).await;
    let response = submit(&app, "BDC-001", "complete", &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: Receipt = response.json().await.unwrap();
    let sides: Vec<(&str, &str, bool)> =
        receipt.parties.iter().map(|p| (p.label.as_str(), p.name.as_str(), p.applicant)).collect();
    assert_eq!(sides, [("买方", "张*", true), ("卖方", "李*", false), ("卖方配偶", "王*", false)]);

    let staff = staff_case(&app, "县不动产登记中心", &receipt.case_number).await;
    let form = &staff["application"]["form"];
    assert_eq!(form["applicant_party"], "buyer");
    assert_eq!(form["parties"]["seller"]["id_number"], SELLER_ID);
    assert_eq!(form["parties"]["seller_spouse"]["name"], "王芳");
    assert_eq!(form["fields"]["price"], "560000");

    // The window finds the case by the seller's ID number, as by the buyer's.
    let token = staff_token(&app, "县不动产登记中心").await;
    let search = reqwest::Client::new()
        .post(format!("{}/api/staff/cases/search", app.address))
        .bearer_auth(&token)
        .json(&json!({"query": SELLER_ID}))
        .send()
        .await
        .unwrap();
    let page: Value = search.json().await.unwrap();
    assert_eq!(page["cases"][0]["case_number"], receipt.case_number.as_str());

    // The 申请表 printed from the answers, for both sides to sign at the window.
    let printed =
        app.staff_get(&token, &format!("/api/staff/cases/{}/application-form?format=html", receipt.case_number)).await;
    assert_eq!(printed.status(), 200);
    let html = printed.text().await.unwrap();
    for expected in
        ["不动产转移登记（二手房买卖）申请表", "成交价格（元）：560000", "卖方（李四）签字", "卖方配偶（王芳）签字"]
    {
        assert!(html.contains(expected), "{expected} in the printed form");
    }
    let elsewhere = staff_token(&app, "县民政局").await;
    let refused =
        app.staff_get(&elsewhere, &format!("/api/staff/cases/{}/application-form", receipt.case_number)).await;
    assert_eq!(refused.status(), 404, "another department's case is not printed");
}

#[tokio::test]
async fn a_spouse_the_answers_leave_out_is_neither_asked_nor_kept() {
    let app = spawn_app().await;
    let mut body = sale(&app).await;
    body["answers"]["seller_married"] = json!(false);
    // The spouse typed before the answer changed is not refused; it is not stored.
    let response = submit(&app, "BDC-001", "single-seller", &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: Receipt = response.json().await.unwrap();
    assert_eq!(receipt.parties.len(), 2);
    let staff = staff_case(&app, "县不动产登记中心", &receipt.case_number).await;
    assert_eq!(staff["application"]["form"]["parties"].as_object().unwrap().keys().collect::<Vec<_>>(), ["seller"]);

    // A party the item does not have is refused.
    let mut odd = sale(&app).await;
    odd["form"]["parties"]["witness"] = json!({"name": "赵六", "id_number": SPOUSE_ID, "phone": "13612345678"});
    let response = submit(&app, "BDC-001", "witness", &odd).await;
    assert_eq!(response.status(), 422);
    assert!(
        problems(&response.json().await.unwrap())
            .contains(&("parties.witness.name".to_owned(), "这份申请没有这一方，请刷新页面后重新填写".to_owned()))
    );
}

#[tokio::test]
async fn a_marriage_registration_has_both_sides() {
    let app = spawn_app().await;
    let photo = upload(&app, "MZ-004", "photos", "合影.png", PNG).await;
    let mut body = json!({
        "answers": {},
        "form": {"applicant": applicant(), "applicant_party": "bride",
                 "fields": {"appointment_date": "2026-12-18"},
                 "delivery": {"method": "window"}},
        "files": {"photos": [photo]},
    });
    let response = submit(&app, "MZ-004", "no-groom", &body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(problems(&response.json().await.unwrap()), [("parties.groom.name".into(), "请填写男方的信息".into())]);

    body["form"]["parties"] =
        json!({"groom": {"name": "李四", "id_number": SELLER_ID, "phone": "13912345678", "consent": true}});
    let response = submit(&app, "MZ-004", "both", &body).await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let receipt: Receipt = response.json().await.unwrap();
    let sides: Vec<&str> = receipt.parties.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(sides, ["男方", "女方"]);
    let staff = staff_case(&app, "县民政局", &receipt.case_number).await;
    assert_eq!(staff["application"]["form"]["parties"]["groom"]["name"], "李四");
    assert_eq!(staff["application"]["form"]["applicant_party"], "bride");
}
