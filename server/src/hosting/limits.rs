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

/// How often ended windows are swept out (each keeps its own length).
const SWEEP_EVERY: Duration = Duration::from_secs(10);
/// Keys held at most: memory stays bounded however many addresses a flood uses.
const CAP: usize = 200_000;

pub struct Limiter {
    inner: Mutex<Windows>,
    sweep_every: Duration,
    cap: usize,
}

struct Windows {
    map: HashMap<String, Window>,
    swept: Instant,
}

/// One key's window: when it ends, and the attempts in it.
struct Window {
    ends: Instant,
    count: u64,
}

impl Default for Limiter {
    fn default() -> Self {
        Self::with(SWEEP_EVERY, CAP)
    }
}

impl Limiter {
    fn with(sweep_every: Duration, cap: usize) -> Self {
        let windows = Windows { map: HashMap::new(), swept: Instant::now() };
        Self { inner: Mutex::new(windows), sweep_every, cap }
    }

    /// Attempts of `key` in its current window (0 once the window has passed).
    pub fn count(&self, key: &str) -> u32 {
        let windows = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        windows.map.get(key).filter(|w| w.ends > now).map_or(0, |w| u32::try_from(w.count).unwrap_or(u32::MAX))
    }

    /// Count one attempt of `key`; returns the count in the window, this one included.
    ///
    /// Ended windows are swept a few times a minute, not on every call (a sweep
    /// reads every key). When the keys reach the cap, a key not yet held is
    /// counted with every other newcomer of its kind (`upload:*`): a flood from
    /// many addresses is limited as one, and those already counted keep theirs.
    pub fn add(&self, key: &str, window: Duration) -> u32 {
        u32::try_from(self.add_n(key, 1, window)).unwrap_or(u32::MAX)
    }

    /// Count `n` of `key` (bytes, say) at once; the total in the window, these included.
    pub fn add_n(&self, key: &str, n: u64, window: Duration) -> u64 {
        let mut windows = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if now.duration_since(windows.swept) >= self.sweep_every {
            windows.map.retain(|_, w| w.ends > now);
            windows.swept = now;
        }
        let key = if windows.map.len() >= self.cap && !windows.map.contains_key(key) {
            format!("{}:*", key.split(':').next().unwrap_or_default())
        } else {
            key.to_owned()
        };
        let entry = windows.map.entry(key).or_insert(Window { ends: now + window, count: 0 });
        if entry.ends <= now {
            *entry = Window { ends: now + window, count: 0 };
        }
        entry.count = entry.count.saturating_add(n);
        entry.count
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
        assert_eq!(limiter.count("b"), 0);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(limiter.count("a"), 0);
        assert_eq!(limiter.add("a", window), 1);
    }

    #[test]
    fn a_sweep_keeps_each_window_for_its_own_length() {
        let limiter = Limiter::with(Duration::ZERO, 100);
        assert_eq!(limiter.add("submit:1", Duration::from_secs(3600)), 1);
        assert_eq!(limiter.add("upload:1", Duration::from_millis(20)), 1);
        std::thread::sleep(Duration::from_millis(30));
        // A short window's caller sweeps: the hour's count survives.
        assert_eq!(limiter.add("upload:2", Duration::from_millis(20)), 1);
        assert_eq!(limiter.add("submit:1", Duration::from_secs(3600)), 2);
        assert_eq!(limiter.inner.lock().unwrap().map.len(), 2, "the ended window went");
    }

    #[test]
    fn past_the_cap_newcomers_share_one_count_and_known_keys_keep_theirs() {
        let limiter = Limiter::with(Duration::from_secs(3600), 3);
        let minute = Duration::from_secs(60);
        for address in ["a", "b", "c"] {
            assert_eq!(limiter.add(&format!("upload:{address}"), minute), 1);
        }
        assert_eq!(limiter.add("upload:d", minute), 1);
        assert_eq!(limiter.add("upload:e", minute), 2, "d and e are counted together");
        assert_eq!(limiter.add("upload:a", minute), 2, "a keeps its own");
        assert_eq!(limiter.inner.lock().unwrap().map.len(), 4);
    }
}
