//! Which cases belong to which signed-in person (我的办件): the binding and
//! the list, keyed by the keyed hash of the provider's subject; and the cases
//! an agent applied for someone (代办), keyed by the principal's ID number.

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

/// The keyed hash of a principal's resident ID number.
fn principal(state: &AppState, id_number: &str) -> String {
    let normal = domain::apply::identity::normalise(id_number);
    state.keys.lookup().hash(Purpose::Principal, &normal)
}

/// The verified ID number a sign-in proves, if it proves one (level 2 up).
fn verified_id(identity: &Identity) -> Option<&str> {
    let verified = identity.assurance.level >= domain::account::session::REAL_NAME_LEVEL;
    identity.id_number.as_deref().filter(|_| verified)
}

/// The keyed hash the person's cases as a principal are kept under, when
/// the sign-in verified their ID number.
pub fn principal_hash(state: &AppState, identity: &Identity) -> Option<String> {
    verified_id(identity).map(|id| principal(state, id))
}

/// A case an agent applied for someone else: the principal sees it once
/// signed in with that verified ID number.
pub async fn bind_principal(state: &AppState, id_number: &str, case_number: &str) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO case_principals (case_number, principal_hash, bound_at) VALUES ($1, $2, $3)          ON CONFLICT (case_number) DO NOTHING",
    )
    .bind(case_number)
    .bind(principal(state, id_number))
    .bind(crate::db::unix_now())
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Whether the case is this person's: bound to them, or applied for them by an agent.
pub async fn owns(state: &AppState, identity: &Identity, case_number: &str) -> Result<bool, ApiError> {
    let row = sqlx::query("SELECT 1 AS one FROM case_owners WHERE subject_hash = $1 AND case_number = $2")
        .bind(subject(state, identity))
        .bind(case_number)
        .fetch_optional(&state.db)
        .await?;
    if row.is_some() {
        return Ok(true);
    }
    let Some(id_number) = verified_id(identity) else { return Ok(false) };
    let row = sqlx::query("SELECT 1 AS one FROM case_principals WHERE principal_hash = $1 AND case_number = $2")
        .bind(principal(state, id_number))
        .bind(case_number)
        .fetch_optional(&state.db)
        .await?;
    Ok(row.is_some())
}

/// The person's cases, newest binding first: bound to them, and applied for
/// them by an agent (when the sign-in verified their ID number).
pub async fn cases_of(state: &AppState, identity: &Identity) -> Result<Vec<String>, ApiError> {
    let principal_hash = verified_id(identity).map(|id| principal(state, id)).unwrap_or_default();
    let rows = sqlx::query(
        "SELECT case_number, bound_at FROM case_owners WHERE subject_hash = $1          UNION SELECT case_number, bound_at FROM case_principals WHERE principal_hash = $2          ORDER BY bound_at DESC, case_number",
    )
    .bind(subject(state, identity))
    .bind(principal_hash)
    .fetch_all(&state.db)
    .await?;
    let mut out: Vec<String> = Vec::new();
    for row in &rows {
        let number: String = row.try_get("case_number")?;
        if !out.contains(&number) {
            out.push(number);
        }
    }
    Ok(out)
}
