//! Finding a service item: text search over name, code and keywords, with filters and paging.
//!
//! Chinese has no spaces between words, so matching is by substring; several
//! terms separated by spaces must all match. Results are ranked so that a hit in
//! the name beats a hit in the keywords, which beats a hit in the code.

use crate::api::ServiceList;
use crate::catalog::bundle::{BundleDetail, BundleSummary};
use crate::catalog::{ApplicantType, ServiceItem, ServiceSummary};

/// The most results one page may hold.
pub const MAX_PER_PAGE: usize = 50;
pub const DEFAULT_PER_PAGE: usize = 20;

/// The longest search people type (a whole item name is about 30 characters);
/// longer queries are refused before any work.
pub const MAX_QUERY_CHARS: usize = 50;

/// What the applicant asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceQuery {
    pub q: String,
    pub department: Option<String>,
    pub applicant: Option<ApplicantType>,
    /// 1-based.
    pub page: usize,
    pub per_page: usize,
}

impl ServiceQuery {
    /// Page and size clamped to what the API allows.
    pub fn normalised(mut self) -> Self {
        self.page = self.page.max(1);
        self.per_page = match self.per_page {
            0 => DEFAULT_PER_PAGE,
            n => n.min(MAX_PER_PAGE),
        };
        self
    }
}

/// Lower-case ASCII and drop the spaces and hyphens people paste into codes.
fn fold(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// One item's searchable text, folded once.
#[derive(Clone, Debug)]
struct Folded {
    name: String,
    code: String,
    keywords: Vec<String>,
    summary: String,
}

impl Folded {
    fn new(item: &ServiceItem) -> Self {
        Self {
            name: fold(&item.name),
            code: fold(&item.code),
            keywords: item.keywords.iter().map(|k| fold(k)).collect(),
            summary: fold(&item.summary),
        }
    }

    /// Every field, apart: a separator no term holds keeps a pair of
    /// characters across two fields out of the index.
    fn fields(&self) -> impl Iterator<Item = &str> {
        [self.name.as_str(), self.code.as_str(), self.summary.as_str()]
            .into_iter()
            .chain(self.keywords.iter().map(String::as_str))
    }

    /// How well the item matches all terms; `None` when a term is missing.
    fn score(&self, terms: &[String]) -> Option<u32> {
        let mut total = 0;
        for term in terms {
            let term = term.as_str();
            total += if self.name == term {
                100
            } else if self.name.starts_with(term) {
                60
            } else if self.name.contains(term) {
                40
            } else if self.keywords.iter().any(|k| k.contains(term)) {
                25
            } else if self.code.contains(term) {
                20
            } else if self.summary.contains(term) {
                5
            } else {
                return None;
            };
        }
        Some(total)
    }
}

/// The catalog prepared for search, built once when it is loaded (it is
/// read-only): each item's text folded, and which items hold each character
/// and each pair of characters. A term is looked for only in the items that
/// hold all of its pairs, so a query costs what its matches cost, not what
/// the catalog's size costs.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    folded: Vec<Folded>,
    chars: std::collections::HashMap<char, Vec<u32>>,
    pairs: std::collections::HashMap<(char, char), Vec<u32>>,
    departments: Vec<String>,
}

impl SearchIndex {
    pub fn new(items: &[ServiceItem]) -> Self {
        let mut index = Self { departments: departments(items), ..Self::default() };
        for (i, item) in items.iter().enumerate() {
            let folded = Folded::new(item);
            let id = i as u32;
            for field in folded.fields() {
                let mut previous = None;
                for c in field.chars() {
                    push_once(index.chars.entry(c).or_default(), id);
                    if let Some(p) = previous {
                        push_once(index.pairs.entry((p, c)).or_default(), id);
                    }
                    previous = Some(c);
                }
            }
            index.folded.push(folded);
        }
        index
    }

    /// Items that may hold `term`: those holding each of its pairs (or its one
    /// character), in catalog order.
    fn candidates(&self, term: &str) -> Vec<u32> {
        let chars: Vec<char> = term.chars().collect();
        let mut lists: Vec<&[u32]> = Vec::new();
        if let [c] = chars[..] {
            lists.push(self.chars.get(&c).map_or(&[], Vec::as_slice));
        }
        for pair in chars.windows(2) {
            lists.push(self.pairs.get(&(pair[0], pair[1])).map_or(&[], Vec::as_slice));
        }
        lists.sort_by_key(|l| l.len());
        let Some((shortest, rest)) = lists.split_first() else { return Vec::new() };
        shortest.iter().copied().filter(|id| rest.iter().all(|l| l.binary_search(id).is_ok())).collect()
    }

