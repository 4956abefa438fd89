//! Finding a service item the way people ask: everyday words, traditional
//! characters, pinyin and its initials, a wrong or missing character, words
//! the synonym list knows; with filters and paging.
//!
//! Chinese has no spaces between words, so text is cut into pairs of
//! characters ([`normalise::tokens`]) and ranked by BM25 over weighted fields,
//! the name highest. Only the server searches (the `search` feature).

pub mod normalise;
pub mod synonyms;

use std::collections::HashMap;

use crate::api::ServiceList;
use crate::catalog::bundle::{BundleDetail, BundleSummary};
use crate::catalog::{ApplicantType, ServiceItem, ServiceSummary};
use normalise::{normalise, tokens};
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

/// How much of what the query says (by the rarity of its pairs of
/// characters, among those the catalog holds at all) an item must match: one
/// wrong or missing character in a name still finds it, words the catalog
/// never uses ("要办什么") count for nothing.
const MIN_COVERAGE: f32 = 0.5;

/// BM25's saturation and length weighting.
const K1: f32 = 1.2;
const B: f32 = 0.5;

/// The weight of each field, name first.
const NAME: f32 = 3.0;
const KEYWORDS: f32 = 2.0;
const DEPARTMENT: f32 = 1.0;
const SUMMARY: f32 = 1.0;
const PARTS: f32 = 0.5;

/// One field of a document: its weight, its tokens counted, its length.
#[derive(Clone, Debug)]
struct Field {
    weight: f32,
    counts: HashMap<String, u32>,
    len: u32,
}

/// One item or bundle as search sees it.
#[derive(Clone, Debug)]
struct Doc {
    fields: Vec<Field>,
    /// The whole name, normalised (a query that is the name wins).
    name: String,
    /// The code without spaces and hyphens (`jt003`).
    code: String,
    /// Pinyin of the name and each keyword: (weight, full, initials).
    pinyin: Vec<(f32, String, String)>,
}

/// The text of an item or a bundle, as search reads it.
struct DocText<'a> {
    name: &'a str,
    code: &'a str,
    keywords: &'a [String],
    department: &'a str,
    summary: &'a str,
    /// An item's material names (a bundle has none: a search for one of its
    /// items should find the item first).
    parts: Vec<&'a str>,
}

impl Doc {
    fn new(text: DocText<'_>) -> Self {
        let keywords: Vec<&str> = text.keywords.iter().map(String::as_str).collect();
        let mut pinyin_of = vec![(NAME, text.name)];
        pinyin_of.extend(keywords.iter().map(|k| (KEYWORDS, *k)));
        let fields = [
            (NAME, vec![text.name]),
            (KEYWORDS, keywords),
            (DEPARTMENT, vec![text.department]),
            (SUMMARY, vec![text.summary]),
            (PARTS, text.parts),
        ];
        let fields = fields
            .iter()
            .map(|(weight, texts)| {
                let mut counts = HashMap::new();
                let mut len = 0;
                for text in texts {
                    for token in tokens(&normalise(text)) {
                        *counts.entry(token).or_insert(0) += 1;
                        len += 1;
                    }
                }
                Field { weight: *weight, counts, len }
            })
            .collect();
        let pinyin = pinyin_of
            .iter()
            .map(|(weight, text)| {
                let (full, initials) = normalise::pinyin(&normalise(text));
                (*weight, full, initials)
            })
            .filter(|(_, full, _)| !full.is_empty())
            .collect();
        let code = normalise(text.code).chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        Self { fields, name: normalise(text.name), code, pinyin }
    }
}

/// Documents and, for each token, who holds it with the token's whole BM25
/// weight in that document (idf and field weights included): the weights do
/// not depend on the query, so a query only adds numbers up.
#[derive(Clone, Debug, Default)]
struct Corpus {
    docs: Vec<Doc>,
    postings: HashMap<String, Posting>,
}

/// One token's documents.
#[derive(Clone, Debug, Default)]
struct Posting {
    idf: f32,
    /// (document, BM25 weight), in document order.
    docs: Vec<(u32, f32)>,
}

/// Document ids with their scores, best first.
type Ranked = Vec<(u32, f32)>;

/// What one document scored for one form of the query.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scored {
    score: f32,
    coverage: f32,
}

impl Corpus {
    fn new(docs: Vec<Doc>) -> Self {
        let fields = docs.first().map_or(0, |d| d.fields.len());
        let n = docs.len().max(1) as f32;
        let mut average_len = vec![0f32; fields];
        for doc in &docs {
            for (f, field) in doc.fields.iter().enumerate() {
                average_len[f] += field.len as f32 / n;
            }
        }
        let mut weights: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        for (id, doc) in docs.iter().enumerate() {
            let mut per_token: HashMap<&str, f32> = HashMap::new();
            for (f, field) in doc.fields.iter().enumerate() {
                let norm = 1.0 - B + B * field.len as f32 / average_len[f].max(1.0);
                for (token, &tf) in &field.counts {
                    let tf = tf as f32;
                    *per_token.entry(token.as_str()).or_default() += field.weight * tf * (K1 + 1.0) / (tf + K1 * norm);
                }
            }
            for (token, weight) in per_token {
                weights.entry(token.to_owned()).or_default().push((id as u32, weight));
            }
        }
        let total = docs.len() as f32;
        let postings = weights
            .into_iter()
            .map(|(token, docs)| {
                let df = docs.len() as f32;
                let idf = (1.0 + (total - df + 0.5) / (df + 0.5)).ln();
                let docs = docs.into_iter().map(|(id, w)| (id, w * idf)).collect();
                (token, Posting { idf, docs })
            })
            .collect();
        Self { docs, postings }
    }

