//! Finding a case at the window: by its number, or by who applied — a name,
//! an ID number, a credit code or a phone number, typed as people type them.
//!
//! The server keeps none of these in clear to search by: it keeps a keyed
//! hash of each [`term`] of an application ([`terms`]), and hashes what the
//! clerk typed the same way. So a search is an exact match on a whole name
//! or number, never a fragment.

use serde::{Deserialize, Serialize};

use crate::apply::form::{Applicant, ApplicationForm};
use crate::apply::identity::normalise_mobile;
use crate::case::Status;
use crate::case::view::StaffCaseSummary;
use crate::reference::CaseNumber;
use crate::time::calendar::Light;

/// What a clerk typed into the search box: a case number (a joint case's
/// whole finds its parts too), a whole name or number of someone on the
/// application as a [`term`], or both (eight letters may be either).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseQuery {
    pub number: Option<CaseNumber>,
    pub term: Option<String>,
}

impl CaseQuery {
    /// `None` when nothing searchable was typed.
    pub fn parse(typed: &str) -> Option<Self> {
        let query = Self { number: CaseNumber::parse(typed), term: term(typed) };
        (query.number.is_some() || query.term.is_some()).then_some(query)
    }
}

/// A name or number as it is compared: spaces and hyphens gone, full-width
/// digits made half-width, letters upper case, a mobile number without +86.
pub fn term(value: &str) -> Option<String> {
    Some(normalise_mobile(value)).filter(|t| !t.is_empty())
}

/// Every name and number on an application a clerk may search by: the
/// applicant's (a person's name, ID number and phone; an organisation's
/// name, credit code, legal representative, contact and phone), the agent's
/// and every other party's (the seller of a flat).
pub fn terms(form: &ApplicationForm) -> Vec<String> {
    let mut values: Vec<&str> = match &form.applicant {
        Applicant::Person(p) => vec![&p.name, &p.id_number, &p.phone],
        Applicant::Organisation(o) => {
            vec![&o.name, &o.credit_code, &o.legal_representative, &o.contact_name, &o.phone]
        }
    };
    if let Some(agent) = &form.agent {
        values.extend([agent.name.as_str(), &agent.id_number, &agent.phone]);
    }
    for party in form.parties.values() {
        values.extend([party.name.as_str(), &party.id_number, &party.phone]);
    }
    let mut out: Vec<String> = values.into_iter().filter_map(term).collect();
    out.sort();
    out.dedup();
    out
}

/// How the staff list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    /// Newest submission first.
    Newest,
    /// Running cases by due date, the most urgent first; the rest after, newest first.
    Due,
}

impl Sort {
    pub const ALL: [Sort; 2] = [Self::Newest, Self::Due];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Due => "due",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Newest => "最新提交在前",
            Self::Due => "最临近时限在前",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A clerk's search of the department's cases (sent in a body: names and ID
/// numbers never go in a URL).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSearch {
    /// A case number, or a whole name, ID number, credit code or phone number.
    #[serde(default)]
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// An item's (or a bundle's) code.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub item: String,
    /// Only cases whose clock runs, by today's light.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub light: Option<Light>,
    #[serde(default)]
    pub sort: Sort,
    /// From 1 (default 1); 100 cases a page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 2147483647))]
    pub page: Option<u32>,
}

/// One page of a search, and whether another follows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSearchPage {
    pub cases: Vec<StaffCaseSummary>,
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::form::{Agent, Person};
    use crate::apply::parties::PartyPerson;

    fn form() -> ApplicationForm {
        ApplicationForm {
            applicant: Applicant::Person(Person {
                name: "李四".into(),
                id_number: "11010519491231002x".into(),
                phone: "138 1234 5678".into(),
                address: "示范县人民路 9 号".into(),
            }),
            agent: Some(Agent { name: "王 五".into(), id_number: String::new(), phone: "+8613912345678".into() }),
            fields: Default::default(),
            applicant_party: Some("buyer".into()),
            parties: [(
                "seller".to_owned(),
                PartyPerson {
                    name: "赵 六".into(),
                    id_number: "110101199003078515".into(),
                    phone: "13712345678".into(),
                    consent: true,
                },
            )]
            .into(),
            delivery: None,
        }
    }

    #[test]
    fn a_clerk_finds_a_case_by_what_is_typed_however_it_is_typed() {
        let terms = terms(&form());
        for typed in [
            "李四",
            " 李 四",
            "110105 19491231 002X",
            "11010519491231002x",
            "13812345678",
            "王五",
            "139-1234-5678",
            "赵六",
            "110101199003078515",
        ] {
            let term = CaseQuery::parse(typed).and_then(|q| q.term).unwrap();
            assert!(terms.contains(&term), "{typed} → {term} in {terms:?}");
        }
        assert!(!terms.iter().any(|t| t.contains("人民路")), "the address is not searched");
        assert_eq!(CaseQuery::parse("  "), None);
        let number = CaseQuery::parse("abcd efgh").unwrap();
        assert_eq!(number.number.map(|n| n.into_string()).as_deref(), Some("ABCD-EFGH"));
    }
}
