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
    /// 回访, once replied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<Visit>,
}

/// 回访: what the applicant said when called back after the reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitResult {
    /// 满意: the matter is closed.
    Satisfied,
    /// 不满意, with what the applicant said.
    Unsatisfied,
    /// 联系不上.
    Unreachable,
}

impl VisitResult {
    pub const ALL: [VisitResult; 3] = [Self::Satisfied, Self::Unsatisfied, Self::Unreachable];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Unsatisfied => "unsatisfied",
            Self::Unreachable => "unreachable",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "回访满意",
            Self::Unsatisfied => "回访不满意",
            Self::Unreachable => "联系不上",
        }
    }
}

/// A recorded 回访.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    pub result: VisitResult,
    #[serde(default)]
    pub note: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// The label of the token that recorded it.
    pub by: String,
}

/// `POST /api/staff/work-orders/{id}/visit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitBody {
    pub result: VisitResult,
    /// Required when the applicant is not satisfied; at most 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: String,
}

/// Why a 回访 cannot be recorded on `order`, if it cannot.
pub fn visit_problem(order: &WorkOrder, body: &VisitBody) -> Option<&'static str> {
    if order.reply.is_none() {
        return Some("答复申请人之后才能记录回访结果");
    }
    if order.visit.is_some() {
        return Some("这个工单已经记录过回访结果");
    }
    match (body.result, body.note.trim().chars().count()) {
        (_, 501..) => Some("回访记录不能超过500个字"),
        (VisitResult::Unsatisfied, 0) => Some("回访不满意的，请写下申请人的意见"),
        (VisitResult::Satisfied | VisitResult::Unsatisfied | VisitResult::Unreachable, _) => None,
    }
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
        let mut order = WorkOrder {
            id: "W".into(),
            source: Source::Rating,
            case_number: None,
            text: "态度不好".into(),
            opened_at: String::new(),
            due: Date::parse("2026-12-14").unwrap(),
            reply: None,
            replied_at: None,
            replied_by: None,
            visit: None,
        };
        let call = |result, note: &str| VisitBody { result, note: note.into() };
        assert_eq!(visit_problem(&order, &call(VisitResult::Satisfied, "")), Some("答复申请人之后才能记录回访结果"));
        order.reply = Some("已整改".into());
        assert_eq!(visit_problem(&order, &call(VisitResult::Satisfied, "")), None);
        assert_eq!(
            visit_problem(&order, &call(VisitResult::Unsatisfied, " ")),
            Some("回访不满意的，请写下申请人的意见")
        );
        order.visit =
            Some(Visit { result: VisitResult::Unreachable, note: String::new(), at: String::new(), by: "x".into() });
        assert_eq!(visit_problem(&order, &call(VisitResult::Satisfied, "")), Some("这个工单已经记录过回访结果"));
    }
}
