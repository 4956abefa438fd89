//! Everything that can happen to a case, as one closed enum. The names the
//! timeline records, the webhook event types, the notices and SMS templates
//! and the staff console's actions are all derived from it by exhaustive
//! `match`: a new variant does not compile until each of them says what it
//! does with it.
//!
//! ```compile_fail
//! // A match that forgets a variant is refused, as every derivation below is.
//! use domain::case::event::CaseEvent;
//! fn name(event: CaseEvent) -> &'static str {
//!     match event {
//!         CaseEvent::Submitted => "submit",
//!     }
//! }
//! ```

use super::{Action, Actor, Status};

/// What happened to a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaseEvent {
    /// 提交申请.
    Submitted,
    /// 开始预审.
    PreReviewStarted,
    /// 补正告知.
    SupplementRequested,
    /// A joint case's co-department has no supplement to ask: it agrees to acceptance.
    Agreed,
    /// 补正后重新提交.
    Resubmitted,
    /// 受理.
    Accepted,
    /// 视为受理: unanswered for five working days after receipt.
    DeemedAccepted,
    /// 延长办理期限, approved, with the reason.
    Extended,
    /// 不予受理.
    Refused,
    /// 开始办理.
    Started,
    /// 暂停办理.
    Suspended,
    /// 恢复办理.
    Resumed,
    /// 办结.
    Completed,
    /// 终止 (a 容缺 deadline passed).
    Terminated,
    /// 撤回申请.
    Withdrawn,
    /// 容缺材料补交 (the status stays).
    LaterSupplied,
    /// The department's reminder: due in a few working days.
    DueSoon,
    /// The department's reminder: past the promised date.
    Overdue,
    /// The applicant's reminder: 容缺 materials due in a few working days.
    LaterDueSoon,
    /// The applicant's reminder: 容缺 materials due today.
    LaterDueToday,
    /// The department answered a 差评 or a complaint (the status stays).
    Replied,
}

impl CaseEvent {
    /// Every event, in the order of a case's life (the staff console lists
    /// its actions, and a centre registers its SMS templates, in this order).
    pub const ALL: [CaseEvent; 21] = [
        Self::Submitted,
        Self::PreReviewStarted,
        Self::Agreed,
        Self::Accepted,
        Self::DeemedAccepted,
        Self::SupplementRequested,
        Self::Refused,
        Self::Resubmitted,
        Self::Started,
        Self::Extended,
        Self::Suspended,
        Self::Resumed,
        Self::Completed,
        Self::Terminated,
        Self::Withdrawn,
        Self::LaterSupplied,
        Self::LaterDueSoon,
        Self::LaterDueToday,
        Self::Replied,
        Self::DueSoon,
        Self::Overdue,
    ];

    /// The event a move records.
    pub fn of(action: &Action) -> Self {
        match action {
            Action::PreReview => Self::PreReviewStarted,
            Action::Accept => Self::Accepted,
            Action::DeemAccept => Self::DeemedAccepted,
            Action::Extend { .. } => Self::Extended,
            Action::RequestSupplement { .. } => Self::SupplementRequested,
            Action::Agree => Self::Agreed,
            Action::Refuse { .. } => Self::Refused,
            Action::Resubmit => Self::Resubmitted,
            Action::Start => Self::Started,
            Action::Suspend { .. } => Self::Suspended,
            Action::Resume => Self::Resumed,
            Action::Complete { .. } => Self::Completed,
            Action::Withdraw => Self::Withdrawn,
            Action::Terminate { .. } => Self::Terminated,
        }
    }

