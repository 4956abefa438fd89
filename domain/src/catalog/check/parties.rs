//! Catalog rules for parties (当事人): each declared once with a name, a
//! condition that can hold, enough people for one to apply and others to be
//! named, a subject described by fields; no field or material names a party
//! the item does not declare; and at least one field about the matter itself.

use crate::apply::parties::{Party, PartyKind};
use crate::catalog::ServiceItem;
use crate::catalog::check::situation::{can_hold, check_sound};

pub(super) fn check_parties(item: &ServiceItem, report: &mut impl FnMut(&str, String)) {
    for (i, party) in item.parties.iter().enumerate() {
        let at = |name: &str| format!("parties[{i}].{name}");
        if party.id.is_empty() || !party.id.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            report(&at("id"), "当事人标识不能为空，只能包含小写字母和下划线".to_owned());
        } else if party.id == "applicant" {
            report(&at("id"), "当事人标识不能是 applicant（它表示“您是哪一方”）".to_owned());
        } else if item.parties[..i].iter().any(|p| p.id == party.id) {
            report(&at("id"), format!("当事人标识 {} 重复", party.id));
        }
        if party.label.trim().is_empty() || party.label.chars().count() > 10 {
            report(&at("label"), "当事人要有名称（label，例如“卖方”），不超过 10 个字".to_owned());
        }
        if let Some(when) = &party.when {
            let sound = check_sound(when, &item.questions, &item.questions, &at("when"), None, report);
            if sound && !can_hold(when, &item.questions) {
                report(&at("when"), format!("没有任何回答会让“{}”参与申请：请检查它的条件", party.label));
            }
        }
        let described = item.fields.iter().any(|f| f.party.as_deref() == Some(party.id.as_str()));
        if party.kind == PartyKind::Subject && !described {
            report(
                &at("kind"),
                format!("“{}”是办理对象，至少要有一个字段（party = \"{}\"）描述它", party.label, party.id),
            );
        }
    }
    // The clerk needs the facts of the matter from the form, not dug out of PDFs.
    let about_the_matter = |party: &Option<String>| {
        party.as_ref().is_none_or(|id| item.parties.iter().any(|p| &p.id == id && p.kind == PartyKind::Subject))
    };
    if !item.fields.iter().any(|f| about_the_matter(&f.party)) {
        report(
            "fields",
            "缺少关于事项本身的字段 fields（办什么、在哪里、多大、从何时起），按申请表上问的写".to_owned(),
        );
    }
    let people = item.parties.iter().filter(|p| p.kind == PartyKind::Person).count();
    if item.parties.iter().any(|p| p.kind == PartyKind::Person) && people < 2 {
        report("parties", "有当事人的事项至少要有两个当事人：一方提交申请，其他各方由申请人填写".to_owned());
    }
    let known = |id: &str| item.parties.iter().any(|p: &Party| p.id == id);
    for (i, field) in item.fields.iter().enumerate() {
        if let Some(party) = field.party.as_deref().filter(|id| !known(id)) {
            report(&format!("fields[{i}].party"), format!("字段引用了没有声明的当事人 {party}"));
        }
    }
    for (i, material) in item.materials.iter().enumerate() {
        if let Some(party) = material.party.as_deref().filter(|id| !known(id)) {
            report(&format!("materials[{i}].party"), format!("材料引用了没有声明的当事人 {party}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::item;

    fn found(item: &ServiceItem) -> Vec<(String, String)> {
        let mut out = Vec::new();
        check_parties(item, &mut |field: &str, message: String| out.push((field.to_owned(), message)));
        out
    }

    fn party(id: &str, label: &str, kind: PartyKind) -> Party {
        Party { id: id.into(), label: label.into(), kind, hint: String::new(), when: None }
    }

    #[test]
    fn a_field_or_material_naming_an_unknown_party_is_refused() {
        let mut it = item("BDC-9");
        it.parties = vec![party("buyer", "买方", PartyKind::Person), party("seller", "卖方", PartyKind::Person)];
        assert_eq!(found(&it), []);
        it.materials[0].party = Some("sellr".into());
        it.fields =
            serde_json::from_str(r#"[{"id":"area","label":"面积","kind":"number","party":"landlord"}]"#).unwrap();
        assert_eq!(
            found(&it),
            [
                // Its one field is about someone, not the matter.
                (
                    "fields".to_owned(),
                    "缺少关于事项本身的字段 fields（办什么、在哪里、多大、从何时起），按申请表上问的写".to_owned()
                ),
                ("fields[0].party".to_owned(), "字段引用了没有声明的当事人 landlord".to_owned()),
                ("materials[0].party".to_owned(), "材料引用了没有声明的当事人 sellr".to_owned()),
            ]
        );
    }

    #[test]
    fn parties_are_named_once_with_someone_to_name_and_a_described_subject() {
        let mut it = item("GA-9");
        it.parties = vec![
            party("father", "父亲", PartyKind::Person),
            party("father", "", PartyKind::Person),
            party("baby", "婴儿", PartyKind::Subject),
            party("applicant", "我", PartyKind::Subject),
        ];
        let problems = found(&it);
        assert!(problems.contains(&("parties[1].id".into(), "当事人标识 father 重复".into())), "{problems:?}");
        assert!(problems.iter().any(|(f, _)| f == "parties[1].label"));
        assert!(problems.iter().any(|(f, _)| f == "parties[2].kind"), "a subject without fields");
        assert!(problems.iter().any(|(f, _)| f == "parties[3].id"), "applicant is reserved");
    }
}
