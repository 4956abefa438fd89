//! Consent per purpose (个人信息处理的单独同意): what a signed-in person lets
//! the platform use their verified identity for, each given and withdrawn on
//! its own, each change recorded with its time.

use serde::{Deserialize, Serialize};

/// A use of the verified identity the person decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Signing in at all, and 我的办件 (given by signing in; withdrawn by deleting the account's data).
    SignIn,
    /// Filling forms with the verified name and ID number.
    Prefill,
    /// Offering the person's earlier materials for a new application.
    MaterialReuse,
}

impl Purpose {
    pub const ALL: [Self; 3] = [Self::SignIn, Self::Prefill, Self::MaterialReuse];

    /// How it is stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Prefill => "prefill",
            Self::MaterialReuse => "material_reuse",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// What the person agrees to, in plain words.
    pub fn label(self) -> &'static str {
        match self {
            Self::SignIn => "用统一身份认证登录，在“我的办件”查看名下办件",
            Self::Prefill => "填写申请时，用认证过的姓名和身份证号自动填写",
            Self::MaterialReuse => "新的申请可以选用以前提交过的材料",
        }
    }
}

/// One purpose as it stands for the person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub purpose: Purpose,
    pub given: bool,
    /// When it was last given or withdrawn (RFC 3339); none if never asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<String>,
}

/// `POST /api/my/consents`: give or withdraw one purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentChange {
    pub purpose: Purpose,
    pub given: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_purpose_is_stored_and_read_back_by_its_name() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::parse(purpose.as_str()), Some(purpose));
            assert!(!purpose.label().is_empty());
        }
        assert_eq!(Purpose::parse("marketing"), None);
    }
}
