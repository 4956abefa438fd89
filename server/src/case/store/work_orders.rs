//! Work orders as stored: opened with the 差评 or the complaint that makes
//! them (in its transaction), their words and reply sealed to their row.

use domain::case::work_order::{REPLY_DAYS, Source, Visit, VisitResult, WorkOrder};
use sqlx::Row;

use super::row::{CaseRow, internal};
use crate::AppState;
use crate::at_rest::column::Column;
use crate::db::now_rfc3339;
use crate::error::ApiError;

/// Open a work order for `case` (in the caller's transaction).
pub async fn open(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    source: Source,
    case: &CaseRow,
    text: &str,
) -> Result<String, ApiError> {
    let id = crate::secret::random_reference(8)?;
    let due = domain::time::calendar::Calendar::add_working_days(&state.calendar, state.today(), REPLY_DAYS);
    sqlx::query(
        "INSERT INTO work_orders (id, source, case_number, department, body, opened_at, due_on) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(source.as_str())
    .bind(&case.case_number)
    .bind(&case.department)
    .bind(state.keys.seal(Column::WorkOrderBody, &id, text.trim())?)
    .bind(now_rfc3339())
    .bind(due.to_string())
    .execute(&mut **tx)
    .await?;
    tracing::info!(case = %case.case_number, source = source.as_str(), "work order opened");
    Ok(id)
}

pub const COLUMNS: &str = "id, source, case_number, body, opened_at, due_on, reply, replied_at, replied_by, \
                           visit_result, visit_note, visited_at, visited_by";

pub fn work_order(state: &AppState, row: &sqlx::any::AnyRow) -> Result<WorkOrder, ApiError> {
    let id: String = row.try_get("id")?;
    let source: String = row.try_get("source")?;
    let due: String = row.try_get("due_on")?;
    Ok(WorkOrder {
        text: state.keys.open(Column::WorkOrderBody, &id, &row.try_get::<String, _>("body")?)?,
        reply: row
            .try_get::<Option<String>, _>("reply")?
            .map(|sealed| state.keys.open(Column::WorkOrderReply, &id, &sealed))
            .transpose()?,
        source: Source::parse(&source).ok_or_else(|| internal(format!("work order source {source}")))?,
        case_number: row.try_get("case_number")?,
        opened_at: row.try_get("opened_at")?,
        due: domain::time::date::Date::parse(&due).ok_or_else(|| internal(format!("due date {due}")))?,
        replied_at: row.try_get("replied_at")?,
        replied_by: row.try_get("replied_by")?,
        visit: visit(state, &id, row)?,
        id,
    })
}

/// The 回访 recorded on the row, if any.
fn visit(state: &AppState, id: &str, row: &sqlx::any::AnyRow) -> Result<Option<Visit>, ApiError> {
    let Some(result) = row.try_get::<Option<String>, _>("visit_result")? else { return Ok(None) };
    Ok(Some(Visit {
        result: VisitResult::parse(&result).ok_or_else(|| internal(format!("visit result {result}")))?,
        note: match row.try_get::<Option<String>, _>("visit_note")? {
            Some(sealed) => state.keys.open(Column::WorkOrderVisit, id, &sealed)?,
            None => String::new(),
        },
        at: row.try_get::<Option<String>, _>("visited_at")?.unwrap_or_default(),
        by: row.try_get::<Option<String>, _>("visited_by")?.unwrap_or_default(),
    }))
}

/// A case's work orders, oldest first (the staff case page).
pub async fn of_case(state: &AppState, case_number: &str) -> Result<Vec<WorkOrder>, ApiError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM work_orders WHERE case_number = $1 ORDER BY opened_at, id"))
        .bind(case_number)
        .fetch_all(&state.db)
        .await?;
    rows.iter().map(|row| work_order(state, row)).collect()
}
