//! Joint applications (一件事 / 联办): several items applied for together.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::form::{ApplicationForm, Field};
use crate::apply::parties::Party;
use crate::catalog::ServiceItem;
use crate::catalog::checklist::Checklist;
use crate::catalog::situation::Question;

/// Working days a co-department has to answer the lead unless the bundle says.
fn default_consult_days() -> u16 {
    2
}

/// A bundle of items with one questionnaire, one checklist and one lead department.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bundle {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub summary: String,
    /// 牵头部门: receives the application and answers for all items.
    #[serde(default)]
    pub lead_department: String,
    /// Codes of the items, in the order they are handled.
    #[serde(default)]
    pub items: Vec<String>,
    /// 承诺时限 of the whole bundle, when shorter than its items' running in parallel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_limit_days: Option<u16>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The name in English (the checker requires it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub english_name: String,
    /// English words people search with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub english_keywords: Vec<String>,
    /// Ids of form fields several items declare alike: asked once for all of
    /// them. Every other item field is asked under its item's name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_fields: Vec<String>,
    /// Working days the co-departments have to answer the lead before
    /// acceptance (征求意见); one silent past them is taken to agree (缺席默认).
    #[serde(default = "default_consult_days")]
    pub consult_days: u16,
}

/// One field of a bundle's form, with the items that ask it. An item's own
/// field has the id `CODE.field`; a shared field keeps its own id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleField {
    pub field: Field,
    pub items: Vec<String>,
}

/// The key of an item's own field in a bundle's form.
pub fn field_key(item: &str, field: &str) -> String {
    format!("{item}.{field}")
}

/// `GET /api/bundles/{code}`: the bundle with its items in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleDetail {
    pub bundle: Bundle,
    pub items: Vec<ServiceItem>,
}

impl BundleDetail {
    /// The name of a bundle checklist document (`CODE.material`).
    pub fn document_name(&self, key: &str) -> String {
        key.split_once('.')
            .and_then(|(item, id)| self.items.iter().find(|i| i.code == item)?.materials.iter().find(|m| m.id == id))
            .map_or(key.to_owned(), |m| m.name.clone())
    }

    /// The key a part's material has in the bundle's checklist: the first
    /// item's that needs a document of that name.
    pub fn document_key(&self, item: &str, material: &str) -> Option<String> {
        let name = &self.items.iter().find(|i| i.code == item)?.materials.iter().find(|m| m.id == material)?.name;
        self.items.iter().find_map(|i| i.materials.iter().find(|m| &m.name == name).map(|m| field_key(&i.code, &m.id)))
    }

    /// The lead department's item (its window receives and hands out the
    /// results); the checker makes sure the lead runs at least one.
    pub fn lead_item(&self) -> Option<&ServiceItem> {
        self.items.iter().find(|i| i.department == self.bundle.lead_department)
    }

    /// One questionnaire: every item's questions in item order, a question that
    /// several items share (same id) asked once.
    pub fn questions(&self) -> Vec<Question> {
        let mut out: Vec<Question> = Vec::new();
        for question in self.items.iter().flat_map(|i| &i.questions) {
            if !out.iter().any(|q| q.id == question.id) {
                out.push(question.clone());
            }
        }
        out
    }

    /// The items run in parallel: the slowest promise, unless the bundle promises less.
    pub fn promised_limit_days(&self) -> u16 {
        let parallel = self.items.iter().map(|i| i.promised_limit_days).max().unwrap_or(0);
        self.bundle.promised_limit_days.map_or(parallel, |own| own.min(parallel))
    }

    /// A document by its checklist id (`CODE.material`), as the item declares it.
    pub fn document(&self, key: &str) -> Option<&crate::catalog::Material> {
        let (item, id) = key.split_once('.')?;
        self.items.iter().find(|i| i.code == item)?.materials.iter().find(|m| m.id == id)
    }

    /// Every document any item may ask for, once by name, under the checklist
    /// id of the first item that lists it (`CODE.material`). One item's
    /// department wanting it new (not reusable) makes it new for all.
    pub fn documents(&self) -> Vec<crate::catalog::Material> {
        let mut out: Vec<crate::catalog::Material> = Vec::new();
        for item in &self.items {
            for material in &item.materials {
                match out.iter_mut().find(|m| m.name == material.name) {
                    Some(known) => known.reusable &= material.reusable,
                    None => out.push(crate::catalog::Material {
                        id: format!("{}.{}", item.code, material.id),
                        ..material.clone()
                    }),
                }
            }
        }
        out
    }

    /// One form: the shared fields once (where the first item declares them),
    /// every other field under its item, in item order.
    pub fn fields(&self) -> Vec<BundleField> {
        let mut out: Vec<BundleField> = Vec::new();
        for item in &self.items {
            for field in &item.fields {
                if self.bundle.shared_fields.contains(&field.id) {
                    match out.iter_mut().find(|f| f.field.id == field.id) {
                        Some(shared) => shared.items.push(item.code.clone()),
                        None => out.push(BundleField { field: field.clone(), items: vec![item.code.clone()] }),
                    }
                } else {
                    let field = Field { id: field_key(&item.code, &field.id), ..field.clone() };
                    out.push(BundleField { field, items: vec![item.code.clone()] });
                }
            }
        }
        out
    }

