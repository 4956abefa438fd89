//! Moving a case: one path for every move of a single case, a joint case's
//! whole or one of its parts, decided by `domain::case` and written by
//! [`store::write_move`]; and the 容缺 rule the service applies itself.

use domain::case::{Action, Actor, Status, clock, transition};

use crate::AppState;
use crate::case::joint;
use crate::case::store::{
    self, CaseRow, Claim, Move, NewFile, Step, changes, internal, load_stored, outstanding_later, refusal,
};
use crate::db::now_rfc3339;
use crate::error::ApiError;
use domain::case::effect::Changes;
use domain::case::event::CaseEvent;

/// Move a case (or record a step that keeps its status, with `action` `None`:
/// a 容缺 material supplied). Returns the case as it is now. A joint case's
/// whole and parts move by the joint rules.
pub async fn record(
    state: &AppState,
    case: &CaseRow,
    step: Step<'_>,
    new_files: &[NewFile],
) -> Result<CaseRow, ApiError> {
    let Step { action, actor, label, mut note } = step;
    if case.is_joint() {
        if !new_files.is_empty() {
            return Err(internal("a joint case's files go to its parts"));
        }
        // Boxed: a joint move's future is large, and it is awaited deep inside handlers.
        return Box::pin(joint::record(state, case, Step { action, actor, label, note }, &[])).await;
    }
    let item = case.item(state)?;
    let notice = action.and_then(|a| domain::case::notices::of_move(item, a));
    let (status, changes) = match action {
        None => (case.status, Changes::default()),
        Some(action) => {
            let materials = item.material_names();
            let to = transition(case.status, action, actor, &materials).map_err(refusal)?;
            if matches!(action, Action::RequestSupplement { .. }) {
                note = action.note_naming(&materials); // the history names what was asked
            }
            store::may_complete(state, case, action).await?;
            (to, changes(state, case, action))
        }
    };
    let now = now_rfc3339();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let event = action.map_or(CaseEvent::LaterSupplied, CaseEvent::of);
    let step = Move {
        case,
        status,
        changes,
        actor,
        event,
        action,
        label,
        note,
        files: new_files,
        claim: Claim::Now,
        notice,
        decided_here: false,
    };
    store::write_move(&mut tx, state, step, &now).await?;
    tx.commit().await?;
    tracing::info!(case = %case.case_number, action = event.name(), "case moved");
    load_stored(state, &case.case_number).await?.ok_or_else(|| internal("the case vanished"))
}

/// Apply the rules the service keeps by itself, as a case is read: an
/// application nobody answered within five working days of receipt is
/// accepted by law (视为受理, a joint case as a whole); a case whose 容缺
/// materials are still missing after their deadline is terminated. Each is
/// recorded like any move, by the system.
pub async fn enforce_deadlines(state: &AppState, case: CaseRow) -> Result<CaseRow, ApiError> {
    // A part is accepted with its whole.
    let stage = case.stage_and_notice().0.unwrap_or(case.status);
    if case.whole_number().is_none()
        && clock::deemed_accepted(&state.calendar, stage.waits_for_answer(), case.received_on, state.today())
    {
        return by_the_system(state, case, Action::DeemAccept).await;
    }
    // A 补正 not supplied in time: the application counts as withdrawn.
    if case.whole_number().is_none()
        && stage == Status::NeedsSupplement
        && case.supply_by.is_some_and(|last| state.today() > last)
    {
        let reason = "申请人逾期未补正，视为撤回申请".to_owned();
        return by_the_system(state, case, Action::Terminate { reason }).await;
    }
    if case.bundle().is_some() {
        return Ok(case); // a joint case's 容缺 deadlines are its parts'
    }
    let overdue = case.status.takes_later_materials() && case.later_due(state).is_some_and(|due| state.today() > due);
    if !overdue || outstanding_later(state, &case).await?.is_empty() {
        return Ok(case);
    }
    by_the_system(state, case, Action::Terminate { reason: "容缺材料逾期未补齐".to_owned() }).await
}

/// A move the service makes itself; another's move at the same moment wins
/// and the case is read again.
async fn by_the_system(state: &AppState, case: CaseRow, action: Action) -> Result<CaseRow, ApiError> {
    match record(state, &case, Step::of(&action, &Actor::System), &[]).await {
        Ok(moved) => Ok(moved),
        Err(ApiError::Conflict(_)) => {
            load_stored(state, &case.case_number).await?.ok_or_else(|| internal("the case vanished"))
        }
        Err(error) => Err(error),
    }
}

/// Accept by law every application left unanswered too long, and end every
/// one whose 补正 is overdue, of one department (before its list is
/// filtered, so the list agrees with the law) or of all (hourly, so the
/// applicant is told on the day even if nobody opens the case). Only cases
/// waiting for an answer or a supplement are read.
pub async fn enforce_answer_clock(state: &AppState, department: Option<&str>) -> Result<usize, ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM cases WHERE joint_number IS NULL \
         AND status IN ('submitted', 'pre_review', 'needs_supplement') AND ($1 = '' OR department = $1)",
        store::COLUMNS
    ))
    .bind(department.unwrap_or(""))
    .fetch_all(&state.db)
    .await?;
    let mut accepted = 0;
    for row in rows {
        let case = CaseRow::from_row(&state.keys, &row)?;
        if enforce_deadlines(state, case).await?.status.is_accepted() {
            accepted += 1;
        }
    }
    Ok(accepted)
}

/// Apply the 容缺 rule to every part (each part's own deadline).
pub async fn enforce_joint_deadlines(state: &AppState, whole: &CaseRow) -> Result<(), ApiError> {
    for part in joint::JointCase::of(state, whole).await?.parts {
        enforce_deadlines(state, part).await?;
    }
    Ok(())
}
