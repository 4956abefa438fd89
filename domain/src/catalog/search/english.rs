//! English words as search compares them: "licences", "licence" and
//! "license" are one word, and the words every English request holds ("how",
//! "for", "my") say nothing about the matter.

/// Words that ask rather than name; dropped from the catalog's text and from
/// queries alike.
const ASKING: &[&str] = &[
    "a",
    "an",
    "the",
    "for",
    "my",
    "our",
    "of",
    "to",
    "in",
    "on",
    "at",
    "and",
    "or",
    "how",
    "do",
    "does",
    "i",
    "we",
    "me",
    "get",
    "need",
    "want",
    "what",
    "where",
    "is",
    "are",
    "can",
    "with",
    "from",
    "by",
    "about",
    "apply",
    "applying",
    "please",
    "help",
    "should",
    "which",
    "who",
    "it",
    "this",
    "that",
    "new",
    "some",
    "be",
    "application",
    "procedure",
    "process",
    "online",
    "form",
    "there",
    "any",
    "have",
    "has",
    "will",
];

/// The form of an English word both sides are compared in, or `None` for a
/// word that only asks. Words with digits (codes) are kept as they are.
pub fn word(word: &str) -> Option<String> {
    if ASKING.contains(&word) {
        return None;
    }
    if !word.chars().all(|c| c.is_ascii_lowercase()) || word.len() <= 3 {
        return Some(word.to_owned());
    }
    // British and American spellings the catalog's readers use alike.
    let word = word.replace("licence", "license").replace("centre", "center");
    let stem = if let Some(base) = word.strip_suffix("ies") {
        format!("{base}y")
    } else if word.ends_with("ss") || word.ends_with("us") || word.ends_with("is") {
        word
    } else if let Some(base) = word.strip_suffix('s') {
        base.to_owned()
    } else {
        word
    };
    Some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_spellings_meet() {
        assert_eq!(word("licences"), word("license"));
        assert_eq!(word("cigarettes").as_deref(), Some("cigarette"));
        assert_eq!(word("allowancies").as_deref(), Some("allowancy"));
        assert_eq!(word("business").as_deref(), Some("business"));
        assert_eq!(word("ktv").as_deref(), Some("ktv"));
        assert_eq!(word("jt003").as_deref(), Some("jt003"));
        assert_eq!(word("the"), None);
    }
}
