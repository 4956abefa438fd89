//! Counting attempts in fixed windows, in memory: the status look-up allows a
//! person plenty and a guesser almost nothing. (Several instances each count
//! their own; a shared counter belongs with the multi-instance setup.)

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