    /// The bundle's form as one item's application: the applicant, agent and
    /// delivery as given, and that item's fields under their own ids.
    pub fn part_form(&self, form: &ApplicationForm, item: &ServiceItem) -> ApplicationForm {
        let mut fields = BTreeMap::new();
        for field in &item.fields {
            let key = if self.bundle.shared_fields.contains(&field.id) {
                field.id.clone()
            } else {
                field_key(&item.code, &field.id)
            };
            if let Some(value) = form.fields.get(&key) {
                fields.insert(field.id.clone(), value.clone());
            }
        }
        let declares = |id: &str| item.parties.iter().any(|p| p.id == id);
        let mut parties = form.parties.clone();
        parties.retain(|id, _| declares(id));
        let applicant_party = form.applicant_party.clone().filter(|id| declares(id));
        ApplicationForm { fields, parties, applicant_party, ..form.clone() }
    }

    /// The parties of all items, once each (the same id is the same party in
    /// every item: the buyer of the flat is the new holder of the water account).
    pub fn parties(&self) -> Vec<Party> {
        let mut out: Vec<Party> = Vec::new();
        for party in self.items.iter().flat_map(|i| &i.parties) {
            if !out.iter().any(|p| p.id == party.id) {
                out.push(party.clone());
            }
        }
        out
    }

    /// The files of one item, from files given by the bundle checklist's
    /// material ids: a shared document appears in every item that uses it,
    /// under that item's own material id.
    pub fn part_files(
        &self,
        checklist: &Checklist,
        files: &BTreeMap<String, Vec<String>>,
        item: &ServiceItem,
    ) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for entry in checklist.entries.iter().filter(|e| e.items.contains(&item.code)) {
            let (Some(ids), Some(own)) =
                (files.get(&entry.material.id), item.materials.iter().find(|m| m.name == entry.material.name))
            else {
                continue;
            };
            out.insert(own.id.clone(), ids.clone());
        }
        out
    }

    /// The ids one item gives to the bundle checklist's materials in `ids`
    /// (the 容缺 list of one part).
    pub fn part_materials(&self, checklist: &Checklist, ids: &[String], item: &ServiceItem) -> Vec<String> {
        checklist
            .entries
            .iter()
            .filter(|e| ids.contains(&e.material.id) && e.items.contains(&item.code))
            .filter_map(|e| item.materials.iter().find(|m| m.name == e.material.name).map(|m| m.id.clone()))
            .collect()
    }

    /// Working days after acceptance to supply a 容缺 document: never beyond
    /// the shortest promise among the items that need it, nor the bundle's.
    pub fn later_due_days(&self, items: &[String]) -> u16 {
        let shortest = self
            .items
            .iter()
            .filter(|i| items.contains(&i.code))
            .map(|i| i.promised_limit_days)
            .chain(self.bundle.promised_limit_days)
            .min()
            .unwrap_or(0);
        crate::apply::submission::tolerance_deadline_days(shortest)
    }

    pub fn departments(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for item in &self.items {
            if !out.contains(&item.department.as_str()) {
                out.push(&item.department);
            }
        }
        out
    }
}

/// Short form for search results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleSummary {
    pub code: String,
    pub name: String,
    pub summary: String,
    pub lead_department: String,
    pub item_names: Vec<String>,
    pub promised_limit_days: u16,
    /// Shown under the name when the search was in English.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub english_name: String,
}

impl From<&BundleDetail> for BundleSummary {
    fn from(detail: &BundleDetail) -> Self {
        Self {
            code: detail.bundle.code.clone(),
            name: detail.bundle.name.clone(),
            summary: detail.bundle.summary.clone(),
            lead_department: detail.bundle.lead_department.clone(),
            item_names: detail.items.iter().map(|i| i.name.clone()).collect(),
            promised_limit_days: detail.promised_limit_days(),
            english_name: detail.bundle.english_name.clone(),
        }
    }
}

/// Put each bundle together with its items (unknown codes are left out; the
/// checker reports them).
pub fn assemble(bundles: &[Bundle], items: &[ServiceItem]) -> Vec<BundleDetail> {
    bundles
        .iter()
        .map(|bundle| BundleDetail {
            bundle: bundle.clone(),
            items: bundle.items.iter().filter_map(|code| items.iter().find(|i| &i.code == code).cloned()).collect(),
        })
        .collect()
}

