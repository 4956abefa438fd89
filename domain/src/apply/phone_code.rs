//! Proving the phone that progress SMS goes to: a one-time code sent to the
//! form's mobile number and typed back on the review page. Without it anyone
//! could have the centre text a stranger. The browser and the server read the
//! same limits and the same code rule from here.

use serde::{Deserialize, Serialize};

/// Digits in a code (what every Chinese platform sends).
pub const DIGITS: usize = 6;
/// How long a code may be typed back.
pub const VALID_SECS: u32 = 10 * 60;
/// How long before another code may go to the same number.
pub const RESEND_SECS: u32 = 60;
/// Wrong tries before a code is spent and a new one is needed.
pub const TRIES: u32 = 5;
/// Codes one number is sent a day, whoever asks.
pub const PER_NUMBER_PER_DAY: u32 = 5;
/// How long a proven number counts for its application.
pub const PROOF_SECS: i64 = 24 * 60 * 60;

/// `POST /api/phone-codes`: send a code to this number (the form's mobile number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub phone: String,
}

/// The code went out: to whom (masked), for how long it holds, and when another may be asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    pub to: String,
    pub valid_secs: u32,
    pub resend_secs: u32,
}

/// `POST /api/phone-codes/check`: the code the applicant typed, for this number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeCheck {
    pub phone: String,
    pub code: String,
}

/// The number is proven for this application: progress SMS may go to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NumberProven {
    pub to: String,
}

/// The code as typed, with full-width digits and spaces forgiven (an IME or a
/// paste from the SMS), if it is [`DIGITS`] digits.
pub fn normalise_code(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// Why a typed code cannot be right, before asking the server.
pub fn code_problem(typed: &str) -> Option<&'static str> {
    match normalise_code(typed) {
        Some(_) => None,
        None if typed.trim().is_empty() => Some("请输入短信里的 6 位验证码"),
        None => Some("验证码是短信里的 6 位数字，请核对后再输入"),
    }
}

/// What the review page and the server say when SMS was chosen but the number not proven.
pub const UNPROVEN: &str = "请先用短信验证码验证手机号码，或不选“发短信告诉我办理进度”";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_with_what_phones_and_imes_add_forgiven() {
        assert_eq!(normalise_code("123456").as_deref(), Some("123456"));
        assert_eq!(normalise_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(normalise_code("１２３４５６").as_deref(), Some("123456"));
        assert_eq!(normalise_code("12345"), None);
        assert_eq!(normalise_code("1234567"), None);
        assert_eq!(normalise_code("12345a"), None);
        assert_eq!(code_problem(""), Some("请输入短信里的 6 位验证码"));
        assert!(code_problem("12-456").unwrap().contains("6 位数字"));
        assert_eq!(code_problem("654321"), None);
    }
}
