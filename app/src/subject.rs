//! What a questionnaire and a checklist are about: one item, or a bundle of items.

use std::sync::Arc;

use domain::ServiceItem;
use domain::catalog::bundle::BundleDetail;
use domain::catalog::checklist::{self, Checklist};
use domain::catalog::situation::{self, Answers, Question};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Service,
    Bundle,
}

impl Kind {
    pub fn base(self, code: &str) -> String {
        let prefix = match self {
            Self::Service => "services",
            Self::Bundle => "bundles",
        };
        ["/", prefix, "/", &String::from(js_sys::encode_uri_component(code))].concat()
    }
}

/// Shared, not copied: the page's loader, its cache and each view hold the
/// same one (the code of a deep copy was 0.5 KB of brotli in each bundle
/// that reads an item).
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    Item(Arc<ServiceItem>),
    Bundle(Arc<BundleDetail>),
}

impl Subject {
    pub fn kind(&self) -> Kind {
        match self {
            Self::Item(_) => Kind::Service,
            Self::Bundle(_) => Kind::Bundle,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Item(item) => &item.code,
            Self::Bundle(detail) => &detail.bundle.code,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Item(item) => &item.name,
            Self::Bundle(detail) => &detail.bundle.name,
        }
    }

    pub fn base(&self) -> String {
        self.kind().base(self.code())
    }

    /// The rules of applying for it, shared with the server.
    pub fn applying(&self) -> domain::catalog::applying::Applying<'_> {
        use domain::catalog::applying::Applying;
        match self {
            Self::Item(item) => Applying::Item(item),
            Self::Bundle(detail) => Applying::Bundle(detail),
        }
    }

    pub fn questions(&self) -> Vec<Question> {
        match self {
            Self::Item(item) => item.questions.clone(),
            Self::Bundle(detail) => detail.questions(),
        }
    }

    pub fn checklist(&self, answers: &Answers) -> Checklist {
        match self {
            Self::Item(item) => checklist::item_checklist(item, answers),
            Self::Bundle(detail) => domain::catalog::bundle::bundle_checklist(detail, answers),
        }
    }

    /// The name of an item of this subject, by code (for "用于：…").
    pub fn item_name(&self, code: &str) -> String {
        match self {
            Self::Item(item) => item.name.clone(),
            Self::Bundle(detail) => {
                detail.items.iter().find(|i| i.code == code).map_or(code.to_owned(), |i| i.name.clone())
            }
        }
    }

    /// Where "start" leads: the first question, or straight to the checklist.
    pub fn start_url(&self) -> String {
        match self.questions().first() {
            Some(first) => format!("{}/situation/{}", self.base(), first.id),
            None => format!("{}/checklist", self.base()),
        }
    }
}

/// The answers carried in the address's query pairs (`Location::pairs`).
pub fn answers_from(pairs: &[(String, String)], questions: &[Question]) -> Answers {
    situation::from_pairs(questions, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// `?a=1&b=2` for these answers and extra parameters ("" when there are none).
pub fn query(answers: &Answers, extra: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = situation::to_pairs(answers)
        .into_iter()
        .map(|(k, v)| format!("{}={}", js_sys::encode_uri_component(&k), js_sys::encode_uri_component(&v)))
        .collect();
    parts.extend(extra.iter().map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v))));
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}
