//! The Ningbo-style acceptance-platform profile: each record as one call of
//! the platform's HTTP interface ([`crate::exchange::http`] sends them). The
//! platform numbers a case itself: `getPId` first (a 21-digit 申报号), then
//! `register` (办事申请 with its materials), `accept` (事项受理: 0 受理, 1 不予
//! 受理), `handler` (事项办理 and 特别程序), `over` (事项办结: 1 办结, 3 作废办结,
//! 4 退件) and `evaluate` (评价). Field names are the platform's upper-case
//! tags; times are `yyyy-MM-dd HH:mm:ss` in Beijing time; 长期 is
//! `2099-12-31`; satisfaction runs Zhejiang's way (5 非常满意 … 1 非常不满意),
//! the reverse of GB/T 39046's codes.

use std::collections::BTreeMap;

use domain::case::exchange::codes::{Action, SpecialKind};
use domain::case::exchange::records::{Ending, Party, Record};
use serde::{Deserialize, Serialize};

/// The platform's methods, each a path under its endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    /// Ask for the case's number (申报号).
    GetPId,
    Register,
    Accept,
    Handler,
    Over,
    Evaluate,
}

impl Method {
    pub fn path(self) -> &'static str {
        match self {
            Self::GetPId => "getPId",
            Self::Register => "register",
            Self::Accept => "accept",
            Self::Handler => "handler",
            Self::Over => "over",
            Self::Evaluate => "evaluate",
        }
    }
}

/// The field every call but `getPId` names its case by; left empty when the
/// call is written before the number arrives, and filled in when it is sent.
pub const CASE_FIELD: &str = "PROJID";

/// One call: its method, its fields, and (`register`) its materials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub method: Method,
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<BTreeMap<String, String>>,
}

impl Call {
    fn new(method: Method, fields: Vec<(&str, String)>) -> Self {
        let fields = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        Self { method, fields, materials: Vec::new() }
    }

    /// The `data` the call carries: an XML document, declared in the encoding it is sent in.
    pub fn xml(&self, charset: &str) -> String {
        let mut out = format!("<?xml version=\"1.0\" encoding=\"{charset}\"?><DATA>");
        element_list(&mut out, &self.fields);
        if !self.materials.is_empty() {
            out.push_str("<MATERIALS>");
            for material in &self.materials {
                out.push_str("<MATERIAL>");
                element_list(&mut out, material);
                out.push_str("</MATERIAL>");
            }
            out.push_str("</MATERIALS>");
        }
        out.push_str("</DATA>");
        out
    }
}

fn element_list(out: &mut String, fields: &BTreeMap<String, String>) {
    for (name, value) in fields {
        out.push('<');
        out.push_str(name);
        out.push('>');
        for c in value.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c => out.push(c),
            }
        }
        out.push_str("</");
        out.push_str(name);
        out.push('>');
    }
}

/// `20261207T093000` (the standard's stamp) as the platform writes a time.
pub fn dashed(stamp: &str) -> String {
    let b = stamp.as_bytes();
    if b.len() != 15 || b[8] != b'T' {
        return String::new();
    }
    let s = |r: std::ops::Range<usize>| &stamp[r];
    format!("{}-{}-{} {}:{}:{}", s(0..4), s(4..6), s(6..8), s(9..11), s(11..13), s(13..15))
}

/// `20321122` as the platform writes a day.
fn day(compact: &str) -> String {
    if compact.len() != 8 || !compact.bytes().all(|b| b.is_ascii_digit()) {
        return String::new();
    }
    format!("{}-{}-{}", &compact[0..4], &compact[4..6], &compact[6..8])
}

/// The call that asks for a new case's number.
pub fn numbering(item_code: &str, region: &str, applied_at: &str) -> Call {
    Call::new(
        Method::GetPId,
        vec![("SERVICECODE", item_code.to_owned()), ("AREACODE", region.to_owned()), ("APPLYDATE", dashed(applied_at))],
    )
}