    /// Every document's score and coverage for one form of the query
    /// (normalised), added into the dense arrays of the best form so far.
    fn score(&self, query: &str, best: &mut [Scored], touched: &mut Vec<u32>) {
        let n = self.docs.len();
        let mut han: Vec<String> = Vec::new();
        let mut latin: Vec<String> = Vec::new();
        let mut han_text = String::new();
        for run in normalise::runs(query) {
            match run {
                normalise::Run::Han(chars) => han_text.extend(chars.iter()),
                normalise::Run::Latin(word) => latin.push(word),
            }
        }
        for token in tokens(query) {
            if token.chars().next().is_some_and(normalise::is_han) && !han.contains(&token) {
                han.push(token);
            }
        }
        // Pairs of characters, and Latin words the catalog's text holds (`KTV`).
        let words = han.iter().chain(latin.iter().filter(|w| !han.contains(w)));
        let known: Vec<&Posting> = words.filter_map(|t| self.postings.get(t.as_str())).collect();
        let weight_known: f32 = known.iter().map(|p| p.idf).sum();
        let mut here = vec![Scored { score: 0.0, coverage: 0.0 }; n];
        let mut hit: Vec<u32> = Vec::new();
        for posting in &known {
            for &(id, weight) in &posting.docs {
                let scored = &mut here[id as usize];
                if scored.coverage == 0.0 && scored.score == 0.0 {
                    hit.push(id);
                }
                scored.score += weight;
                scored.coverage += posting.idf / weight_known;
            }
        }
        if han_text.chars().count() >= 2 {
            for &id in &hit {
                let name = &self.docs[id as usize].name;
                if *name == han_text {
                    here[id as usize].score += 20.0;
                } else if name.contains(&han_text) {
                    here[id as usize].score += 8.0;
                }
            }
        }
        // Latin words: a code, or pinyin (full or initials) of a name or keyword.
        let letters: String = latin.concat();
        if !letters.is_empty() {
            let only_latin = han.is_empty();
            let pinyin = letters.len() >= 2 && letters.chars().all(|c| c.is_ascii_alphabetic());
            for (id, doc) in self.docs.iter().enumerate() {
                let mut bonus: f32 = 0.0;
                if latin.contains(&doc.code) {
                    bonus = 30.0;
                } else if letters.len() >= 3 && doc.code.contains(&letters) {
                    bonus = 10.0;
                }
                if pinyin {
                    for (weight, full, initials) in &doc.pinyin {
                        if *full == letters || *initials == letters {
                            bonus = bonus.max(weight * 6.0);
                        } else if full.contains(&letters) || (letters.len() >= 3 && initials.starts_with(&letters)) {
                            bonus = bonus.max(weight * 3.0);
                        } else if letters.len() >= 4 && initials.contains(&letters) {
                            bonus = bonus.max(weight * 2.0);
                        }
                    }
                }
                if bonus > 0.0 {
                    let scored = &mut here[id];
                    if scored.coverage == 0.0 && scored.score == 0.0 {
                        hit.push(id as u32);
                    }
                    scored.score += bonus;
                    if only_latin {
                        scored.coverage = 1.0;
                    }
                }
            }
        }
        for id in hit {
            let scored = here[id as usize];
            let current = &mut best[id as usize];
            let untouched = current.coverage == 0.0 && current.score == 0.0;
            // A form of the query that matches beats one that does not; among
            // matches the higher score counts, among misses the nearer one.
            let better = untouched
                || if scored.coverage >= MIN_COVERAGE {
                    current.coverage < MIN_COVERAGE || scored.score > current.score
                } else {
                    current.coverage < MIN_COVERAGE && scored.coverage > current.coverage
                };
            if untouched {
                touched.push(id);
            }
            if better {
                *current = scored;
            }
        }
    }

    /// Every form of the query, among the documents `keep` lets through:
    /// (the matches ranked, the nearest misses ranked).
    fn search(&self, variants: &[String], keep: impl Fn(u32) -> bool) -> (Ranked, Ranked) {
        let mut best = vec![Scored { score: 0.0, coverage: 0.0 }; self.docs.len()];
        let mut touched = Vec::new();
        for variant in variants {
            self.score(variant, &mut best, &mut touched);
        }
        let mut hits: Ranked = Vec::new();
        let mut near: Ranked = Vec::new();
        for id in touched {
            let scored = best[id as usize];
            if !keep(id) {
                continue;
            }
            if scored.coverage >= MIN_COVERAGE {
                hits.push((id, scored.score));
            } else {
                near.push((id, scored.coverage * 100.0 + scored.score));
            }
        }
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        hits.sort_unstable_by(order);
        near.sort_unstable_by(order);
        (hits, near)
    }
}

