//! Creating a case: one function for a single case, a joint case's whole and
//! each of its parts. The row, its first event, the department's webhook, its
//! owner when signed in and the applicant's notice are written in the caller's
//! transaction.

use domain::apply::submission::Submission;
use domain::case::event::CaseEvent;
use domain::case::{Actor, Status};

use crate::AppState;
use crate::case::store::insert_event;
use crate::error::ApiError;
use crate::notify::outbox::{EventFacts, NoticeTo, enqueue_case_event, enqueue_notice};

/// What kind of case row is made.
pub enum Shape<'a> {
    /// A case of one item: the applicant holds its query code.
    Single { query_code_hash: &'a str },
    /// The whole of a joint case: the applicant's, under the bundle's code.
    Whole { query_code_hash: &'a str },
    /// One item's part of a joint case: the departments', under the whole.
    Part { whole: &'a str },
}

/// A case to create.
pub struct NewCase<'a> {
    pub number: &'a str,
    pub shape: Shape<'a>,
    /// The item's code (a whole: the bundle's).
    pub code: &'a str,
    pub application: &'a Submission,
    pub department: &'a str,
    pub promised_days: u16,
    pub submitted_at: &'a str,
    /// What the timeline says of the submission.
    pub label: &'a str,
    /// Who the applicant is told about (a single case and a whole; never a part).
    pub notice: Option<NoticeTo<'a>>,
    /// Who made it signed in: the case is theirs (a single case and a whole; never a part).
    pub owner: Option<&'a domain::account::identity::Identity>,
    /// Where it was made (a phone, a computer), as the province is told.
    pub source: domain::case::exchange::codes::Source,
}

/// Write a new case; `false` when its number is taken (the caller draws another).
pub async fn create(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    case: NewCase<'_>,
) -> Result<bool, ApiError> {
    let application = serde_json::to_string(case.application).map_err(|e| ApiError::Internal(e.into()))?;
    // The province numbers each item's case: a single case, a joint case's parts.
    let numbered = !matches!(case.shape, Shape::Whole { .. });
    let (query_code_hash, bundle_code, stage, joint_number) = match case.shape {
        Shape::Single { query_code_hash } => (query_code_hash, None, None, None),
        Shape::Whole { query_code_hash } => (query_code_hash, Some(case.code), Some(Status::Submitted.as_str()), None),
        Shape::Part { whole } => ("", None, None, Some(whole)),
    };
    let inserted = sqlx::query(
        "INSERT INTO cases (case_number, query_code_hash, item_code, catalog_version, application, status, submitted_at, \
         department, promised_days, bundle_code, stage, joint_number, received_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (case_number) DO NOTHING",
    )
    .bind(case.number)
    .bind(query_code_hash)
    .bind(case.code)
    .bind(&state.catalog.version)
    .bind(state.keys.seal(crate::at_rest::column::Column::CaseApplication, case.number, &application)?)
    .bind(Status::Submitted.as_str())
    .bind(case.submitted_at)
    .bind(case.department)
    .bind(i64::from(case.promised_days))
    .bind(bundle_code)
    .bind(stage)
    .bind(joint_number)
    .bind(state.today().to_string())
    .execute(&mut **tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    let province_number =
        if numbered { crate::case::province_number::assign(tx, state, case.number, case.code).await? } else { None };
    crate::case::store::index::record_terms(tx, state, case.number, case.application).await?;
    let submitted = CaseEvent::Submitted;
    insert_event(
        tx,
        case.number,
        0,
        case.submitted_at,
        &Actor::Applicant,
        submitted.name(),
        case.label,
        None,
        Status::Submitted,
    )
    .await?;
    let facts = EventFacts {
        case_number: case.number,
        joint_number,
        department: case.department,
        item_code: case.code,
        event: submitted,
        status: Status::Submitted,
        at: case.submitted_at,
    };
    enqueue_case_event(tx, state, facts).await?;
    // Bound before the first notice, which then also goes to the owner's WeChat.
    if let Some(identity) = case.owner {
        crate::account::owners::bind_new(tx, state, identity, case.application, case.number).await?;
    }
    if numbered {
        let made = crate::exchange::enqueue::Made {
            case_number: case.number,
            province_number: province_number.as_deref(),
            code: case.code,
            application: case.application,
            at: case.submitted_at,
            source: case.source,
        };
        crate::exchange::enqueue::submitted(tx, state, made).await?;
    }
    if let Some(to) = &case.notice {
        enqueue_notice(tx, state, to, &domain::case::notices::NoticeEvent::Submitted, None).await?;
    }
    Ok(true)
}
