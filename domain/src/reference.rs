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

/// Declares a reference kind: parsed once where it comes in (from what a person
/// typed, pasted or a link carried), so what is past the edge is well formed.
macro_rules! reference_kind {
    ($(#[$doc:meta])* $name:ident, $len:expr, $debug:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Characters in it (the groups' hyphens not counted).
            pub const LEN: usize = $len;

            /// What a person typed, normalised, if it can be one at all.
            pub fn parse(typed: &str) -> Option<Self> {
                normalise(typed).filter(|code| code.len() == Self::LEN + (Self::LEN - 1) / 4).map(Self)
            }

            /// As stored and compared: upper case, in groups of four.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text itself, to send back to the person who gave it.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let shown: fn(&str) -> String = $debug;
                write!(f, "{}({})", stringify!($name), shown(&self.0))
            }
        }
    };
}

reference_kind!(
    /// 办件编号: names a case; printed on the receipt, said on the phone.
    CaseNumber,
    8,
    |code| code.to_owned()
);
reference_kind!(
    /// 查询码: the secret that opens a case's status with its number (never shown in a log).
    QueryCode,
    8,
    |_| "…".to_owned()
);
reference_kind!(
    /// 恢复码: opens a saved draft on another device (never shown in a log).
    ResumeCode,
    12,
    |_| "…".to_owned()
);

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
    fn each_kind_takes_only_its_own_length_and_hides_its_secrets() {
        assert_eq!(CaseNumber::parse(" abcd efgh ").unwrap().as_str(), "ABCD-EFGH");
        assert_eq!(CaseNumber::parse("ABCD-EFG"), None, "one short");
        assert_eq!(CaseNumber::parse("ABCD-EFGH-J"), None, "one long");
        assert_eq!(ResumeCode::parse("abcdefghjklm").unwrap().as_str(), "ABCD-EFGH-JKLM");
        assert_eq!(ResumeCode::parse("ABCD-EFGH"), None);
        let code = QueryCode::parse("WXY2-3456").unwrap();
        assert_eq!(code.as_str(), "WXY2-3456");
        assert_eq!(format!("{code:?}"), "QueryCode(…)");
        assert_eq!(format!("{:?}", CaseNumber::parse("ABCD-EFGH").unwrap()), "CaseNumber(ABCD-EFGH)");
    }

    #[test]
    fn reads_what_people_type() {
        assert_eq!(normalise(" abcd efgh-jklm ").as_deref(), Some("ABCD-EFGH-JKLM"));
        assert_eq!(normalise("ABCD-EFGH-JKL0"), None, "zero is never part of a code");
        assert_eq!(normalise(""), None);
    }
}
