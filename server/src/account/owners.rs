//! Which cases belong to which signed-in person (我的办件): the binding and
//! the list, keyed by the keyed hash of the provider's subject; and the cases
//! an agent applied for someone (代办), keyed by the principal's ID number;
//! and the WeChat accounts told of a case's progress.

use domain::account::identity::Identity;
use domain::apply::form::Applicant;
use domain::apply::submission::Submission;
use sqlx::Row;

use crate::AppState;
use crate::at_rest::column::Column;
use crate::at_rest::lookup::Purpose;
use crate::error::ApiError;

/// The person as stored: the keyed hash of the provider-scoped subject.
pub fn subject(state: &AppState, identity: &Identity) -> String {
    state.keys.lookup().hash(Purpose::Subject, &identity.key())
}

/// A new case made while signed in is the person's: in 我的办件 on every
/// device. Made by a signed-in agent for someone (代办), it is also the
/// principal's, who sees it once signed in with their verified ID number.
/// Written in the case's own transaction, before its first notice.
pub async fn bind_new(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    identity: &Identity,
    application: &Submission,
    case_number: &str,
) -> Result<(), ApiError> {
    bind(tx, state, identity, case_number).await?;
    if let (Some(_), Applicant::Person(principal)) = (&application.form.agent, &application.form.applicant) {
        bind_principal(tx, state, &principal.id_number, case_number).await?;
    }
    Ok(())
}

/// Bind a case to a person (again: nothing changes). A WeChat account's
/// openid is kept too, sealed, when the centre sends WeChat notices: the
/// case's progress then goes to that WeChat.
pub async fn bind(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    identity: &Identity,
    case_number: &str,
) -> Result<(), ApiError> {
    let person = subject(state, identity);
    let now = crate::db::unix_now();
    sqlx::query(
        "INSERT INTO case_owners (subject_hash, case_number, bound_at) VALUES ($1, $2, $3) \
         ON CONFLICT (subject_hash, case_number) DO NOTHING",
    )
    .bind(&person)
    .bind(case_number)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if let (Some(openid), Some(_)) = (identity.wechat_openid(), &state.wechat) {
        let id = format!("{case_number}:{person}");
        sqlx::query(
            "INSERT INTO case_wechat (id, case_number, subject_hash, openid, bound_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(&id)
        .bind(case_number)
        .bind(&person)
        .bind(state.keys.seal(Column::WechatOpenid, &id, openid)?)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The WeChat accounts (openids) told of a case: bound to it, or to the joint case it is part of.
pub async fn wechat_of(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    case_number: &str,
) -> Result<Vec<String>, ApiError> {
    let rows = sqlx::query(
        "SELECT id, openid FROM case_wechat WHERE case_number = $1 \
         OR case_number = (SELECT joint_number FROM cases WHERE case_number = $1) ORDER BY bound_at, id",
    )
    .bind(case_number)
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vec::new();
    for row in &rows {
        let id: String = row.try_get("id")?;
        out.push(state.keys.open(Column::WechatOpenid, &id, &row.try_get::<String, _>("openid")?)?);
    }
    Ok(out)
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
async fn bind_principal(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    state: &AppState,
    id_number: &str,
    case_number: &str,
) -> Result<(), ApiError> {
    sqlx::query(
        "INSERT INTO case_principals (case_number, principal_hash, bound_at) VALUES ($1, $2, $3) \
         ON CONFLICT (case_number) DO NOTHING",
    )
    .bind(case_number)
    .bind(principal(state, id_number))
    .bind(crate::db::unix_now())
    .execute(&mut **tx)
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
        "SELECT case_number, bound_at FROM case_owners WHERE subject_hash = $1 \
         UNION SELECT case_number, bound_at FROM case_principals WHERE principal_hash = $2 \
         ORDER BY bound_at DESC, case_number",
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
