//! Sessions done right: the cookie holds a random value the database keeps
//! only as a keyed hash; the identity is sealed to its row; the CSRF token is
//! a keyed hash of the cookie (never stored, never in a URL); a session ends
//! when unused for a while and, used or not, some hours after sign-in; one
//! person can end all their sessions at once.

use domain::account::identity::Identity;
use domain::account::session::Lifetimes;
use sqlx::Row;

use crate::AppState;
use crate::at_rest::column::Column;
use crate::at_rest::lookup::Purpose;
use crate::error::ApiError;

/// The cookie's name: `__Host-` makes browsers refuse it without Secure, with
/// a Domain or on another path.
pub const COOKIE: &str = "__Host-bianmin-session";

/// The header a change made with the cookie carries the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in session, as a request finds it.
#[derive(Clone, Debug)]
pub struct Session {
    id_hash: String,
    pub identity: Identity,
    /// The token changes made with this session must carry.
    pub csrf: String,
}

/// What a new session gives the browser: the cookie's value and the CSRF token.
#[derive(Debug)]
pub struct NewSession {
    pub cookie: String,
    pub csrf: String,
}

fn csrf_of(state: &AppState, cookie: &str) -> String {
    state.keys.lookup().hash(Purpose::SessionCsrf, cookie)
}

/// The `Set-Cookie` value for `cookie` (empty and expired, to sign out).
pub fn set_cookie(cookie: Option<&str>) -> String {
    match cookie {
        Some(value) => format!("{COOKIE}={value}; Path=/; HttpOnly; Secure; SameSite=Lax"),
        None => format!("{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0"),
    }
}

/// The session cookie's value in a `Cookie` header, if there is one.
pub fn cookie_value(header: &str) -> Option<&str> {
    header
        .split(';')
        .map(str::trim)
        .find_map(|pair| pair.strip_prefix(COOKIE)?.strip_prefix('='))
        .filter(|v| !v.is_empty())
}

/// Sign `identity` in: a new session, its cookie and CSRF token.
pub async fn create(state: &AppState, identity: &Identity) -> Result<NewSession, ApiError> {
    let cookie = crate::secret::random_hex(32)?;
    let lookup = state.keys.lookup();
    let id_hash = lookup.hash(Purpose::Session, &cookie);
    let now = crate::db::unix_now();
    let sealed = state.keys.seal(Column::SessionIdentity, &id_hash, &serde_json::to_string(identity)?)?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, subject_hash, identity, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id_hash)
    .bind(lookup.hash(Purpose::Subject, &identity.key()))
    .bind(sealed)
    .bind(now)
    .bind(now)
    .execute(&state.db)
    .await?;
    let csrf = csrf_of(state, &cookie);
    Ok(NewSession { cookie, csrf })
}

/// The live session a cookie names at `now`; a dead one is deleted. Use
/// moves the idle clock on (at most once a minute, to spare the database).
pub async fn open(state: &AppState, cookie: &str, now: i64, life: Lifetimes) -> Result<Option<Session>, ApiError> {
    let id_hash = state.keys.lookup().hash(Purpose::Session, cookie);
    let Some(row) = sqlx::query("SELECT identity, created_at, last_seen_at FROM sessions WHERE id_hash = $1")
        .bind(&id_hash)
        .fetch_optional(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let (created, last_seen): (i64, i64) = (row.try_get("created_at")?, row.try_get("last_seen_at")?);
    if !life.alive(created, last_seen, now) {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(&id_hash).execute(&state.db).await?;
        return Ok(None);
    }
    if now - last_seen >= 60 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(&id_hash)
            .execute(&state.db)
            .await?;
    }
    let identity = state.keys.open(Column::SessionIdentity, &id_hash, &row.try_get::<String, _>("identity")?)?;
    let identity: Identity = serde_json::from_str(&identity)?;
    Ok(Some(Session { id_hash, identity, csrf: csrf_of(state, cookie) }))
}

impl Session {
    /// Whether a change may be made: the token it carries is this session's.
    pub fn allows(&self, token: Option<&str>) -> bool {
        token.is_some_and(|t| crate::secret::same(t.as_bytes(), self.csrf.as_bytes()))
    }

    /// Sign out here.
    pub async fn end(&self, state: &AppState) -> Result<(), ApiError> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(&self.id_hash).execute(&state.db).await?;
        Ok(())
    }

    /// Sign out on every device: how many sessions ended.
    pub async fn end_everywhere(&self, state: &AppState) -> Result<u64, ApiError> {
        let subject = state.keys.lookup().hash(Purpose::Subject, &self.identity.key());
        let done = sqlx::query("DELETE FROM sessions WHERE subject_hash = $1").bind(subject).execute(&state.db).await?;
        Ok(done.rows_affected())
    }
}

/// Delete sessions past their absolute lifetime (housekeeping).
pub async fn sweep(state: &AppState, now: i64, life: Lifetimes) -> Result<u64, ApiError> {
    let done = sqlx::query("DELETE FROM sessions WHERE created_at <= $1 OR last_seen_at <= $2")
        .bind(now - life.absolute)
        .bind(now - life.idle)
        .execute(&state.db)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_found_among_others_and_set_safely() {
        assert_eq!(cookie_value("a=1; __Host-bianmin-session=abc; b=2"), Some("abc"));
        assert_eq!(cookie_value("__Host-bianmin-session="), None);
        assert_eq!(cookie_value("x__Host-bianmin-session=abc"), None);
        let set = set_cookie(Some("abc"));
        for part in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
            assert!(set.contains(part), "{part}");
        }
        assert!(set_cookie(None).contains("Max-Age=0"));
    }
}
