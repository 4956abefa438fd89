//! Words people use for the same thing (`catalog/synonyms.toml`): 饭店 = 餐馆 =
//! 小吃店 = 餐饮. A query holding one word of a group is also tried with each
//! of the others, so "开个修车店" finds 机动车维修经营备案.

use serde::Deserialize;

use super::normalise::normalise;

/// Every group of the list.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonyms {
    #[serde(default, rename = "group")]
    pub groups: Vec<SynonymGroup>,
}

/// Words meaning the same, in the order a person would list them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymGroup {
    pub words: Vec<String>,
}

/// The most variants one query is tried as.
const MAX_VARIANTS: usize = 24;

impl Synonyms {
    /// The query, then the query with one word of a group put in place of
    /// another (query and words already normalised: the index does that once).
    pub fn variants(&self, query: &str) -> Vec<String> {
        let mut out = vec![query.to_owned()];
        for group in &self.groups {
            let words = &group.words;
            for word in words.iter().filter(|w| query.contains(w.as_str())) {
                for other in words.iter().filter(|o| *o != word) {
                    let variant = query.replacen(word.as_str(), other, 1);
                    if out.len() < MAX_VARIANTS && !out.contains(&variant) {
                        out.push(variant);
                    }
                }
            }
        }
        out
    }
}

/// One problem of a synonym list: the group (0-based) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynonymProblem {
    pub group: usize,
    pub message: String,
}

/// A group must have two words or more, each in no other group (a word in two
/// groups would chain them into a loop of meanings), and at least one word the
/// catalog itself uses (`known`): otherwise the group leads nowhere.
pub fn check(synonyms: &Synonyms, known: impl Fn(&str) -> bool) -> Vec<SynonymProblem> {
    let mut problems = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, group) in synonyms.groups.iter().enumerate() {
        let mut problem = |message: String| problems.push(SynonymProblem { group: index, message });
        let words: Vec<String> = group.words.iter().map(|w| normalise(w.trim())).collect();
        if words.iter().any(|w| w.is_empty()) {
            problem("有空的词".to_owned());
        }
        let mut distinct: Vec<&String> = Vec::new();
        for word in &words {
            if distinct.contains(&word) {
                problem(format!("“{word}”在这一组里写了两次"));
            } else {
                distinct.push(word);
            }
        }
        if distinct.len() < 2 {
            problem("一组同义词至少要有两个不同的词".to_owned());
        }
        for word in &distinct {
            match seen.iter().find(|(w, _)| w == *word) {
                Some((_, first)) => {
                    problem(format!("“{word}”已在第 {} 组里，一个词只能属于一组，否则各组会连成一圈", first + 1))
                }
                None => seen.push(((*word).clone(), index)),
            }
        }
        if !distinct.is_empty() && !distinct.iter().any(|w| known(w)) {
            problem(format!("这一组的词（{}）都不在任何事项的名称、关键词或简介里，搜不到任何事项", words.join("、")));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(lists: &[&[&str]]) -> Synonyms {
        Synonyms {
            groups: lists
                .iter()
                .map(|words| SynonymGroup { words: words.iter().map(|w| w.to_string()).collect() })
                .collect(),
        }
    }

    #[test]
    fn a_query_is_also_tried_with_each_other_word() {
        let list = groups(&[&["修车", "汽修", "机动车维修"], &["饭店", "餐馆"]]);
        assert_eq!(list.variants("开个修车店"), ["开个修车店", "开个汽修店", "开个机动车维修店"]);
        assert_eq!(list.variants("书店"), ["书店"]);
    }

    #[test]
    fn refuses_loops_unknown_groups_and_lone_words() {
        let known = |w: &str| ["修车", "饭店"].contains(&w);
        assert!(check(&groups(&[&["修车", "汽修"], &["饭店", "餐馆"]]), known).is_empty());
        let looped = check(&groups(&[&["修车", "汽修"], &["汽修", "饭店"]]), known);
        assert_eq!(looped.len(), 1);
        assert_eq!(looped[0].group, 1);
        assert!(looped[0].message.contains("已在第 1 组"), "{looped:?}");
        let unknown = check(&groups(&[&["火箭", "飞船"]]), known);
        assert!(unknown[0].message.contains("搜不到任何事项"), "{unknown:?}");
        let lone = check(&groups(&[&["修车", "修车"]]), known);
        assert!(lone.iter().any(|p| p.message.contains("至少要有两个")), "{lone:?}");
    }
}
