//! One pure function from what happened to a case to the GB/T 39046 records
//! it produces: the same on every instance and in every test, so a province
//! is told each thing once and a profile only spells what this decides.

use super::codes::{Action as Step, CaseType, IdKind, Satisfaction, Source, SpecialKind, rating_channel, stamp};
use super::records::{
    Acceptance, Application, Completion, Ending, Evaluation, Handling, Material, Party, Record, Special,
};
use crate::apply::form::{Applicant, ApplicationForm, Delivery};
use crate::case::clock::Procedure;
use crate::case::decision::Outcome;
use crate::case::event::CaseEvent;
use crate::case::{Action, rating};
use crate::catalog::ServiceItem;
use crate::catalog::department::Department;
use crate::time::date::Date;

/// What every record of one case names.
pub struct CaseFacts<'a> {
    /// 办件编号: the province's.
    pub case_number: &'a str,
    pub item: &'a ServiceItem,
    /// 基本编码.
    pub basic_code: &'a str,
    /// The deciding unit, as the province knows it.
    pub unit: &'a Department,
    pub form: &'a ApplicationForm,
}

/// One move of the case, with what its records need.
pub struct Move<'a> {
    pub event: CaseEvent,
    /// What was asked (none for the service's own reminders).
    pub action: Option<&'a Action>,
    pub at: &'a str,
    /// Who did it: the clerk's name, or the service (视为受理, 终止).
    pub by: &'a str,
    /// The document the move issued (受理通知书, 不予受理决定书 …).
    pub document_number: Option<&'a str>,
    /// 承诺办结 date, once accepted.
    pub promised_by: Option<Date>,
    /// For 恢复办理: when the pause began, for which procedure and why.
    pub paused: Option<(&'a str, Procedure, &'a str)>,
}

