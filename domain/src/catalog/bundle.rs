//! Joint applications (一件事 / 联办): several items applied for together.

use serde::{Deserialize, Serialize};

use crate::catalog::ServiceItem;
use crate::catalog::situation::Question;

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
}

/// `GET /api/bundles/{code}`: the bundle with its items in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BundleDetail {
    pub bundle: Bundle,
    pub items: Vec<ServiceItem>,
}

impl BundleDetail {
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
