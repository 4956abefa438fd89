//! The law's clocks besides the promise (《行政许可法》 arts. 32, 42, 45):
//! an application nobody answers within five working days of receipt is
//! accepted from the day it was received (视为受理); an extension needs an
//! approver and a reason and moves the due date; a special procedure
//! (hearing, testing, expert review…) stops the clock while it lasts.

use serde::{Deserialize, Serialize};

use crate::time::calendar::{Calendar, Light};
use crate::time::date::Date;

/// Working days the department has to accept, refuse or ask for a
/// supplement after receiving the materials (art. 32).
pub const ANSWER_DAYS: u32 = 5;

/// Working days left to answer when a clerk's list marks the case as due:
/// from the third working day.
pub const ANSWER_SOON_DAYS: i64 = 2;

/// The longest one extension may be, in working days (art. 42 allows ten
/// in general; special laws more, so the cap only stops a typo). The staff
/// API's schema says the same number.
pub const MAX_EXTENSION_DAYS: u16 = 30;

/// Working days a 补正告知 gives the applicant unless the clerk sets
/// another number: the law sets none, local rules commonly ten.
pub const SUPPLY_DAYS: u16 = 10;

/// The longest time a 补正告知 may give, in working days (stops a typo;
/// the staff API's schema says the same number).
pub const MAX_SUPPLY_DAYS: u16 = 60;

/// The default of `Action::RequestSupplement`'s `days`, for serde.
pub fn default_supply_days() -> u16 {
    SUPPLY_DAYS
}

/// The last day to supply what a 补正告知 sent `today` asks for, `days`
/// working days later: after it, the application counts as withdrawn.
pub fn supply_by(calendar: &Calendar, today: Date, days: u16) -> Date {
    calendar.add_working_days(today, u32::from(days))
}

/// The last day to answer an application received on `received`.
pub fn answer_by(calendar: &Calendar, received: Date) -> Date {
    calendar.add_working_days(received, ANSWER_DAYS)
}

/// Whether an application received on `received`, still `waiting` for its
/// first answer (`Status::waits_for_answer`), counts as accepted
/// today because nobody answered in time.
pub fn deemed_accepted(calendar: &Calendar, waiting: bool, received: Date, today: Date) -> bool {
    waiting && today > answer_by(calendar, received)
}

/// How the answer clock stands: yellow from the third working day to the
/// last (the day after, the application is accepted by law).
pub fn answer_light(calendar: &Calendar, today: Date, answer_by: Date) -> Light {
    if calendar.remaining(today, answer_by) <= ANSWER_SOON_DAYS { Light::Close } else { Light::OnTime }
}

/// 特别程序 (art. 45): the time it takes does not count toward the limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 听证.
    Hearing,
    /// 招标、拍卖.
    Tender,
    /// 检验、检测、检疫.
    Testing,
    /// 鉴定.
    Appraisal,
    /// 专家评审.
    ExpertReview,
    /// 现场核查.
    Inspection,
    /// Another pause the law or the item's rules allow.
    #[default]
    Other,
}

impl Procedure {
    pub const ALL: [Procedure; 7] = [
        Self::Hearing,
        Self::Tender,
        Self::Testing,
        Self::Appraisal,
        Self::ExpertReview,
        Self::Inspection,
        Self::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Hearing => "听证",
            Self::Tender => "招标、拍卖",
            Self::Testing => "检验、检测、检疫",
            Self::Appraisal => "鉴定",
            Self::ExpertReview => "专家评审",
            Self::Inspection => "现场核查",
            Self::Other => "其他特别程序",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hearing => "hearing",
            Self::Tender => "tender",
            Self::Testing => "testing",
            Self::Appraisal => "appraisal",
            Self::ExpertReview => "expert_review",
            Self::Inspection => "inspection",
            Self::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// The timeline's and the notice's words: `专家评审：…`, or the reason alone.
    /// The procedure and reason a note written by [`Self::with_reason`] names.
    pub fn of_note(note: &str) -> (Self, &str) {
        Self::ALL
            .into_iter()
            .find_map(|p| Some((p, note.strip_prefix(p.label())?.strip_prefix('：')?)))
            .unwrap_or((Self::Other, note))
    }

    pub fn with_reason(self, reason: &str) -> String {
        match self {
            Self::Other => reason.to_owned(),
            Self::Hearing | Self::Tender | Self::Testing | Self::Appraisal | Self::ExpertReview | Self::Inspection => {
                format!("{}：{reason}", self.label())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn a_pauses_note_gives_back_its_procedure_and_reason() {
        for procedure in Procedure::ALL {
            let note = procedure.with_reason("核查经营场所");
            assert_eq!(Procedure::of_note(&note), (procedure, "核查经营场所"));
        }
    }

    #[test]
    fn an_unanswered_application_is_accepted_on_the_sixth_working_day() {
        let calendar = Calendar::default();
        // Received Thursday 19 November: five working days run to Thursday the 26th.
        let received = day("2026-11-19");
        assert_eq!(answer_by(&calendar, received), day("2026-11-26"));
        assert!(!deemed_accepted(&calendar, true, received, day("2026-11-26")));
        assert!(deemed_accepted(&calendar, true, received, day("2026-11-27")));
        assert!(!deemed_accepted(&calendar, false, received, day("2026-12-27")), "answered");
        assert_eq!(answer_light(&calendar, day("2026-11-20"), day("2026-11-26")), Light::OnTime);
        assert_eq!(answer_light(&calendar, day("2026-11-24"), day("2026-11-26")), Light::Close, "day 3");
        assert_eq!(answer_light(&calendar, day("2026-11-26"), day("2026-11-26")), Light::Close, "the last day");
        assert_eq!(Procedure::parse("expert_review"), Some(Procedure::ExpertReview));
    }
}
