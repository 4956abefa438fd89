-- State every instance must share: resumable uploads' state and locks, and the
-- counters of wrong query codes per case (the status look-up's guard).
CREATE TABLE upload_states (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    expires_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX upload_states_expires_at ON upload_states (expires_at);

CREATE TABLE upload_locks (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE attempt_counts (
    key TEXT PRIMARY KEY,
    window_start TEXT NOT NULL,
    count BIGINT NOT NULL
);
