//! How long a session lasts: it ends after a while unused (idle) and, used or
//! not, a fixed time after sign-in (absolute) — a phone left signed in at a
//! village 代办点 does not stay signed in.

use serde::{Deserialize, Serialize};

use crate::account::identity::{Identity, IdentityView, SubjectKind};
use crate::apply::form::{Applicant, ApplicationForm};

/// `GET /api/session`: who is signed in on this browser (masked), and the
/// token every change made with the session cookie must carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionState {
    pub signed_in: bool,
    /// Whether this centre offers signing in with the province's identity service.
    #[serde(default)]
    pub sign_in: bool,
    /// Whether it offers WeChat sign-in (inside WeChat).
    #[serde(default)]
    pub wechat: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityView>,
    /// To send as `X-CSRF-Token` with every change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
    /// The purposes the person has agreed to (see `consent`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<crate::account::consent::Purpose>,
}

/// The level from which the provider checked the real name against the
/// registry: below it, nothing is filled in or replaced.
pub const REAL_NAME_LEVEL: u8 = 2;

/// `GET /api/session/prefill`: what the provider verified, in full, for the
/// person's own form only (never stored by the page, shown masked). The
/// server puts the same values in the case whatever the page sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Prefill {
    pub kind: SubjectKind,
    pub name: String,
    /// A person's resident ID number; empty for a legal person.
    #[serde(default)]
    pub id_number: String,
    /// A legal person's unified social credit code; empty for a person.
    #[serde(default)]
    pub credit_code: String,
}

impl Prefill {
    /// What an identity lets a form be filled with: a person's verified name
    /// and ID number, or an organisation's name and credit code; nothing from
    /// a sign-in that verified no real name (WeChat's openid, a phone alone).
    pub fn of(identity: &Identity) -> Option<Self> {
        if identity.assurance.level < REAL_NAME_LEVEL {
            return None;
        }
        match identity.kind {
            SubjectKind::Person => Some(Self {
                kind: SubjectKind::Person,
                name: identity.real_name.clone()?,
                id_number: identity.id_number.clone()?,
                credit_code: String::new(),
            }),
            SubjectKind::LegalPerson => Some(Self {
                kind: SubjectKind::LegalPerson,
                name: identity.organisation.clone()?,
                id_number: String::new(),
                credit_code: identity.credit_code.clone()?,
            }),
        }
    }
}

/// The two fields of the form a verified identity fills and locks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locked {
    /// The name's path (`applicant.name`, `agent.name`), as errors carry it.
    pub name: &'static str,
    /// The ID number's or credit code's path.
    pub number: &'static str,
}

impl Prefill {
    /// Fill the form as the person who signed in: their name and ID number
    /// (the agent's, when an agent applies), or the organisation's name and
    /// credit code. The page does this to show them; the server does it
    /// again whatever the page sent. Which fields it locked, if any.
    pub fn fill(&self, form: &mut ApplicationForm) -> Option<Locked> {
        match (self.kind, &mut form.agent, &mut form.applicant) {
            (SubjectKind::Person, Some(agent), _) => {
                agent.name.clone_from(&self.name);
                agent.id_number.clone_from(&self.id_number);
                Some(Locked { name: "agent.name", number: "agent.id_number" })
            }
            (SubjectKind::Person, None, Applicant::Person(person)) => {
                person.name.clone_from(&self.name);
                person.id_number.clone_from(&self.id_number);
                Some(Locked { name: "applicant.name", number: "applicant.id_number" })
            }
            (SubjectKind::LegalPerson, _, Applicant::Organisation(organisation)) => {
                organisation.name.clone_from(&self.name);
                organisation.credit_code.clone_from(&self.credit_code);
                Some(Locked { name: "applicant.name", number: "applicant.credit_code" })
            }
            // A person applying for a company is its contact; a company does not apply as a person.
            (SubjectKind::Person, None, Applicant::Organisation(_))
            | (SubjectKind::LegalPerson, _, Applicant::Person(_)) => None,
        }
    }
}

