//! The 申请表 printed from the answers: where a department still wants a
//! signed paper form at the window, the clerk prints it from what the
//! applicant typed — every party, the matter's fields, how the result goes
//! out — with the declaration and a signature line for each side, instead of
//! the applicant filling in the same form again by hand.

use crate::apply::submission::Submission;
use crate::case::document::DocumentText;
use crate::catalog::applying::Applying;
use crate::time::date::Date;

/// The declaration every 申请表 carries above the signatures.
pub const DECLARATION: &str = "申请人承诺：所填内容和所交材料真实、有效，如有虚假，愿意承担相应的法律责任。";

/// The 申请表 of one application, as the document printer prints it.
pub fn application_form(
    applying: Applying<'_>,
    application: &Submission,
    case_number: &str,
    department: &str,
    submitted_on: Date,
) -> DocumentText {
    let form = &application.form;
    let line = |(label, value): (String, String)| format!("{label}：{value}");
    let mut paragraphs = vec!["一、申请人".to_owned()];
    paragraphs.extend(applying.people_rows(form).into_iter().map(line));
    let fields = applying.field_rows(form);
    if !fields.is_empty() {
        paragraphs.push("二、申请事项".to_owned());
        paragraphs.extend(fields.into_iter().map(line));
    }
    paragraphs.push(format!("领取方式：{}", crate::apply::form::delivery_text(form)));
    paragraphs.push(DECLARATION.to_owned());
    let parties = applying.named_parties(form);
    if parties.is_empty() {
        paragraphs.push("申请人（签字或盖章）：____________________".to_owned());
    }
    for party in parties {
        paragraphs.push(format!("{}（{}）签字：____________________", party.label, party.name));
    }
    DocumentText {
        title: format!("{}申请表", applying.name()),
        number: format!("办件编号 {case_number}"),
        addressee: format!("{department}："),
        paragraphs,
        issuer: form.applicant_name().to_owned(),
        issued_on: submitted_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::parties::{Party, PartyKind, PartyPerson};
    use crate::fixtures::item;

    #[test]
    fn the_printed_form_names_every_party_with_a_line_to_sign() {
        let mut sale = item("BDC-9");
        sale.name = "不动产转移登记".into();
        sale.parties = ["buyer:买方", "seller:卖方"]
            .iter()
            .map(|p| {
                let (id, label) = p.split_once(':').unwrap();
                Party { id: id.into(), label: label.into(), kind: PartyKind::Person, hint: String::new(), when: None }
            })
            .collect();
        let application: Submission = serde_json::from_value(serde_json::json!({
            "answers": {},
            "form": {"applicant": {"type": "person", "name": "张三", "id_number": "11010519491231002X",
                                   "phone": "13812345678", "address": "示范县人民路 88 号"},
                     "applicant_party": "buyer",
                     "fields": {"purpose": "自住"},
                     "delivery": {"method": "window"}},
            "files": {}
        }))
        .unwrap();
        let mut application = application;
        application.form.parties.insert(
            "seller".into(),
            PartyPerson {
                name: "李四".into(),
                id_number: "110101198805123010".into(),
                phone: "139".into(),
                consent: true,
            },
        );
        let printed = application_form(
            Applying::Item(&sale),
            &application,
            "ABCD-EFGH",
            "县不动产登记中心",
            Date::parse("2026-12-04").unwrap(),
        );
        assert_eq!(printed.title, "不动产转移登记申请表");
        let text = printed.paragraphs.join("\n");
        for expected in [
            "身份证号码：11010519491231002X",
            "买方（申请人）：张三",
            "卖方：李四，110101198805123010",
            "宗旨和业务范围：自住",
            "领取方式：到办理窗口领取",
            "买方（张三）签字：",
            "卖方（李四）签字：",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
    }
}
