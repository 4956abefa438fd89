//! Staff API tokens: made for a department and labelled with the person or
//! system that holds them, kept only as SHA-256, with an expiry, the time of
//! last use and revocation. `bianmin staff add-token | list-tokens |
//! revoke-token | rotate-token` call these.

use sqlx::{AnyPool, Row};

use crate::db::{now_rfc3339, rfc3339_in};
use crate::secret;

/// One token as `bianmin staff list-tokens` shows it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenInfo {
    pub id: String,
    pub department: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A made token: shown once, with its public id.
pub struct NewToken {
    pub id: String,
    pub token: String,
}

/// Who a valid token belongs to.
#[derive(Debug, Clone)]
pub struct Holder {
    pub id: String,
    pub department: String,
    pub label: String,
}

/// Why a token was refused (each answered in its own words).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Revoked,
    Expired,
}

pub fn hash(token: &str) -> String {
    secret::sha256_hex(token.trim().as_bytes())
}

/// Make a token for a department, valid for `days` (0: no expiry).
pub async fn add(db: &AnyPool, department: &str, label: &str, days: u32) -> anyhow::Result<NewToken> {
    // 32 characters from the unambiguous alphabet: about 157 bits.
    let token = secret::random_reference(32)?.replace('-', "");
    let id = secret::random_hex(6)?;
    let expires = (days > 0).then(|| rfc3339_in(i64::from(days) * 86_400));
    sqlx::query(
        "INSERT INTO staff_tokens (token_hash, department, label, created_at, id, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(hash(&token))
    .bind(department)
    .bind(label)
    .bind(now_rfc3339())
    .bind(&id)
    .bind(expires)
    .execute(db)
    .await?;
    Ok(NewToken { id, token })
}

/// Every token, newest first.
pub async fn list(db: &AnyPool) -> anyhow::Result<Vec<TokenInfo>> {
    Ok(sqlx::query_as(
        "SELECT id, department, label, created_at, expires_at, last_used_at, revoked_at FROM staff_tokens \
         ORDER BY created_at DESC",
    )
    .fetch_all(db)
    .await?)
}

/// Revoke a token by its id; false when there is no such live token.
pub async fn revoke(db: &AnyPool, id: &str) -> anyhow::Result<bool> {
    let done = sqlx::query("UPDATE staff_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_rfc3339())
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Replace a token: the old one is revoked, a new one for the same department
/// and label, valid for `days`, is made. `None` when there is no such live token.
pub async fn rotate(db: &AnyPool, id: &str, days: u32) -> anyhow::Result<Option<NewToken>> {
    let row = sqlx::query("SELECT department, label FROM staff_tokens WHERE id = $1 AND revoked_at IS NULL")
        .bind(id)
        .fetch_optional(db)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let (department, label): (String, String) = (row.try_get("department")?, row.try_get("label")?);
    let made = add(db, &department, &label, days).await?;
    revoke(db, id).await?;
    Ok(Some(made))
}

/// The holder of a presented token, recording its use (at most once a minute).
pub async fn authenticate(db: &AnyPool, token: &str) -> Result<Result<Holder, Refusal>, sqlx::Error> {
    let token_hash = hash(token);
    let row =
        sqlx::query("SELECT id, department, label, expires_at, revoked_at FROM staff_tokens WHERE token_hash = $1")
            .bind(&token_hash)
            .fetch_optional(db)
            .await?;
    let Some(row) = row else { return Ok(Err(Refusal::Unknown)) };
    if row.try_get::<Option<String>, _>("revoked_at")?.is_some() {
        return Ok(Err(Refusal::Revoked));
    }
    let now = now_rfc3339();
    if row.try_get::<Option<String>, _>("expires_at")?.is_some_and(|expires| expires <= now) {
        return Ok(Err(Refusal::Expired));
    }
    sqlx::query(
        "UPDATE staff_tokens SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(&now)
    .bind(&token_hash)
    .bind(rfc3339_in(-60))
    .execute(db)
    .await?;
    Ok(Ok(Holder { id: row.try_get("id")?, department: row.try_get("department")?, label: row.try_get("label")? }))
}
