//! What 办结 decided, as the law and the ledger record it: granted or not
//! (准予 / 不予许可), the decision document's number, and the certificate
//! issued with its number and validity (or 长期).

use serde::{Deserialize, Serialize};

use crate::time::date::Date;

/// 准予 or 不予.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 准予许可 (or the service given).
    Granted,
    /// 不予许可.
    Denied,
}

impl Outcome {
    pub const ALL: [Outcome; 2] = [Self::Granted, Self::Denied];

    pub fn label(self) -> &'static str {
        match self {
            Self::Granted => "准予许可",
            Self::Denied => "不予许可",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Denied => "denied",
        }
    }
}

/// A certificate (证照) issued with a grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// 证照名称, e.g. 道路运输从业人员从业资格证.
    pub name: String,
    /// 证照编号.
    pub number: String,
    /// 有效期至; none: 长期有效.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
}

/// The decision recorded with 办结.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub outcome: Outcome,
    /// 决定书文号, e.g. 示交运许〔2026〕12号.
    pub document_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
}

impl Decision {
    /// Why it cannot be recorded as given, if it cannot.
    pub fn problem(&self, today: Date) -> Option<String> {
        if self.document_number.trim().is_empty() {
            return Some("请填写决定书文号".to_owned());
        }
        match (&self.certificate, self.outcome) {
            (Some(_), Outcome::Denied) => Some("不予许可不发证照，请去掉证照信息".to_owned()),
            (Some(c), Outcome::Granted) if c.name.trim().is_empty() || c.number.trim().is_empty() => {
                Some("请填写证照的名称和编号".to_owned())
            }
            (Some(Certificate { valid_until: Some(until), .. }), Outcome::Granted) if *until < today => {
                Some("证照的有效期不能早于今天；长期有效的请不填有效期".to_owned())
            }
            (Some(_) | None, Outcome::Granted | Outcome::Denied) => None,
        }
    }

    /// In a sentence, for the timeline, the notice and the ledger.
    pub fn summary(&self) -> String {
        let mut text = format!("{}（{}）", self.outcome.label(), self.document_number.trim());
        if let Some(c) = &self.certificate {
            let validity = match c.valid_until {
                Some(until) => format!("有效期至{}", until.chinese()),
                None => "长期有效".to_owned(),
            };
            text.push_str(&format!("，发给{} {}，{validity}", c.name.trim(), c.number.trim()));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn a_decision_names_its_document_and_a_grant_its_certificate() {
        let today = day("2026-12-03");
        let certificate = Certificate {
            name: "从业资格证".into(),
            number: "3201002026000123".into(),
            valid_until: Some(day("2032-12-02")),
        };
        let granted = Decision {
            outcome: Outcome::Granted,
            document_number: "示交运许〔2026〕12号".into(),
            certificate: Some(certificate.clone()),
        };
        assert_eq!(granted.problem(today), None);
        assert_eq!(
            granted.summary(),
            "准予许可（示交运许〔2026〕12号），发给从业资格证 3201002026000123，有效期至2032年12月2日"
        );
        let forever =
            Decision { certificate: Some(Certificate { valid_until: None, ..certificate.clone() }), ..granted.clone() };
        assert!(forever.summary().ends_with("长期有效"));
        let denied = Decision { outcome: Outcome::Denied, ..granted.clone() };
        assert_eq!(denied.problem(today).as_deref(), Some("不予许可不发证照，请去掉证照信息"));
        let unnumbered = Decision { document_number: " ".into(), ..granted.clone() };
        assert_eq!(unnumbered.problem(today).as_deref(), Some("请填写决定书文号"));
        let expired = Decision {
            certificate: Some(Certificate { valid_until: Some(day("2026-12-02")), ..certificate }),
            ..granted
        };
        assert!(expired.problem(today).unwrap().contains("有效期不能早于今天"));
    }
}
