//! Where resumable uploads keep their state and locks: in the database, so every
//! server instance sees the same offset and only one PATCH of an upload runs at
//! a time across all of them (tus-storage-opendal needs a single writer per
//! upload). The same code runs on SQLite and PostgreSQL.

use std::time::Duration;

use sqlx::{AnyPool, Row};
use tus_protocol::async_trait::async_trait;
use tus_protocol::chrono::{DateTime, Utc};
use tus_protocol::state::WriteMode;
use tus_protocol::{Error, LockGuard, Locker, Result, StateStore, UploadState};

/// How long a lock is honoured without being released: longer than the
/// slowest chunk on a weak signal (the app cuts a PATCH after five minutes),
/// short enough that an instance that died holding one frees it soon.
const LEASE_SECS: i64 = 6 * 60;

fn db_error(error: impl std::fmt::Display) -> Error {
    Error::Internal(format!("upload state: {error}"))
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[derive(Clone, Debug)]
pub struct DbStateStore {
    db: AnyPool,
}

impl DbStateStore {
    pub fn new(db: AnyPool) -> Self {
        Self { db }
    }
}

#[async_trait]
impl StateStore for DbStateStore {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn set(&self, state: &UploadState, mode: WriteMode) -> Result<()> {
        let json = serde_json::to_string(state).map_err(db_error)?;
        let expires = state.expires_at().map(|t| rfc3339(*t));
        let now = rfc3339(Utc::now());
        let sql = match mode {
            WriteMode::CreateNew => {
                "INSERT INTO upload_states (id, state, expires_at, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"
            }
            _ => {
                "INSERT INTO upload_states (id, state, expires_at, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at, updated_at = excluded.updated_at"
            }
        };
        let done = sqlx::query(sql)
            .bind(state.id())
            .bind(json)
            .bind(expires)
            .bind(now)
            .execute(&self.db)
            .await
            .map_err(db_error)?;
        if matches!(mode, WriteMode::CreateNew) && done.rows_affected() == 0 {
            return Err(Error::AlreadyExists(state.id().to_owned()));
        }
        Ok(())
    }

    async fn get(&self, id: &str) -> Result<Option<UploadState>> {
        let row = sqlx::query("SELECT state FROM upload_states WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_error)?;
        match row {
            Some(row) => {
                let text: String = row.try_get("state").map_err(db_error)?;
                serde_json::from_str(&text).map(Some).map_err(db_error)
            }
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM upload_states WHERE id = $1").bind(id).execute(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    async fn list_expired(&self, before: DateTime<Utc>) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT state FROM upload_states WHERE expires_at IS NOT NULL AND expires_at < $1")
            .bind(rfc3339(before))
            .fetch_all(&self.db)
            .await
            .map_err(db_error)?;
        let mut expired = Vec::new();
        for row in rows {
            let state: UploadState =
                serde_json::from_str(&row.try_get::<String, _>("state").map_err(db_error)?).map_err(db_error)?;
            // Finished uploads never expire, whatever their record says.
            if state.expires_before(before) {
                expired.push(state.id().to_owned());
            }
        }
        Ok(expired)
    }
}

/// Locks as rows: taken by inserting, released by deleting, stale after the lease.
#[derive(Clone, Debug)]
pub struct DbLocker {
    db: AnyPool,
}

impl DbLocker {
    pub fn new(db: AnyPool) -> Self {
        Self { db }
    }

    async fn take(&self, upload_id: &str) -> Result<Option<LockGuard>> {
        let now = Utc::now();
        sqlx::query("DELETE FROM upload_locks WHERE id = $1 AND expires_at < $2")
            .bind(upload_id)
            .bind(rfc3339(now))
            .execute(&self.db)
            .await
            .map_err(db_error)?;
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(db_error)?;
        let owner: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let taken = sqlx::query(
            "INSERT INTO upload_locks (id, owner, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(upload_id)
        .bind(&owner)
        .bind(rfc3339(now + tus_protocol::chrono::Duration::seconds(LEASE_SECS)))
        .execute(&self.db)
        .await
        .map_err(db_error)?;
        if taken.rows_affected() == 0 {
            return Ok(None);
        }
        let (db, id) = (self.db.clone(), upload_id.to_owned());
        Ok(Some(LockGuard::with_release(upload_id, move || {
            // The guard is dropped in synchronous code: release on the runtime.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let released = sqlx::query("DELETE FROM upload_locks WHERE id = $1 AND owner = $2")
                        .bind(&id)
                        .bind(&owner)
                        .execute(&db)
                        .await;
                    if let Err(error) = released {
                        tracing::warn!(%error, "an upload lock was not released; it lapses after its lease");
                    }
                });
            }
        })))
    }
}

#[async_trait]
impl Locker for DbLocker {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn lock(&self, upload_id: &str, timeout: Duration) -> Result<LockGuard> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(guard) = self.take(upload_id).await? {
                return Ok(guard);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::LockTimeout(upload_id.to_owned()));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn try_lock(&self, upload_id: &str) -> Result<Option<LockGuard>> {
        self.take(upload_id).await
    }
}
