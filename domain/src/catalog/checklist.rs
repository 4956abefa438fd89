//! The material checklist (材料清单) for one set of answers: exactly what applies,
//! told once (一次性告知). The app computes it live; the server recomputes it from
//! the submitted answers with this same code.

use serde::{Deserialize, Serialize};

use crate::catalog::situation::{Answer, Answers, Question, walk};
use crate::catalog::{Material, Necessity, ServiceItem};

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChecklistEntry {
    pub material: Material,
    /// How many of it (one per vehicle): 1 unless the material repeats.
    pub count: u32,
    /// The unit of a repeated material (辆), from its number question.
    pub unit: String,
    /// Codes of the items that need it (several in a bundle).
    pub items: Vec<String>,
}

impl ChecklistEntry {
    /// "行驶证（第 1 辆 … 第 3 辆）" for repeated materials, else the name.
    pub fn title(&self) -> String {
        match self.count {
            _ if self.unit.is_empty() => self.material.name.clone(),
            1 => format!("{}（第 1 {}）", self.material.name, self.unit),
            2 => format!("{}（第 1 {u}、第 2 {u}）", self.material.name, u = self.unit),
            n => format!("{}（第 1 {u} … 第 {n} {u}）", self.material.name, u = self.unit),
        }
    }

    /// Labels of each copy, for one upload slot each: "第 1 辆", "第 2 辆".
    pub fn instances(&self) -> Vec<String> {
        if self.unit.is_empty() {
            return vec![String::new()];
        }
        (1..=self.count).map(|i| format!("第 {i} {}", self.unit)).collect()
    }
}

/// The materials that apply, in catalog order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Checklist {
    pub entries: Vec<ChecklistEntry>,
    /// Shown questions still without a fitting answer: the list is final only when empty.
    pub unanswered: Vec<String>,
}

impl Checklist {
    /// What the applicant must bring or upload now.
    pub fn required(&self) -> impl Iterator<Item = &ChecklistEntry> {
        self.provide(Necessity::Required)
    }

    pub fn optional(&self) -> impl Iterator<Item = &ChecklistEntry> {
        self.provide(Necessity::Optional)
    }

    /// 容缺: may follow after acceptance.
    pub fn tolerated(&self) -> impl Iterator<Item = &ChecklistEntry> {
        self.provide(Necessity::Tolerated)
    }

    /// Held by the government: listed so the applicant knows not to bring it.
    pub fn held_by_government(&self) -> impl Iterator<Item = &ChecklistEntry> {
        self.entries.iter().filter(|e| e.material.not_needed_from_applicant())
    }

    fn provide(&self, necessity: Necessity) -> impl Iterator<Item = &ChecklistEntry> {
        self.entries
            .iter()
            .filter(move |e| e.material.necessity == necessity && !e.material.not_needed_from_applicant())
    }
}

/// The checklist of one item for these answers.
pub fn item_checklist(item: &ServiceItem, answers: &Answers) -> Checklist {
    let (shown, effective) = walk(&item.questions, answers);
    let entries =
        item.materials.iter().filter_map(|material| entry(material, &item.questions, &effective, &item.code)).collect();
    Checklist { entries, unanswered: unanswered(&shown, &effective) }
}

/// The checklist of several items asked together (a bundle's): every item's
/// materials, a document several items need listed once with all of them
/// (same name = same document). Its id is `CODE.material` of the first item
/// that needs it, unique among them.
pub fn merged_checklist(items: &[ServiceItem], questions: &[Question], answers: &Answers) -> Checklist {
    let (shown, effective) = walk(questions, answers);
    let mut entries: Vec<ChecklistEntry> = Vec::new();
    for item in items {
        for material in &item.materials {
            let Some(mut new) = entry(material, questions, &effective, &item.code) else { continue };
            new.material.id = format!("{}.{}", item.code, material.id);
            match entries.iter_mut().find(|e| e.material.name == new.material.name) {
                Some(existing) => merge(existing, new),
                None => entries.push(new),
            }
        }
    }
    Checklist { entries, unanswered: unanswered(&shown, &effective) }
}

fn unanswered(shown: &[&Question], effective: &Answers) -> Vec<String> {
    shown.iter().filter(|q| !effective.contains_key(&q.id)).map(|q| q.id.clone()).collect()
}

fn entry(material: &Material, questions: &[Question], effective: &Answers, item: &str) -> Option<ChecklistEntry> {
    if !material.when.as_ref().is_none_or(|c| c.holds(effective)) {
        return None;
    }
    let (count, unit) = match &material.repeat {
        None => (1, String::new()),
        Some(id) => {
            let unit = questions.iter().find(|q| &q.id == id).map(|q| q.unit.clone()).unwrap_or_default();
            match effective.get(id) {
                Some(Answer::Number(n)) if *n > 0 => (u32::try_from(*n).unwrap_or(u32::MAX), unit),
                Some(Answer::Number(_)) => return None,
                // Not answered yet: one, until the applicant says how many.
                _ => (1, unit),
            }
        }
    };
    Some(ChecklistEntry { material: material.clone(), count, unit, items: vec![item.to_owned()] })
}

