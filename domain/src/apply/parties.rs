//! Parties (当事人): where the law has more than one person in a matter — both
//! sides of a marriage, the buyer and seller of a flat (and a seller's spouse),
//! a baby and its parents — the item declares them in the catalog. One party
//! submits (the applicant says which one they are); every other person party is
//! named with ID number, phone and the applicant's attestation of their consent;
//! a subject (the baby) is described by the item fields that name it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::apply::identity::{NAME_LENGTH, Rule, Today, normalise, typed_problems};
use crate::catalog::situation::{Answers, Condition};

/// One party an item declares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// `buyer`, `seller_spouse`: what fields and materials name.
    #[serde(default)]
    pub id: String,
    /// 买方, 卖方配偶: how the form, the receipt and the clerk call them.
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub kind: PartyKind,
    /// Said under the party's heading (who counts, what to bring).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    /// Part of the application only when this holds over the situation answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A person who takes part: named, identified, reachable, consenting.
    #[default]
    #[cfg_attr(feature = "aliases", serde(alias = "当事人"))]
    Person,
    /// What the matter is about and who does not sign (婴儿): described by the
    /// item fields that name it.
    #[cfg_attr(feature = "aliases", serde(alias = "对象"))]
    Subject,
}

/// A person party who is not the applicant, as the form records them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyPerson {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    /// The applicant attests this party knows of and agrees to the application
    /// (they sign in person at the window).
    #[serde(default)]
    pub consent: bool,
}

impl PartyPerson {
    /// Each field's first problem, in form order.
    fn problems(&self, today: Today) -> Vec<(&'static str, &'static str)> {
        typed_problems(&[
            ("name", &self.name, "请填写姓名", NAME_LENGTH),
            ("id_number", &self.id_number, "请填写身份证号码", Rule::ResidentId(today)),
            ("phone", &self.phone, "请填写手机号码", Rule::Mobile),
        ])
    }
}

/// The parties taking part for these (effective) answers, in catalog order.
pub fn active<'a>(parties: &'a [Party], effective: &Answers) -> Vec<&'a Party> {
    parties.iter().filter(|p| p.when.as_ref().is_none_or(|c| c.holds(effective))).collect()
}

/// The person parties to be named besides the applicant's own.
pub fn others<'a>(active: &[&'a Party], applicant_party: Option<&str>) -> Vec<&'a Party> {
    active.iter().copied().filter(|p| p.kind == PartyKind::Person && Some(p.id.as_str()) != applicant_party).collect()
}

/// The path of the choice of which party the applicant is.
pub const APPLICANT_PARTY: &str = "parties.applicant";

/// Every problem with the parties, as (path, message), in form order: which
/// party the applicant is, then each other party's name, ID number, phone and
/// consent; an entry for a party the item does not have; one ID number given
/// for two parties. An entry for a declared party that is not needed (the
/// applicant's own side, a spouse the answers left out) is no problem: it is
/// not kept (see [`keep_needed`]).
pub fn problems(
    declared: &[Party],
    active: &[&Party],
    applicant_party: Option<&str>,
    applicant_id: &str,
    entries: &BTreeMap<String, PartyPerson>,
    today: Today,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let declared_person = |id: &str| declared.iter().any(|p| p.id == id && p.kind == PartyKind::Person);
    for id in entries.keys().filter(|id| !declared_person(id)) {
        out.push((format!("parties.{id}.name"), "这份申请没有这一方，请刷新页面后重新填写".to_owned()));
    }
    let persons: Vec<&&Party> = active.iter().filter(|p| p.kind == PartyKind::Person).collect();
    if persons.is_empty() {
        return out;
    }
    match applicant_party {
        Some(id) if persons.iter().any(|p| p.id == id) => {}
        _ => out.push((APPLICANT_PARTY.to_owned(), "请选择您是哪一方".to_owned())),
    }
    let mut seen: Vec<(String, &str)> = Vec::new();
    if !applicant_id.trim().is_empty() {
        let own = applicant_party.and_then(|id| persons.iter().find(|p| p.id == id)).map_or("申请人", |p| &p.label);
        seen.push((normalise(applicant_id), own));
    }
    for party in others(active, applicant_party) {
        let path = |name: &str| format!("parties.{}.{name}", party.id);
        let Some(entry) = entries.get(&party.id) else {
            out.push((path("name"), format!("请填写{}的信息", party.label)));
            continue;
        };
        for (name, message) in entry.problems(today) {
            out.push((path(name), format!("{}：{message}", party.label)));
        }
        let id = normalise(&entry.id_number);
        if let Some((_, other)) = seen.iter().find(|(seen, _)| !id.is_empty() && *seen == id) {
            out.push((path("id_number"), format!("{}的身份证号码与{other}的相同，请核对", party.label)));
        } else if !id.is_empty() {
            seen.push((id, &party.label));
        }
        if !entry.consent {
            out.push((path("consent"), format!("请确认{}已知晓并同意这份申请", party.label)));
        }
    }
    out
}

