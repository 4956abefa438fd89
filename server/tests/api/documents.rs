//! The law's paperwork (《行政许可法》 arts. 32, 38): each decision the
//! applicant is told of issues its written document, numbered per department,
//! year and kind without gaps, kept as issued, printed as PDF (the CJK font
//! embedded: its text extracts) and as a page, for staff and applicant.

use domain::case::Status;
use domain::case::document::DocumentKind;
use domain::case::view::StaffCase;
use serde_json::json;

use crate::steps::{key, lookup, moved, submit_complete};
use crate::support::{TestApp, spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";

/// Every page's text, as a reader's copy-paste would give it.
fn pdf_text(bytes: &[u8]) -> String {
    let document = lopdf::Document::load_mem(bytes).expect("a PDF");
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    document.extract_text(&pages).expect("text").chars().filter(|c| !c.is_whitespace()).collect()
}

async fn staff_pdf(app: &TestApp, token: &str, case: &str, id: &str) -> Vec<u8> {
    let response = app.staff_get(token, &format!("/api/staff/cases/{case}/documents/{id}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn each_decision_issues_its_numbered_document_for_staff_and_applicant() {
    let app = spawn_app_with(|s| {
        s.today = Some("2026-11-23".into());
        s.documents.review_authority = "示范县人民政府".into();
    })
    .await;
    let token = staff_token(&app, TRANSPORT).await;
    let first = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let second = submit_complete(&app, "李小红", "11010219900307123X", "13912345678").await;
    let third = submit_complete(&app, "王五", "440304200002291236", "13712345678").await;

    let ask = json!({"action": "request_supplement", "items": [{"material": "photo", "reason": "照片不清晰"}]});
    let asked: StaffCase = moved(&app, &token, &first.case_number, ask).await;
    assert_eq!(asked.documents.len(), 1);
    assert_eq!(
        (asked.documents[0].kind, asked.documents[0].number.as_str()),
        (DocumentKind::Supplement, "县交通运输局补〔2026〕1号")
    );
    let accepted = moved(&app, &token, &second.case_number, json!({"action": "accept"})).await;
    let refused =
        moved(&app, &token, &third.case_number, json!({"action": "refuse", "reason": "申请人不符合年龄条件"})).await;
    assert_eq!(refused.status, Status::NotAccepted);
    let again = submit_complete(&app, "赵六", "110101199003078515", "13612345678").await;
    let later = moved(&app, &token, &again.case_number, json!({"action": "accept"})).await;
    let numbers: Vec<&str> = [&accepted, &later].iter().map(|c| c.documents[0].number.as_str()).collect();
    assert_eq!(numbers, ["县交通运输局受〔2026〕1号", "县交通运输局受〔2026〕2号"], "per kind, no gaps");

    let acceptance = pdf_text(&staff_pdf(&app, &token, &second.case_number, &accepted.documents[0].id).await);
    for said in [
        "受理通知书",
        "县交通运输局受〔2026〕1号",
        "李小红",
        &second.case_number,
        "道路货物运输驾驶员从业资格证核发",
        "2026年11月23日",
        "2026年11月30日前作出决定",
    ] {
        assert!(acceptance.contains(said), "{said} in {acceptance}");
    }
    let refusal = pdf_text(&staff_pdf(&app, &token, &third.case_number, &refused.documents[0].id).await);
    for said in [
        "不予受理决定书",
        "申请人不符合年龄条件",
        "六十日内向示范县人民政府申请行政复议",
        "六个月内依法向人民法院提起行政诉讼",
    ] {
        assert!(refusal.contains(said), "{said} in {refusal}");
    }

    // The applicant sees the document listed and downloads it with the case's key, as PDF or a page.
    let view = lookup(&app, &second).await;
    assert_eq!(view.documents.len(), 1);
    let mut body = key(&second);
    body["id"] = json!(view.documents[0].id);
    let copy = app.post("/api/cases/documents", &body).await;
    assert_eq!(copy.status(), 200);
    assert!(pdf_text(&copy.bytes().await.unwrap()).contains("受理通知书"));
    body["format"] = json!("html");
    let page = app.post("/api/cases/documents", &body).await.text().await.unwrap();
    assert!(page.contains("<h1>受理通知书</h1>") && page.contains("李小红"));
    body["id"] = json!(refused.documents[0].id);
    assert_eq!(app.post("/api/cases/documents", &body).await.status(), 404, "another case's document");
    let mut wrong = key(&second);
    wrong["query_code"] = json!("ABCD-EFGH");
    wrong["id"] = json!(view.documents[0].id);
    assert_eq!(app.post("/api/cases/documents", &wrong).await.status(), 404, "the key opens it");
}

/// A 2 × 2 red PNG, as a seal image.
const SEAL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==";

#[tokio::test]
async fn a_department_with_a_seal_image_issues_its_documents_sealed() {
    use base64::Engine;
    let seals = tempfile::TempDir::new().unwrap();
    let png = base64::engine::general_purpose::STANDARD.decode(SEAL_PNG).unwrap();
    std::fs::write(seals.path().join(format!("{TRANSPORT}.png")), &png).unwrap();
    let dir = seals.path().to_owned();
    let app = spawn_app_with(move |s| {
        s.today = Some("2026-11-23".into());
        s.documents.seal_dir = Some(dir);
    })
    .await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let accepted = moved(&app, &token, &receipt.case_number, json!({"action": "accept"})).await;
    let id = &accepted.documents[0].id;
    let pdf = staff_pdf(&app, &token, &receipt.case_number, id).await;
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let images = document
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).is_ok_and(|n| n == b"Image"))
        .count();
    assert!(images >= 1, "the seal is drawn");
    assert!(pdf_text(&pdf).contains("县交通运输局受〔2026〕1号"), "the text stays extractable");
    let path = format!("/api/staff/cases/{}/documents/{id}?format=html", receipt.case_number);
    let page = app.staff_get(&token, &path).await.text().await.unwrap();
    assert!(page.contains(&format!("<img class=\"seal\" src=\"data:image/png;base64,{SEAL_PNG}\" alt=\"印章\">")));
}
