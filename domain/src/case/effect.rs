//! What a move does to a case besides its status: the clock's dates, the
//! result, the supplement lists. One table for single cases and a joint
//! case's parts; the server only writes what it says.

use super::joint::JointSupplement;
use super::{Action, Status, SupplementItem, due_date, extend_for_suspension};
use crate::time::calendar::Calendar;
use crate::time::date::Date;

/// What a move changes besides the status: `None` leaves a field as it is,
/// `Some(None)` clears it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// The day the materials were (last) received: the answer clock runs from it.
    pub received_on: Option<Date>,
    /// The day 容缺 materials are counted from: the day the acceptance was made.
    pub later_from: Option<Date>,
    pub accepted_on: Option<Option<Date>>,
    pub due_on: Option<Option<Date>>,
    pub suspended_on: Option<Option<Date>>,
    pub completed_on: Option<Option<Date>>,
    pub result: Option<String>,
    /// 办结's decision, when one was recorded.
    pub decision: Option<super::decision::Decision>,
    pub supplement: Option<Vec<SupplementItem>>,
    /// The last day to supply what the 补正告知 asks for.
    pub supply_by: Option<Option<Date>>,
    /// Joint cases: a part's pending requests, the whole's stage and notice.
    pub pending: Option<Vec<SupplementItem>>,
    pub stage: Option<Status>,
    pub notice: Option<Vec<JointSupplement>>,
    /// A part's answer to the lead's consultation.
    pub consult: Option<super::joint::Consult>,
}

/// The clock of a case as a move finds it.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub promised_days: u16,
    /// The day the materials were (last) received.
    pub received_on: Option<Date>,
    pub due_on: Option<Date>,
    pub suspended_on: Option<Date>,
}

impl Changes {
    /// What `action` changes on a case with `clock`, done `today`.
    pub fn of(action: &Action, clock: Clock, today: Date, calendar: &Calendar) -> Self {
        let mut changes = Changes::default();
        match action {
            Action::Accept => {
                changes.later_from = Some(today);
                changes.accepted_on = Some(Some(today));
                changes.due_on = Some(Some(due_date(calendar, today, clock.promised_days)));
            }
            // Accepted by law from the day the materials came, and due from then.
            Action::DeemAccept => {
                let received = clock.received_on.unwrap_or(today);
                changes.later_from = Some(today);
                changes.accepted_on = Some(Some(received));
                changes.due_on = Some(Some(due_date(calendar, received, clock.promised_days)));
            }
            Action::Extend { days, .. } => {
                if let Some(due) = clock.due_on {
                    changes.due_on = Some(Some(calendar.add_working_days(due, u32::from(*days))));
                }
            }
            Action::Suspend { .. } => changes.suspended_on = Some(Some(today)),
            Action::Resume => {
                if let (Some(due), Some(since)) = (clock.due_on, clock.suspended_on) {
                    changes.due_on = Some(Some(extend_for_suspension(calendar, due, since, today)));
                }
                changes.suspended_on = Some(None);
            }
            Action::Complete { result, decision } => {
                changes.completed_on = Some(Some(today));
                changes.result = Some(result.clone());
                changes.decision = decision.clone();
            }
            Action::RequestSupplement { items, days } => {
                changes.supplement = Some(items.clone());
                changes.supply_by = Some(Some(super::clock::supply_by(calendar, today, *days)));
            }
            Action::Resubmit => {
                changes.supplement = Some(Vec::new());
                changes.supply_by = Some(None);
                changes.received_on = Some(today);
            }
            Action::PreReview
            | Action::Agree
            | Action::Refuse { .. }
            | Action::Start
            | Action::Withdraw
            | Action::Terminate { .. } => {}
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn acceptance_starts_the_clock_and_a_pause_moves_the_due_date() {
        let calendar = Calendar::default();
        let clock = Clock { promised_days: 5, received_on: None, due_on: None, suspended_on: None };
        let accepted = Changes::of(&Action::Accept, clock, day("2026-11-23"), &calendar);
        assert_eq!(accepted.accepted_on, Some(Some(day("2026-11-23"))));
        assert_eq!(accepted.due_on, Some(Some(day("2026-11-30"))));
        let paused = Clock {
            promised_days: 5,
            received_on: None,
            due_on: Some(day("2026-11-30")),
            suspended_on: Some(day("2026-11-25")),
        };
        let resumed = Changes::of(&Action::Resume, paused, day("2026-11-30"), &calendar);
        assert_eq!(resumed.due_on, Some(Some(day("2026-12-03"))), "three working days added");
        assert_eq!(resumed.suspended_on, Some(None));
        assert_eq!(Changes::of(&Action::Start, clock, day("2026-11-24"), &calendar), Changes::default());
        let resubmitted = Changes::of(&Action::Resubmit, clock, day("2026-11-24"), &calendar);
        assert_eq!(resubmitted.supplement, Some(Vec::new()), "the request is answered");
        assert_eq!(resubmitted.supply_by, Some(None));
        let ask = Action::RequestSupplement { items: Vec::new(), days: 10 };
        let asked = Changes::of(&ask, clock, day("2026-11-24"), &calendar);
        assert_eq!(asked.supply_by, Some(Some(day("2026-12-08"))), "ten working days");
        assert_eq!(resubmitted.received_on, Some(day("2026-11-24")), "the answer clock starts again");
        let waiting = Clock { received_on: Some(day("2026-11-16")), ..clock };
        let deemed = Changes::of(&Action::DeemAccept, waiting, day("2026-11-24"), &calendar);
        assert_eq!(deemed.accepted_on, Some(Some(day("2026-11-16"))), "from receipt");
        assert_eq!(deemed.due_on, Some(Some(day("2026-11-23"))));
        assert_eq!(deemed.later_from, Some(day("2026-11-24")), "容缺 counts from when it was told");
        let running = Clock { due_on: Some(day("2026-11-30")), ..clock };
        let extend = Action::Extend { days: 10, approver: "局长".into(), reason: "需要补充调查".into() };
        assert_eq!(Changes::of(&extend, running, day("2026-11-24"), &calendar).due_on, Some(Some(day("2026-12-14"))));
    }
}
