//! Counting attempts in fixed windows: the status look-up allows a person
//! plenty and a guesser almost nothing.
//!
//! Two kinds: [`Limiter`] counts in this process's memory (requests per
//! address: with several instances each counts its own, so the limit per
//! address is per instance — acceptable for a flood guard), and
//! [`shared_add`]/[`shared_count`] count in the database, which every instance
//! sees (wrong query codes per case: the guard against guessing).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::unix_now;

#[derive(Default)]
pub struct Limiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Limiter {
    /// Attempts of `key` in its current window (0 once the window has passed).
    pub fn count(&self, key: &str, window: Duration) -> u32 {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.get(key).filter(|(start, _)| start.elapsed() < window).map_or(0, |(_, n)| *n)
    }

    /// Count one attempt of `key`; returns the count in the window, this one included.
    pub fn add(&self, key: &str, window: Duration) -> u32 {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| start.elapsed() < window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= window {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
        entry.1
    }
}

/// Attempts of `key` in its current window, as every instance sees them.
pub async fn shared_count(db: &sqlx::AnyPool, key: &str, window: Duration) -> sqlx::Result<i64> {
    use sqlx::Row;
    let since = domain::time::date::rfc3339(unix_now() - window.as_secs() as i64);
    let row = sqlx::query("SELECT count FROM attempt_counts WHERE key = $1 AND window_start >= $2")
        .bind(key)
        .bind(since)
        .fetch_optional(db)
        .await?;
    row.map_or(Ok(0), |r| r.try_get("count"))
}

/// Count one attempt of `key` in the database (a new window once the old one
/// passed) and return the count with it, in one statement: concurrent attempts
/// each see their own number, so none slips past a limit.
pub async fn shared_add(db: &sqlx::AnyPool, key: &str, window: Duration) -> sqlx::Result<i64> {
    use sqlx::Row;
    let now = unix_now();
    let row = sqlx::query(
        "INSERT INTO attempt_counts (key, window_start, count) VALUES ($1, $2, 1) ON CONFLICT (key) DO UPDATE SET \
         count = CASE WHEN attempt_counts.window_start < $3 THEN 1 ELSE attempt_counts.count + 1 END, \
         window_start = CASE WHEN attempt_counts.window_start < $3 THEN $2 ELSE attempt_counts.window_start END \
         RETURNING count",
    )
    .bind(key)
    .bind(domain::time::date::rfc3339(now))
    .bind(domain::time::date::rfc3339(now - window.as_secs() as i64))
    .fetch_one(db)
    .await?;
    row.try_get("count")
}

/// Take back an attempt counted by [`shared_add`] (it turned out to be the right code).
pub async fn shared_take_back(db: &sqlx::AnyPool, key: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE attempt_counts SET count = count - 1 WHERE key = $1 AND count > 0")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_within_the_window_and_starts_again_after_it() {
        let limiter = Limiter::default();
        let window = Duration::from_millis(50);
        assert_eq!(limiter.add("a", window), 1);
        assert_eq!(limiter.add("a", window), 2);
        assert_eq!(limiter.count("b", window), 0);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(limiter.count("a", window), 0);
        assert_eq!(limiter.add("a", window), 1);
    }
}
