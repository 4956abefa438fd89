//! What an application is for: one item, or a bundle of items applied for
//! together (一件事). The form's fields, the questions, the checklist, who may
//! apply and the 容缺 deadline come from here, for the app's pages and for the
//! server's checks alike.

use crate::apply::form::Field;
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

    /// The form's own fields, in order: a bundle's grouped under their items.
    pub fn fields(self) -> Vec<FormField> {
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
        self.fields().into_iter().find(|f| f.field.id == key).map(|f| match f.group.as_str() {
            "" => f.field.label,
            group => format!("{}（{group}）", f.field.label),
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
