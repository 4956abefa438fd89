//! What the staff list searches and filters by, kept beside each case: the
//! keyed hashes of the names and numbers on its application
//! (`domain::case::search::terms`), and the day its light turns yellow.
//! Written with the case and with every move; filled in at start for cases
//! stored before either existed.

use anyhow::Context;
use domain::apply::submission::Submission;
use domain::time::date::Date;
use sqlx::Row;

use crate::AppState;
use crate::at_rest::column::Column;
use crate::at_rest::lookup::Purpose;
use crate::error::ApiError;

/// Record the search terms of a new case (in the caller's transaction).
pub async fn record_terms(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    case_number: &str,
    application: &Submission,
) -> Result<(), ApiError> {
    let lookup = state.keys.lookup();
    for term in domain::case::search::terms(&application.form) {
        // Two instances filling in the same old case at once: the second insert is a no-op.
        sqlx::query("INSERT INTO case_terms (case_number, term_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(case_number)
            .bind(lookup.hash(Purpose::SearchTerm, &term))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The stored form of what a clerk typed, to match `case_terms.term_hash`.
pub fn term_hash(state: &AppState, term: &str) -> String {
    state.keys.lookup().hash(Purpose::SearchTerm, term)
}

/// The day the light of a case due on `due` turns yellow (`cases.close_on`).
pub fn close_on(state: &AppState, due: Option<Date>, promised_days: u16) -> Option<String> {
    due.map(|due| state.calendar.close_from(due, promised_days).to_string())
}

/// Fill in the terms and close dates of cases stored before they were kept.
/// Returns how many cases were filled in.
pub async fn backfill(state: &AppState) -> anyhow::Result<u64> {
    let mut filled = 0;
    let rows = sqlx::query(
        "SELECT c.case_number, c.application FROM cases c WHERE NOT EXISTS \
         (SELECT 1 FROM case_terms t WHERE t.case_number = c.case_number)",
    )
    .fetch_all(&state.db)
    .await?;
    for row in rows {
        let number: String = row.try_get("case_number")?;
        let sealed: String = row.try_get("application")?;
        let application: Submission =
            serde_json::from_str(&state.keys.open(Column::CaseApplication, &number, &sealed)?)
                .with_context(|| format!("case {number}'s application cannot be read"))?;
        let mut tx = crate::db::begin_write(&state.db).await?;
        record_terms(&mut tx, state, &number, &application).await?;
        tx.commit().await?;
        filled += 1;
    }
    let rows = sqlx::query(
        "SELECT case_number, due_on, promised_days FROM cases WHERE due_on IS NOT NULL AND close_on IS NULL",
    )
    .fetch_all(&state.db)
    .await?;
    for row in rows {
        let due = row.try_get::<String, _>("due_on")?;
        let promised = u16::try_from(row.try_get::<i64, _>("promised_days")?).unwrap_or(0);
        sqlx::query("UPDATE cases SET close_on = $1 WHERE case_number = $2 AND due_on = $3")
            .bind(close_on(state, Date::parse(&due), promised))
            .bind(row.try_get::<String, _>("case_number")?)
            .bind(&due)
            .execute(&state.db)
            .await?;
    }
    if filled > 0 {
        tracing::info!(cases = filled, "search terms kept for cases stored before them");
    }
    Ok(filled)
}
