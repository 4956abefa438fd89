//! 好差评 as the provinces run it: a case is rated at 受理 and at 办结, each
//! once, through a channel (PC, phone, the QR code on the receipt, the hall's
//! pad, SMS, a phone call); a case completed and not rated within
//! [`DEFAULT_AFTER_DAYS`] days gets the default rating; an unhappy rating
//! becomes a work order, and once it is answered the applicant may rate
//! the completion again (the second rating stands for the case).

use serde::{Deserialize, Serialize};

use super::Status;

/// Days after completion when an unrated case is rated by default (a
/// centre may set another number).
pub const DEFAULT_AFTER_DAYS: u16 = 7;

/// The level a case not rated in time is given (满意).
pub const DEFAULT_LEVEL: u8 = 4;

/// When in the case the rating is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 受理 (or 不予受理): how the application was received.
    Acceptance,
    /// 办结: how it was handled.
    #[default]
    Completion,
}

impl Stage {
    pub const ALL: [Stage; 2] = [Self::Acceptance, Self::Completion];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acceptance => "acceptance",
            Self::Completion => "completion",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Acceptance => "受理评价",
            Self::Completion => "办结评价",
        }
    }
}

/// 评价渠道, as the provinces count them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 电脑端.
    #[default]
    Pc,
    /// 移动端 (a phone's browser, WeChat).
    Mobile,
    /// 二维码: the code printed on the receipt.
    QrCode,
    /// 窗口评价器: the pad at the service window.
    HallPad,
    /// 短信.
    Sms,
    /// 电话 (12345, a 回访 call).
    Phone,
    /// 默认评价: not rated in time.
    Default,
}

impl Channel {
    pub const ALL: [Channel; 7] =
        [Self::Pc, Self::Mobile, Self::QrCode, Self::HallPad, Self::Sms, Self::Phone, Self::Default];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pc => "pc",
            Self::Mobile => "mobile",
            Self::QrCode => "qr_code",
            Self::HallPad => "hall_pad",
            Self::Sms => "sms",
            Self::Phone => "phone",
            Self::Default => "default",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pc => "电脑端",
            Self::Mobile => "移动端",
            Self::QrCode => "扫码评价",
            Self::HallPad => "窗口评价器",
            Self::Sms => "短信",
            Self::Phone => "电话",
            Self::Default => "默认评价",
        }
    }
}

/// One rating given, as the rules need to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Given {
    pub stage: Stage,
    pub round: u8,
    pub overall: u8,
}

/// The round a new rating of `stage` would be, or why it cannot be given:
/// a case is rated at acceptance once it is accepted (or refused), at
/// completion once it is completed; each once, except that an unhappy
/// completion rating answered by the department (`replied`) may be given
/// again, once.
pub fn next_round(status: Status, stage: Stage, given: &[Given], replied: bool) -> Result<u8, &'static str> {
    let open = match stage {
        Stage::Acceptance => status.is_accepted() || status == Status::NotAccepted,
        Stage::Completion => status == Status::Completed,
    };
    if !open {
        return Err(match stage {
            Stage::Acceptance => "受理（或不予受理）后才能评价受理",
            Stage::Completion => "办结后才能评价",
        });
    }
    let last = given.iter().filter(|g| g.stage == stage).max_by_key(|g| g.round);
    match (stage, last) {
        (_, None) => Ok(1),
        (Stage::Completion, Some(g)) if g.round == 1 && super::work_order::is_bad(g.overall) && replied => Ok(2),
        (Stage::Completion, Some(g)) if g.round == 1 && super::work_order::is_bad(g.overall) => {
            Err("部门答复后，您可以再评价一次")
        }
        (Stage::Acceptance | Stage::Completion, Some(_)) => Err("这个办件已经评价过了"),
    }
}

/// The rating that stands for a stage: the last round.
pub fn standing(given: &[Given], stage: Stage) -> Option<Given> {
    given.iter().filter(|g| g.stage == stage).max_by_key(|g| g.round).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_is_rated_once_and_an_answered_bad_completion_again() {
        let given = |stage, round, overall| Given { stage, round, overall };
        assert_eq!(
            next_round(Status::Submitted, Stage::Acceptance, &[], false),
            Err("受理（或不予受理）后才能评价受理")
        );
        assert_eq!(next_round(Status::InProgress, Stage::Acceptance, &[], false), Ok(1));
        assert_eq!(next_round(Status::NotAccepted, Stage::Acceptance, &[], false), Ok(1));
        assert_eq!(next_round(Status::InProgress, Stage::Completion, &[], false), Err("办结后才能评价"));
        let accepted = [given(Stage::Acceptance, 1, 5)];
        assert_eq!(next_round(Status::Completed, Stage::Acceptance, &accepted, false), Err("这个办件已经评价过了"));
        assert_eq!(next_round(Status::Completed, Stage::Completion, &accepted, false), Ok(1));
        let unhappy = [given(Stage::Acceptance, 1, 5), given(Stage::Completion, 1, 2)];
        assert_eq!(
            next_round(Status::Completed, Stage::Completion, &unhappy, false),
            Err("部门答复后，您可以再评价一次")
        );
        assert_eq!(next_round(Status::Completed, Stage::Completion, &unhappy, true), Ok(2));
        let again = [given(Stage::Completion, 1, 2), given(Stage::Completion, 2, 4)];
        assert_eq!(next_round(Status::Completed, Stage::Completion, &again, true), Err("这个办件已经评价过了"));
        assert_eq!(standing(&again, Stage::Completion).map(|g| g.overall), Some(4), "the second stands");
        assert_eq!(Channel::parse("hall_pad"), Some(Channel::HallPad));
        assert_eq!(Stage::parse("acceptance"), Some(Stage::Acceptance));
    }
}
