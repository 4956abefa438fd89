//! 找回查询码: a lost query code is reissued to whoever proves the phone the
//! application gave, with a one-time SMS code. The old code stops working; no
//! code is ever read back from storage (only its keyed hash is kept).

use serde::{Deserialize, Serialize};

/// `POST /api/cases/recovery-codes`: send a code to the case's phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryRequest {
    pub case_number: String,
    /// The mobile number the application gave (the applicant's or its contact's).
    pub phone: String,
}

/// `POST /api/cases/recovery`: the code from the SMS, for a new query code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCheck {
    pub case_number: String,
    pub phone: String,
    pub code: String,
}

/// The same answer whether or not the number belongs to the case: a stranger
/// learns nothing about a case number or a phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoverySent {
    /// The number, masked (`138****5678`).
    pub to: String,
    pub valid_secs: u32,
}

/// What the page says after asking, match or not.
pub fn sent_words(to: &str) -> String {
    format!("如果办件编号和手机号码相符，验证码已发到 {to}，10 分钟内有效。")
}
