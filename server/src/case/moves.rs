//! Moving a case: one path for every move of a single case, a joint case's
//! whole or one of its parts, decided by `domain::case` and written by
//! [`store::write_move`]; and the 容缺 rule the service applies itself.

use domain::case::{Action, Actor, transition};

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
    let Step { action, actor, label, note } = step;
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
            let ids: Vec<String> = item.materials.iter().map(|m| m.id.clone()).collect();
            let to = transition(case.status, action, actor, &ids).map_err(refusal)?;
            store::may_complete(state, case, action).await?;
            (to, changes(state, case, action))
        }
    };
    let now = now_rfc3339();
    let mut tx = crate::db::begin_write(&state.db).await?;
    let event = action.map_or(CaseEvent::LaterSupplied, CaseEvent::of);
    let step = Move { case, status, changes, actor, event, label, note, files: new_files, claim: Claim::Now, notice };
    store::write_move(&mut tx, state, step, &now).await?;
    tx.commit().await?;
    tracing::info!(case = %case.case_number, action = event.name(), "case moved");
    load_stored(state, &case.case_number).await?.ok_or_else(|| internal("the case vanished"))
}

/// Apply the 容缺 rule: a case whose 容缺 materials are still missing after
/// their deadline is terminated (by the service, recorded like any move).
pub async fn enforce_deadlines(state: &AppState, case: CaseRow) -> Result<CaseRow, ApiError> {
    if case.bundle().is_some() {
        return Ok(case); // a joint case's deadlines are its parts'
    }
    let overdue = case.status.takes_later_materials() && case.later_due(state).is_some_and(|due| state.today() > due);
    if !overdue || outstanding_later(state, &case).await?.is_empty() {
        return Ok(case);
    }
    let action = Action::Terminate { reason: "容缺材料逾期未补齐".to_owned() };
    match record(state, &case, Step::of(&action, &Actor::System), &[]).await {
        Ok(moved) => Ok(moved),
        // Someone else moved it at the same moment: read it again.
        Err(ApiError::Conflict(_)) => {
            load_stored(state, &case.case_number).await?.ok_or_else(|| internal("the case vanished"))
        }
        Err(error) => Err(error),
    }
}

/// Apply the 容缺 rule to every part (each part's own deadline).
pub async fn enforce_joint_deadlines(state: &AppState, whole: &CaseRow) -> Result<(), ApiError> {
    for part in joint::JointCase::of(state, whole).await?.parts {
        enforce_deadlines(state, part).await?;
    }
    Ok(())
}
