//! The consents a signed-in person gave or withdrew, per purpose, by the
//! keyed hash of their subject.

use domain::account::consent::{Consent, Purpose};
use domain::account::identity::Identity;
use sqlx::Row;

use crate::AppState;
use crate::account::owners::subject;
use crate::error::ApiError;

/// Give or withdraw one purpose, now.
pub async fn set(state: &AppState, identity: &Identity, purpose: Purpose, given: bool) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO consents (subject_hash, purpose, given, changed_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (subject_hash, purpose) DO UPDATE SET given = excluded.given, changed_at = excluded.changed_at",
    )
    .bind(subject(state, identity))
    .bind(purpose.as_str())
    .bind(i64::from(given))
    .bind(crate::db::now_rfc3339())
    .execute(&state.db)
    .await?;
    Ok(())
}

/// Every purpose as it stands for the person (never asked: not given).
pub async fn of(state: &AppState, identity: &Identity) -> Result<Vec<Consent>, ApiError> {
    let rows = sqlx::query("SELECT purpose, given, changed_at FROM consents WHERE subject_hash = $1")
        .bind(subject(state, identity))
        .fetch_all(&state.db)
        .await?;
    let mut out: Vec<Consent> =
        Purpose::ALL.into_iter().map(|purpose| Consent { purpose, given: false, changed_at: None }).collect();
    for row in rows {
        let Some(purpose) = Purpose::parse(row.try_get("purpose")?) else { continue };
        if let Some(consent) = out.iter_mut().find(|c| c.purpose == purpose) {
            consent.given = row.try_get::<i64, _>("given")? == 1;
            consent.changed_at = Some(row.try_get("changed_at")?);
        }
    }
    Ok(out)
}

/// The purposes the person has agreed to.
pub async fn given(state: &AppState, identity: &Identity) -> Result<Vec<Purpose>, ApiError> {
    Ok(of(state, identity).await?.into_iter().filter(|c| c.given).map(|c| c.purpose).collect())
}