/// What happened to the case.
pub enum Happened<'a> {
    Submitted { at: &'a str, source: Source, materials: Vec<Material> },
    Moved(Move<'a>),
    Rated { at: &'a str, channel: rating::Channel, round: u8, overall: u8, reason: &'a str, stage: rating::Stage },
}

/// The records `happened` produces (none for what a province is not told:
/// reminders, a department's reply).
pub fn records(case: &CaseFacts<'_>, happened: &Happened<'_>) -> Vec<Record> {
    match happened {
        Happened::Submitted { at, source, materials } => vec![application(case, at, *source, materials)],
        Happened::Moved(m) => moved(case, m),
        Happened::Rated { at, channel, round, overall, reason, stage } => {
            let Some(satisfaction) = Satisfaction::of_overall(*overall) else { return Vec::new() };
            vec![Record::Evaluation(Evaluation {
                case_number: case.case_number.to_owned(),
                channel: rating_channel(*channel),
                at: stamp(at).unwrap_or_default(),
                round: *round,
                satisfaction,
                reason: (*reason).to_owned(),
                at_completion: matches!(stage, rating::Stage::Completion),
            })]
        }
    }
}

fn party(applicant: &Applicant) -> Party {
    match applicant {
        Applicant::Person(p) => Party {
            name: p.name.clone(),
            id_kind: IdKind::ResidentId,
            id_number: p.id_number.clone(),
            phone: p.phone.clone(),
            address: p.address.clone(),
            legal_representative: None,
        },
        Applicant::Organisation(o) => Party {
            name: o.name.clone(),
            id_kind: IdKind::CreditCode,
            id_number: o.credit_code.clone(),
            phone: o.phone.clone(),
            address: o.address.clone(),
            legal_representative: Some(o.legal_representative.clone()),
        },
    }
}

fn application(case: &CaseFacts<'_>, at: &str, source: Source, materials: &[Material]) -> Record {
    let agent = case.form.agent.as_ref().map(|a| Party {
        name: a.name.clone(),
        id_kind: IdKind::ResidentId,
        id_number: a.id_number.clone(),
        phone: a.phone.clone(),
        address: String::new(),
        legal_representative: None,
    });
    Record::Application(Application {
        case_number: case.case_number.to_owned(),
        item_code: case.item.code.clone(),
        item_name: case.item.name.clone(),
        case_type: CaseType::of(case.item.case_kind),
        applicant: party(&case.form.applicant),
        agent,
        source,
        applied_at: stamp(at).unwrap_or_default(),
        region: case.unit.region.clone(),
        materials: materials.to_vec(),
    })
}

fn handling(case: &CaseFacts<'_>, m: &Move<'_>, action: Step, step: &str, opinion: String) -> Record {
    Record::Handling(Handling {
        case_number: case.case_number.to_owned(),
        action,
        step: step.to_owned(),
        handler: m.by.to_owned(),
        opinion,
        at: stamp(m.at).unwrap_or_default(),
    })
}

fn acceptance(case: &CaseFacts<'_>, m: &Move<'_>, accepted: bool, reason: Option<String>) -> Record {
    Record::Acceptance(Acceptance {
        case_number: case.case_number.to_owned(),
        basic_code: case.basic_code.to_owned(),
        item_code: case.item.code.clone(),
        unit: case.unit.name.clone(),
        unit_credit_code: case.unit.credit_code.clone(),
        clerk: m.by.to_owned(),
        at: stamp(m.at).unwrap_or_default(),
        document_number: m.document_number.unwrap_or_default().to_owned(),
        promised_by: m.promised_by.filter(|_| accepted).map(|d| format!("{}T235959", d.compact())),
        case_type: CaseType::of(case.item.case_kind),
        accepted,
        reason,
    })
}

fn completion(case: &CaseFacts<'_>, m: &Move<'_>, ending: Ending, result: String) -> Completion {
    Completion {
        case_number: case.case_number.to_owned(),
        ending,
        handler: m.by.to_owned(),
        at: stamp(m.at).unwrap_or_default(),
        result,
        document_number: None,
        certificate: None,
        unit: case.unit.name.clone(),
        posted: matches!(case.form.delivery, Some(Delivery::Post(_))),
        charged: !case.item.fee.free,
    }
}

fn moved(case: &CaseFacts<'_>, m: &Move<'_>) -> Vec<Record> {
    let material =
        |id: &str| case.item.materials.iter().find(|x| x.id == id).map_or(id, |x| x.name.as_str()).to_owned();
    let record = match (m.event, m.action) {
        (CaseEvent::PreReviewStarted, _) => handling(case, m, Step::Pass, "预审", String::new()),
        (CaseEvent::Agreed, _) => handling(case, m, Step::Pass, "征求意见", "无补正意见，同意受理".to_owned()),
        (CaseEvent::SupplementRequested, action) => {
            let opinion = match action {
                Some(Action::RequestSupplement { items, days }) => {
                    let list: Vec<String> =
                        items.iter().map(|i| format!("{}（{}）", material(&i.material), i.reason)).collect();
                    format!("请在{days}个工作日内补正：{}", list.join("；"))
                }
                _ => String::new(),
            };
            handling(case, m, Step::Return, "补正告知", opinion)
        }
        (CaseEvent::Resubmitted, _) => handling(case, m, Step::Pass, "补正后重新提交", String::new()),
        (CaseEvent::Accepted | CaseEvent::DeemedAccepted, _) => acceptance(case, m, true, None),
        (CaseEvent::Refused, action) => {
            let reason = match action {
                Some(Action::Refuse { reason }) => Some(reason.clone()),
                _ => None,
            };
            acceptance(case, m, false, reason)
        }
        (CaseEvent::Started, _) => handling(case, m, Step::Pass, "办理", String::new()),
        (CaseEvent::LaterSupplied, _) => handling(case, m, Step::Pass, "容缺材料补交", String::new()),
        (CaseEvent::Extended, action) => {
            let (days, approver, reason) = match action {
                Some(Action::Extend { days, approver, reason }) => (Some(*days), approver.clone(), reason.clone()),
                _ => (None, m.by.to_owned(), String::new()),
            };
            let at = stamp(m.at).unwrap_or_default();
            Record::Special(Special {
                case_number: case.case_number.to_owned(),
                kind: SpecialKind::Extension,
                name: "延长审批".to_owned(),
                reason,
                approver,
                started_at: at.clone(),
                ended_at: Some(at),
                result: Some("批准延长".to_owned()),
                days,
                unit: case.unit.name.clone(),
            })
        }
        (CaseEvent::Suspended, action) => {
            let (procedure, reason) = match action {
                Some(Action::Suspend { procedure, reason }) => (*procedure, reason.clone()),
                _ => (Procedure::Other, String::new()),
            };
            special_pause(case, m, procedure, reason, stamp(m.at).unwrap_or_default(), None)
        }
        (CaseEvent::Resumed, _) => {
            let (since, procedure, reason) = m.paused.unwrap_or((m.at, Procedure::Other, ""));
            let ended = stamp(m.at);
            special_pause(case, m, procedure, reason.to_owned(), stamp(since).unwrap_or_default(), ended)
        }
        (CaseEvent::Completed, action) => {
            let (result, decision) = match action {
                Some(Action::Complete { result, decision }) => (result.clone(), decision.as_ref()),
                _ => (String::new(), None),
            };
            let ending = match decision.map(|d| d.outcome) {
                Some(Outcome::Denied) => Ending::Denied,
                Some(Outcome::Granted) | None => Ending::Granted,
            };
            let mut done = completion(case, m, ending, result);
            done.document_number = decision.map(|d| d.document_number.clone());
            done.certificate = decision
                .and_then(|d| d.certificate.as_ref())
                .map(|c| (c.name.clone(), c.number.clone(), c.valid_until.map(Date::compact)));
            Record::Completion(done)
        }
        (CaseEvent::Withdrawn, _) => {
            Record::Completion(completion(case, m, Ending::Withdrawn, "申请人撤回申请".to_owned()))
        }
        (CaseEvent::Terminated, action) => {
            let reason = match action {
                Some(Action::Terminate { reason }) => reason.clone(),
                _ => "终止办理".to_owned(),
            };
            Record::Completion(completion(case, m, Ending::Terminated, reason))
        }
        // Not a province's to hear: the submission has its own record; reminders and replies are Bianmin's.
        (
            CaseEvent::Submitted
            | CaseEvent::DueSoon
            | CaseEvent::Overdue
            | CaseEvent::LaterDueSoon
            | CaseEvent::LaterDueToday
            | CaseEvent::Replied,
            _,
        ) => return Vec::new(),
    };
    vec![record]
}

fn special_pause(
    case: &CaseFacts<'_>,
    m: &Move<'_>,
    procedure: Procedure,
    reason: String,
    started_at: String,
    ended_at: Option<String>,
) -> Record {
    let result = ended_at.as_ref().map(|_| format!("{}结束，恢复办理", procedure.label()));
    Record::Special(Special {
        case_number: case.case_number.to_owned(),
        kind: SpecialKind::Other,
        name: procedure.label().to_owned(),
        reason,
        approver: m.by.to_owned(),
        started_at,
        ended_at,
        result,
        days: None,
        unit: case.unit.name.clone(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::apply::form::{Delivery, Person};
    use crate::case::SupplementItem;
    use crate::case::decision::{Certificate, Decision};
    use crate::catalog::Material as CatalogMaterial;
    use crate::fixtures::{item, material};

    fn unit() -> Department {
        Department {
            name: "示范县交通运输局".into(),
            credit_code: "11330000MB1234567X".into(),
            region: "330102".into(),
        }
    }

    fn form() -> ApplicationForm {
        ApplicationForm {
            applicant: Applicant::Person(Person {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
                phone: "13812345678".into(),
                address: "示范县人民路 88 号".into(),
            }),
            agent: None,
            fields: BTreeMap::new(),
            delivery: Some(Delivery::Window),
            applicant_party: None,
            parties: BTreeMap::new(),
        }
    }

    /// Every record as one line: the dataset and what tells it apart.
    fn line(record: &Record) -> String {
        match record {
            Record::Application(a) => format!(
                "办事申请 {} {} 类型{} 来源{} {} {} 材料{}",
                a.case_number,
                a.item_code,
                a.case_type.code(),
                a.source.code(),
                a.applicant.id_kind.code("001"),
                a.applied_at,
                a.materials.len()
            ),
            Record::Acceptance(a) => format!(
                "事项受理 {} {} {} {} {}",
                if a.accepted { "受理" } else { "不予受理" },
                a.unit_credit_code,
                a.at,
                a.document_number,
                a.promised_by.as_deref().unwrap_or("-")
            ),
            Record::Handling(h) => format!("事项办理 {} {} {} {}", h.action.name(), h.step, h.at, h.opinion),
            Record::Special(s) => format!(
                "特别程序 {} {} {} {} {}",
                s.kind.code(),
                s.name,
                s.started_at,
                s.ended_at.as_deref().unwrap_or("-"),
                s.days.map_or("-".to_owned(), |d| d.to_string())
            ),
            Record::Completion(c) => format!(
                "事项办结 {:?} {} {} {:?}",
                c.ending,
                c.at,
                c.document_number.as_deref().unwrap_or("-"),
                c.certificate
            ),
            Record::Evaluation(e) => format!(
                "评价 渠道{} 第{}次 满意度{} {}",
                e.channel,
                e.round,
                e.satisfaction.code(),
                if e.at_completion { "办结" } else { "受理" }
            ),
        }
    }

    #[test]
    fn a_case_from_submission_to_rating_produces_exactly_these_records() {
        let mut item = item("JT-003");
        item.materials = vec![CatalogMaterial { name: "居民身份证".into(), ..material("id_card") }];
        let (unit, form) = (unit(), form());
        let case = CaseFacts {
            case_number: "11330000MB1234567X0001",
            item: &item,
            basic_code: "000123",
            unit: &unit,
            form: &form,
        };
        let supplement = Action::RequestSupplement {
            items: vec![SupplementItem { material: "id_card".into(), reason: "背面不清晰".into() }],
            days: 5,
        };
        let extend = Action::Extend { days: 10, approver: "李局长".into(), reason: "需要现场核查".into() };
        let suspend = Action::Suspend { procedure: Procedure::Inspection, reason: "核查经营场所".into() };
        let complete = Action::Complete {
            result: "准予许可".into(),
            decision: Some(Decision {
                outcome: Outcome::Granted,
                document_number: "示交运许〔2026〕12号".into(),
                certificate: Some(Certificate {
                    name: "道路运输从业人员从业资格证".into(),
                    number: "330102202612060001".into(),
                    valid_until: Date::new(2032, 12, 5),
                }),
            }),
        };
        let step = |event, action, at, document: Option<&'static str>| Move {
            event,
            action,
            at,
            by: "王窗口",
            document_number: document,
            promised_by: Date::new(2026, 12, 25),
            paused: None,
        };
        let mut happened = vec![Happened::Submitted {
            at: "2026-12-01T01:30:00Z",
            source: Source::Mobile,
            materials: vec![Material { name: "居民身份证".into(), received: true, files: 2 }],
        }];
        happened.push(Happened::Moved(step(
            CaseEvent::SupplementRequested,
            Some(&supplement),
            "2026-12-01T02:00:00Z",
            None,
        )));
        happened.push(Happened::Moved(step(CaseEvent::Resubmitted, None, "2026-12-02T01:00:00Z", None)));
        happened.push(Happened::Moved(step(
            CaseEvent::Accepted,
            Some(&Action::Accept),
            "2026-12-02T02:00:00Z",
            Some("示交运受〔2026〕7号"),
        )));
        happened.push(Happened::Moved(step(CaseEvent::Extended, Some(&extend), "2026-12-03T02:00:00Z", None)));
        happened.push(Happened::Moved(step(CaseEvent::Suspended, Some(&suspend), "2026-12-04T02:00:00Z", None)));
        let mut resumed = step(CaseEvent::Resumed, Some(&Action::Resume), "2026-12-07T02:00:00Z", None);
        resumed.paused = Some(("2026-12-04T02:00:00Z", Procedure::Inspection, "核查经营场所"));
        happened.push(Happened::Moved(resumed));
        happened.push(Happened::Moved(step(CaseEvent::Completed, Some(&complete), "2026-12-08T08:00:00Z", None)));
        happened.push(Happened::Moved(step(CaseEvent::DueSoon, None, "2026-12-08T09:00:00Z", None)));
        happened.push(Happened::Rated {
            at: "2026-12-09T00:00:00Z",
            channel: rating::Channel::Mobile,
            round: 1,
            overall: 5,
            reason: "",
            stage: rating::Stage::Completion,
        });
        let lines: Vec<String> = happened.iter().flat_map(|h| records(&case, h)).map(|r| line(&r)).collect();
        assert_eq!(
            lines,
            [
                "办事申请 11330000MB1234567X0001 JT-003 类型2 来源3 111 20261201T093000 材料1",
                "事项办理 退回 补正告知 20261201T100000 请在5个工作日内补正：居民身份证（背面不清晰）",
                "事项办理 通过 补正后重新提交 20261202T090000 ",
                "事项受理 受理 11330000MB1234567X 20261202T100000 示交运受〔2026〕7号 20261225T235959",
                "特别程序 1 延长审批 20261203T100000 20261203T100000 10",
                "特别程序 2 现场核查 20261204T100000 - -",
                "特别程序 2 现场核查 20261204T100000 20261207T100000 -",
                "事项办结 Granted 20261208T160000 示交运许〔2026〕12号 Some((\"道路运输从业人员从业资格证\", \"330102202612060001\", Some(\"20321205\")))",
                "评价 渠道2 第1次 满意度1 办结",
            ]
        );
    }

    #[test]
    fn refusal_withdrawal_and_termination_are_told_as_such() {
        let item = item("JT-003");
        let (unit, form) = (unit(), form());
        let case = CaseFacts { case_number: "P-1", item: &item, basic_code: "000123", unit: &unit, form: &form };
        let refuse = Action::Refuse { reason: "不属于本机关职权范围".into() };
        let m = |event, action| Move {
            event,
            action,
            at: "2026-12-01T01:30:00Z",
            by: "王窗口",
            document_number: Some("示交运不受〔2026〕1号"),
            promised_by: Date::new(2026, 12, 25),
            paused: None,
        };
        let refused = records(&case, &Happened::Moved(m(CaseEvent::Refused, Some(&refuse))));
        let Record::Acceptance(a) = &refused[0] else { panic!("{refused:?}") };
        assert!(!a.accepted);
        assert_eq!(a.promised_by, None, "nothing is promised when not accepted");
        assert_eq!(a.reason.as_deref(), Some("不属于本机关职权范围"));
        let withdrawn = records(&case, &Happened::Moved(m(CaseEvent::Withdrawn, Some(&Action::Withdraw))));
        assert!(matches!(&withdrawn[0], Record::Completion(c) if c.ending == Ending::Withdrawn));
        let ended = records(&case, &Happened::Moved(m(CaseEvent::Terminated, None)));
        assert!(matches!(&ended[0], Record::Completion(c) if c.ending == Ending::Terminated));
        assert!(records(&case, &Happened::Moved(m(CaseEvent::Replied, None))).is_empty());
    }
}
