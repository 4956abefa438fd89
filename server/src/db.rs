//! The database: SQLite by default, PostgreSQL by URL; one set of migrations for both.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::AnyPool;

use crate::catalog::Catalog;

pub async fn connect(url: &str) -> anyhow::Result<AnyPool> {
    install_default_drivers();
    let pool = AnyPoolOptions::new().max_connections(8).connect(url).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
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

/// Today's date in China (UTC+8), where the service centres are: birth dates in
/// ID numbers may not be later than this.
pub fn today_in_china() -> (u16, u8, u8) {
    let today = china_date();
    (today.year as u16, today.month, today.day)
}

/// Today's date in China, for deadlines in working days.
pub fn china_date() -> domain::date::Date {
    domain::date::Date::from_days((unix_now() + 8 * 3600).div_euclid(86_400))
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// UTC time as RFC 3339 text, which sorts correctly on both databases.
pub fn now_rfc3339() -> String {
    domain::date::rfc3339(unix_now())
}

/// `secs` seconds from now, as RFC 3339 text.
pub fn rfc3339_in(secs: i64) -> String {
    domain::date::rfc3339(unix_now().saturating_add(secs))
}
