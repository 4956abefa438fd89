//! The statutory documents as stored (`domain::case::document`): issued in
//! the transaction of the move that requires them, numbered per department,
//! year and kind from a counter moved in that same transaction (a move that
//! fails takes its number back: no gaps), the words kept as issued.

use domain::case::document::{DocumentKind, DocumentRef, DocumentText, Facts, number, text};
use sqlx::Row;

use super::row::internal;
use crate::AppState;
use crate::at_rest::column::Column;
use crate::error::ApiError;

/// Issue a document of `kind` for `facts` (in the move's transaction).
pub async fn issue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    kind: DocumentKind,
    facts: &Facts<'_>,
) -> Result<(), ApiError> {
    let year = i32::from(facts.issued_on.ymd().0);
    let number = match (kind, facts.decision) {
        // A permit decision carries the number the department gave it.
        (DocumentKind::Permit, Some(decision)) => decision.document_number.trim().to_owned(),
        (DocumentKind::Acceptance | DocumentKind::Refusal | DocumentKind::Supplement | DocumentKind::Permit, _) => {
            let row = sqlx::query(
                "INSERT INTO document_counters (department, year, kind, last) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (department, year, kind) DO UPDATE SET last = document_counters.last + 1 RETURNING last",
            )
            .bind(facts.department)
            .bind(i64::from(year))
            .bind(kind.as_str())
            .fetch_one(&mut **tx)
            .await?;
            number(facts.department, kind, year, row.try_get::<i64, _>("last")?)
        }
    };
    let words = text(kind, facts, number.clone());
    let id = crate::secret::random_reference(8)?;
    sqlx::query(
        "INSERT INTO documents (id, case_number, department, kind, number, issued_on, text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(facts.case_number)
    .bind(facts.department)
    .bind(kind.as_str())
    .bind(&number)
    .bind(facts.issued_on.to_string())
    .bind(state.keys.seal(Column::DocumentText, &id, &serde_json::to_string(&words).map_err(internal)?)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A case's documents, in the order they were issued.
pub async fn of_case(state: &AppState, case_number: &str) -> Result<Vec<DocumentRef>, ApiError> {
    let rows =
        sqlx::query("SELECT id, kind, number, issued_on, text FROM documents WHERE case_number = $1 ORDER BY number")
            .bind(case_number)
            .fetch_all(&state.db)
            .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.try_get("id")?;
        let kind: String = row.try_get("kind")?;
        let issued: String = row.try_get("issued_on")?;
        out.push(DocumentRef {
            title: read_text(state, &id, &row)?.title,
            kind: DocumentKind::parse(&kind).ok_or_else(|| internal(format!("document kind {kind}")))?,
            number: row.try_get("number")?,
            issued_on: domain::time::date::Date::parse(&issued).ok_or_else(|| internal("issued_on"))?,
            id,
        });
    }
    out.sort_by(|a, b| (a.issued_on, &a.number).cmp(&(b.issued_on, &b.number)));
    Ok(out)
}

fn read_text(state: &AppState, id: &str, row: &sqlx::any::AnyRow) -> Result<DocumentText, ApiError> {
    let sealed: String = row.try_get("text")?;
    serde_json::from_str(&state.keys.open(Column::DocumentText, id, &sealed)?).map_err(internal)
}

/// One document of a case, as issued.
pub async fn load(state: &AppState, case_number: &str, id: &str) -> Result<Option<DocumentText>, ApiError> {
    let row = sqlx::query("SELECT id, text FROM documents WHERE case_number = $1 AND id = $2")
        .bind(case_number)
        .bind(id)
        .fetch_optional(&state.db)
        .await?;
    row.map(|row| read_text(state, id, &row)).transpose()
}
