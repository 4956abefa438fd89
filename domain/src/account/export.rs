//! 导出我的数据: everything the platform holds of a signed-in person, as
//! JSON and as a page to read or print — the identity the provider
//! verified, the consents, and every case bound to them (nothing of anyone else's).

use serde::{Deserialize, Serialize};

use crate::account::consent::Consent;
use crate::account::identity::{Identity, SubjectKind};
use crate::case::document::DocumentText;
use crate::case::view::CaseView;
use crate::time::date::Date;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonalData {
    pub exported_on: Date,
    pub identity: Identity,
    pub consents: Vec<Consent>,
    pub cases: Vec<CaseView>,
}

impl PersonalData {
    /// The same, in words, to read or print (`centre` signs it).
    pub fn readable(&self, centre: &str) -> DocumentText {
        let who = &self.identity;
        let mut paragraphs = vec![format!(
            "登录方式：{}；认证级别：{} 级；{}",
            who.provider,
            who.assurance.level,
            match who.kind {
                SubjectKind::Person => "自然人",
                SubjectKind::LegalPerson => "法人",
            }
        )];
        for (label, value) in [
            ("姓名", &who.real_name),
            ("身份证号码", &who.id_number),
            ("手机号码", &who.phone),
            ("单位名称", &who.organisation),
            ("统一社会信用代码", &who.credit_code),
        ] {
            if let Some(value) = value {
                paragraphs.push(format!("{label}：{value}"));
            }
        }
        for consent in &self.consents {
            let state = if consent.given { "已同意" } else { "未同意或已撤回" };
            let when = consent.changed_at.as_deref().map(|t| format!("（{t}）")).unwrap_or_default();
            paragraphs.push(format!("授权：{}——{state}{when}", consent.purpose.label()));
        }
        if self.cases.is_empty() {
            paragraphs.push("名下没有办件。".to_owned());
        }
        for case in &self.cases {
            paragraphs.push(format!(
                "办件 {}：{}（{}），{}提交，{}",
                case.case_number, case.item_name, case.department, case.submitted_at, case.status_label
            ));
        }
        DocumentText {
            title: "个人数据导出".to_owned(),
            number: format!("导出日期：{}", self.exported_on.chinese()),
            addressee: format!("{}：", who.real_name.as_deref().or(who.organisation.as_deref()).unwrap_or("您")),
            paragraphs,
            issuer: centre.to_owned(),
            issued_on: self.exported_on,
        }
    }
}