/// The catalog prepared for search, built once when it is loaded (it is
/// read-only): items and bundles as documents of weighted fields (name,
/// keywords, department, summary, an item's material names), each cut into
/// pairs of characters and ranked by BM25; pinyin of names and keywords; the
/// synonym list.
#[derive(Clone, Debug, Default)]
pub struct SearchIndex {
    items: Corpus,
    bundles: Corpus,
    synonyms: Synonyms,
    departments: Vec<String>,
}

/// How many near misses are suggested when nothing matches.
const SUGGESTIONS: usize = 3;

impl SearchIndex {
    pub fn new(items: &[ServiceItem], bundles: &[BundleDetail], synonyms: Synonyms) -> Self {
        let item_docs = items
            .iter()
            .map(|item| {
                Doc::new(DocText {
                    name: &item.name,
                    code: &item.code,
                    keywords: &item.keywords,
                    department: &item.department,
                    summary: &item.summary,
                    parts: item.materials.iter().map(|m| m.name.as_str()).collect(),
                })
            })
            .collect();
        let bundle_docs = bundles
            .iter()
            .map(|detail| {
                let b = &detail.bundle;
                Doc::new(DocText {
                    name: &b.name,
                    code: &b.code,
                    keywords: &b.keywords,
                    department: &b.lead_department,
                    summary: &b.summary,
                    parts: Vec::new(),
                })
            })
            .collect();
        // Normalised once here, not on every query.
        let groups = synonyms
            .groups
            .into_iter()
            .map(|g| synonyms::SynonymGroup { words: g.words.iter().map(|w| normalise(w)).collect() })
            .collect();
        Self {
            items: Corpus::new(item_docs),
            bundles: Corpus::new(bundle_docs),
            synonyms: Synonyms { groups },
            departments: departments(items),
        }
    }

    /// Search `items` and `bundles` (the ones this index was built from). An
    /// empty query lists every item in catalog order; bundles are on the first
    /// page only, and only when no filter narrows the list.
    pub fn search(&self, items: &[ServiceItem], bundles: &[BundleDetail], query: &ServiceQuery) -> ServiceList {
        let query = query.clone().normalised();
        let text = normalise(query.q.trim());
        let variants = self.synonyms.variants(&text);
        let fits = |item: &ServiceItem| {
            query.department.as_deref().is_none_or(|d| item.department == d)
                && query.applicant.is_none_or(|a| item.applicants.contains(&a))
        };
        let (ranked, near): (Vec<usize>, Vec<usize>) = if text.trim().is_empty() {
            ((0..items.len()).collect(), Vec::new())
        } else {
            let (hits, near) = self.items.search(&variants, |id| items.get(id as usize).is_some_and(fits));
            (hits.iter().map(|h| h.0 as usize).collect(), near.iter().map(|h| h.0 as usize).collect())
        };
        let hits: Vec<&ServiceItem> = ranked.iter().filter_map(|&i| items.get(i)).filter(|i| fits(i)).collect();
        let total = hits.len();
        let start = (query.page - 1).saturating_mul(query.per_page);
        let results = hits.iter().skip(start).take(query.per_page).map(|item| ServiceSummary::from(*item)).collect();
        let first_page_unfiltered = query.page == 1 && query.department.is_none() && query.applicant.is_none();
        let bundles_found: Vec<BundleSummary> = if !first_page_unfiltered || text.trim().is_empty() {
            Vec::new()
        } else {
            let (hits, _) = self.bundles.search(&variants, |_| true);
            hits.iter().filter_map(|h| bundles.get(h.0 as usize)).map(BundleSummary::from).collect()
        };
        let suggestions = if total == 0 && bundles_found.is_empty() {
            near.iter()
                .filter_map(|&i| items.get(i))
                .filter(|i| fits(i))
                .take(SUGGESTIONS)
                .map(ServiceSummary::from)
                .collect()
        } else {
            Vec::new()
        };
        ServiceList {
            items: results,
            total,
            page: query.page,
            per_page: query.per_page,
            departments: self.departments.clone(),
            bundles: bundles_found,
            suggestions,
        }
    }
}

/// Search a catalog without a prepared index (tests and one-off tools; the
/// server keeps a [`SearchIndex`]).
pub fn search(items: &[ServiceItem], query: &ServiceQuery) -> ServiceList {
    SearchIndex::new(items, &[], Synonyms::default()).search(items, &[], query)
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
        let index = SearchIndex::new(&items, &[], synonyms);
        let found = index.search(&items, &[], &q("我想卖书"));
        assert_eq!(names(&found), ["出版物零售单位设立"]);
    }

    #[test]
    fn nothing_found_suggests_the_nearest_items() {
        // Each item holds a third of it: none is a match, the three are the nearest.
        let found = search(&catalog(), &q("书店 修车 协会"));
        assert!(found.items.is_empty());
        assert_eq!(found.suggestions.len(), 3);
        assert!(search(&catalog(), &q("书店")).suggestions.is_empty(), "only when nothing matches");
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
