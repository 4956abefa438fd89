-- Signed-in sessions, referenced by an HttpOnly cookie. The cookie's value and
-- the provider's subject are kept only as keyed hashes (the CSRF token is
-- derived from the cookie, never stored); the identity is sealed. A copy of
-- the database opens no session.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    subject_hash TEXT NOT NULL,
    identity TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (subject_hash);
