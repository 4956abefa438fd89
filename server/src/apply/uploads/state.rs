//! Where resumable uploads keep their state and locks: in the database, so every
//! server instance sees the same offset and only one PATCH of an upload runs at
//! a time across all of them (tus-storage-opendal needs a single writer per
//! upload). The same code runs on SQLite and PostgreSQL.

use std::sync::Arc;
use std::time::Duration;

use crate::at_rest::data_key::DataKeys;

use sqlx::{AnyPool, Row};
use tus_protocol::async_trait::async_trait;
use tus_protocol::chrono::{DateTime, Utc};
use tus_protocol::state::WriteMode;
use tus_protocol::{Error, LockGuard, Locker, Result, StateStore, UploadState};

/// How long a lock is honoured without a sign of life from its holder. The
/// holder renews it every [`RENEW_EVERY`] while its PATCH streams, so a slow
/// chunk keeps its lock, and a process that died (SIGKILL, OOM) frees it within
/// these few seconds: the client's retry finds the upload free.
const LEASE_SECS: i64 = 6;
const RENEW_EVERY: Duration = Duration::from_secs(2);
/// How often a waiting request looks again (reads only: no write storm).
const POLL: Duration = Duration::from_millis(200);

fn db_error(error: impl std::fmt::Display) -> Error {
    Error::Internal(format!("upload state: {error}"))
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Upload states, sealed with the data key (their metadata holds file names).
#[derive(Clone, Debug)]
pub struct DbStateStore {
    db: AnyPool,
    keys: Arc<DataKeys>,
}

const COLUMN: crate::at_rest::column::Column = crate::at_rest::column::Column::UploadState;

impl DbStateStore {
    pub fn new(db: AnyPool, keys: Arc<DataKeys>) -> Self {
        Self { db, keys }
    }

    fn parse(&self, id: &str, stored: &str) -> Result<UploadState> {
        serde_json::from_str(&self.keys.open(COLUMN, id, stored).map_err(db_error)?).map_err(db_error)
    }
}

#[async_trait]
impl StateStore for DbStateStore {
    fn name(&self) -> &'static str {
        "database"
    }

    async fn set(&self, state: &UploadState, mode: WriteMode) -> Result<()> {
        let json =
            self.keys.seal(COLUMN, state.id(), &serde_json::to_string(state).map_err(db_error)?).map_err(db_error)?;
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
                self.parse(id, &text).map(Some)
            }
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &str) -> Result<()> {
        sqlx::query("DELETE FROM upload_states WHERE id = $1").bind(id).execute(&self.db).await.map_err(db_error)?;
        Ok(())
    }

    async fn list_expired(&self, before: DateTime<Utc>) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT id, state FROM upload_states WHERE expires_at IS NOT NULL AND expires_at < $1")
            .bind(rfc3339(before))
            .fetch_all(&self.db)
            .await
            .map_err(db_error)?;
        let mut expired = Vec::new();
        for row in rows {
            let id: String = row.try_get("id").map_err(db_error)?;
            let state = self.parse(&id, &row.try_get::<String, _>("state").map_err(db_error)?)?;
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

    /// Take the lock if it is free or its holder's lease has lapsed.
    async fn take(&self, upload_id: &str) -> Result<Option<LockGuard>> {
        let now = Utc::now();
        let held = sqlx::query("SELECT expires_at FROM upload_locks WHERE id = $1")
            .bind(upload_id)
            .fetch_optional(&self.db)
            .await
            .map_err(db_error)?;
        if let Some(row) = held {
            let expires: String = row.try_get("expires_at").map_err(db_error)?;
            if expires >= rfc3339(now) {
                return Ok(None);
            }
            sqlx::query("DELETE FROM upload_locks WHERE id = $1 AND expires_at < $2")
                .bind(upload_id)
                .bind(rfc3339(now))
                .execute(&self.db)
                .await
                .map_err(db_error)?;
        }
        let owner = crate::secret::random_hex(16).map_err(db_error)?;
        let taken = sqlx::query(
            "INSERT INTO upload_locks (id, owner, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        )
        .bind(upload_id)
        .bind(&owner)
        .bind(lease_end())
        .execute(&self.db)
        .await
        .map_err(db_error)?;
        if taken.rows_affected() == 0 {
            return Ok(None);
        }
        let renewal = tokio::spawn(renew(self.db.clone(), upload_id.to_owned(), owner.clone()));
        let (db, id) = (self.db.clone(), upload_id.to_owned());
        Ok(Some(LockGuard::with_release(upload_id, move || {
            renewal.abort();
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

    /// Whether someone holds the upload's lock right now (for answering HEAD without waiting).
    pub async fn is_held(&self, upload_id: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS held FROM upload_locks WHERE id = $1 AND expires_at >= $2")
            .bind(upload_id)
            .bind(rfc3339(Utc::now()))
            .fetch_optional(&self.db)
            .await
            .map_err(db_error)?;
        Ok(row.is_some())
    }
}

fn lease_end() -> String {
    rfc3339(Utc::now() + tus_protocol::chrono::Duration::seconds(LEASE_SECS))
}

/// Keep a lock's lease alive while its guard lives (the task is aborted on release).
async fn renew(db: AnyPool, id: String, owner: String) {
    loop {
        tokio::time::sleep(RENEW_EVERY).await;
        let renewed = sqlx::query("UPDATE upload_locks SET expires_at = $1 WHERE id = $2 AND owner = $3")
            .bind(lease_end())
            .bind(&id)
            .bind(&owner)
            .execute(&db)
            .await;
        match renewed {
            Ok(done) if done.rows_affected() == 1 => {}
            Ok(_) => {
                tracing::warn!("an upload lock's lease was lost while its request ran");
                return;
            }
            Err(error) => tracing::warn!(%error, "renewing an upload lock failed; trying again"),
        }
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
            tokio::time::sleep(POLL.min(deadline.saturating_duration_since(tokio::time::Instant::now()))).await;
        }
    }

    async fn try_lock(&self, upload_id: &str) -> Result<Option<LockGuard>> {
        self.take(upload_id).await
    }
}
