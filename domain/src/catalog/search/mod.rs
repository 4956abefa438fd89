//! Finding a service item the way people ask: everyday words, traditional
//! characters, pinyin and its initials, a wrong or missing character, words
//! the synonym list knows; with filters and paging.
//!
//! Chinese has no spaces between words, so text is cut into pairs of
//! characters ([`normalise::tokens`]) and ranked by BM25 over weighted fields,
//! the name highest. A long question is first cut to its core
//! ([`sentence::core`]); English words meet the catalog's English names.
//! Only the server searches (the `search` feature).

mod corpus;
pub mod english;
pub mod normalise;
pub mod sentence;
pub mod synonyms;

use crate::api::ServiceList;
use crate::catalog::bundle::{BundleDetail, BundleSummary};
use crate::catalog::elsewhere::Elsewhere;
use crate::catalog::{ApplicantType, ServiceItem, ServiceSummary};
use corpus::{Corpus, Doc, DocText, QueryWords};
use normalise::normalise;
use sentence::Vocabulary;
pub use synonyms::Synonyms;

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

/// The catalog prepared for search, built once when it is loaded (it is
/// read-only): items, bundles and the services handled elsewhere as
/// documents of one corpus, so their scores compare; the synonym list; the
/// catalog's vocabulary, which a long question's core keeps whole.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    corpus: Corpus,
    /// Documents `0..items` are items, then bundles, then services elsewhere.
    items: usize,
    bundles: usize,
    elsewhere: Vec<Elsewhere>,
    synonyms: Synonyms,
    vocabulary: Vocabulary,
    departments: Vec<String>,
}

/// How many near misses are suggested when nothing matches.
const SUGGESTIONS: usize = 3;

/// One document found, by what it is.
enum Found {
    Item(usize),
    Bundle(usize),
    Elsewhere(usize),
}

impl SearchIndex {
    pub fn new(items: &[ServiceItem], bundles: &[BundleDetail], synonyms: Synonyms, elsewhere: &[Elsewhere]) -> Self {
        let mut docs: Vec<Doc> = items
            .iter()
            .map(|item| {
                Doc::new(DocText {
                    name: &item.name,
                    code: &item.code,
                    keywords: &item.keywords,
                    english_name: &item.english_name,
                    english_keywords: &item.english_keywords,
                    department: &item.department,
                    summary: &item.summary,
                    parts: item.materials.iter().map(|m| m.name.as_str()).collect(),
                })
            })
            .collect();
        docs.extend(bundles.iter().map(|detail| {
            let b = &detail.bundle;
            Doc::new(DocText {
                name: &b.name,
                code: &b.code,
                keywords: &b.keywords,
                english_name: &b.english_name,
                english_keywords: &b.english_keywords,
                department: &b.lead_department,
                summary: &b.summary,
                parts: Vec::new(),
            })
        }));
        docs.extend(elsewhere.iter().map(|service| {
            Doc::new(DocText {
                name: &service.name,
                code: "",
                keywords: &service.keywords,
                english_name: "",
                english_keywords: &service.english_keywords,
                department: "",
                summary: "",
                parts: Vec::new(),
            })
        }));
        // Normalised once here, not on every query.
        let groups: Vec<synonyms::SynonymGroup> = synonyms
            .groups
            .into_iter()
            .map(|g| synonyms::SynonymGroup { words: g.words.iter().map(|w| normalise(w)).collect() })
            .collect();
        let mut words: Vec<String> = groups.iter().flat_map(|g| g.words.iter().cloned()).collect();
        for item in items {
            words.push(normalise(&item.name));
            words.extend(item.keywords.iter().map(|k| normalise(k)));
        }
        for detail in bundles {
            words.push(normalise(&detail.bundle.name));
            words.extend(detail.bundle.keywords.iter().map(|k| normalise(k)));
        }
        for service in elsewhere {
            words.push(normalise(&service.name));
            words.extend(service.keywords.iter().map(|k| normalise(k)));
        }
        Self {
            corpus: Corpus::new(docs),
            items: items.len(),
            bundles: bundles.len(),
            elsewhere: elsewhere.to_vec(),
            synonyms: Synonyms { groups },
            vocabulary: Vocabulary::new(words.iter().map(String::as_str)),
            departments: departments(items),
        }
    }

