//! A single case (or a joint case's part) as the applicant and the staff see it.

use domain::case::Status;
use domain::case::rating::Stage;
use domain::case::view::{CaseView, StaffCase};
use domain::time::calendar::Light;

use crate::AppState;
use crate::case::store::{CaseRow, events, files, material_ask, outstanding_later, ratings};
use crate::error::ApiError;

/// The clock of a case: due date, working days left and the light, while it runs.
pub fn clock(state: &AppState, case: &CaseRow) -> (Option<i64>, Option<Light>) {
    let running = case.status.clock_runs();
    match case.due_on.filter(|_| running) {
        Some(due) => {
            let today = state.today();
            (Some(state.calendar.remaining(today, due)), Some(state.calendar.light(today, due, case.promised_days)))
        }
        None => (None, None),
    }
}

/// What the applicant sees.
pub async fn applicant_view(state: &AppState, case: &CaseRow) -> Result<CaseView, ApiError> {
    let item = case.item(state)?;
    let (remaining_days, light) = clock(state, case);
    let later = if case.status.is_final() { Vec::new() } else { outstanding_later(state, case).await? };
    let ratings = ratings::of_case(state, &case.case_number).await?;
    let numbered = crate::case::province_number::of_row(state, case).await?;
    let rating_page = state.exchange.as_ref().and_then(|e| e.rating_page.as_ref());
    let province_rating_url = match (rating_page, &numbered.number) {
        (Some(page), Some(number)) => {
            let status_url = format!("{}/cases/{}", state.notify.public_url.trim_end_matches('/'), case.case_number);
            Some(page.for_case(number, &item.code, &status_url))
        }
        (Some(_) | None, _) => None,
    };
    Ok(CaseView {
        case_number: case.case_number.clone(),
        province_number: numbered.number,
        province_pending: numbered.pending,
        province_rating_url,
        item_code: item.code.clone(),
        item_name: item.name.clone(),
        department: case.department.clone(),
        consult_phone: item.consult_phone.clone(),
        complaint_phone: item.complaint_phone.clone(),
        status: case.status,
        status_label: case.status.label().to_owned(),
        next_step: case.status.next_step().to_owned(),
        submitted_at: case.submitted_at.clone(),
        promised_limit_days: case.promised_days,
        accepted_on: case.accepted_on,
        due: case.due_on,
        remaining_days,
        light,
        timeline: events(state, &case.case_number).await?,
        supplement: if case.status == Status::NeedsSupplement {
            case.supplement.iter().map(|s| material_ask(item, &s.material, s.reason.clone())).collect()
        } else {
            Vec::new()
        },
        supply_by: case.supply_by.filter(|_| case.status == Status::NeedsSupplement),
        later_due: (!later.is_empty()).then(|| case.later_due(state)).flatten(),
        later: later.iter().map(|m| material_ask(item, m, String::new())).collect(),
        result: case.result.clone(),
        decision: case.decision.clone(),
        documents: crate::case::store::documents::of_case(state, &case.case_number).await?,
        can_withdraw: case.status.may_withdraw(),
        can_rate: ratings.next_round(case.status, Stage::Completion).is_ok(),
        rating: ratings.standing(Stage::Completion),
        can_rate_acceptance: ratings.next_round(case.status, Stage::Acceptance).is_ok(),
        acceptance_rating: ratings.standing(Stage::Acceptance),
        parts: Vec::new(),
        on_behalf: case.application.form.on_behalf(),
    })
}

/// What the department's staff see.
/// A single case's (or a joint case's part's) view for staff.
pub async fn single_staff_view(state: &AppState, case: &CaseRow) -> Result<StaffCase, ApiError> {
    let item = case.item(state)?;
    let (_, light) = clock(state, case);
    let numbered = crate::case::province_number::of_row(state, case).await?;
    Ok(StaffCase {
        case_number: case.case_number.clone(),
        province_number: numbered.number,
        province_pending: numbered.pending,
        item_code: item.code.clone(),
        item_name: item.name.clone(),
        department: case.department.clone(),
        status: case.status,
        status_label: case.status.label().to_owned(),
        submitted_at: case.submitted_at.clone(),
        accepted_on: case.accepted_on,
        due: case.due_on,
        light: light.or_else(|| case.answer_light(state)),
        answer_by: case.answer_by(state),
        decision: case.decision.clone(),
        application: case.application.clone(),
        files: files(state, case).await?,
        supplement: case.supplement.clone(),
        supply_by: case.supply_by.filter(|_| case.status == Status::NeedsSupplement),
        consult: None,
        consult_by: None,
        timeline: events(state, &case.case_number).await?,
        actions: case.status.staff_actions().into_iter().map(str::to_owned).collect(),
        joint_number: None,
        parts: Vec::new(),
        notice: Vec::new(),
        pending: Vec::new(),
        notifications: crate::notify::outbox::of_case(&state.db, &case.case_number).await?,
        work_orders: crate::case::store::work_orders::of_case(state, &case.case_number).await?,
        documents: crate::case::store::documents::of_case(state, &case.case_number).await?,
    })
}
