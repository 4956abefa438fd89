//! What an application is for: one item, or a bundle of items applied for
//! together (一件事). The form's fields, the questions, the checklist, who may
//! apply and the 容缺 deadline come from here, for the app's pages and for the
//! server's checks alike.

use crate::apply::form::{ApplicationForm, Field, FieldError, Rules, Today, needs_agent, validate_application};
use crate::apply::parties::Party;
use crate::catalog::bundle::BundleDetail;
use crate::catalog::checklist::{self, Checklist, ChecklistEntry};
use crate::catalog::situation::{Answers, Question};
use crate::catalog::{ApplicantType, ServiceItem};

#[derive(Clone, Copy, Debug)]
pub enum Applying<'a> {
    Item(&'a ServiceItem),
    Bundle(&'a BundleDetail),
}

/// One field of the form, and the item it belongs to when the form is a
/// bundle's and the field is one item's own ("" when all share it).
#[derive(Clone, Debug, PartialEq)]
pub struct FormField {
    pub field: Field,
    pub group: String,
}

impl<'a> Applying<'a> {
    pub fn code(self) -> &'a str {
        match self {
            Self::Item(item) => &item.code,
            Self::Bundle(detail) => &detail.bundle.code,
        }
    }

    pub fn name(self) -> &'a str {
        match self {
            Self::Item(item) => &item.name,
            Self::Bundle(detail) => &detail.bundle.name,
        }
    }

    pub fn questions(self) -> Vec<Question> {
        match self {
            Self::Item(item) => item.questions.clone(),
            Self::Bundle(detail) => detail.questions(),
        }
    }

    /// The form's own fields, in order: a bundle's grouped under their items,
    /// a field about a party (the baby) under that party's name.
    pub fn fields(self) -> Vec<FormField> {
        let parties = self.parties();
        let mut fields = self.fields_by_item();
        for f in &mut fields {
            if let Some(party) = f.field.party.as_ref().and_then(|id| parties.iter().find(|p| &p.id == id)) {
                f.group = party.label.clone();
            }
        }
        fields
    }

    fn fields_by_item(self) -> Vec<FormField> {
        match self {
            Self::Item(item) => {
                item.fields.iter().map(|f| FormField { field: f.clone(), group: String::new() }).collect()
            }
            Self::Bundle(detail) => detail
                .fields()
                .into_iter()
                .map(|f| {
                    let group = match f.items.as_slice() {
                        [one] if f.field.id.contains('.') => {
                            detail.items.iter().find(|i| &i.code == one).map(|i| i.name.clone()).unwrap_or_default()
                        }
                        _ => String::new(),
                    };
                    FormField { field: f.field, group }
                })
                .collect(),
        }
    }

    /// The fields alone, as `validate_application` takes them.
    pub fn plain_fields(self) -> Vec<Field> {
        self.fields().into_iter().map(|f| f.field).collect()
    }

    /// The parties (当事人) it declares; a bundle's once each.
    pub fn parties(self) -> Vec<Party> {
        match self {
            Self::Item(item) => item.parties.clone(),
            Self::Bundle(detail) => detail.parties(),
        }
    }

    /// Every problem of the form for these answers: the one check the details
    /// page, the review page and the server run.
    pub fn form_problems(self, form: &ApplicationForm, answers: &Answers, today: Today) -> Vec<FieldError> {
        let (fields, parties, questions) = (self.plain_fields(), self.parties(), self.questions());
        let rules = Rules { fields: &fields, parties: &parties, questions: &questions };
        validate_application(form, rules, answers, needs_agent(answers), today)
    }

    /// The person parties of the form in catalog order: the applicant's own
    /// side (with the applicant's name) and each one named besides.
    pub fn named_parties(self, form: &ApplicationForm) -> Vec<crate::apply::parties::Named> {
        let own = form.applicant_party.as_deref();
        self.parties()
            .into_iter()
            .filter_map(|party| {
                let named = |name: &str, id_number: &str, phone: &str, applicant: bool| crate::apply::parties::Named {
                    label: party.label.clone(),
                    name: name.to_owned(),
                    id_number: id_number.to_owned(),
                    phone: phone.to_owned(),
                    applicant,
                };
                if Some(party.id.as_str()) == own {
                    Some(named(form.applicant_name(), form.text("applicant.id_number"), form.notice_phone(), true))
                } else {
                    form.parties.get(&party.id).map(|p| named(&p.name, &p.id_number, &p.phone, false))
                }
            })
            .collect()
    }

    /// Who applies, in rows and in full (the review page, the printed 申请表):
    /// the applicant, the agent, every party.
    pub fn people_rows(self, form: &ApplicationForm) -> Vec<(String, String)> {
        use crate::apply::form::Applicant;
        let mut rows: Vec<(String, String)> = match &form.applicant {
            Applicant::Person(p) => vec![
                ("姓名".to_owned(), p.name.clone()),
                ("身份证号码".to_owned(), p.id_number.clone()),
                ("手机号码".to_owned(), p.phone.clone()),
                ("联系地址".to_owned(), p.address.clone()),
            ],
            Applicant::Organisation(o) => vec![
                ("单位名称".to_owned(), o.name.clone()),
                ("统一社会信用代码".to_owned(), o.credit_code.clone()),
                ("法定代表人（负责人）".to_owned(), o.legal_representative.clone()),
                ("联系人".to_owned(), o.contact_name.clone()),
                ("联系人手机号码".to_owned(), o.phone.clone()),
                ("单位地址".to_owned(), o.address.clone()),
            ],
        };
        if let Some(agent) = &form.agent {
            rows.push(("代理人".to_owned(), format!("{}，{}，{}", agent.name, agent.id_number, agent.phone)));
        }
        rows.extend(self.named_parties(form).iter().map(|p| p.row()));
        rows
    }

    /// The item's own fields as answered, in form order, a choice by its label.
    pub fn field_rows(self, form: &ApplicationForm) -> Vec<(String, String)> {
        use crate::apply::form::FieldKind;
        let mut rows = Vec::new();
        for field in self.plain_fields() {
            if let Some(value) = form.fields.get(&field.id).filter(|v| !v.trim().is_empty()) {
                let shown = match field.kind {
                    FieldKind::Choice => {
                        field.options.iter().find(|o| &o.id == value).map_or(value.clone(), |o| o.label.clone())
                    }
                    FieldKind::Text
                    | FieldKind::Number
                    | FieldKind::Date
                    | FieldKind::Address
                    | FieldKind::IdNumber => value.clone(),
                };
                rows.push((self.field_label(&field.id).unwrap_or(field.label.clone()), shown));
            }
        }
        rows
    }

    /// The form as it is stored: no entry for a party that is not named
    /// besides the applicant for these answers.
    pub fn keep_needed_parties(self, form: &mut ApplicationForm, answers: &Answers) {
        let (_, effective) = crate::catalog::situation::walk(&self.questions(), answers);
        let parties = self.parties();
        let active = crate::apply::parties::active(&parties, &effective);
        crate::apply::parties::keep_needed(&mut form.parties, &active, form.applicant_party.as_deref());
    }

    pub fn checklist(self, answers: &Answers) -> Checklist {
        match self {
            Self::Item(item) => checklist::item_checklist(item, answers),
            Self::Bundle(detail) => crate::catalog::bundle::bundle_checklist(detail, answers),
        }
    }

    /// Who may apply: for a bundle, whoever every item accepts.
    pub fn accepts(self, who: ApplicantType) -> bool {
        match self {
            Self::Item(item) => item.applicants.contains(&who),
            Self::Bundle(detail) => detail.items.iter().all(|i| i.applicants.contains(&who)),
        }
    }

    pub fn promised_limit_days(self) -> u16 {
        match self {
            Self::Item(item) => item.promised_limit_days,
            Self::Bundle(detail) => detail.promised_limit_days(),
        }
    }

    /// Working days after acceptance to supply a 容缺 material.
    pub fn later_days(self, entry: &ChecklistEntry) -> u16 {
        match self {
            Self::Item(item) => crate::apply::submission::tolerance_deadline_days(item.promised_limit_days),
            Self::Bundle(detail) => detail.later_due_days(&entry.items),
        }
    }

    /// The label of one of the form's fields by its key, for the review page.
    pub fn field_label(self, key: &str) -> Option<String> {
        // A party's field says whose it is in its own label (婴儿姓名); an item's says which item.
        self.fields().into_iter().find(|f| f.field.id == key).map(|f| match (f.group.as_str(), &f.field.party) {
            ("", _) | (_, Some(_)) => f.field.label,
            (group, None) => format!("{}（{group}）", f.field.label),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::item;

    #[test]
    fn a_bundle_form_groups_own_fields_under_their_item_and_shares_the_rest() {
        let field = |id: &str, label: &str| -> Field {
            serde_json::from_str(&format!(r#"{{"id":"{id}","label":"{label}","kind":"text"}}"#)).unwrap()
        };
        let (mut a, mut b) = (item("A-1"), item("B-1"));
        a.name = "不动产转移登记".into();
        b.name = "供水过户".into();
        a.fields = vec![field("address", "房屋坐落")];
        b.fields = vec![field("address", "房屋坐落"), field("account", "户号")];
        b.applicants = vec![ApplicantType::Individual, ApplicantType::Organisation];
        let detail = BundleDetail {
            bundle: crate::catalog::bundle::Bundle {
                code: "K".into(),
                name: "二手房".into(),
                summary: String::new(),
                lead_department: "民政局".into(),
                items: vec!["A-1".into(), "B-1".into()],
                promised_limit_days: None,
                keywords: vec![],
                english_name: String::new(),
                english_keywords: vec![],
                shared_fields: vec!["address".into()],
                consult_days: 2,
            },
            items: vec![a, b],
        };
        let applying = Applying::Bundle(&detail);
        let groups: Vec<(String, String)> = applying.fields().into_iter().map(|f| (f.field.id, f.group)).collect();
        assert_eq!(groups, [("address".into(), "".into()), ("B-1.account".into(), "供水过户".into())]);
        assert_eq!(applying.field_label("B-1.account").as_deref(), Some("户号（供水过户）"));
        assert!(applying.accepts(ApplicantType::Organisation) && !applying.accepts(ApplicantType::Individual));
    }
}
