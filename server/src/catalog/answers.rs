//! The catalog's read-only answers (an item's guide, a bundle, the first page
//! of the list), each serialised and compressed the first time it is asked
//! for and then served as prepared bytes with a strong `ETag`.

use std::sync::OnceLock;

use axum::body::Bytes;
use domain::ServiceItem;
use domain::api::ServiceList;
use domain::catalog::bundle::BundleDetail;
use serde::Serialize;

use crate::hosting::prepared::Prepared;

/// Catalog answers are revalidated (a new catalog means new bytes) and, when
/// unchanged, cost a `304`.
const CACHE_CONTROL: &str = "no-cache";

#[derive(Debug, Default)]
pub struct Answers {
    items: Vec<OnceLock<Prepared>>,
    bundles: Vec<OnceLock<Prepared>>,
    first_page: OnceLock<Prepared>,
}

impl Answers {
    pub fn new(items: usize, bundles: usize) -> Self {
        Self {
            items: (0..items).map(|_| OnceLock::new()).collect(),
            bundles: (0..bundles).map(|_| OnceLock::new()).collect(),
            first_page: OnceLock::new(),
        }
    }

    pub fn item(&self, index: usize, item: &ServiceItem) -> &Prepared {
        self.items[index].get_or_init(|| json(item))
    }

    pub fn bundle(&self, index: usize, bundle: &BundleDetail) -> &Prepared {
        self.bundles[index].get_or_init(|| json(bundle))
    }

    /// The list the home page opens with (no words, no filters, page 1).
    pub fn first_page(&self, list: impl FnOnce() -> ServiceList) -> &Prepared {
        self.first_page.get_or_init(|| json(&list()))
    }
}

fn json(value: &impl Serialize) -> Prepared {
    let bytes = serde_json::to_vec(value).expect("catalog types always serialise");
    Prepared::compress(Bytes::from(bytes), "application/json", CACHE_CONTROL)
}
