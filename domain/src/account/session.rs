//! How long a session lasts: it ends after a while unused (idle) and, used or
//! not, a fixed time after sign-in (absolute) — a phone left signed in at a
//! village 代办点 does not stay signed in.

/// Seconds a session may stay unused, and seconds it may last at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    pub idle: i64,
    pub absolute: i64,
}

impl Default for Lifetimes {
    /// 30 minutes unused, 12 hours in all.
    fn default() -> Self {
        Self { idle: 30 * 60, absolute: 12 * 60 * 60 }
    }
}

impl Lifetimes {
    /// Whether a session made at `created` and last used at `last_seen` is
    /// still alive at `now` (Unix seconds).
    pub fn alive(self, created: i64, last_seen: i64, now: i64) -> bool {
        now - last_seen < self.idle && now - created < self.absolute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_when_unused_or_when_old() {
        let life = Lifetimes::default();
        assert!(life.alive(0, 0, 29 * 60));
        assert!(!life.alive(0, 0, 30 * 60), "idle");
        assert!(life.alive(0, 11 * 3600, 11 * 3600 + 60));
        assert!(!life.alive(0, 12 * 3600 - 1, 12 * 3600), "absolute, however busy");
    }
}