    /// The machine name the timeline records (`case_events.action`): a
    /// move's action name, `submit`, `supply_later`, or a reminder's.
    pub fn name(self) -> &'static str {
        match self {
            Self::Submitted => "submit",
            Self::PreReviewStarted => "pre_review",
            Self::SupplementRequested => "request_supplement",
            Self::Agreed => "agree",
            Self::Resubmitted => "resubmit",
            Self::Accepted => "accept",
            Self::DeemedAccepted => "deem_accept",
            Self::Extended => "extend",
            Self::Refused => "refuse",
            Self::Started => "start",
            Self::Suspended => "suspend",
            Self::Resumed => "resume",
            Self::Completed => "complete",
            Self::Terminated => "terminate",
            Self::Withdrawn => "withdraw",
            Self::LaterSupplied => "supply_later",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
            Self::LaterDueSoon => "later_due_soon",
            Self::LaterDueToday => "later_due_today",
            Self::Replied => "reply",
        }
    }

    /// The `type` of the webhook a department's system receives
    /// (`case.accept`); `None` for what only the applicant is told.
    pub fn webhook_type(self) -> Option<&'static str> {
        Some(match self {
            Self::Submitted => "case.submit",
            Self::PreReviewStarted => "case.pre_review",
            Self::SupplementRequested => "case.request_supplement",
            Self::Agreed => "case.agree",
            Self::Resubmitted => "case.resubmit",
            Self::Accepted => "case.accept",
            Self::DeemedAccepted => "case.deem_accept",
            Self::Extended => "case.extend",
            Self::Refused => "case.refuse",
            Self::Started => "case.start",
            Self::Suspended => "case.suspend",
            Self::Resumed => "case.resume",
            Self::Completed => "case.complete",
            Self::Terminated => "case.terminate",
            Self::Withdrawn => "case.withdraw",
            Self::LaterSupplied => "case.supply_later",
            Self::DueSoon => "case.due_soon",
            Self::Overdue => "case.overdue",
            Self::Replied => "case.reply",
            Self::LaterDueSoon | Self::LaterDueToday => return None,
        })
    }

    /// The applicant's notice of this event, by the name its outbox rows
    /// (`notice.accepted`) and its SMS template carry; `None`: not told.
    pub fn notice_name(self) -> Option<&'static str> {
        Some(match self {
            Self::Submitted => "submitted",
            Self::Accepted => "accepted",
            Self::DeemedAccepted => "deemed_accepted",
            Self::Extended => "extended",
            Self::SupplementRequested => "supplement_requested",
            Self::Suspended => "suspended",
            Self::Resumed => "resumed",
            Self::Completed => "completed",
            Self::Refused => "not_accepted",
            Self::Terminated => "terminated",
            Self::LaterDueSoon => "later_due_soon",
            Self::LaterDueToday => "later_due_today",
            Self::Replied => "replied",
            // The applicant's own steps, the quiet steps between, and the departments' reminders.
            Self::PreReviewStarted
            | Self::Agreed
            | Self::Resubmitted
            | Self::Started
            | Self::Withdrawn
            | Self::LaterSupplied
            | Self::DueSoon
            | Self::Overdue => return None,
        })
    }

    /// The event whose notice is named `name` ([`Self::notice_name`]).
    pub fn of_notice(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.notice_name() == Some(name))
    }

    /// The staff action that causes it, as the console and the staff API
    /// offer it (with an empty note or list: what the table allows is
    /// decided by `transition`); `None` for what staff do not do.
    pub fn staff_action(self) -> Option<Action> {
        Some(match self {
            Self::PreReviewStarted => Action::PreReview,
            Self::Agreed => Action::Agree,
            Self::Accepted => Action::Accept,
            Self::Extended => Action::Extend { days: 0, approver: String::new(), reason: String::new() },
            Self::SupplementRequested => {
                Action::RequestSupplement { items: Vec::new(), days: super::clock::SUPPLY_DAYS }
            }
            Self::Refused => Action::Refuse { reason: String::new() },
            Self::Started => Action::Start,
            Self::Suspended => Action::Suspend { procedure: super::clock::Procedure::Other, reason: String::new() },
            Self::Resumed => Action::Resume,
            Self::Completed => Action::Complete { result: String::new(), decision: None },
            Self::Submitted
            | Self::DeemedAccepted
            | Self::Resubmitted
            | Self::Terminated
            | Self::Withdrawn
            | Self::LaterSupplied
            | Self::DueSoon
            | Self::Overdue
            | Self::LaterDueSoon
            | Self::LaterDueToday
            | Self::Replied => return None,
        })
    }
}

impl Status {
    /// The staff actions this status allows, by machine name, in the order
    /// of [`CaseEvent::ALL`] (the console's buttons, the API's `actions`).
    pub fn staff_actions(self) -> Vec<&'static str> {
        let staff = Actor::Staff { department: String::new(), by: None };
        CaseEvent::ALL
            .into_iter()
            .filter_map(CaseEvent::staff_action)
            .filter(|a| a.allowed_for(&staff) && a.target(self).is_some())
            .map(|a| a.name())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_records_the_event_named_as_the_action() {
        for event in CaseEvent::ALL {
            if let Some(action) = event.staff_action() {
                assert_eq!(CaseEvent::of(&action), event);
                assert_eq!(action.name(), event.name());
            }
            if let Some(kind) = event.webhook_type() {
                assert_eq!(kind, format!("case.{}", event.name()), "webhook types stay as receivers know them");
            }
            if let Some(name) = event.notice_name() {
                assert_eq!(CaseEvent::of_notice(name), Some(event));
            }
        }
    }
}