/// The checklist of a bundle for these answers: every item's materials, a
/// shared document once (see [`checklist::merged_checklist`]).
pub fn bundle_checklist(detail: &BundleDetail, answers: &crate::catalog::situation::Answers) -> Checklist {
    crate::catalog::checklist::merged_checklist(&detail.items, &detail.questions(), answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::form::{Applicant, Person};
    use crate::catalog::Material;
    use crate::catalog::situation::Answers;
    use crate::fixtures::{item, material};

    fn field(id: &str, label: &str) -> Field {
        serde_json::from_str(&format!(r#"{{"id":"{id}","label":"{label}","kind":"text"}}"#)).unwrap()
    }

    /// 二手房过户 with water: the house's address is one field; the account number is each utility's own.
    fn detail() -> BundleDetail {
        let mut house = item("BDC-1");
        house.promised_limit_days = 3;
        house.fields = vec![field("address", "房屋坐落")];
        house.materials = vec![
            Material { name: "身份证明".into(), ..material("parties_id") },
            Material { name: "买卖合同".into(), ..material("contract") },
        ];
        let mut water = item("GS-1");
        water.promised_limit_days = 1;
        water.fields = vec![field("address", "房屋坐落"), field("account", "供水户号")];
        water.materials = vec![
            Material { name: "身份证明".into(), ..material("buyer_id") },
            Material { name: "过户申请表".into(), ..material("contract") },
        ];
        BundleDetail {
            bundle: Bundle {
                code: "K-2".into(),
                name: "二手房过户".into(),
                summary: String::new(),
                lead_department: "民政局".into(),
                items: vec!["BDC-1".into(), "GS-1".into()],
                promised_limit_days: None,
                keywords: vec![],
                english_name: String::new(),
                english_keywords: vec![],
                shared_fields: vec!["address".into()],
                consult_days: 2,
            },
            items: vec![house, water],
        }
    }

    #[test]
    fn a_document_is_offered_once_and_new_for_all_when_one_department_wants_it_new() {
        let mut d = detail();
        let ids: Vec<(String, bool)> = d.documents().into_iter().map(|m| (m.id, m.reusable)).collect();
        assert_eq!(
            ids,
            [("BDC-1.parties_id".into(), true), ("BDC-1.contract".into(), true), ("GS-1.contract".into(), true)]
        );
        d.items[1].materials[0].reusable = false;
        assert!(!d.documents()[0].reusable, "the water company wants the ID taken anew");
        let checklist = bundle_checklist(&d, &Answers::new());
        assert!(!checklist.entries[0].material.reusable, "so does the checklist");
    }

    #[test]
    fn shared_fields_are_asked_once_and_own_fields_under_their_item() {
        let fields = detail().fields();
        let ids: Vec<(&str, &[String])> = fields.iter().map(|f| (f.field.id.as_str(), f.items.as_slice())).collect();
        assert_eq!(
            ids,
            [("address", &["BDC-1".to_owned(), "GS-1".to_owned()][..]), ("GS-1.account", &["GS-1".to_owned()][..])]
        );
    }

    #[test]
    fn each_part_gets_its_own_form_and_every_shared_document() {
        let d = detail();
        let form = ApplicationForm {
            applicant: Applicant::Person(Person::default()),
            agent: None,
            fields: [("address", "城关镇 1 号"), ("GS-1.account", "0012")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            delivery: None,
            applicant_party: None,
            parties: BTreeMap::new(),
        };
        let water = d.part_form(&form, &d.items[1]);
        assert_eq!(water.fields.get("address").map(String::as_str), Some("城关镇 1 号"));
        assert_eq!(water.fields.get("account").map(String::as_str), Some("0012"));
        assert_eq!(d.part_form(&form, &d.items[0]).fields.len(), 1);

        let checklist = bundle_checklist(&d, &Answers::new());
        let keys: Vec<&str> = checklist.entries.iter().map(|e| e.material.id.as_str()).collect();
        assert_eq!(
            keys,
            ["BDC-1.parties_id", "BDC-1.contract", "GS-1.contract"],
            "unique though both items say contract"
        );
        let files: BTreeMap<String, Vec<String>> =
            [("BDC-1.parties_id", "u1"), ("BDC-1.contract", "u2"), ("GS-1.contract", "u3")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), vec![v.to_owned()]))
                .collect();
        let house = d.part_files(&checklist, &files, &d.items[0]);
        let water = d.part_files(&checklist, &files, &d.items[1]);
        assert_eq!(house.get("parties_id"), Some(&vec!["u1".to_owned()]));
        assert_eq!(water.get("buyer_id"), Some(&vec!["u1".to_owned()]), "one upload, counted for both");
        assert_eq!(water.get("contract"), Some(&vec!["u3".to_owned()]));
        assert_eq!(house.get("contract"), Some(&vec!["u2".to_owned()]));
        assert_eq!(d.part_materials(&checklist, &["BDC-1.parties_id".to_owned()], &d.items[1]), ["buyer_id"]);
    }

    #[test]
    fn a_later_document_is_due_within_the_shortest_promise_that_needs_it() {
        let mut d = detail();
        assert_eq!(d.later_due_days(&["BDC-1".into(), "GS-1".into()]), 1);
        assert_eq!(d.later_due_days(&["BDC-1".into()]), 3);
        d.bundle.promised_limit_days = Some(2);
        assert_eq!(d.later_due_days(&["BDC-1".into()]), 2);
    }
}