/// One document needed by two items: the stricter necessity, the larger count.
fn merge(existing: &mut ChecklistEntry, new: ChecklistEntry) {
    let rank = |n: Necessity| match n {
        Necessity::Required => 2,
        Necessity::Tolerated => 1,
        Necessity::Optional => 0,
    };
    if rank(new.material.necessity) > rank(existing.material.necessity) {
        existing.material.necessity = new.material.necessity;
    }
    existing.material.held_by_government &= new.material.not_needed_from_applicant();
    // Wanted new by one department (a photo taken for this case): new for all.
    existing.material.reusable &= new.material.reusable;
    if existing.material.source != new.material.source && !new.material.not_needed_from_applicant() {
        existing.material.source = new.material.source;
    }
    existing.count = existing.count.max(new.count);
    for item in new.items {
        if !existing.items.contains(&item) {
            existing.items.push(item);
        }
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::catalog::situation::{Choice, Compare, Condition, QuestionKind, Scalar};
    use crate::fixtures::{item, material};
    use proptest::prelude::*;

    const IDS: [&str; 4] = ["who", "agent", "cars", "extras"];

    fn questions() -> Vec<Question> {
        let kinds = [QuestionKind::Single, QuestionKind::YesNo, QuestionKind::Number, QuestionKind::Multiple];
        IDS.iter()
            .zip(kinds)
            .map(|(id, kind)| Question {
                id: id.to_string(),
                text: id.to_string(),
                hint: String::new(),
                kind,
                options: ["a", "b", "c"]
                    .iter()
                    .map(|o| Choice { id: o.to_string(), label: o.to_string(), hint: String::new() })
                    .collect(),
                min: Some(0),
                max: Some(5),
                unit: "辆".into(),
                when: None,
            })
            .collect()
    }

    fn option() -> impl Strategy<Value = String> {
        prop_oneof![Just("a".to_owned()), Just("b".to_owned()), Just("c".to_owned())]
    }

    /// A test on one of the first `up_to` questions, fitting its kind.
    fn leaf(up_to: usize) -> BoxedStrategy<Condition> {
        let all = [
            prop_oneof![
                option().prop_map(|o| Condition::Equals { question: "who".into(), value: Scalar::Text(o) }),
                proptest::collection::vec(option(), 1..3)
                    .prop_map(|options| Condition::In { question: "who".into(), options }),
            ]
            .boxed(),
            any::<bool>().prop_map(|value| Condition::Is { question: "agent".into(), value }).boxed(),
            (0usize..4, 0i64..6)
                .prop_map(|(op, value)| {
                    let compare = [Compare::AtLeast, Compare::AtMost, Compare::MoreThan, Compare::LessThan][op];
                    Condition::Compare { question: "cars".into(), compare, value }
                })
                .boxed(),
            proptest::collection::vec(option(), 1..3)
                .prop_map(|options| Condition::AnyOf { question: "extras".into(), options })
                .boxed(),
        ];
        proptest::strategy::Union::new(all.into_iter().take(up_to)).boxed()
    }

    fn condition(up_to: usize) -> impl Strategy<Value = Condition> {
        leaf(up_to).prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..3).prop_map(Condition::All),
                proptest::collection::vec(inner.clone(), 1..3).prop_map(Condition::Any),
                inner.prop_map(|c| Condition::Not(Box::new(c))),
            ]
        })
    }

    fn necessity() -> impl Strategy<Value = Necessity> {
        prop_oneof![Just(Necessity::Required), Just(Necessity::Optional), Just(Necessity::Tolerated)]
    }

    fn test_item() -> impl Strategy<Value = ServiceItem> {
        let question_whens = (
            proptest::option::of(condition(1)),
            proptest::option::of(condition(2)),
            proptest::option::of(condition(3)),
        );
        let materials =
            proptest::collection::vec((proptest::option::of(condition(4)), necessity(), any::<bool>()), 1..8);
        (question_whens, materials).prop_map(|((w1, w2, w3), specs)| {
            let mut it = item("P-1");
            it.questions = questions();
            (it.questions[1].when, it.questions[2].when, it.questions[3].when) = (w1, w2, w3);
            it.materials = specs
                .into_iter()
                .enumerate()
                .map(|(i, (when, necessity, repeat))| {
                    let mut m = material(&format!("m{i}"));
                    m.name = format!("材料{i}");
                    (m.when, m.necessity) = (when, necessity);
                    m.repeat = repeat.then(|| "cars".to_owned());
                    m
                })
                .collect();
            it
        })
    }

    fn answer_for(kind: usize) -> BoxedStrategy<Answer> {
        match kind {
            0 => prop_oneof![option().prop_map(Answer::Choice), Just(Answer::Choice("zzz".into()))].boxed(),
            1 => prop_oneof![any::<bool>().prop_map(Answer::YesNo), Just(Answer::Number(1))].boxed(),
            2 => (-1i64..8).prop_map(Answer::Number).boxed(),
            _ => proptest::collection::vec(option(), 0..3).prop_map(Answer::Choices).boxed(),
        }
    }

    fn answers() -> impl Strategy<Value = Answers> {
        (0..4usize).map(|k| proptest::option::of(answer_for(k))).collect::<Vec<_>>().prop_map(|list| {
            list.into_iter().enumerate().filter_map(|(k, a)| a.map(|a| (IDS[k].to_owned(), a))).collect()
        })
    }

    /// Every question a material's presence can depend on: what its condition
    /// and repeat read, and what decides whether those questions are shown.
    fn depends_on(item: &ServiceItem, m: &Material) -> Vec<String> {
        let mut pending: Vec<String> = m.when.iter().flat_map(|c| c.questions()).map(str::to_owned).collect();
        pending.extend(m.repeat.clone());
        let mut out = Vec::new();
        while let Some(id) = pending.pop() {
            if out.contains(&id) {
                continue;
            }
            if let Some(q) = item.questions.iter().find(|q| q.id == id) {
                pending.extend(q.when.iter().flat_map(|c| c.questions()).map(str::to_owned));
            }
            out.push(id);
        }
        out
    }

    fn present(list: &Checklist) -> Vec<(String, u32)> {
        list.entries.iter().map(|e| (e.material.id.clone(), e.count)).collect()
    }

    proptest! {
        #[test]
        fn the_same_answers_give_the_same_checklist(it in test_item(), given in answers()) {
            let json = serde_json::to_string(&given).unwrap();
            let again: Answers = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(item_checklist(&it, &given), item_checklist(&it, &again));
        }

        #[test]
        fn unconditional_required_materials_are_always_listed(it in test_item(), given in answers()) {
            let list = item_checklist(&it, &given);
            for m in it.materials.iter().filter(|m| m.when.is_none() && m.repeat.is_none() && m.necessity == Necessity::Required) {
                prop_assert!(list.required().any(|e| e.material.id == m.id), "{} missing", m.id);
            }
        }

        #[test]
        fn removing_an_answer_never_changes_an_unrelated_material(it in test_item(), given in answers(), k in 0..4usize) {
            let mut fewer = given.clone();
            fewer.remove(IDS[k]);
            let before = present(&item_checklist(&it, &given));
            let after = present(&item_checklist(&it, &fewer));
            for m in it.materials.iter().filter(|m| !depends_on(&it, m).iter().any(|q| q == IDS[k])) {
                let find = |list: &[(String, u32)]| list.iter().find(|(id, _)| *id == m.id).cloned();
                prop_assert_eq!(find(&before), find(&after), "material {} changed when {} was removed", m.id, IDS[k]);
            }
        }

        #[test]
        fn repeated_materials_follow_the_number(it in test_item(), cars in 0i64..6) {
            let given: Answers = [("cars".to_owned(), Answer::Number(cars))].into_iter().collect();
            let list = item_checklist(&it, &given);
            // Only an asked question counts; a hidden one leaves the default of one.
            let asked = walk(&it.questions, &given).1.contains_key("cars");
            for entry in list.entries.iter().filter(|e| e.material.repeat.is_some() && asked) {
                prop_assert_eq!(i64::from(entry.count), cars);
                prop_assert_eq!(entry.instances().len() as i64, cars);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundle::{Bundle, BundleDetail};
    use crate::fixtures::{item, material};

    #[test]
    fn repeated_material_titles() {
        let entry =
            |count, unit: &str| ChecklistEntry { material: material("x"), count, unit: unit.into(), items: vec![] };
        assert_eq!(entry(3, "辆").title(), "申请书（第 1 辆 … 第 3 辆）");
        assert_eq!(entry(2, "辆").title(), "申请书（第 1 辆、第 2 辆）");
        assert_eq!(entry(1, "").title(), "申请书");
        assert_eq!(entry(2, "辆").instances(), ["第 1 辆", "第 2 辆"]);
    }

    #[test]
    fn a_bundle_lists_a_shared_document_once_with_every_item() {
        let mut a = item("A-1");
        a.promised_limit_days = 10;
        let mut licence = material("business_licence");
        licence.name = "营业执照".into();
        licence.necessity = Necessity::Optional;
        a.materials.push(licence.clone());
        let mut b = item("B-1");
        b.promised_limit_days = 5;
        licence.necessity = Necessity::Required;
        b.materials = vec![licence];
        let detail = BundleDetail {
            bundle: Bundle {
                code: "K-1".into(),
                name: "开办".into(),
                summary: String::new(),
                lead_department: "市场监管局".into(),
                items: vec!["A-1".into(), "B-1".into()],
                promised_limit_days: None,
                keywords: vec![],
                english_name: String::new(),
                english_keywords: vec![],
                shared_fields: vec![],
                consult_days: 2,
            },
            items: vec![a, b],
        };
        let list = crate::catalog::bundle::bundle_checklist(&detail, &Answers::new());
        let names: Vec<&str> = list.entries.iter().map(|e| e.material.name.as_str()).collect();
        assert_eq!(names, ["申请书", "营业执照"]);
        assert_eq!(list.entries[1].items, ["A-1", "B-1"]);
        assert_eq!(list.entries[1].material.necessity, Necessity::Required, "the stricter necessity wins");
        assert_eq!(detail.promised_limit_days(), 10, "items run in parallel");
    }
}