    /// Search `items` (the ones this index was built from). Items keep catalog
    /// order among equal scores.
    pub fn search(&self, items: &[ServiceItem], query: &ServiceQuery) -> ServiceList {
        let query = query.clone().normalised();
        let terms: Vec<String> = query.q.split_whitespace().map(fold).filter(|t| !t.is_empty()).collect();
        let ids: Vec<u32> = if terms.is_empty() {
            (0..items.len() as u32).collect()
        } else {
            terms
                .iter()
                .map(|term| self.candidates(term))
                .reduce(|all, next| all.into_iter().filter(|id| next.binary_search(id).is_ok()).collect())
                .unwrap_or_default()
        };
        let mut hits: Vec<(u32, usize, &ServiceItem)> = ids
            .into_iter()
            .map(|id| id as usize)
            .filter_map(|i| Some((i, items.get(i)?, self.folded.get(i)?)))
            .filter(|(_, item, _)| {
                query.department.as_deref().is_none_or(|d| item.department == d)
                    && query.applicant.is_none_or(|a| item.applicants.contains(&a))
            })
            .filter_map(|(i, item, folded)| folded.score(&terms).map(|s| (s, i, item)))
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let total = hits.len();
        let start = (query.page - 1).saturating_mul(query.per_page);
        let results =
            hits.into_iter().skip(start).take(query.per_page).map(|(_, _, item)| ServiceSummary::from(item)).collect();
        ServiceList {
            items: results,
            total,
            page: query.page,
            per_page: query.per_page,
            departments: self.departments.clone(),
            bundles: Vec::new(),
        }
    }
}