fn party(prefix: &str, p: &Party, credit_code_type: &str) -> Vec<(String, String)> {
    vec![
        (format!("{prefix}NAME"), p.name.clone()),
        (format!("{prefix}_CARDTYPE"), p.id_kind.code(credit_code_type).to_owned()),
        (format!("{prefix}_CARDNUMBER"), p.id_number.clone()),
        (format!("{prefix}_TELPHONE"), p.phone.clone()),
    ]
}

/// The call one record becomes.
pub fn call(record: &Record, credit_code_type: &str) -> Call {
    match record {
        Record::Application(a) => {
            let mut call = Call::new(
                Method::Register,
                vec![
                    (CASE_FIELD, a.case_number.clone()),
                    ("SERVICECODE", a.item_code.clone()),
                    ("SERVICENAME", a.item_name.clone()),
                    ("PROJECTNAME", format!("{}的{}申请", a.applicant.name, a.item_name)),
                    ("INFOTYPE", a.case_type.code().to_owned()),
                    ("APPLYFROM", a.source.code().to_owned()),
                    ("APPLYDATE", dashed(&a.applied_at)),
                    ("AREACODE", a.region.clone()),
                    ("ADDRESS", a.applicant.address.clone()),
                    ("LEGALMAN", a.applicant.legal_representative.clone().unwrap_or_default()),
                ],
            );
            call.fields.extend(party("APPLY", &a.applicant, credit_code_type));
            if let Some(agent) = &a.agent {
                call.fields.extend(party("AGENT", agent, credit_code_type));
            }
            call.materials = a
                .materials
                .iter()
                .map(|m| {
                    BTreeMap::from([
                        ("NAME".to_owned(), m.name.clone()),
                        ("ISRECEIVED".to_owned(), if m.received { "1" } else { "0" }.to_owned()),
                        // 2: received online, as files.
                        ("RECEIVETYPE".to_owned(), "2".to_owned()),
                        ("FILECOUNT".to_owned(), m.files.to_string()),
                    ])
                })
                .collect();
            call
        }
        Record::Acceptance(a) => Call::new(
            Method::Accept,
            vec![
                (CASE_FIELD, a.case_number.clone()),
                ("SERVICECODE", a.item_code.clone()),
                ("BASICCODE", a.basic_code.clone()),
                ("ACCEPT_STATE", if a.accepted { "0" } else { "1" }.to_owned()),
                ("ACCEPT_DEPT", a.unit.clone()),
                ("ACCEPT_DEPTCODE", a.unit_credit_code.clone()),
                ("ACCEPT_MAN", a.clerk.clone()),
                ("ACCEPT_TIME", dashed(&a.at)),
                ("ACCEPT_DOCNO", a.document_number.clone()),
                ("PROMISE_DATE", a.promised_by.as_deref().map(dashed).unwrap_or_default()),
                ("INFOTYPE", a.case_type.code().to_owned()),
                ("REASON", a.reason.clone().unwrap_or_default()),
            ],
        ),
        Record::Handling(h) => Call::new(
            Method::Handler,
            vec![
                (CASE_FIELD, h.case_number.clone()),
                ("NODENAME", h.step.clone()),
                ("HANDLE_RESULT", result(h.action).to_owned()),
                ("HANDLER", h.handler.clone()),
                ("OPINION", h.opinion.clone()),
                ("HANDLE_TIME", dashed(&h.at)),
            ],
        ),
        Record::Special(s) => Call::new(
            Method::Handler,
            vec![
                (CASE_FIELD, s.case_number.clone()),
                ("NODENAME", s.name.clone()),
                ("HANDLE_RESULT", "other".to_owned()),
                ("HANDLER", s.approver.clone()),
                ("OPINION", s.reason.clone()),
                ("HANDLE_TIME", dashed(s.ended_at.as_deref().unwrap_or(&s.started_at))),
                ("SPECIAL_TYPE", s.kind.code().to_owned()),
                // A pause is sent when it begins and again when it ends; an extension once, given.
                (
                    "SPECIAL_STATE",
                    if s.kind == SpecialKind::Other && s.ended_at.is_none() { "0" } else { "1" }.to_owned(),
                ),
                ("SPECIAL_START", dashed(&s.started_at)),
                ("SPECIAL_END", s.ended_at.as_deref().map(dashed).unwrap_or_default()),
                ("SPECIAL_RESULT", s.result.clone().unwrap_or_default()),
                ("SPECIAL_DAYS", s.days.map(|d| d.to_string()).unwrap_or_default()),
                ("SPECIAL_DEPT", s.unit.clone()),
            ],
        ),
        Record::Completion(c) => {
            let (over_type, granted) = match c.ending {
                Ending::Granted => ("1", "1"),
                Ending::Denied => ("1", "0"),
                Ending::Terminated => ("3", ""),
                Ending::Withdrawn => ("4", ""),
            };
            let (name, number, until) = c.certificate.clone().unwrap_or_default();
            let validity = match (&c.certificate, until) {
                (None, _) => String::new(),
                (Some(_), Some(until)) => day(&until),
                (Some(_), None) => "2099-12-31".to_owned(),
            };
            Call::new(
                Method::Over,
                vec![
                    (CASE_FIELD, c.case_number.clone()),
                    ("OVER_TYPE", over_type.to_owned()),
                    ("RESULT", granted.to_owned()),
                    ("RESULT_DESC", c.result.clone()),
                    ("DOCNO", c.document_number.clone().unwrap_or_default()),
                    ("CERT_NAME", name),
                    ("CERT_NO", number),
                    ("VALIDITY", validity),
                    ("CERT_DEPT", c.unit.clone()),
                    ("HANDLER", c.handler.clone()),
                    ("OVER_TIME", dashed(&c.at)),
                    ("POSTED", if c.posted { "1" } else { "0" }.to_owned()),
                    ("CHARGED", if c.charged { "1" } else { "0" }.to_owned()),
                ],
            )
        }
        Record::Evaluation(e) => Call::new(
            Method::Evaluate,
            vec![
                (CASE_FIELD, e.case_number.clone()),
                ("CHANNEL", e.channel.to_owned()),
                ("TIMES", e.round.to_string()),
                // Zhejiang's scale: 5 非常满意 … 1 非常不满意.
                ("SATISFACTION", e.satisfaction.overall().to_string()),
                ("STAGE", if e.at_completion { "2" } else { "1" }.to_owned()),
                ("REASON", e.reason.clone()),
                ("EVAL_TIME", dashed(&e.at)),
            ],
        ),
    }
}

/// 业务动作 as the platform's `handler` names it.
fn result(action: Action) -> &'static str {
    match action {
        Action::Pass => "submit",
        Action::Return => "return",
        Action::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_escaped_xml_declared_in_its_encoding() {
        let mut call = numbering("JT-003", "330102", "20261207T093000");
        call.fields.insert("NOTE".into(), "A&B <C>".into());
        assert_eq!(
            call.xml("GB18030"),
            "<?xml version=\"1.0\" encoding=\"GB18030\"?><DATA><APPLYDATE>2026-12-07 09:30:00</APPLYDATE>\
             <AREACODE>330102</AREACODE><NOTE>A&amp;B &lt;C&gt;</NOTE><SERVICECODE>JT-003</SERVICECODE></DATA>"
        );
        assert_eq!(dashed("2026-12-07"), "", "only the standard's stamp is read");
    }

    #[test]
    fn the_acceptance_profile_writes_a_walked_case_as_its_golden_file_says() {
        let mut lines = String::new();
        for (_, record) in crate::exchange::walked::records() {
            lines.push_str(&serde_json::to_string(&call(&record, "001")).unwrap());
            lines.push('\n');
        }
        crate::exchange::walked::golden("acceptance-http.jsonl", &lines);
    }
}
