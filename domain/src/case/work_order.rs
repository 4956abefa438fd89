//! 好差评 and complaints closed-loop (差评整改, 投诉处理): an unhappy rating
//! or a complaint about a case becomes a work order for the department,
//! due in [`REPLY_DAYS`] working days; the reply reaches the applicant on the
//! status page (and by the notices they chose) and the department's system.

use serde::{Deserialize, Serialize};

use crate::time::date::Date;

/// Working days a department has to answer a 差评 or a complaint.
pub const REPLY_DAYS: u32 = 15;

/// What the work order answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 不满意 or 非常不满意, with its reason.
    Rating,
    /// A complaint about the case.
    Complaint,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rating => "rating",
            Self::Complaint => "complaint",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Rating, Self::Complaint].into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rating => "差评",
            Self::Complaint => "投诉",
        }
    }
}

/// Whether a rating of `overall` (1–5) is a 差评 that must be answered.
pub fn is_bad(overall: u8) -> bool {
    overall <= 2
}

/// One work order as the department sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkOrder {
    pub id: String,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// What the applicant wrote (the rating's reason, the complaint).
    pub text: String,
    /// RFC 3339, UTC.
    pub opened_at: String,
    /// The last day to reply.
    pub due: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_at: Option<String>,
    /// The label of the token that replied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_by: Option<String>,
}

/// `POST /api/staff/work-orders/{id}/reply`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyBody {
    /// 5 to 1000 characters, shown to the applicant.
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 1000))]
    pub reply: String,
}

/// Why a reply cannot be sent, if it cannot.
pub fn reply_problem(reply: &str) -> Option<&'static str> {
    match reply.trim().chars().count() {
        0..5 => Some("请写下给申请人的答复，至少5个字：说明核实的情况和整改的结果"),
        1001.. => Some("答复不能超过1000个字"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhappy_ratings_are_answered_in_words() {
        assert!(is_bad(1) && is_bad(2) && !is_bad(3));
        assert!(reply_problem("好的").is_some());
        assert_eq!(reply_problem("已核实，窗口人员已整改，欢迎再次评价"), None);
        assert_eq!(reply_problem(&"长".repeat(1001)), Some("答复不能超过1000个字"));
        assert_eq!(Source::parse("complaint"), Some(Source::Complaint));
    }
}