/// Ids arrive in order, once per field: keep each once.
fn push_once(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

/// Search the catalog without a prepared index (tests and one-off tools; the
/// server keeps a [`SearchIndex`]).
pub fn search(items: &[ServiceItem], query: &ServiceQuery) -> ServiceList {
    SearchIndex::new(items).search(items, query)
}

/// Bundles whose name, keywords or summary hold every term; shown on the first
/// page only, and only when no department or applicant filter narrows the list.
pub fn search_bundles(bundles: &[BundleDetail], query: &ServiceQuery) -> Vec<BundleSummary> {
    if query.page > 1 || query.department.is_some() || query.applicant.is_some() {
        return Vec::new();
    }
    let terms: Vec<String> = query.q.split_whitespace().map(fold).filter(|t| !t.is_empty()).collect();
    bundles
        .iter()
        .filter(|d| {
            let text = fold(&format!("{}{}{}", d.bundle.name, d.bundle.keywords.join(""), d.bundle.summary));
            terms.iter().all(|t| text.contains(t.as_str()))
        })
        .map(BundleSummary::from)
        .collect()
}

/// Every department in the catalog, in first-seen order, for the filter.
pub fn departments(items: &[ServiceItem]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        if !seen.contains(&item.department) {
            seen.push(item.department.clone());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, name: &str, dept: &str, keywords: &[&str], who: &[ApplicantType]) -> ServiceItem {
        let mut item = crate::fixtures::item(code);
        item.name = name.into();
        item.summary = String::new();
        item.department = dept.into();
        item.keywords = keywords.iter().map(|k| k.to_string()).collect();
        item.applicants = who.to_vec();
        item
    }

    fn catalog() -> Vec<ServiceItem> {
        use ApplicantType::*;
        vec![
            item("JT-001", "道路货物运输经营许可", "交通运输局", &["货运", "营运证"], &[Individual, Organisation]),
            item("JT-002", "机动车维修经营备案", "交通运输局", &["修车", "汽修"], &[Organisation]),
            item("MZ-001", "社会团体成立登记", "民政局", &["协会", "商会"], &[Organisation]),
            item("WL-001", "出版物零售单位设立", "文化广电旅游局", &["书店", "运输"], &[Individual, Organisation]),
        ]
    }

    fn names(list: &ServiceList) -> Vec<&str> {
        list.items.iter().map(|s| s.name.as_str()).collect()
    }

    fn q(text: &str) -> ServiceQuery {
        ServiceQuery { q: text.into(), ..Default::default() }
    }

    #[test]
    fn empty_query_lists_everything_in_catalog_order() {
        let list = search(&catalog(), &q(""));
        assert_eq!(list.total, 4);
        assert_eq!(names(&list)[0], "道路货物运输经营许可");
    }

    #[test]
    fn matches_name_keyword_and_code() {
        assert_eq!(names(&search(&catalog(), &q("社会团体"))), ["社会团体成立登记"]);
        assert_eq!(names(&search(&catalog(), &q("汽修"))), ["机动车维修经营备案"]);
        assert_eq!(names(&search(&catalog(), &q("mz-001"))), ["社会团体成立登记"]);
        assert_eq!(names(&search(&catalog(), &q(" jt 002 "))), ["机动车维修经营备案"], "each term may match");
        assert_eq!(names(&search(&catalog(), &q("JT002"))), ["机动车维修经营备案"], "hyphens are ignored");
    }

    #[test]
    fn name_hits_rank_above_keyword_hits() {
        // "运输" is in the first item's name and in the fourth item's keywords.
        assert_eq!(names(&search(&catalog(), &q("运输"))), ["道路货物运输经营许可", "出版物零售单位设立"]);
    }

    #[test]
    fn all_terms_must_match() {
        assert_eq!(names(&search(&catalog(), &q("交通 修车"))).len(), 0, "department is a filter, not a search field");
        assert_eq!(names(&search(&catalog(), &q("机动车 备案"))), ["机动车维修经营备案"]);
    }

    #[test]
    fn filters_by_department_and_applicant() {
        let mut query = q("");
        query.department = Some("交通运输局".into());
        assert_eq!(search(&catalog(), &query).total, 2);
        query.applicant = Some(ApplicantType::Individual);
        assert_eq!(names(&search(&catalog(), &query)), ["道路货物运输经营许可"]);
    }

    #[test]
    fn pages_and_clamps() {
        let mut query = q("");
        query.per_page = 3;
        query.page = 2;
        let list = search(&catalog(), &query);
        assert_eq!((list.total, list.items.len(), list.page), (4, 1, 2));
        query.per_page = 10_000;
        query.page = 0;
        let list = search(&catalog(), &query);
        assert_eq!((list.per_page, list.page), (MAX_PER_PAGE, 1));
        query.page = usize::MAX;
        assert!(search(&catalog(), &query).items.is_empty());
    }

    #[test]
    fn lists_departments_once_in_catalog_order() {
        assert_eq!(departments(&catalog()), ["交通运输局", "民政局", "文化广电旅游局"]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const WORDS: [&str; 6] = ["货运", "维修", "登记", "许可", "书店", "消防"];
    const DEPARTMENTS: [&str; 3] = ["县交通运输局", "县民政局", "县城市管理局"];

    fn item_strategy() -> impl Strategy<Value = ServiceItem> {
        (0..WORDS.len(), 0..WORDS.len(), 0..DEPARTMENTS.len(), any::<bool>(), 0u32..1000).prop_map(
            |(a, b, d, person, n)| {
                let mut item = crate::fixtures::item(&format!("X-{n}"));
                item.name = format!("{}{}", WORDS[a], WORDS[b]);
                item.department = DEPARTMENTS[d].to_owned();
                item.applicants = vec![if person { ApplicantType::Individual } else { ApplicantType::Organisation }];
                item
            },
        )
    }

    proptest! {
        /// Paging through every page returns each match exactly once, and every
        /// match satisfies the query and the filters.
        #[test]
        fn pages_cover_every_match_once(
            items in proptest::collection::vec(item_strategy(), 0..40),
            word in 0..WORDS.len(),
            department in proptest::option::of(0..DEPARTMENTS.len()),
            per_page in 1usize..7,
        ) {
            let mut query = ServiceQuery {
                q: WORDS[word].to_owned(),
                department: department.map(|d| DEPARTMENTS[d].to_owned()),
                per_page,
                ..Default::default()
            };
            let expected = items.iter().filter(|i| i.name.contains(WORDS[word])
                && query.department.as_deref().is_none_or(|d| i.department == d)).count();
            let mut seen = Vec::new();
            for page in 1..=expected.div_ceil(per_page).max(1) {
                query.page = page;
                let list = search(&items, &query);
                prop_assert_eq!(list.total, expected);
                for summary in list.items {
                    prop_assert!(summary.name.contains(WORDS[word]));
                    prop_assert!(query.department.as_deref().is_none_or(|d| summary.department == d));
                    seen.push(summary.code);
                }
            }
            prop_assert_eq!(seen.len(), expected);
        }
    }
}
