//! Where a file of a case came from, so the clerk can tell what was checked
//! at submission from what answered a 补正 (which round, which day) or came
//! later as a 容缺 material.

use super::Event;
use super::event::CaseEvent;
use crate::time::date::beijing_time;

/// A file's origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileOrigin {
    /// Sent with the application.
    Submitted,
    /// Sent to answer the `round`-th 补正告知, at `at` (RFC 3339).
    Supplement { round: usize, at: String },
    /// A 容缺 material supplied after acceptance, at `at`.
    Later { at: String },
}

impl FileOrigin {
    /// Of a file added at `added_at`, read from the case's `timeline` (the
    /// move that brought a file is recorded at the same instant).
    pub fn of(added_at: &str, timeline: &[Event]) -> Self {
        let resubmit = CaseEvent::Resubmitted.name();
        let mut round = 0;
        for event in timeline {
            if event.action == resubmit {
                round += 1;
            }
            if event.at != added_at {
                continue;
            }
            if event.action == resubmit {
                return Self::Supplement { round, at: added_at.to_owned() };
            }
            if event.action == CaseEvent::LaterSupplied.name() {
                return Self::Later { at: added_at.to_owned() };
            }
        }
        Self::Submitted
    }

    /// As the clerk's file list marks it ("第 1 次补正 · 12月3日 10:20"),
    /// nothing for a file sent with the application.
    pub fn mark(&self) -> Option<String> {
        let when = |at: &str| beijing_time(at).unwrap_or_default();
        match self {
            Self::Submitted => None,
            Self::Supplement { round, at } => Some(format!("第 {round} 次补正 · {}", when(at))),
            Self::Later { at } => Some(format!("容缺补交 · {}", when(at))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Actor, Status};

    fn event(at: &str, action: &str) -> Event {
        Event {
            at: at.to_owned(),
            actor: Actor::Applicant,
            action: action.to_owned(),
            label: String::new(),
            note: None,
            status: Status::Submitted,
        }
    }

    #[test]
    fn each_file_is_marked_by_the_move_that_brought_it() {
        let timeline = [
            event("2026-12-01T02:00:00Z", "submit"),
            event("2026-12-01T03:00:00Z", "request_supplement"),
            event("2026-12-02T02:20:00Z", "resubmit"),
            event("2026-12-02T05:00:00Z", "request_supplement"),
            event("2026-12-03T02:20:00Z", "resubmit"),
            event("2026-12-04T02:20:00Z", "accept"),
            event("2026-12-07T01:00:00Z", "supply_later"),
        ];
        assert_eq!(FileOrigin::of("2026-12-01T02:00:00Z", &timeline), FileOrigin::Submitted);
        let second = FileOrigin::of("2026-12-03T02:20:00Z", &timeline);
        assert_eq!(second, FileOrigin::Supplement { round: 2, at: "2026-12-03T02:20:00Z".into() });
        assert_eq!(second.mark().unwrap(), format!("第 2 次补正 · {}", beijing_time("2026-12-03T02:20:00Z").unwrap()));
        let later = FileOrigin::of("2026-12-07T01:00:00Z", &timeline);
        assert!(later.mark().unwrap().starts_with("容缺补交 · "));
        assert_eq!(FileOrigin::Submitted.mark(), None);
    }
}
