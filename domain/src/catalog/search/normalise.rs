//! Text as search compares it: full-width letters and digits made half-width,
//! traditional characters made simplified (OpenCC's tables, through fast2s),
//! Latin letters lower-case; then cut into the tokens the index holds.

use pinyin::ToPinyin;

/// `ＪＴ－００３` → `jt-003`, `戶外廣告` → `户外广告`.
pub fn normalise(text: &str) -> String {
    let narrow: String = text
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    fast2s::convert(&narrow)
}

/// Chinese characters (the CJK blocks search indexes).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// One piece of normalised text: a run of Chinese characters or of Latin
/// letters and digits (everything else separates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Run {
    Han(Vec<char>),
    Latin(String),
}

/// The runs of already normalised text (`-` inside a Latin run is dropped, so
/// `jt-003` is `jt003`).
pub fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut han = Vec::new();
    let mut latin = String::new();
    let flush = |han: &mut Vec<char>, latin: &mut String, out: &mut Vec<Run>| {
        if !han.is_empty() {
            out.push(Run::Han(std::mem::take(han)));
        }
        if !latin.is_empty() {
            out.push(Run::Latin(std::mem::take(latin)));
        }
    };
    for c in text.chars() {
        if is_han(c) {
            if !latin.is_empty() {
                flush(&mut han, &mut latin, &mut out);
            }
            han.push(c);
        } else if c.is_ascii_alphanumeric() {
            if !han.is_empty() {
                flush(&mut han, &mut latin, &mut out);
            }
            latin.push(c);
        } else if c == '-' && !latin.is_empty() {
            continue;
        } else {
            flush(&mut han, &mut latin, &mut out);
        }
    }
    flush(&mut han, &mut latin, &mut out);
    out
}

/// The tokens of normalised text: every pair of neighbouring Chinese
/// characters (a lone character stands for itself), and every Latin word.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in runs(text) {
        match run {
            Run::Han(chars) if chars.len() == 1 => out.push(chars[0].to_string()),
            Run::Han(chars) => out.extend(chars.windows(2).map(|w| w.iter().collect::<String>())),
            Run::Latin(word) => out.extend(super::english::word(&word)),
        }
    }
    out
}

/// The pinyin of the Chinese in `text`, without tones or spaces, and its
/// initials: `户外广告` → (`huwaiguanggao`, `hwgg`). Characters without a
/// reading are skipped.
pub fn pinyin(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for reading in text.to_pinyin().flatten() {
        full.push_str(reading.plain());
        initials.push_str(reading.first_letter());
    }
    (full, initials)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_case_and_traditional_characters() {
        assert_eq!(normalise("ＪＴ－００３"), "jt-003");
        assert_eq!(normalise("戶外廣告"), "户外广告");
        assert_eq!(normalise("消防安全檢查"), "消防安全检查");
        assert_eq!(normalise("HuWai　GuangGao"), "huwai guanggao");
    }

    #[test]
    fn pairs_of_characters_and_latin_words() {
        assert_eq!(tokens("户外广告"), ["户外", "外广", "广告"]);
        assert_eq!(tokens("书"), ["书"]);
        assert_eq!(tokens("jt-003 货运"), ["jt003", "货运"]);
        assert_eq!(tokens("开个修车店！"), ["开个", "个修", "修车", "车店"]);
    }

    #[test]
    fn pinyin_and_initials() {
        assert_eq!(pinyin("户外广告"), ("huwaiguanggao".to_owned(), "hwgg".to_owned()));
        assert_eq!(pinyin("消防 2024"), ("xiaofang".to_owned(), "xf".to_owned()));
    }
}
