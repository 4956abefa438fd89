//! Reference numbers people read aloud, type and copy: resume codes now, case
//! numbers later. Letters and digits that are easy to confuse are left out (as
//! GOV.UK Forms does: A–Z without I, O, Q, Z; digits 2–9).

/// 22 letters and 8 digits: 30 characters, about 4.9 bits each.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXY23456789";

/// A reference of `len` characters from random bytes (one byte per character;
/// rejection sampling keeps every character equally likely), in groups of four.
/// Returns `None` when the bytes ran out before `len` characters were found.
pub fn from_random(bytes: &[u8], len: usize) -> Option<String> {
    // 240 = 8 × 30: bytes at or above it would favour some characters.
    let chars: Vec<char> = bytes
        .iter()
        .filter(|b| **b < 240)
        .take(len)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    (chars.len() == len).then(|| group(&chars))
}

fn group(chars: &[char]) -> String {
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// What a person typed, as stored: upper case, grouped; `None` when a character
/// cannot be part of a reference.
pub fn normalise(typed: &str) -> Option<String> {
    let chars: Vec<char> =
        typed.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    if chars.is_empty() || !chars.iter().all(|c| c.is_ascii() && ALPHABET.contains(&(*c as u8))) {
        return None;
    }
    Some(group(&chars))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_grouped_codes_without_confusable_characters() {
        let bytes: Vec<u8> = (0..=255).collect();
        let code = from_random(&bytes, 12).unwrap();
        assert_eq!(code, "ABCD-EFGH-JKLM");
        for c in ['I', 'O', 'Q', 'Z', '0', '1'] {
            assert!(!ALPHABET.contains(&(c as u8)), "{c}");
        }
        assert_eq!(from_random(&[250, 251, 0], 2), None, "too few usable bytes");
    }

    #[test]
    fn reads_what_people_type() {
        assert_eq!(normalise(" abcd efgh-jklm ").as_deref(), Some("ABCD-EFGH-JKLM"));
        assert_eq!(normalise("ABCD-EFGH-JKL0"), None, "zero is never part of a code");
        assert_eq!(normalise(""), None);
    }
}
