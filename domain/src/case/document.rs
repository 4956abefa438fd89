//! The written documents the law requires at each decision (《行政许可法》
//! arts. 32, 38): 受理通知书, 不予受理决定书 (with the rights to 行政复议 and
//! 行政诉讼), 补正告知书 and 准予/不予许可决定书. Their words are made here,
//! once, from the case; the server numbers each kind per department and year
//! without gaps, keeps the words as issued, and prints them as HTML and PDF.

use serde::{Deserialize, Serialize};

use super::decision::{Decision, Outcome};
use super::event::CaseEvent;
use crate::time::date::Date;

/// Which document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 受理通知书 (also for an acceptance by law, 视为受理).
    Acceptance,
    /// 不予受理决定书.
    Refusal,
    /// 补正告知书.
    Supplement,
    /// 准予 or 不予许可决定书 (numbered by the department: its decision's number).
    Permit,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [Self::Acceptance, Self::Refusal, Self::Supplement, Self::Permit];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acceptance => "acceptance",
            Self::Refusal => "refusal",
            Self::Supplement => "supplement",
            Self::Permit => "permit",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The word in the document's number: 示范县交通运输局受〔2026〕3号.
    fn mark(self) -> &'static str {
        match self {
            Self::Acceptance => "受",
            Self::Refusal => "不受",
            Self::Supplement => "补",
            Self::Permit => "许",
        }
    }

    /// The document an event issues, if it issues one.
    pub fn of_event(event: CaseEvent, decision: Option<&Decision>) -> Option<Self> {
        match event {
            CaseEvent::Accepted | CaseEvent::DeemedAccepted => Some(Self::Acceptance),
            CaseEvent::Refused => Some(Self::Refusal),
            CaseEvent::SupplementRequested => Some(Self::Supplement),
            CaseEvent::Completed => decision.map(|_| Self::Permit),
            CaseEvent::Submitted
            | CaseEvent::PreReviewStarted
            | CaseEvent::Agreed
            | CaseEvent::Resubmitted
            | CaseEvent::Extended
            | CaseEvent::Started
            | CaseEvent::Suspended
            | CaseEvent::Resumed
            | CaseEvent::Terminated
            | CaseEvent::Withdrawn
            | CaseEvent::LaterSupplied
            | CaseEvent::LaterDueSoon
            | CaseEvent::LaterDueToday
            | CaseEvent::Replied
            | CaseEvent::DueSoon
            | CaseEvent::Overdue => None,
        }
    }
}

/// A number in the sequence of a department, year and kind (from 1, no gaps).
pub fn number(department: &str, kind: DocumentKind, year: i32, sequence: i64) -> String {
    format!("{department}{}〔{year}〕{sequence}号", kind.mark())
}

/// What a document says, as issued: a title, its number, the addressee, the
/// paragraphs, who issues it and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentText {
    pub title: String,
    pub number: String,
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub issuer: String,
    pub issued_on: Date,
}

/// One document of a case, as listed (staff and applicant).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRef {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    pub number: String,
    pub issued_on: Date,
}

/// How a document is printed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Pdf,
    /// A page for the browser's print dialog.
    Html,
}

/// The facts a document is written from.
pub struct Facts<'a> {
    pub department: &'a str,
    pub applicant: &'a str,
    pub item_name: &'a str,
    pub case_number: &'a str,
    /// The province's number of the case, where the centre reports to one.
    pub province_number: Option<&'a str>,
    /// The day the materials were (last) received.
    pub received_on: Date,
    pub issued_on: Date,
    /// The acceptance's due date (受理通知书).
    pub due_on: Option<Date>,
    /// Accepted by law (视为受理).
    pub deemed: bool,
    /// A refusal's reason, or a permit decision's result.
    pub reason: &'a str,
    /// 补正: each material's name and why, and the last day to supply them.
    pub supplement: &'a [(String, String)],
    pub supply_by: Option<Date>,
    pub decision: Option<&'a Decision>,
    /// 行政复议机关, as the centre configures it.
    pub review_authority: &'a str,
}

/// The rights every refusal states (art. 38).
pub fn rights(review_authority: &str) -> String {
    format!(
        "如不服本决定，可以自收到本决定书之日起六十日内向{review_authority}申请行政复议，\
         也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
    )
}

/// 办件编号 X, and the province's beside it where there is one: what names a
/// case in every document and notice.
pub fn numbers(case_number: &str, province_number: Option<&str>) -> String {
    match province_number {
        Some(province) => format!("办件编号 {case_number}，省平台办件编号 {province}"),
        None => format!("办件编号 {case_number}"),
    }
}