/// Seconds a session may stay unused, and seconds it may last at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    pub idle: i64,
    pub absolute: i64,
}

impl Default for Lifetimes {
    /// 30 minutes unused, 12 hours in all.
    fn default() -> Self {
        Self { idle: 30 * 60, absolute: 12 * 60 * 60 }
    }
}

impl Lifetimes {
    /// Whether a session made at `created` and last used at `last_seen` is
    /// still alive at `now` (Unix seconds).
    pub fn alive(self, created: i64, last_seen: i64, now: i64) -> bool {
        now - last_seen < self.idle && now - created < self.absolute
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::identity::Assurance;

    fn identity(kind: SubjectKind, level: u8) -> Identity {
        Identity {
            provider: "oidc".into(),
            subject: "s".into(),
            kind,
            real_name: Some("张三".into()),
            id_number: Some("11010519491231002X".into()),
            phone: None,
            assurance: Assurance { level, raw: level.to_string() },
            credit_code: Some("91330000MA2XXXXX0X".into()),
            organisation: Some("某某有限公司".into()),
            authenticated_at: "2026-12-05T10:00:00Z".into(),
        }
    }

    #[test]
    fn only_a_verified_real_name_fills_a_form() {
        let person = Prefill::of(&identity(SubjectKind::Person, 2)).unwrap();
        assert_eq!((person.name.as_str(), person.id_number.as_str()), ("张三", "11010519491231002X"));
        let company = Prefill::of(&identity(SubjectKind::LegalPerson, 3)).unwrap();
        assert_eq!((company.name.as_str(), company.credit_code.as_str()), ("某某有限公司", "91330000MA2XXXXX0X"));
        assert_eq!(Prefill::of(&identity(SubjectKind::Person, 1)), None, "a phone alone proves no name");
        let mut wechat = identity(SubjectKind::Person, 0);
        wechat.real_name = None;
        assert_eq!(Prefill::of(&wechat), None);
    }

    #[test]
    fn the_signed_in_person_is_the_applicant_or_the_agent_never_someone_else() {
        use crate::apply::form::{Agent, Organisation, Person};
        let person = Prefill::of(&identity(SubjectKind::Person, 2)).unwrap();
        let mut form = ApplicationForm {
            applicant: Applicant::Person(Person { name: "李四".into(), ..Person::default() }),
            agent: None,
            fields: Default::default(),
            delivery: None,
            applicant_party: None,
            parties: Default::default(),
        };
        assert_eq!(person.fill(&mut form).map(|l| l.number), Some("applicant.id_number"));
        assert_eq!(form.text("applicant.name"), "张三");
        // An agent applies: the agent is the one who signed in; the principal stays as typed.
        form.applicant = Applicant::Person(Person { name: "王五".into(), ..Person::default() });
        form.agent = Some(Agent::default());
        assert_eq!(person.fill(&mut form).map(|l| l.name), Some("agent.name"));
        assert_eq!((form.text("applicant.name"), form.text("agent.id_number")), ("王五", "11010519491231002X"));
        // A person applying for a company fills nothing of the company's.
        form.agent = None;
        form.applicant = Applicant::Organisation(Organisation::default());
        assert_eq!(person.fill(&mut form), None);
        let company = Prefill::of(&identity(SubjectKind::LegalPerson, 3)).unwrap();
        assert_eq!(company.fill(&mut form).map(|l| l.number), Some("applicant.credit_code"));
        assert_eq!(form.text("applicant.credit_code"), "91330000MA2XXXXX0X");
    }

    #[test]
    fn a_session_ends_when_unused_or_when_old() {
        let life = Lifetimes::default();
        assert!(life.alive(0, 0, 29 * 60));
        assert!(!life.alive(0, 0, 30 * 60), "idle");
        assert!(life.alive(0, 11 * 3600, 11 * 3600 + 60));
        assert!(!life.alive(0, 12 * 3600 - 1, 12 * 3600), "absolute, however busy");
    }
}