    fn found(&self, id: u32) -> Found {
        let id = id as usize;
        if id < self.items {
            Found::Item(id)
        } else if id < self.items + self.bundles {
            Found::Bundle(id - self.items)
        } else {
            Found::Elsewhere(id - self.items - self.bundles)
        }
    }

    /// Search `items` and `bundles` (the ones this index was built from). An
    /// empty query lists every item in catalog order. Items and bundles are
    /// ranked together (bundles on the first page only, and only when no
    /// filter narrows the list); a query that matches a service handled
    /// elsewhere at least as well as anything here is answered with where to
    /// go instead.
    pub fn search(&self, items: &[ServiceItem], bundles: &[BundleDetail], query: &ServiceQuery) -> ServiceList {
        let query = query.clone().normalised();
        let text = normalise(query.q.trim());
        let fits = |item: &ServiceItem| {
            query.department.as_deref().is_none_or(|d| item.department == d)
                && query.applicant.is_none_or(|a| item.applicants.contains(&a))
        };
        let first_page_unfiltered = query.page == 1 && query.department.is_none() && query.applicant.is_none();
        let mut list = ServiceList {
            items: Vec::new(),
            total: 0,
            page: query.page,
            per_page: query.per_page,
            departments: self.departments.clone(),
            bundles: Vec::new(),
            bundles_at: 0,
            suggestions: Vec::new(),
            elsewhere: None,
        };
        if text.trim().is_empty() {
            let fitting: Vec<&ServiceItem> = items.iter().filter(|i| fits(i)).collect();
            list.total = fitting.len();
            list.items = page_of(&fitting, &query);
            return list;
        }
        let core = sentence::core(&text, &self.vocabulary);
        let variants = self.synonyms.variants(&core);
        let keep = |id: u32| match self.found(id) {
            Found::Item(i) => items.get(i).is_some_and(fits),
            Found::Bundle(_) | Found::Elsewhere(_) => true,
        };
        let words = QueryWords::new(&core);
        let named = |id: u32| self.corpus.whole(id, &words) >= 2;
        let (hits, near) = self.corpus.search(&variants, keep, named);
        let mut found_items: Vec<(&ServiceItem, f32)> = Vec::new();
        let mut found_bundles: Vec<(&BundleDetail, f32)> = Vec::new();
        let mut elsewhere: Vec<(&Elsewhere, u32)> = Vec::new();
        for &(id, score) in &hits {
            match self.found(id) {
                Found::Item(i) => found_items.extend(items.get(i).map(|item| (item, score))),
                Found::Bundle(b) => found_bundles.extend(bundles.get(b).map(|bundle| (bundle, score))),
                Found::Elsewhere(e) => elsewhere.extend(self.elsewhere.get(e).map(|s| (s, id))),
            }
        }
        // A service handled elsewhere answers the query when the query names
        // it (holds one of its words whole) more fully than anything here.
        let named =
            elsewhere.iter().map(|(service, id)| (self.corpus.whole(*id, &words), *service)).max_by_key(|n| n.0);
        if let Some((named, service)) = named {
            let here = hits
                .iter()
                .filter(|(id, _)| !matches!(self.found(*id), Found::Elsewhere(_)))
                .map(|(id, _)| self.corpus.whole(*id, &words))
                .max()
                .unwrap_or(0);
            if named > 0 && named >= here {
                list.elsewhere = Some(service.into());
                return list;
            }
        }
        let matched: Vec<&ServiceItem> = found_items.iter().map(|f| f.0).collect();
        list.total = matched.len();
        list.items = page_of(&matched, &query);
        if first_page_unfiltered && let Some((_, best)) = found_bundles.first() {
            // The bundles go after every item that matches better than the best of them.
            list.bundles_at = found_items[..list.items.len()].iter().filter(|(_, s)| s > best).count();
            list.bundles = found_bundles.iter().map(|(bundle, _)| BundleSummary::from(*bundle)).collect();
        }
        // English names only after a search in English (the page shows them then).
        let english = text.chars().any(|c| c.is_ascii_alphabetic()) && !text.chars().any(normalise::is_han);
        if !english {
            list.items.iter_mut().for_each(|s| s.english_name.clear());
            list.bundles.iter_mut().for_each(|b| b.english_name.clear());
        }
        if list.total == 0 && list.bundles.is_empty() {
            list.suggestions = near
                .iter()
                .filter_map(|&(id, _)| match self.found(id) {
                    Found::Item(i) => items.get(i),
                    Found::Bundle(_) | Found::Elsewhere(_) => None,
                })
                .filter(|i| fits(i))
                .take(SUGGESTIONS)
                .map(ServiceSummary::from)
                .collect();
        }
        list
    }
}

