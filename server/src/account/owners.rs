//! Which cases belong to which signed-in person (我的办件): the binding and
//! the list, keyed by the keyed hash of the provider's subject.

use domain::account::identity::Identity;
use sqlx::Row;

use crate::AppState;
use crate::at_rest::lookup::Purpose;
use crate::error::ApiError;

/// The person as stored: the keyed hash of the provider-scoped subject.
pub fn subject(state: &AppState, identity: &Identity) -> String {
    state.keys.lookup().hash(Purpose::Subject, &identity.key())
}

/// Bind a case to a person (again: nothing changes).
pub async fn bind(state: &AppState, identity: &Identity, case_number: &str) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO case_owners (subject_hash, case_number, bound_at) VALUES ($1, $2, $3) \
         ON CONFLICT (subject_hash, case_number) DO NOTHING",
    )
    .bind(subject(state, identity))
    .bind(case_number)
    .bind(crate::db::unix_now())
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Whether the case is bound to this person.
pub async fn owns(state: &AppState, identity: &Identity, case_number: &str) -> Result<bool, ApiError> {
    let row = sqlx::query("SELECT 1 AS one FROM case_owners WHERE subject_hash = $1 AND case_number = $2")
        .bind(subject(state, identity))
        .bind(case_number)
        .fetch_optional(&state.db)
        .await?;
    Ok(row.is_some())
}

/// The person's cases, newest binding first.
pub async fn cases_of(state: &AppState, identity: &Identity) -> Result<Vec<String>, ApiError> {
    let rows =
        sqlx::query("SELECT case_number FROM case_owners WHERE subject_hash = $1 ORDER BY bound_at DESC, case_number")
            .bind(subject(state, identity))
            .fetch_all(&state.db)
            .await?;
    rows.iter().map(|r| Ok(r.try_get("case_number")?)).collect()
}
