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
    let (y, m, d) = civil_from_days((unix_now() + 8 * 3600).div_euclid(86_400));
    (y as u16, m as u8, d as u8)
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// UTC time as RFC 3339 text, which sorts correctly on both databases.
pub fn now_rfc3339() -> String {
    rfc3339(unix_now())
}

/// `secs` seconds from now, as RFC 3339 text.
pub fn rfc3339_in(secs: i64) -> String {
    rfc3339(unix_now().saturating_add(secs))
}

fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn converts_days_to_dates() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_689), (2026, 8, 24));
        assert_eq!(super::civil_from_days(11_016), (2000, 2, 29));
    }
}
