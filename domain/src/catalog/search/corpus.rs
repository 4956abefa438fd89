//! The documents search ranks (items, bundles and services handled
//! elsewhere, in one corpus so their scores compare) and BM25 over their
//! weighted fields.

use std::collections::HashMap;

use super::normalise::{self, normalise, tokens};

/// How much of what the query says (by the rarity of its pairs of
/// characters and English words) a document must match. Chinese the catalog
/// never uses ("要办什么") counts for nothing (services it does not handle
/// are answered from their own list); an English word it does not hold
/// counts against the match ("passport application" is not an application).
const MIN_COVERAGE: f32 = 0.5;

/// How much a document the query names must match: a long question's other
/// words ("我跟女朋友下个月想去扯证要准备些什么") may match other items' texts.
const NAMED_COVERAGE: f32 = 0.2;

/// BM25's saturation and length weighting.
const K1: f32 = 1.2;
const B: f32 = 0.5;

/// The weight of each field, name first.
const NAME: f32 = 3.0;
const KEYWORDS: f32 = 2.0;
const DEPARTMENT: f32 = 1.0;
const SUMMARY: f32 = 1.0;
const PARTS: f32 = 0.5;

/// What a character looked up alone counts for in coverage, against a pair.
const LONE_CHARACTER: f32 = 0.25;

/// Single characters of the name and keywords: what a question still holds
/// when its words are cut apart (砍 … 树 finds 砍树).
const CHARACTERS: f32 = 0.5;

/// One field of a document: its weight, its tokens counted, its length.
#[derive(Clone, Debug)]
struct Field {
    weight: f32,
    counts: HashMap<String, u32>,
    len: u32,
}

/// One document as search sees it.
#[derive(Clone, Debug)]
pub struct Doc {
    fields: Vec<Field>,
    /// The whole name, normalised (a query that is the name wins).
    name: String,
    /// The name and keywords, normalised: Chinese as characters, English as
    /// words (a query that holds one whole names this document's matter).
    words: Vec<Word>,
    /// The code without spaces and hyphens (`jt003`).
    code: String,
    /// Pinyin of the name and each keyword: (weight, full, initials).
    pinyin: Vec<(f32, String, String)>,
}

/// One name or keyword, as a query may hold it whole.
#[derive(Clone, Debug)]
enum Word {
    Han(Vec<char>),
    English(Vec<String>),
}

/// A query's Chinese characters and English words, split once for
/// [`Corpus::whole`], which each candidate document asks.
pub struct QueryWords {
    han: Vec<char>,
    english: Vec<String>,
}

impl QueryWords {
    pub fn new(query: &str) -> Self {
        Self {
            han: query.chars().filter(|c| normalise::is_han(*c)).collect(),
            english: tokens(query).into_iter().filter(|t| t.is_ascii()).collect(),
        }
    }
}

/// The text of a document, as search reads it.
pub struct DocText<'a> {
    pub name: &'a str,
    pub code: &'a str,
    pub keywords: &'a [String],
    pub english_name: &'a str,
    pub english_keywords: &'a [String],
    pub department: &'a str,
    pub summary: &'a str,
    /// An item's material names (a bundle has none: a search for one of its
    /// items should find the item first).
    pub parts: Vec<&'a str>,
}

