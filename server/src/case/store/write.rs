//! Writing a move: the row, guarded by its version so two moves never
//! interleave, its event, its files, and its notifications in the outbox,
//! all in the caller's transaction.

use domain::case::{Action, Actor, Status};
use domain::time::date::Date;

use super::row::{CaseRow, internal};
use crate::AppState;
use crate::at_rest::data_key::DataKeys;
use crate::error::ApiError;
use domain::case::document::{DocumentKind, Facts};
use domain::case::effect::{Changes, Clock};
use domain::case::event::CaseEvent;
use domain::case::notices::NoticeEvent;

/// A file to record with a case.
#[derive(Clone, Debug)]
pub struct NewFile {
    pub upload: String,
    /// The hash of the application key that owns the upload.
    pub owner: String,
    pub material: String,
    pub name: String,
    pub size: u64,
    /// Scanned for viruses and found clean.
    pub scanned: bool,
    /// For the side rules at submission only: the side itself is kept in `name`.
    pub filled: domain::apply::submission::Filled,
    /// An earlier case's file used again (材料复用): referenced, never claimed.
    pub reused: bool,
}

/// What happens to a case, as the one asking for it says it: the action
/// (`None`: a step that keeps the status, a 容缺 material supplied), who,
/// and the timeline's words.
pub struct Step<'a> {
    pub action: Option<&'a Action>,
    pub actor: &'a Actor,
    pub label: &'a str,
    pub note: Option<String>,
}

impl<'a> Step<'a> {
    /// A move by `actor`, in the action's own words.
    pub fn of(action: &'a Action, actor: &'a Actor) -> Self {
        Self { action: Some(action), actor, label: action.label(), note: action.note() }
    }
}

/// One recorded move of one case row, written inside a transaction.
pub struct Move<'a> {
    pub case: &'a CaseRow,
    pub status: Status,
    pub changes: Changes,
    pub actor: &'a Actor,
    /// What happened (`LaterSupplied` for a step that keeps the status).
    pub event: domain::case::event::CaseEvent,
    /// What was asked, when someone asked (the province's records tell its details).
    pub action: Option<&'a domain::case::Action>,
    pub label: &'a str,
    pub note: Option<String>,
    pub files: &'a [NewFile],
    /// Whether the files are claimed now, or were by the whole (a joint case's part).
    pub claim: Claim,
    /// What the applicant is told of it, if anything.
    pub notice: Option<domain::case::notices::NoticeEvent>,
    /// A joint case's part refused or decided by its own department: the
    /// decision's document is that department's (the applicant hears of
    /// it with the whole, and finds it there).
    pub decided_here: bool,
}

/// Write a move: the row (only if nobody moved it since it was read), its event, its files.
pub async fn write_move(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    m: Move<'_>,
    now: &str,
) -> Result<(), ApiError> {
    let keys = &state.keys;
    let case = m.case;
    let changes = &m.changes;
    let text = |d: Option<Option<Date>>, old: Option<Date>| d.unwrap_or(old).map(|d| d.to_string());
    let due = changes.due_on.unwrap_or(case.due_on);
    let updated = sqlx::query(
        "UPDATE cases SET status = $1, version = version + 1, accepted_on = $2, due_on = $3, suspended_on = $4, \
         completed_on = $5, result = $6, supplement = $7, pending = $8, stage = $9, notice = $10, close_on = $11, \
         received_on = $12, later_from = $13, decision = $14, supply_by = $15, consult = $16 \
         WHERE case_number = $17 AND version = $18",
    )
    .bind(m.status.as_str())
    .bind(text(changes.accepted_on, case.accepted_on))
    .bind(due.map(|d| d.to_string()))
    .bind(text(changes.suspended_on, case.suspended_on))
    .bind(text(changes.completed_on, case.completed_on))
    .bind(changes.result.clone().or_else(|| case.result.clone()))
    .bind(to_json(changes.supplement.as_ref().unwrap_or(&case.supplement))?)
    .bind(to_json(changes.pending.as_deref().unwrap_or(case.pending()))?)
    .bind(changes.stage.or(case.stage_and_notice().0).map(Status::as_str))
    .bind(to_json(changes.notice.as_deref().unwrap_or(case.stage_and_notice().1))?)
    .bind(super::index::close_on(state, due, case.promised_days))
    .bind(changes.received_on.unwrap_or(case.received_on).to_string())
    .bind(changes.later_from.or(case.later_from).map(|d| d.to_string()))
    .bind(changes.decision.as_ref().or(case.decision.as_ref()).map(to_json).transpose()?)
    .bind(text(changes.supply_by, case.supply_by))
    .bind(changes.consult.or(case.consult()).map(domain::case::joint::Consult::as_str))
    .bind(&case.case_number)
    .bind(case.version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::Conflict("办件刚刚有了新的变化，请刷新后再操作".to_owned()));
    }
    let note = m.note.clone();
    insert_event(
        tx,
        &case.case_number,
        case.version + 1,
        now,
        m.actor,
        m.event.name(),
        m.label,
        note.clone(),
        m.status,
    )
    .await?;
    let event = crate::notify::outbox::EventFacts {
        case_number: &case.case_number,
        joint_number: case.whole_number(),
        department: &case.department,
        item_code: &case.item_code,
        event: m.event,
        status: m.status,
        at: now,
    };
    crate::notify::outbox::enqueue_case_event(tx, state, event).await?;
    if let Some(notice) = &m.notice {
        let title = case.title(state)?;
        let to = crate::notify::outbox::NoticeTo {
            case_number: &case.case_number,
            application: &case.application,
            title: &title,
            code: case.bundle().unwrap_or(&case.item_code),
            collect: case.collection(state)?,
        };
        crate::notify::outbox::enqueue_notice(tx, state, &to, notice, None).await?;
    }
    // What the applicant is told of a decision, the law wants in writing.
    if (m.notice.is_some() || m.decided_here)
        && let Some(kind) = DocumentKind::of_event(m.event, changes.decision.as_ref())
    {
        issue_document(tx, state, &m, kind, changes, due, note).await?;
    }
    for file in m.files {
        insert_file(tx, keys, &case.case_number, file, now, m.claim).await?;
    }
    // Reported last: the records name the documents this move issued.
    let reported = crate::exchange::enqueue::Moved {
        case,
        event: m.event,
        action: m.action,
        actor: m.actor,
        at: now,
        promised_by: due,
    };
    crate::exchange::enqueue::moved(tx, state, reported).await
}