/// One person party as the review page, the clerk and the receipt list them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub label: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    /// The party who submitted (the applicant above).
    pub applicant: bool,
}

impl Named {
    /// `卖方：李四，110…，139…` in full (for the applicant's review and the clerk).
    pub fn row(&self) -> (String, String) {
        if self.applicant {
            (format!("{}（申请人）", self.label), self.name.clone())
        } else {
            (self.label.clone(), format!("{}，{}，{}，已确认本人同意申请", self.name, self.id_number, self.phone))
        }
    }
}

/// Keep only the entries of the parties named besides the applicant: what the
/// server stores is what the application needs, nothing typed for a party that
/// then fell away.
pub fn keep_needed(entries: &mut BTreeMap<String, PartyPerson>, active: &[&Party], applicant_party: Option<&str>) {
    let needed: Vec<&str> = others(active, applicant_party).into_iter().map(|p| p.id.as_str()).collect();
    entries.retain(|id, _| needed.contains(&id.as_str()));
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Today = (2026, 3, 1);

    fn party(id: &str, label: &str, kind: PartyKind) -> Party {
        Party { id: id.into(), label: label.into(), kind, hint: String::new(), when: None }
    }

    fn sale() -> Vec<Party> {
        vec![party("buyer", "买方", PartyKind::Person), party("seller", "卖方", PartyKind::Person)]
    }

    fn seller() -> PartyPerson {
        PartyPerson {
            name: "李四".into(),
            id_number: "110101199003078515".into(),
            phone: "13912345678".into(),
            consent: true,
        }
    }

    fn found(entries: &BTreeMap<String, PartyPerson>, applicant: Option<&str>) -> Vec<(String, String)> {
        let parties = sale();
        let active: Vec<&Party> = parties.iter().collect();
        problems(&parties, &active, applicant, "11010519491231002X", entries, TODAY)
    }

    #[test]
    fn the_seller_is_named_identified_and_consents() {
        let mut entries = BTreeMap::from([("seller".to_owned(), seller())]);
        assert_eq!(found(&entries, Some("buyer")), []);
        entries.get_mut("seller").unwrap().id_number = String::new();
        entries.get_mut("seller").unwrap().consent = false;
        assert_eq!(
            found(&entries, Some("buyer")),
            [
                ("parties.seller.id_number".to_owned(), "卖方：请填写身份证号码".to_owned()),
                ("parties.seller.consent".to_owned(), "请确认卖方已知晓并同意这份申请".to_owned()),
            ]
        );
        assert_eq!(found(&BTreeMap::new(), Some("buyer")), [("parties.seller.name".into(), "请填写卖方的信息".into())]);
    }

    #[test]
    fn the_applicant_says_which_side_they_are_and_no_one_is_both() {
        let mut entries = BTreeMap::from([("seller".to_owned(), seller())]);
        assert_eq!(found(&entries, None)[0], (APPLICANT_PARTY.to_owned(), "请选择您是哪一方".to_owned()));
        entries.get_mut("seller").unwrap().id_number = "11010519491231002x".into();
        assert_eq!(
            found(&entries, Some("buyer")),
            [("parties.seller.id_number".into(), "卖方的身份证号码与买方的相同，请核对".into())]
        );
    }

    #[test]
    fn an_unknown_party_is_refused_and_one_not_needed_dropped_before_storing() {
        let entries = BTreeMap::from([("seller".to_owned(), seller()), ("buyer".to_owned(), seller())]);
        let parties = sale();
        let active: Vec<&Party> = parties.iter().collect();
        // The applicant's own side needs no entry: it is not an error, only not kept.
        assert_eq!(found(&entries, Some("buyer")), []);
        let mut kept = entries.clone();
        keep_needed(&mut kept, &active, Some("buyer"));
        assert_eq!(kept.keys().collect::<Vec<_>>(), ["seller"]);
        let odd = BTreeMap::from([("witness".to_owned(), seller())]);
        assert!(
            found(&odd, Some("seller"))
                .contains(&("parties.witness.name".to_owned(), "这份申请没有这一方，请刷新页面后重新填写".to_owned()))
        );
    }

    #[test]
    fn a_subject_is_not_asked_to_consent_nor_chosen_by_the_applicant() {
        let parties = vec![party("baby", "婴儿", PartyKind::Subject)];
        let active: Vec<&Party> = parties.iter().collect();
        assert_eq!(problems(&parties, &active, None, "", &BTreeMap::new(), TODAY), []);
    }
}
