//! One case walked from submission through 补正, 受理, an extension, a
//! 现场核查 pause and 办结, then rated: the records every profile's golden
//! file is written from, so a change to a mapping shows up in review.

use std::path::Path;

use domain::apply::form::{Applicant, ApplicationForm, Delivery, Person};
use domain::case::clock::Procedure;
use domain::case::event::CaseEvent;
use domain::case::exchange::codes::Source;
use domain::case::exchange::map::{CaseFacts, Happened, Move, records as map_records};
use domain::case::exchange::records::{Material, Record};
use domain::case::{Action, SupplementItem, rating};
use domain::catalog::department::Department;

/// The walked case's records, each with the case event it reports (0: the submission).
pub fn records() -> Vec<(i64, Record)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalog = crate::catalog::load(&root.join("../catalog"), &root.join("../public")).unwrap();
    let mut item = catalog.get("JT-003").unwrap().clone();
    item.basic_code = "000105410000".into();
    let unit =
        Department {
            name: "县交通运输局".into(), credit_code: "91350100M000100Y43".into(), region: "330102".into()
        };
    let form = ApplicationForm {
        applicant: Applicant::Person(Person {
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812345678".into(),
            address: "示范县人民路 88 号".into(),
        }),
        agent: None,
        fields: Default::default(),
        delivery: Some(Delivery::Window),
        applicant_party: None,
        parties: Default::default(),
    };
    let case = CaseFacts {
        case_number: "JT-003202612070001",
        item: &item,
        basic_code: &item.basic_code,
        unit: &unit,
        form: &form,
    };
    let supplement = Action::RequestSupplement {
        items: vec![SupplementItem { material: "photo".into(), reason: "照片背景不是白色".into() }],
        days: 5,
    };
    let extend =
        Action::Extend { days: 10, approver: "王局长".into(), reason: "需要向省厅核实从业记录".into() };
    let suspend = Action::Suspend { procedure: Procedure::Inspection, reason: "核查经营场所".into() };
    let complete: Action = serde_json::from_value(serde_json::json!({"action": "complete", "result": "准予许可",
            "decision": {"outcome": "granted", "document_number": "示交运许〔2026〕12号",
            "certificate": {"name": "道路运输从业人员从业资格证", "number": "3201002026000123", "valid_until": "2032-11-22"}}}))
        .unwrap();
    let step = |event, action, at| Move {
        event,
        action,
        at,
        by: "王窗口",
        document_number: Some("示交运受〔2026〕7号"),
        promised_by: domain::time::date::Date::new(2026, 12, 25),
        paused: None,
    };
    let mut resumed = step(CaseEvent::Resumed, Some(&Action::Resume), "2026-12-10T02:00:00Z");
    resumed.paused = Some(("2026-12-09T02:00:00Z", Procedure::Inspection, "核查经营场所"));
    let happened = vec![
        Happened::Submitted {
            at: "2026-12-07T01:30:00Z",
            source: Source::Mobile,
            materials: vec![
                Material { name: "居民身份证".into(), received: true, files: 2 },
                Material { name: "体检证明".into(), received: false, files: 0 },
            ],
        },
        Happened::Moved(step(CaseEvent::SupplementRequested, Some(&supplement), "2026-12-07T02:00:00Z")),
        Happened::Moved(step(CaseEvent::Resubmitted, Some(&Action::Resubmit), "2026-12-07T06:00:00Z")),
        Happened::Moved(step(CaseEvent::Accepted, Some(&Action::Accept), "2026-12-08T01:00:00Z")),
        Happened::Moved(step(CaseEvent::Extended, Some(&extend), "2026-12-08T02:00:00Z")),
        Happened::Moved(step(CaseEvent::Suspended, Some(&suspend), "2026-12-09T02:00:00Z")),
        Happened::Moved(resumed),
        Happened::Moved(step(CaseEvent::Completed, Some(&complete), "2026-12-11T08:00:00Z")),
        Happened::Rated {
            at: "2026-12-12T00:00:00Z",
            channel: rating::Channel::Mobile,
            round: 1,
            overall: 4,
            reason: "",
            stage: rating::Stage::Completion,
        },
    ];
    let mut out = Vec::new();
    for (seq, h) in happened.iter().enumerate() {
        for record in map_records(&case, h) {
            out.push((i64::try_from(seq).unwrap(), record));
        }
    }
    out
}

/// Compare `lines` with the golden file `name`; `BLESS=1 cargo test` writes it anew after a deliberate change.
pub fn golden(name: &str, lines: &str) {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/exchange/golden").join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&golden, lines).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(lines, expected, "the profile's output changed: review, then BLESS=1 to write {}", golden.display());
}
