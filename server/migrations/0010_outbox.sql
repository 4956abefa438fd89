-- The transactional outbox: each notification is written in the same
-- transaction as the case event that causes it, and delivered by a worker
-- afterwards; a crash between the two loses nothing. `id` is the event id the
-- receiver de-duplicates by. A worker claims a row by setting its lease in one
-- conditional update, so with several instances exactly one delivers it.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    lease_until TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_at);

-- Every delivery attempt and how it went.
CREATE TABLE outbox_attempts (
    outbox_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (outbox_id, attempt)
);