/// The words of `kind` for the case `f` describes, numbered `number`.
pub fn text(kind: DocumentKind, f: &Facts<'_>, number: String) -> DocumentText {
    let numbers = numbers(f.case_number, f.province_number);
    let applied = format!("你（单位）于{}提出的{}申请（{numbers}）", f.received_on.chinese(), f.item_name);
    let (title, paragraphs) = match kind {
        DocumentKind::Acceptance => {
            let mut first = if f.deemed {
                format!(
                    "{applied}，本机关未在收到申请材料之日起五个工作日内告知补正，依法自收到申请材料之日起视为受理。"
                )
            } else {
                format!("{applied}，申请材料齐全、符合法定形式，本机关决定予以受理。")
            };
            if let Some(due) = f.due_on {
                first.push_str(&format!("本机关将于{}前作出决定。", due.chinese()));
            }
            ("受理通知书".to_owned(), vec![first])
        }
        DocumentKind::Refusal => (
            "不予受理决定书".to_owned(),
            vec![format!("{applied}，经审查，{}。本机关决定不予受理。", f.reason.trim()), rights(f.review_authority)],
        ),
        DocumentKind::Supplement => {
            let mut paragraphs = vec![format!("{applied}，申请材料不齐全或者不符合法定形式。请一次性补正以下材料：")];
            paragraphs
                .extend(f.supplement.iter().enumerate().map(|(i, (name, why))| format!("{}. {name}：{why}", i + 1)));
            paragraphs.push(match f.supply_by {
                Some(day) => format!(
                    "请于{}前补正。补正的材料提交后，本机关将重新审查；逾期未补正的，视为撤回申请。",
                    day.chinese()
                ),
                None => "补正的材料提交后，本机关将重新审查。".to_owned(),
            });
            ("补正告知书".to_owned(), paragraphs)
        }
        DocumentKind::Permit => {
            let outcome = f.decision.map_or(Outcome::Granted, |d| d.outcome);
            let mut paragraphs = vec![format!("{applied}，本机关已依法受理并审查。{}", f.reason.trim())];
            match outcome {
                Outcome::Granted => {
                    paragraphs.push("经审查，申请符合法定条件、标准，本机关决定准予行政许可。".to_owned());
                    if let Some(c) = f.decision.and_then(|d| d.certificate.as_ref()) {
                        let validity =
                            c.valid_until.map_or("长期有效".to_owned(), |d| format!("有效期至{}", d.chinese()));
                        paragraphs.push(format!("发给{}，编号 {}，{validity}。", c.name.trim(), c.number.trim()));
                    }
                }
                Outcome::Denied => {
                    paragraphs.push("经审查，申请不符合法定条件、标准，本机关决定不予行政许可。".to_owned());
                    paragraphs.push(rights(f.review_authority));
                }
            }
            (format!("{}决定书", outcome.label()), paragraphs)
        }
    };
    DocumentText {
        title,
        number,
        addressee: format!("{}：", f.applicant.trim()),
        paragraphs,
        issuer: f.department.to_owned(),
        issued_on: f.issued_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(reason: &'a str, supplement: &'a [(String, String)]) -> Facts<'a> {
        Facts {
            department: "示范县交通运输局",
            applicant: "张三",
            item_name: "道路货物运输驾驶员从业资格证核发",
            case_number: "ABCD-EFGH",
            province_number: None,
            received_on: Date::parse("2026-11-23").unwrap(),
            issued_on: Date::parse("2026-11-24").unwrap(),
            due_on: Date::parse("2026-12-01"),
            deemed: false,
            reason,
            supplement,
            supply_by: Date::parse("2026-12-08"),
            decision: None,
            review_authority: "示范县人民政府",
        }
    }

    #[test]
    fn each_document_says_what_the_law_asks_of_it() {
        let n = number("示范县交通运输局", DocumentKind::Acceptance, 2026, 3);
        assert_eq!(n, "示范县交通运输局受〔2026〕3号");
        let accepted = text(DocumentKind::Acceptance, &facts("", &[]), n);
        assert_eq!(accepted.title, "受理通知书");
        assert!(
            accepted.paragraphs[0]
                .contains("2026年11月23日提出的道路货物运输驾驶员从业资格证核发申请（办件编号 ABCD-EFGH）")
        );
        assert!(accepted.paragraphs[0].ends_with("本机关将于2026年12月1日前作出决定。"));
        let refused = text(DocumentKind::Refusal, &facts("申请人不符合年龄条件", &[]), "x".into());
        assert!(refused.paragraphs[0].contains("经审查，申请人不符合年龄条件。本机关决定不予受理。"));
        assert!(refused.paragraphs[1].contains("六十日内向示范县人民政府申请行政复议"));
        assert!(refused.paragraphs[1].contains("六个月内依法向人民法院提起行政诉讼"));
        let asks = [("近期一寸照片".to_owned(), "照片不清晰".to_owned())];
        let supplement = text(DocumentKind::Supplement, &facts("", &asks), "y".into());
        assert_eq!(supplement.paragraphs[1], "1. 近期一寸照片：照片不清晰");
        assert!(supplement.paragraphs[2].starts_with("请于2026年12月8日前补正。"));
        assert_eq!(DocumentKind::of_event(CaseEvent::Completed, None), None, "a result without a decision issues none");
        assert_eq!(DocumentKind::of_event(CaseEvent::DeemedAccepted, None), Some(DocumentKind::Acceptance));
    }
}
