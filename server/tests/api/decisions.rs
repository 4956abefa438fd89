//! 办结 records what was decided as the law and the ledger need it: granted
//! or not, the decision document's number, the certificate with its number
//! and validity — refused with a sentence when it cannot stand, shown to the
//! applicant when it can.

use domain::case::Status;
use domain::case::decision::Outcome;
use serde_json::json;

use crate::steps::{act, lookup, message, moved, submit_complete};
use crate::support::{spawn_app_with, staff_token};

const TRANSPORT: &str = "县交通运输局";

#[tokio::test]
async fn a_completion_records_the_decision_its_document_and_the_certificate() {
    let app = spawn_app_with(|s| s.today = Some("2026-11-23".into())).await;
    let token = staff_token(&app, TRANSPORT).await;
    let receipt = submit_complete(&app, "张三", "11010519491231002X", "13812345678").await;
    let case = receipt.case_number.as_str();
    moved(&app, &token, case, json!({"action": "accept"})).await;

    let complete = |decision: serde_json::Value| json!({"action": "complete", "result": "准予许可，证件可到窗口领取", "decision": decision});
    let certificate =
        json!({"name": "道路运输从业人员从业资格证", "number": "3201002026000123", "valid_until": "2032-11-22"});
    for (decision, why) in [
        (json!({"outcome": "granted", "document_number": " ", "certificate": certificate}), "请填写决定书文号"),
        (
            json!({"outcome": "denied", "document_number": "示交运许〔2026〕12号", "certificate": certificate}),
            "不予许可不发证照，请去掉证照信息",
        ),
        (
            json!({"outcome": "granted", "document_number": "示交运许〔2026〕12号",
                   "certificate": {"name": "从业资格证", "number": "1", "valid_until": "2026-11-20"}}),
            "证照的有效期不能早于今天；长期有效的请不填有效期",
        ),
    ] {
        let refused = act(&app, &token, case, complete(decision)).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(message(refused).await, why);
    }
    let granted = json!({"outcome": "granted", "document_number": "示交运许〔2026〕12号", "certificate": certificate});
    let staff = moved(&app, &token, case, complete(granted)).await;
    assert_eq!(staff.status, Status::Completed);
    let decision = staff.decision.unwrap();
    assert_eq!((decision.outcome, decision.document_number.as_str()), (Outcome::Granted, "示交运许〔2026〕12号"));
    let view = lookup(&app, &receipt).await;
    let shown = view.decision.unwrap().certificate.unwrap();
    assert_eq!(
        (shown.number.as_str(), shown.valid_until.unwrap().to_string()),
        ("3201002026000123", "2032-11-22".to_owned())
    );
    assert_eq!(
        view.timeline.last().unwrap().note.as_deref(),
        Some(
            "准予许可，证件可到窗口领取；准予许可（示交运许〔2026〕12号），发给道路运输从业人员从业资格证 3201002026000123，有效期至2032年11月22日"
        )
    );
}