/// Issue the document of `kind` for the move `m` (its row before the move, `changes` its effect).
async fn issue_document(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    m: &Move<'_>,
    kind: DocumentKind,
    changes: &Changes,
    due: Option<Date>,
    note: Option<String>,
) -> Result<(), ApiError> {
    let case = m.case;
    let title = case.title(state)?;
    let supplement =
        if let Some(NoticeEvent::SupplementRequested { items, .. }) = &m.notice { items.clone() } else { Vec::new() };
    let reason = match kind {
        DocumentKind::Permit => changes.result.clone(),
        DocumentKind::Acceptance | DocumentKind::Refusal | DocumentKind::Supplement => note,
    };
    let facts = Facts {
        department: &case.department,
        applicant: case.application.form.applicant_name(),
        item_name: &title,
        case_number: &case.case_number,
        province_number: case.province_number.as_deref(),
        received_on: changes.received_on.unwrap_or(case.received_on),
        issued_on: state.today(),
        due_on: due,
        deemed: m.event == CaseEvent::DeemedAccepted,
        reason: reason.as_deref().unwrap_or(""),
        supplement: &supplement,
        supply_by: changes.supply_by.unwrap_or(case.supply_by),
        decision: changes.decision.as_ref(),
        review_authority: &state.documents.review_authority,
    };
    super::documents::issue(tx, state, kind, &facts).await
}

/// A list stored as JSON text.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(internal)
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_number: &str,
    seq: i64,
    at: &str,
    actor: &Actor,
    action: &str,
    label: &str,
    note: Option<String>,
    status: Status,
) -> Result<(), ApiError> {
    sqlx::query("INSERT INTO case_events (case_number, seq, at, actor, action, label, note, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(case_number)
        .bind(seq)
        .bind(at)
        .bind(serde_json::to_string(actor).map_err(internal)?)
        .bind(action)
        .bind(label)
        .bind(note)
        .bind(status.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Whose upload a file is when a case records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The case claims it now: refused if another case holds it or it is gone.
    Now,
    /// Already claimed, by a joint case's whole for its parts.
    Done,
}

/// A file's record in one case, its upload claimed for it (`Claim::Now`) or
/// already claimed by the whole it belongs to.
pub async fn insert_file(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    keys: &DataKeys,
    case_number: &str,
    file: &NewFile,
    at: &str,
    claim: Claim,
) -> Result<(), ApiError> {
    let attached = match (claim, file.reused) {
        (Claim::Now, false) => crate::apply::uploads::owner::attach(tx, &file.upload, &file.owner, case_number).await?,
        // Still held by the case it came from, in this transaction (retention may have just removed it).
        (Claim::Now, true) => held(tx, &file.upload).await?,
        (Claim::Done, _) => true,
    };
    if !attached {
        return Err(ApiError::Conflict(format!("“{}”已被删除或已随另一份申请提交，请重新上传这个文件", file.name)));
    }
    sqlx::query(
        "INSERT INTO case_files (case_number, upload, material, name, size, added_at, scanned) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_number)
    .bind(&file.upload)
    .bind(&file.material)
    .bind(keys.seal(crate::at_rest::column::Column::CaseFileName, &file.upload, &file.name)?)
    .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
    .bind(at)
    .bind(i64::from(file.scanned))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether some case still holds the upload.
pub async fn held(tx: &mut sqlx::Transaction<'_, sqlx::Any>, upload: &str) -> Result<bool, ApiError> {
    let row = sqlx::query("SELECT 1 AS held FROM case_files WHERE upload = $1")
        .bind(upload)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// What `action` changes on `case` today.
pub fn changes(state: &AppState, case: &CaseRow, action: &Action) -> Changes {
    let clock = Clock {
        promised_days: case.promised_days,
        received_on: Some(case.received_on),
        due_on: case.due_on,
        suspended_on: case.suspended_on,
    };
    Changes::of(action, clock, state.today(), &state.calendar)
}

/// A refused move as the API's error: 409 when the status does not allow it.
pub fn refusal(e: domain::case::TransitionError) -> ApiError {
    if e.conflict { ApiError::Conflict(e.message) } else { ApiError::Unprocessable(e.message) }
}
