//! The database: SQLite by default, PostgreSQL by URL; one set of migrations for both.

use anyhow::bail;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use crate::catalog::Catalog;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// A pool on `url` whose schema this binary knows; with `migrate`, pending
/// migrations are applied first (the default for one machine; several
/// instances run `bianmin migrate` once at deploy time instead).
pub async fn connect_with(url: &str, migrate: bool) -> anyhow::Result<AnyPool> {
    install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|connection, _| {
            Box::pin(async move {
                if connection.backend_name() == "SQLite" {
                    use sqlx::Executor;
                    // WAL: readers never wait for the writer; a writer waits up to
                    // 10 s for another instead of failing with "database is locked";
                    // deleted personal data is overwritten, not left in free pages.
                    connection
                        .execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA secure_delete = ON;")
                        .await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await?;
    check_schema(&pool).await?;
    if migrate {
        MIGRATOR.run(&pool).await?;
    } else if pending(&pool).await? > 0 {
        bail!("数据库还有 {} 个迁移没有执行：请先运行 `bianmin migrate`", pending(&pool).await?);
    }
    Ok(pool)
}

/// A transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so it waits its turn at the start instead of failing
/// half-way when another writer got there first; PostgreSQL locks rows.
pub async fn begin_write(pool: &AnyPool) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    if is_sqlite(pool) { pool.begin_with("BEGIN IMMEDIATE").await } else { pool.begin().await }
}

fn is_sqlite(pool: &AnyPool) -> bool {
    pool.connect_options().database_url.scheme().starts_with("sqlite")
}

/// A pool with every migration applied.
pub async fn connect(url: &str) -> anyhow::Result<AnyPool> {
    connect_with(url, true).await
}

/// The newest schema version this binary knows.
pub fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Versions applied to the database (none before the first migration).
async fn applied(pool: &AnyPool) -> anyhow::Result<Vec<i64>> {
    match sqlx::query("SELECT version FROM _sqlx_migrations WHERE success = TRUE").fetch_all(pool).await {
        Ok(rows) => Ok(rows.iter().map(|r| r.try_get::<i64, _>("version")).collect::<Result<_, _>>()?),
        // A new database has no migrations table yet.
        Err(sqlx::Error::Database(_)) => Ok(Vec::new()),
        Err(error) => Err(error.into()),
    }
}

async fn pending(pool: &AnyPool) -> anyhow::Result<usize> {
    let done = applied(pool).await?;
    Ok(MIGRATOR.iter().filter(|m| !done.contains(&m.version)).count())
}

/// Refuse a database a newer binary has migrated: this one would not know its tables.
async fn check_schema(pool: &AnyPool) -> anyhow::Result<()> {
    let newest = applied(pool).await?.into_iter().max().unwrap_or(0);
    if newest > known_version() {
        bail!(
            "数据库的结构版本 {newest} 比本程序认识的 {} 新：请使用更新版本的 bianmin，不要用旧版本连接这个数据库",
            known_version()
        );
    }
    Ok(())
}

/// Delete what has served its time: idempotency records after a day (a retry
/// comes within minutes; the record also holds a receipt's query code), expired
/// drafts, lapsed upload locks and old attempt counters. Any instance may run it.
pub async fn housekeeping(pool: &AnyPool) -> sqlx::Result<()> {
    let now = now_rfc3339();
    use crate::settings::Retention;
    let records = rfc3339_in(-Retention::IDEMPOTENCY_SECS);
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(&records).execute(pool).await?;
    sqlx::query("DELETE FROM drafts WHERE expires_at <= $1").bind(&now).execute(pool).await?;
    sqlx::query("DELETE FROM upload_locks WHERE expires_at < $1").bind(&now).execute(pool).await?;
    let counters = rfc3339_in(-Retention::COUNTERS_SECS);
    sqlx::query("DELETE FROM attempt_counts WHERE window_start < $1").bind(&counters).execute(pool).await?;
    Ok(())
}

/// Remember which catalog version this installation serves (idempotent).
pub async fn record_catalog_version(pool: &AnyPool, catalog: &Catalog) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO catalog_versions (version, items, first_loaded_at) VALUES ($1, $2, $3) \
         ON CONFLICT (version) DO NOTHING",
    )
    .bind(&catalog.version)
    .bind(catalog.items.len() as i64)
    .bind(now_rfc3339())
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn ping(pool: &AnyPool) -> sqlx::Result<()> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

/// Today's date in China, for deadlines in working days.
pub fn china_date() -> domain::time::date::Date {
    domain::time::date::Date::from_days((unix_now() + 8 * 3600).div_euclid(86_400))
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

/// UTC time as RFC 3339 text, which sorts correctly on both databases.
pub fn now_rfc3339() -> String {
    domain::time::date::rfc3339(unix_now())
}

/// `secs` seconds from now, as RFC 3339 text.
pub fn rfc3339_in(secs: i64) -> String {
    domain::time::date::rfc3339(unix_now().saturating_add(secs))
}

/// The statuses for which `test` holds, as an SQL list (`'accepted', 'in_progress'`):
/// which statuses a query means is decided by `domain::case::Status`, never here.
pub fn statuses(test: impl Fn(domain::case::Status) -> bool) -> String {
    let quoted: Vec<String> =
        domain::case::Status::ALL.into_iter().filter(|s| test(*s)).map(|s| format!("'{}'", s.as_str())).collect();
    quoted.join(", ")
}