impl Doc {
    pub fn new(text: DocText<'_>) -> Self {
        let keywords: Vec<&str> = text.keywords.iter().map(String::as_str).collect();
        let english: Vec<&str> = text.english_keywords.iter().map(String::as_str).collect();
        let mut pinyin_of = vec![(NAME, text.name)];
        pinyin_of.extend(keywords.iter().map(|k| (KEYWORDS, *k)));
        let fields = [
            (NAME, vec![text.name, text.english_name]),
            (KEYWORDS, keywords.iter().chain(&english).copied().collect()),
            (DEPARTMENT, vec![text.department]),
            (SUMMARY, vec![text.summary]),
            (PARTS, text.parts),
        ];
        let mut fields: Vec<(f32, Vec<String>)> = fields
            .iter()
            .map(|(weight, texts)| (*weight, texts.iter().flat_map(|t| tokens(&normalise(t))).collect()))
            .collect();
        let characters = std::iter::once(text.name)
            .chain(keywords.iter().copied())
            .flat_map(|t| normalise(t).chars().filter(|c| normalise::is_han(*c)).collect::<Vec<_>>())
            .map(String::from)
            .collect();
        fields.push((CHARACTERS, characters));
        let fields = fields
            .into_iter()
            .map(|(weight, tokens)| {
                let mut counts = HashMap::new();
                for token in &tokens {
                    *counts.entry(token.clone()).or_insert(0) += 1;
                }
                Field { weight, counts, len: tokens.len() as u32 }
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
        let han = std::iter::once(text.name)
            .chain(keywords.iter().copied())
            .map(|w| Word::Han(normalise(w).chars().filter(|c| normalise::is_han(*c)).collect()));
        let latin = std::iter::once(text.english_name)
            .chain(english.iter().copied())
            .map(|w| Word::English(tokens(&normalise(w)).into_iter().filter(|t| t.is_ascii()).collect()));
        let words = han
            .chain(latin)
            .filter(|w| match w {
                Word::Han(chars) => chars.len() >= 2,
                Word::English(words) => !words.is_empty(),
            })
            .collect();
        Self { fields, name: normalise(text.name), words, code, pinyin }
    }
}

/// Documents and, for each token, who holds it with the token's whole BM25
/// weight in that document (idf and field weights included): the weights do
/// not depend on the query, so a query only adds numbers up.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
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
pub type Ranked = Vec<(u32, f32)>;

/// What one document scored for one form of the query.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scored {
    score: f32,
    coverage: f32,
    /// A pair of characters, a word, a code or pinyin matched: single
    /// characters alone rank and suggest, but never make a match ("火星移民"
    /// holds 移 and 民 of other matters).
    paired: bool,
}

impl Scored {
    fn matches(&self) -> bool {
        self.paired && self.coverage >= MIN_COVERAGE
    }
}

const NONE: Scored = Scored { score: 0.0, coverage: 0.0, paired: false };

impl Corpus {
    pub fn new(docs: Vec<Doc>) -> Self {
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
    /// (normalised), kept in `best` when better than another form's.
    fn score(&self, query: &str, best: &mut [Scored], touched: &mut Vec<u32>) {
        let mut known: Vec<(&Posting, f32)> = Vec::new();
        let mut latin: Vec<String> = Vec::new();
        let mut han_runs: Vec<String> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for run in normalise::runs(query) {
            match run {
                normalise::Run::Han(chars) if chars.len() == 1 => {
                    let token = chars[0].to_string();
                    if let Some(posting) = self.postings.get(&token).filter(|_| !seen.contains(&token)) {
                        known.push((posting, 1.0));
                        seen.push(token);
                    }
                }
                normalise::Run::Han(chars) => {
                    let mut covered = vec![false; chars.len()];
                    for (j, pair) in chars.windows(2).enumerate() {
                        let token: String = pair.iter().collect();
                        if let Some(posting) = self.postings.get(&token) {
                            covered[j] = true;
                            covered[j + 1] = true;
                            if !seen.contains(&token) {
                                known.push((posting, 1.0));
                                seen.push(token);
                            }
                        }
                    }
                    // Characters no known pair holds are looked up alone.
                    for (c, _) in chars.iter().zip(&covered).filter(|(_, covered)| !**covered) {
                        let token = c.to_string();
                        if let Some(posting) = self.postings.get(&token).filter(|_| !seen.contains(&token)) {
                            known.push((posting, LONE_CHARACTER));
                            seen.push(token);
                        }
                    }
                    han_runs.push(chars.iter().collect());
                }
                normalise::Run::Latin(word) => latin.push(word),
            }
        }
        let mut latin_unknown = 0usize;
        for word in latin.iter().filter_map(|w| super::english::word(w)) {
            match self.postings.get(&word) {
                Some(posting) if !seen.contains(&word) => {
                    known.push((posting, 1.0));
                    seen.push(word);
                }
                Some(_) => {}
                None => latin_unknown += 1,
            }
        }
        let weight_known: f32 = known.iter().map(|(p, share)| p.idf * share).sum();
        // An unknown English word weighs what a known token does on average.
        let unit = if known.is_empty() { 1.0 } else { weight_known / known.len() as f32 };
        let whole = weight_known + unit * latin_unknown as f32;
        let mut here = vec![NONE; self.docs.len()];
        let mut hit: Vec<u32> = Vec::new();
        for (posting, share) in &known {
            for &(id, weight) in &posting.docs {
                let scored = &mut here[id as usize];
                if *scored == NONE {
                    hit.push(id);
                }
                scored.score += weight;
                scored.coverage += posting.idf * share / whole;
                scored.paired |= *share == 1.0;
            }
        }
        let han_text: String = han_runs.concat();
        for &id in &hit {
            let doc = &self.docs[id as usize];
            let scored = &mut here[id as usize];
            if han_text.chars().count() >= 2 {
                if doc.name == han_text {
                    scored.score += 20.0;
                } else if doc.name.contains(&han_text) {
                    scored.score += 8.0;
                }
            }
        }
        self.latin_bonus(&latin, han_runs.is_empty(), &mut here, &mut hit);
        for id in hit {
            let scored = here[id as usize];
            let current = &mut best[id as usize];
            let untouched = *current == NONE;
            // A form of the query that matches beats one that does not; among
            // matches the higher score counts, among misses the nearer one.
            let better = untouched
                || if scored.matches() {
                    !current.matches() || scored.score > current.score
                } else {
                    !current.matches() && scored.coverage > current.coverage
                };
            if untouched {
                touched.push(id);
            }
            if better {
                *current = scored;
            }
        }
    }

    /// How much of `query` (normalised) the document's own names and
    /// keywords hold whole: Chinese characters, and two for each English word.
    pub fn whole(&self, id: u32, query: &QueryWords) -> usize {
        let (han, english) = (&query.han, &query.english);
        let mut held = vec![false; han.len()];
        let mut words_held = vec![false; english.len()];
        for word in &self.docs[id as usize].words {
            match word {
                Word::Han(chars) => {
                    for start in 0..han.len().saturating_sub(chars.len() - 1) {
                        if han[start..].starts_with(chars) {
                            held[start..start + chars.len()].iter_mut().for_each(|h| *h = true);
                        }
                    }
                }
                Word::English(words) => {
                    if words.iter().all(|w| english.contains(w)) {
                        for (i, w) in english.iter().enumerate() {
                            words_held[i] |= words.contains(w);
                        }
                    }
                }
            }
        }
        held.iter().filter(|h| **h).count() + 2 * words_held.iter().filter(|h| **h).count()
    }

    /// Latin words as a code, or pinyin (full or initials) of a name or keyword.
    fn latin_bonus(&self, latin: &[String], only_latin: bool, here: &mut [Scored], hit: &mut Vec<u32>) {
        let letters: String = latin.concat();
        if letters.is_empty() {
            return;
        }
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
                if *scored == NONE {
                    hit.push(id as u32);
                }
                scored.score += bonus;
                scored.paired = true;
                if only_latin {
                    scored.coverage = 1.0;
                }
            }
        }
    }

    /// Every form of the query, among the documents `keep` lets through:
    /// (the matches ranked, the nearest misses ranked). A document the query
    /// names (holds one of its words whole: `named`) matches on less.
    pub fn search(
        &self,
        variants: &[String],
        keep: impl Fn(u32) -> bool,
        named: impl Fn(u32) -> bool,
    ) -> (Ranked, Ranked) {
        let mut best = vec![NONE; self.docs.len()];
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
            if scored.matches() || (scored.coverage >= NAMED_COVERAGE && named(id)) {
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
