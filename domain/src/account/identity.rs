//! One identity type for every provider: a person or a legal person, the
//! provider's own subject, what it verified (real name, ID number, phone; an
//! organisation's name and credit code) and how sure it is (the assurance
//! level as an ordinal, with the provider's raw code kept beside it).

use serde::{Deserialize, Serialize};

/// Who signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// 自然人.
    Person,
    /// 法人 (an enterprise or organisation, through its authorised person).
    LegalPerson,
}

/// How sure the provider is of who this is. Provinces grade differently
/// (Guangdong 二–五级); `level` puts them on one scale, `raw` keeps theirs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assurance {
    /// 0: nothing verified (WeChat's openid); 1: a phone; 2: real name and ID
    /// number checked against the registry; 3: plus a face or bank card; 4: in person or a certificate.
    pub level: u8,
    /// The provider's own code, as it said it (`L3`, `3`, `实名二级`).
    pub raw: String,
}

/// The highest level on the scale.
pub const MAX_LEVEL: u8 = 4;

/// The provider name of a WeChat sign-in (its subject is the openid).
pub const WECHAT: &str = "wechat";

/// What a provider told us about the person signing in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    /// The adapter that signed them in (`oidc`, `zhejiang`, `guangdong`, `wechat`).
    pub provider: String,
    /// The provider's subject: unique only together with `provider`.
    pub subject: String,
    pub kind: SubjectKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub assurance: Assurance,
    /// A legal person's 统一社会信用代码 and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// When the provider authenticated them (RFC 3339).
    pub authenticated_at: String,
}

/// An identity as the browser may see it: names and numbers masked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentityView {
    pub provider: String,
    pub kind: SubjectKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    pub level: u8,
}

impl Identity {
    /// The provider-scoped subject, one string: what sessions and cases are keyed by (hashed).
    pub fn key(&self) -> String {
        format!("{}\0{}", self.provider, self.subject)
    }

    pub fn view(&self) -> IdentityView {
        use crate::apply::identity::{mask_id, mask_name};
        IdentityView {
            provider: self.provider.clone(),
            kind: self.kind,
            name: self.real_name.as_deref().map(mask_name),
            id_number: self.id_number.as_deref().map(mask_id),
            organisation: self.organisation.clone(),
            level: self.assurance.level,
        }
    }

    /// The WeChat account's openid, when this is a WeChat sign-in: where WeChat
    /// notices about the person's cases go.
    pub fn wechat_openid(&self) -> Option<&str> {
        (self.provider == WECHAT).then_some(self.subject.as_str())
    }

    /// Whether this sign-in is sure enough for an item that requires `level`.
    pub fn meets(&self, level: u8) -> bool {
        self.assurance.level >= level
    }
}

/// Why an item that requires sign-in at `required` refuses this applicant
/// (not signed in, or signed in less surely), if it does.
pub fn sign_in_problem(required: Option<u8>, identity: Option<&Identity>) -> Option<String> {
    let required = required?;
    match identity {
        Some(who) if who.meets(required) => None,
        Some(_) => Some(format!(
            "办理这个事项需要实名认证等级不低于{required}级的登录，您这次登录的等级不够，请换用更高等级的方式登录（例如刷脸认证）后再提交，已填写的内容不会丢失"
        )),
        None => Some(format!(
            "办理这个事项需要先登录（实名认证等级不低于{required}级），登录后再提交，已填写的内容不会丢失"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(level: u8) -> Identity {
        Identity {
            provider: "oidc".into(),
            subject: "u-1".into(),
            kind: SubjectKind::Person,
            real_name: Some("张三丰".into()),
            id_number: Some("11010519491231002X".into()),
            phone: Some("13812345678".into()),
            assurance: Assurance { level, raw: format!("L{level}") },
            credit_code: None,
            organisation: None,
            authenticated_at: "2026-12-04T10:00:00Z".into(),
        }
    }

    #[test]
    fn the_browser_sees_the_identity_masked() {
        let view = person(3).view();
        assert_eq!(view.name.as_deref(), Some("张*丰"));
        assert_eq!(view.id_number.as_deref(), Some("110***********002X"));
        assert!(!serde_json::to_string(&view).unwrap().contains("13812345678"), "no phone at all");
    }

    #[test]
    fn a_level_is_met_by_that_level_or_higher() {
        assert!(person(3).meets(3) && person(4).meets(3));
        assert!(!person(2).meets(3));
        assert_ne!(person(2).key(), Identity { provider: "wechat".into(), ..person(2) }.key());
    }

    #[test]
    fn an_item_requiring_a_level_says_what_is_missing() {
        assert_eq!(sign_in_problem(None, None), None);
        assert_eq!(sign_in_problem(Some(3), Some(&person(3))), None);
        assert!(sign_in_problem(Some(3), Some(&person(2))).unwrap().contains("等级不够"));
        assert!(sign_in_problem(Some(3), None).unwrap().contains("需要先登录"));
    }
}
