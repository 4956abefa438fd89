//! The words of a long question that carry its matter. "请问一下我们两个人想去
//! 领结婚证需要带什么材料" is about 结婚证: question words, politeness, people
//! and "what to bring" are set aside, so a 40-character question ranks like
//! its core. The catalog's own words are never cut: a catalog word that
//! starts where an asking word does is kept whole (从业资格证 keeps its 从).

use std::collections::HashMap;

/// Words that ask, greet or point rather than name the matter, longest
/// matched first. Single characters here are particles and pronouns that
/// never begin a catalog word people type.
const ASKING: &[&str] = &[
    "请问",
    "请帮我",
    "帮我",
    "帮忙",
    "麻烦",
    "您好",
    "你好",
    "谢谢",
    "查一下",
    "问一下",
    "看一下",
    "一下",
    "我想",
    "我要",
    "想要",
    "想问",
    "我们",
    "咱们",
    "我家",
    "我是",
    "家里",
    "自家",
    "自己",
    "两个人",
    "需要",
    "需不需要",
    "要不要",
    "是不是",
    "是否",
    "应该",
    "怎么办",
    "怎么弄",
    "怎么样",
    "怎么",
    "怎样",
    "如何",
    "去哪里",
    "去哪儿",
    "哪里",
    "哪儿",
    "哪些",
    "哪个",
    "什么",
    "可以",
    "能不能",
    "能否",
    "有没有",
    "还有",
    "也要",
    "一起",
    "顺便",
    "手续",
    "要办",
    "办个",
    "部门",
    "材料",
    "现在",
    "已经",
    "这个",
    "那个",
    "一个",
    "一家",
    "一些",
    "一块",
    "一段",
    "一套",
    "镇上",
    "村里",
    "老人",
    "孩子",
    "小孩",
    "请",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "了",
    "的",
    "得",
    "想",
    "要",
    "去",
    "给",
    "我",
    "你",
    "他",
    "她",
    "在",
    "带",
    "跑",
    "弄",
    "搞",
    "先",
    "刚",
];

/// The catalog's words (names, keywords, synonyms), by first character,
/// longest first.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    by_first: HashMap<char, Vec<Vec<char>>>,
}

impl Vocabulary {
    /// From normalised words; only words of two or more Chinese characters count.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut by_first: HashMap<char, Vec<Vec<char>>> = HashMap::new();
        for word in words {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() >= 2 && chars.iter().all(|c| super::normalise::is_han(*c)) {
                let list = by_first.entry(chars[0]).or_default();
                if !list.contains(&chars) {
                    list.push(chars);
                }
            }
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
        Self { by_first }
    }

    /// The longest catalog word at the start of `rest`.
    fn at(&self, rest: &[char]) -> Option<usize> {
        let list = self.by_first.get(rest.first()?)?;
        list.iter().find(|w| rest.starts_with(w)).map(Vec::len)
    }
}

/// `text` (normalised) with the asking words replaced by spaces; the text
/// itself when nothing would be left.
pub fn core(text: &str, vocabulary: &Vocabulary) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if let Some(len) = vocabulary.at(rest) {
            out.extend(&rest[..len]);
            i += len;
        } else if let Some(len) = asking_at(rest) {
            out.push(' ');
            i += len;
        } else {
            out.push(rest[0]);
            i += 1;
        }
    }
    if out.trim().is_empty() { text.to_owned() } else { out }
}

fn asking_at(rest: &[char]) -> Option<usize> {
    ASKING
        .iter()
        .filter_map(|word| {
            let len = word.chars().count();
            (rest.len() >= len && rest.iter().zip(word.chars()).all(|(a, b)| *a == b)).then_some(len)
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary::new(["结婚登记", "结婚证", "从业资格证", "卖烟", "小超市"])
    }

    #[test]
    fn a_long_question_keeps_its_matter() {
        let words = |text| core(text, &vocabulary()).split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(words("请问一下我们两个人想去领结婚证需要带什么材料"), ["领结婚证"]);
        assert_eq!(words("我家在镇上开了个小超市想顺便卖烟要办什么证"), ["开", "个小超市", "卖烟", "证"]);
    }

    #[test]
    fn catalog_words_are_never_cut() {
        let kept = core("我是跑货车的司机从业资格证怎么考", &vocabulary());
        assert!(kept.contains("从业资格证"), "{kept}");
    }

    #[test]
    fn a_query_of_asking_words_only_is_kept() {
        assert_eq!(core("怎么办", &vocabulary()), "怎么办");
    }
}
