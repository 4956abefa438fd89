//! Reminders planned from the working-day calendar, each written to the
//! outbox once: departments are told of a case near or past its due date;
//! applicants of 容缺 materials near their deadline and on its last day (a
//! missed deadline ends the case). A reminder's id names the case, the kind and
//! the date it is about, so planning again writes nothing twice, and a date
//! that moved (a suspension) is reminded anew.

use domain::apply::submission::tolerance_deadline;
use domain::case::Status;
use domain::case::notices::NoticeEvent;
use domain::time::date::Date;
use sqlx::Row;

use crate::AppState;
use crate::db::now_rfc3339;
use crate::notify::Channel;
use crate::notify::outbox::{CaseEventBody, NoticeTo, enqueue_notice};
use crate::notify::outbox::{OutboxRow, insert};
use domain::case::event::CaseEvent;

/// Every reminder due today; how many were written.
pub async fn plan(state: &AppState) -> anyhow::Result<usize> {
    Ok(plan_departments(state).await? + plan_applicants(state).await?)
}

/// Working days before its due date when a department is reminded of a case.
pub const DUE_SOON_DAYS: i64 = 3;

/// Plan the departments' reminders from the working-day calendar: a case 3
/// working days from its due date (or nearer), and a case overdue. Each
/// reminder's id names the case, the kind and the due date, so it is written
/// once, and a case whose due date moved (a suspension) is reminded anew.
pub async fn plan_departments(state: &AppState) -> anyhow::Result<usize> {
    let rows = sqlx::query(&format!(
        "SELECT case_number, joint_number, department, item_code, status, due_on FROM cases \
         WHERE status IN ({}) AND due_on IS NOT NULL",
        crate::db::statuses(domain::case::Status::clock_runs)
    ))
    .fetch_all(&state.db)
    .await?;
    let today = state.today();
    let mut planned = 0;
    for row in rows {
        let department: String = row.try_get("department")?;
        if state.webhooks.of(&department).is_none() {
            continue;
        }
        let Some(due) = row.try_get::<String, _>("due_on").ok().and_then(|d| Date::parse(&d)) else { continue };
        let left = state.calendar.remaining(today, due);
        let event = if today > due {
            CaseEvent::Overdue
        } else if left <= DUE_SOON_DAYS {
            CaseEvent::DueSoon
        } else {
            continue;
        };
        let kind = event.name();
        let case_number: String = row.try_get("case_number")?;
        let status: String = row.try_get("status")?;
        let id = format!("rem_{kind}_{}_{due}", case_number.replace('-', "").to_lowercase());
        let body = CaseEventBody {
            id: id.clone(),
            kind: event.webhook_type().unwrap_or_default().to_owned(),
            case_number: case_number.clone(),
            joint_number: row.try_get("joint_number")?,
            department: department.clone(),
            item_code: row.try_get("item_code")?,
            status: Status::parse(&status).unwrap_or(Status::InProgress),
            at: now_rfc3339(),
        };
        let payload = serde_json::to_string(&body)?;
        let row = OutboxRow {
            id: &id,
            case_number: &case_number,
            channel: Channel::Webhook,
            recipient: &department,
            recipient_key: None,
            event: &body.kind,
            sealed_payload: state.keys.seal(crate::at_rest::column::Column::OutboxPayload, &id, &payload)?,
            at: &body.at,
        };
        planned += usize::try_from(insert(&state.db, row).await?).unwrap_or(0);
    }
    Ok(planned)
}

/// Working days before a 容缺 deadline when the applicant is reminded.
pub const LATER_SOON_DAYS: i64 = 3;

/// Plan the applicants' 容缺 reminders: 3 working days before the deadline
/// (or nearer) and on its last day, by every channel the application has.
pub async fn plan_applicants(state: &AppState) -> anyhow::Result<usize> {
    if state.sms.is_none() && !crate::notify::email::configured(&state.notify) {
        return Ok(0);
    }
    let rows = sqlx::query(&format!(
        "SELECT case_number, accepted_on, promised_days FROM cases \
         WHERE status IN ({}) AND accepted_on IS NOT NULL AND bundle_code IS NULL",
        crate::db::statuses(domain::case::Status::takes_later_materials)
    ))
    .fetch_all(&state.db)
    .await?;
    let today = state.today();
    let mut planned = 0;
    for row in rows {
        // Which cases could have a 容缺 deadline near, from the plain columns;
        // only those are opened (their application is sealed).
        let promised = u16::try_from(row.try_get::<i64, _>("promised_days")?).unwrap_or(u16::MAX);
        let Some(accepted) = row.try_get::<String, _>("accepted_on").ok().and_then(|d| Date::parse(&d)) else {
            continue;
        };
        let due = tolerance_deadline(&state.calendar, accepted, promised);
        if today > due || state.calendar.remaining(today, due) > LATER_SOON_DAYS {
            continue;
        }
        let number: String = row.try_get("case_number")?;
        let Some(case) = crate::case::store::load_stored(state, &number).await? else { continue };
        // None when the applicant chose no 容缺, or supplied everything.
        let missing = crate::case::store::outstanding_later(state, &case).await?;
        if missing.is_empty() {
            continue;
        }
        let item = case.item(state)?;
        let names: Vec<String> = missing.iter().map(|m| crate::case::store::material_name(item, m)).collect();
        let (kind, event) = if today == due {
            ("today", NoticeEvent::LaterDueToday(names))
        } else {
            ("soon", NoticeEvent::LaterDueSoon { due: due.chinese(), materials: names })
        };
        // A joint case's part is named to the applicant by the whole's number.
        let shown = case.whole_number().unwrap_or(&case.case_number).to_owned();
        let to = NoticeTo {
            case_number: &shown,
            application: &case.application,
            title: &item.name,
            code: &case.item_code,
            collect: case.collection(state)?,
        };
        let id = format!("rem_later_{kind}_{}_{due}", case.case_number.replace('-', "").to_lowercase());
        let mut tx = crate::db::begin_write(&state.db).await?;
        planned += enqueue_notice(&mut tx, state, &to, &event, Some(&id)).await?;
        tx.commit().await?;
    }
    Ok(planned)
}