/// The page `query` asks for, of `items`.
fn page_of(items: &[&ServiceItem], query: &ServiceQuery) -> Vec<ServiceSummary> {
    let start = (query.page - 1).saturating_mul(query.per_page);
    items.iter().skip(start).take(query.per_page).map(|item| ServiceSummary::from(*item)).collect()
}

/// Search a catalog without a prepared index (tests and one-off tools; the
/// server keeps a [`SearchIndex`]).
pub fn search(items: &[ServiceItem], query: &ServiceQuery) -> ServiceList {
    SearchIndex::new(items, &[], Synonyms::default(), &[]).search(items, &[], query)
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
    fn name_hits_rank_above_keyword_and_department_hits() {
        // "运输" is in the first item's name, the fourth item's keywords and the second's department.
        let found = search(&catalog(), &q("运输"));
        assert_eq!(names(&found), ["道路货物运输经营许可", "出版物零售单位设立", "机动车维修经营备案"]);
    }

    #[test]
    fn most_of_what_the_query_says_must_match() {
        assert_eq!(names(&search(&catalog(), &q("机动车 备案"))), ["机动车维修经营备案"]);
        assert_eq!(names(&search(&catalog(), &q("交通 修车")))[0], "机动车维修经营备案", "department and keyword");
        // Words no item uses count for nothing; nothing at all is nothing found.
        assert_eq!(names(&search(&catalog(), &q("我要开个修车店"))), ["机动车维修经营备案"]);
        assert!(search(&catalog(), &q("火星移民")).items.is_empty());
    }

    #[test]
    fn one_wrong_or_missing_character_still_finds_the_name() {
        assert_eq!(names(&search(&catalog(), &q("社会团休成立登记")))[0], "社会团体成立登记", "一个错字");
        assert_eq!(names(&search(&catalog(), &q("社会团体登记")))[0], "社会团体成立登记", "少了两个字");
        assert_eq!(names(&search(&catalog(), &q("道路货物运输经营许")))[0], "道路货物运输经营许可");
    }

    #[test]
    fn traditional_characters_pinyin_and_initials() {
        assert_eq!(names(&search(&catalog(), &q("社會團體")))[0], "社会团体成立登记");
        assert_eq!(names(&search(&catalog(), &q("shehui tuanti")))[0], "社会团体成立登记");
        assert_eq!(names(&search(&catalog(), &q("shtt")))[0], "社会团体成立登记");
        assert_eq!(names(&search(&catalog(), &q("qixiu")))[0], "机动车维修经营备案", "a keyword's pinyin");
        assert_eq!(names(&search(&catalog(), &q("ＪＴ－００１")))[0], "道路货物运输经营许可", "full-width code");
    }

    #[test]
    fn synonyms_bring_the_words_people_use() {
        let items = catalog();
        let synonyms = Synonyms {
            groups: vec![synonyms::SynonymGroup {
                words: vec!["卖书".into(), "书店".into(), "图书零售".into()]
            }],
        };
        let index = SearchIndex::new(&items, &[], synonyms, &[]);
        let found = index.search(&items, &[], &q("我想卖书"));
        assert_eq!(names(&found), ["出版物零售单位设立"]);
    }

    #[test]
    fn nothing_found_suggests_the_nearest_items() {
        // Each item's name holds a third of it and none is named whole:
        // none is a match, the three are the nearest.
        let found = search(&catalog(), &q("道路 维修 团体"));
        assert!(found.items.is_empty());
        assert_eq!(found.suggestions.len(), 3);
        assert!(search(&catalog(), &q("书店")).suggestions.is_empty(), "only when nothing matches");
        // Single characters of other matters rank and suggest, but never match.
        let lone = search(&catalog(), &q("团火修星"));
        assert!(lone.items.is_empty());
        assert!(!lone.suggestions.is_empty());
    }

    #[test]
    fn a_query_naming_several_matters_finds_each() {
        let found = search(&catalog(), &q("书店 修车 协会"));
        assert_eq!(found.total, 3, "each keyword is named whole");
    }

    #[test]
    fn a_long_question_ranks_like_its_core() {
        let items = catalog();
        let index = SearchIndex::new(&items, &[], Synonyms::default(), &[]);
        let long = index.search(&items, &[], &q("请问一下我们想成立一个商会需要去哪里办什么手续"));
        assert_eq!(names(&long)[0], "社会团体成立登记");
        let long = index.search(&items, &[], &q("我家想开个修车铺要怎么办"));
        assert_eq!(names(&long), ["机动车维修经营备案"]);
    }

    #[test]
    fn english_words_find_english_names_and_keywords() {
        let mut items = catalog();
        items[1].english_name = "Motor vehicle repair business filing".into();
        items[1].english_keywords = vec!["car repair".into(), "garage".into()];
        items[3].english_name = "Publication retail business".into();
        items[3].english_keywords = vec!["bookshops".into()];
        let index = SearchIndex::new(&items, &[], Synonyms::default(), &[]);
        let found = index.search(&items, &[], &q("Car Repairs"));
        assert_eq!(names(&found)[0], "机动车维修经营备案");
        assert_eq!(found.items[0].english_name, "Motor vehicle repair business filing");
        assert_eq!(names(&index.search(&items, &[], &q("open a bookshop"))), ["出版物零售单位设立"]);
        let chinese = index.search(&items, &[], &q("修车"));
        assert!(chinese.items[0].english_name.is_empty(), "English names only after a search in English");
        let unknown = index.search(&items, &[], &q("passport application"));
        assert!(unknown.items.is_empty(), "an English word the catalog lacks counts against a match");
    }

    #[test]
    fn a_service_handled_elsewhere_is_answered_with_where_to_go() {
        let items = catalog();
        let elsewhere = [Elsewhere {
            name: "医保报销".into(),
            keywords: vec!["看病报销".into()],
            go_to: "县医疗保障局".into(),
            ..Default::default()
        }];
        let mut with_insurance = items.clone();
        with_insurance[2].keywords.push("居民医保".into());
        let index = SearchIndex::new(&with_insurance, &[], Synonyms::default(), &elsewhere);
        let found = index.search(&with_insurance, &[], &q("医保怎么报销"));
        assert!(found.items.is_empty(), "{:?}", names(&found));
        assert_eq!(found.elsewhere.map(|e| e.go_to).as_deref(), Some("县医疗保障局"));
        // A query that names an item here keeps the item.
        let found = index.search(&with_insurance, &[], &q("居民医保"));
        assert!(found.elsewhere.is_none());
        assert_eq!(names(&found), ["社会团体成立登记"]);
    }

    #[test]
    fn items_and_bundles_are_ranked_together() {
        use crate::catalog::bundle::{Bundle, BundleDetail};
        let items = catalog();
        let bundle = |code: &str, name: &str, keywords: &[&str]| BundleDetail {
            bundle: Bundle {
                code: code.into(),
                name: name.into(),
                keywords: keywords.iter().map(|k| k.to_string()).collect(),
                summary: String::new(),
                lead_department: "民政局".into(),
                items: vec![],
                promised_limit_days: None,
                english_name: "Test bundle".into(),
                english_keywords: vec!["test".into()],
                shared_fields: vec![],
                consult_days: 2,
            },
            items: Vec::new(),
        };
        let bundles = vec![bundle("KB-1", "开汽修店一件事", &["开店"]), bundle("KB-2", "货运一件事", &["货运"])];
        let index = SearchIndex::new(&items, &bundles, Synonyms::default(), &[]);
        // "机动车维修经营备案" matches better than the loosely matching bundle.
        let found = index.search(&items, &bundles, &q("机动车维修经营备案"));
        assert_eq!(found.cards()[0], crate::api::Card::Item(0));
        assert!(found.bundles.is_empty() || found.bundles_at >= 1);
        // A bundle that matches at least as well comes first.
        let found = index.search(&items, &bundles, &q("货运一件事"));
        assert_eq!(found.cards()[0], crate::api::Card::Bundle(0));
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
