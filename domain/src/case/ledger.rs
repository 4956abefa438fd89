//! The department's ledger (台账, 一事一记): one line per case with the
//! fields GB/T 39046-2020 names for a case's application, acceptance and
//! completion, for a chosen period, as CSV (UTF-8 with a byte-order mark,
//! so a spreadsheet opens the Chinese right) or a workbook the server makes
//! from the same lines. Personal identifiers stay masked, as on screen.

use super::Status;
use super::decision::{Decision, Outcome};
use crate::apply::form::Applicant;
use crate::apply::identity::{mask_id, mask_name};
use crate::catalog::item::CaseKind;
use crate::time::date::{Date, beijing_time};

/// How the ledger is exported.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LedgerFormat {
    /// CSV, UTF-8 with a byte-order mark.
    #[default]
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// The columns, in the standard's words.
pub const COLUMNS: [&str; 19] = [
    "办件编号",
    "事项编码",
    "事项名称",
    "办件类型",
    "申请人名称",
    "申请人证件类型",
    "申请人证件号码",
    "申请时间",
    "受理部门",
    "受理日期",
    "受理文书编号",
    "承诺办结日期",
    "办理状态",
    "办结日期",
    "办结结果",
    "决定文书编号",
    "证照名称",
    "证照编号",
    "是否超期",
];

/// What one line is made of.
pub struct Facts<'a> {
    pub case_number: &'a str,
    pub item_code: &'a str,
    pub item_name: &'a str,
    pub case_kind: CaseKind,
    pub applicant: &'a Applicant,
    /// RFC 3339.
    pub submitted_at: &'a str,
    pub department: &'a str,
    pub accepted_on: Option<Date>,
    /// The 受理通知书's number, when one was issued.
    pub acceptance_number: Option<&'a str>,
    pub due_on: Option<Date>,
    pub status: Status,
    pub completed_on: Option<Date>,
    pub result: Option<&'a str>,
    pub decision: Option<&'a Decision>,
    pub today: Date,
}

/// One line, in [`COLUMNS`] order.
pub fn line(f: &Facts<'_>) -> Vec<String> {
    let (name, id_kind, id) = match f.applicant {
        Applicant::Person(p) => (mask_name(&p.name), "居民身份证", mask_id(&p.id_number)),
        // A legal person's name and credit code are public.
        Applicant::Organisation(o) => (o.name.clone(), "统一社会信用代码", o.credit_code.clone()),
    };
    let day = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let outcome = match f.decision.map(|d| d.outcome) {
        Some(Outcome::Granted) => "准予许可".to_owned(),
        Some(Outcome::Denied) => "不予许可".to_owned(),
        None => f.result.unwrap_or_default().to_owned(),
    };
    let certificate = f.decision.and_then(|d| d.certificate.as_ref());
    // Completed after the promise, or still open past it.
    let late = f.due_on.is_some_and(|due| match f.completed_on {
        Some(done) => done > due,
        None => !f.status.is_final() && f.today > due,
    });
    vec![
        f.case_number.to_owned(),
        f.item_code.to_owned(),
        f.item_name.to_owned(),
        f.case_kind.label().to_owned(),
        name,
        id_kind.to_owned(),
        id,
        beijing_time(f.submitted_at).unwrap_or_default(),
        f.department.to_owned(),
        day(f.accepted_on),
        f.acceptance_number.unwrap_or_default().to_owned(),
        day(f.due_on),
        f.status.label().to_owned(),
        day(f.completed_on),
        outcome,
        f.decision.map(|d| d.document_number.clone()).unwrap_or_default(),
        certificate.map(|c| c.name.clone()).unwrap_or_default(),
        certificate.map(|c| c.number.clone()).unwrap_or_default(),
        if late { "是" } else { "否" }.to_owned(),
    ]
}

/// Lines as CSV (RFC 4180), headed by [`COLUMNS`], with a byte-order mark.
/// A cell a spreadsheet would read as a formula is quoted with a leading `'`.
pub fn csv(lines: &[Vec<String>]) -> String {
    let cell = |text: &str| {
        let text = if text.starts_with(['=', '+', '-', '@']) { format!("'{text}") } else { text.to_owned() };
        if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
    };
    let mut out = String::from("\u{feff}");
    let header: Vec<String> = COLUMNS.iter().map(|c| cell(c)).collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for line in lines {
        out.push_str(&line.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Whether a period can be exported: `from` not after `to`, at most a year.
pub fn period_problem(from: Date, to: Date) -> Option<String> {
    if from > to {
        return Some("开始日期不能晚于结束日期".to_owned());
    }
    (to.days() - from.days() > 366).then(|| "一次最多导出一年的台账，请缩短时间段".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::form::Person;
    use crate::case::decision::Certificate;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn a_line_holds_the_standards_fields_with_identifiers_masked() {
        let applicant = Applicant::Person(Person {
            name: "张小三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13812345678".into(),
            ..Person::default()
        });
        let decision = Decision {
            outcome: Outcome::Granted,
            document_number: "示交运许〔2026〕12号".into(),
            certificate: Some(Certificate {
                name: "从业资格证".into(), number: "320100".into(), valid_until: None
            }),
        };
        let facts = Facts {
            case_number: "ABCD-EFGH",
            item_code: "JT-003",
            item_name: "道路货物运输驾驶员从业资格证核发",
            case_kind: CaseKind::Promised,
            applicant: &applicant,
            submitted_at: "2026-11-23T01:30:00Z",
            department: "县交通运输局",
            accepted_on: Some(day("2026-11-24")),
            acceptance_number: Some("县交通运输局受〔2026〕3号"),
            due_on: Some(day("2026-12-01")),
            status: Status::Completed,
            completed_on: Some(day("2026-12-02")),
            result: Some("准予许可，邮寄送达"),
            decision: Some(&decision),
            today: day("2026-12-04"),
        };
        let line = line(&facts);
        assert_eq!(line.len(), COLUMNS.len());
        assert_eq!(line[4], "张*三");
        assert_eq!(line[6], "110***********002X");
        assert_eq!(line[7], "2026年11月23日 09:30");
        assert_eq!((line[14].as_str(), line[15].as_str()), ("准予许可", "示交运许〔2026〕12号"));
        assert_eq!(line[18], "是", "completed a day after the promise");
        let text = csv(&[line, vec!["=1+1".into(), "a,\"b\"".into()]]);
        assert!(text.starts_with("\u{feff}办件编号,事项编码,"));
        assert!(text.ends_with("'=1+1,\"a,\"\"b\"\"\"\r\n"), "formulas defused, quotes doubled");
        assert_eq!(period_problem(day("2026-12-02"), day("2026-12-01")).unwrap(), "开始日期不能晚于结束日期");
        assert!(period_problem(day("2025-01-01"), day("2026-12-01")).is_some());
        assert_eq!(period_problem(day("2026-01-01"), day("2026-12-31")), None);
    }
}
